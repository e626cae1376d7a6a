/**
 * `require-span-end`, `strict` (`checkSyncCalls`, issue #11 point 10): a span ended only in the
 * handlers of one promise chain — `.then(ok, err)`, `.then(ok).catch(err)`, `.finally(..)` —
 * attached in its own function (or in a `context.with` / `startActiveSpan` callback there, which
 * runs at once). The handlers run only once they are attached and only if they get to their
 * `end()`:
 *
 * - a synchronous call between the span's start and the attachment that throws (the wrapped
 *   function, `original.apply(this, args)`, throwing instead of rejecting) leaves the span open
 *   (contrib's dataloader before 708fd617, kafkajs' transaction before e4d23bef);
 * - a call inside the last handler that must end the span, before its `end()`, that throws
 *   (`Object.prototype.hasOwnProperty.call(reason, ..)` on a `null` reason: kafkajs before 4f91a0f3).
 *
 * A throw in a fulfilment handler that a later rejection or settlement handler of the chain ends
 * the span for is not counted. Fulfil-only chains are `recommended`'s (fulfil-only.ts).
 */
import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { contains, getCallOfArgument, getEnclosingFunction, getMethodName, getMethodReceiver, unwrapTypeScriptExpression } from '../../analysis/ast.js';
import type { FunctionNode } from '../../analysis/ast.js';
import { API, getSpanStartKind } from '../../analysis/otel-api.js';
import type { OtelApi } from '../../analysis/otel-api.js';
import { findUnprotectedThrowingNodes } from './pairing.js';
import type { ThrowingNode } from './pairing.js';

interface Handler {
  fn: FunctionNode;
  /** The `.then` / `.catch` / `.finally` call attaching it. */
  call: TSESTree.CallExpression;
  /** It runs when the promise before it rejects (`.then(_, f)`, `.catch(f)`, `.finally(f)`). */
  onReject: boolean;
}

function handlerOf(release: TSESTree.Node): Handler | undefined {
  const fn = getEnclosingFunction(release);
  const site = fn && getCallOfArgument(fn);
  if (!fn || site?.call.type !== AST_NODE_TYPES.CallExpression) return undefined;
  const method = getMethodName(site.call);
  if (method === 'then' && site.index <= 1) return { fn, call: site.call, onReject: site.index === 1 };
  if ((method === 'catch' || method === 'finally') && site.index === 0) return { fn, call: site.call, onReject: true };
  return undefined;
}

/** The head of a chain: the innermost receiver under `.then` / `.catch` / `.finally` calls. */
function chainHead(call: TSESTree.CallExpression): TSESTree.Node {
  let node: TSESTree.Node = call;
  for (;;) {
    const current = unwrapTypeScriptExpression(node);
    if (current.type !== AST_NODE_TYPES.CallExpression) return current;
    const method = getMethodName(current);
    if (method !== 'then' && method !== 'catch' && method !== 'finally') return current;
    const receiver = getMethodReceiver(current);
    if (!receiver) return current;
    node = receiver;
  }
}

/**
 * The first call that may throw and leave the span open, or undefined: before the handlers are
 * attached, or in the handler that must end the span before its `end()`.
 */
export function findSettledChainThrow(
  owner: FunctionNode | TSESTree.Program,
  from: TSESTree.Node,
  releases: readonly TSESTree.Node[],
  isSafe: (node: ThrowingNode) => boolean,
  runsAtOnce: (fn: FunctionNode) => boolean,
): ThrowingNode | undefined {
  const handlers: Handler[] = [];
  let head: TSESTree.Node | undefined;
  for (const release of releases) {
    const handler = handlerOf(release);
    if (!handler) return undefined;
    const start = chainHead(handler.call);
    if (head && head !== start) return undefined;
    head = start;
    handlers.push(handler);
  }
  if (!head || !handlers.some((h) => h.onReject)) return undefined;
  // attached in the span's function, or in a callback that runs at once there
  for (let fn = getEnclosingFunction(head); fn !== (owner.type === AST_NODE_TYPES.Program ? undefined : owner); fn = fn && getEnclosingFunction(fn)) {
    if (!fn || !runsAtOnce(fn)) return undefined;
  }
  const before = findUnprotectedThrowingNodes(owner, from, handlers.map((h) => h.fn), isSafe, runsAtOnce).filter(
    (node) => node.range[1] <= firstHandlerStart(handlers) && !inTryWithCatch(node, owner),
  );
  if (before[0]) return before[0];
  // inside a handler: a throw that no later handler of the chain ends the span for
  for (const handler of handlers) {
    const caughtLater = handlers.some((other) => other !== handler && other.onReject && contains(other.call, handler.call) && other.call !== handler.call);
    if (caughtLater) continue;
    const ends = releases.filter((release) => getEnclosingFunction(release) === handler.fn);
    const start = { range: [handler.fn.body.range[0], handler.fn.body.range[0]] } as TSESTree.Node;
    const inside = findUnprotectedThrowingNodes(handler.fn, start, ends, isSafe, runsAtOnce).filter((node) => node.type !== AST_NODE_TYPES.AwaitExpression && node.type !== AST_NODE_TYPES.YieldExpression);
    if (inside[0]) return inside[0];
  }
  return undefined;
}

/** A call in a `try` block with a `catch` (`try { p = original.apply(..) } catch (e) { p = Promise.reject(e) }`): the throw is handled there. */
function inTryWithCatch(node: TSESTree.Node, owner: FunctionNode | TSESTree.Program): boolean {
  for (let current = node.parent; current && current !== owner; current = current.parent) {
    if (current.type === AST_NODE_TYPES.TryStatement && current.handler && contains(current.block, node)) return true;
  }
  return false;
}

function firstHandlerStart(handlers: readonly Handler[]): number {
  return Math.min(...handlers.map((h) => h.fn.range[0]));
}

/** A callback that runs before the call running it returns: `context.with(ctx, fn)`, `startActiveSpan(.., fn)` (not async). */
export function createRunsAtOnce(api: OtelApi): (fn: FunctionNode) => boolean {
  return (fn) => {
    if (fn.async || fn.generator) return false;
    const site = getCallOfArgument(fn);
    if (site?.call.type !== AST_NODE_TYPES.CallExpression) return false;
    return (api.calleePath(site.call) === API('context.with') && site.index === 1) || (getSpanStartKind(site.call) === 'startActiveSpan' && site.call.arguments.at(-1) === fn);
  };
}
