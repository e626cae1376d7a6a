/**
 * `require-span-end`: an `end()` inside a callback ends the span only on the paths where that
 * callback is sure to run. Two `recommended` shapes where it is not (issue #11, FAMILIES.md
 * "span-end: a span whose only end() is inside a callback"):
 *
 * - **A continuation proxy.** Every `end()` of the span is in a function that replaces a middleware
 *   continuation (`next`) handed to the caller's code — a `new Proxy(next, { apply })` or a
 *   function calling `next`, put where the caller's middleware takes its `next`
 *   (`args.next = proxy`, `middleware(req, res, proxy)`). A middleware that throws, rejects or
 *   answers without calling `next` never ends the span (Sentry's tanstack middleware before
 *   b1752a8d). An error-first completion callback handed to a library is not a continuation: the
 *   library calls it on errors too.
 *
 * - **A listener on a resource the caller holds.** A function ends the span itself on some paths
 *   (not in a `catch`) and, on another, leaves the `end()` to a listener on a resource
 *   (`snapshot.once('end', () => span.end())`, directly or in the file's helper) that it then hands
 *   to the caller's error-first callback (`callback(null, snapshot)`) or returns: the span stays open
 *   for as long as the caller keeps the resource (nodejs-spanner's getSnapshot before f0b87458).
 *   HTTP instrumentations that end spans on `res.on('finish')` keep the response to themselves or
 *   end their other paths only in a `catch`: not reported.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { CONTINUATION_NAME, contains, getEnclosingFunction, getMethodName, getMethodReceiver, isFunctionLike, unwrapTypeScriptExpression, walk } from '../../analysis/ast.js';
import { LISTENER_METHODS } from '../../analysis/listeners.js';
import type { FunctionNode } from '../../analysis/ast.js';
import type { EndSite, EndSites } from './end-sites.js';
import { isCallerProvided, parameterVariable } from './end-sites.js';

type SourceCode = Readonly<TSESLint.SourceCode>;

const ERROR_NAME = /^(?:e|err|error|\w*Error)$/i;

/** The continuation every `end()` of the span is in, when all are proxies of a `next` handed to the caller's code. */
export function findContinuationOnlyEnd(sourceCode: SourceCode, owner: FunctionNode | TSESTree.Program, found: EndSites): { slot: string } | undefined {
  if (found.opaque || found.sites.length === 0) return undefined;
  let slot: string | undefined;
  for (const site of found.sites) {
    const fn = getEnclosingFunction(site.end);
    if (!fn || fn === owner || (site.via && fn === site.via.helper)) return undefined;
    const handed = continuationHandOver(sourceCode, fn, site);
    if (!handed) return undefined;
    slot ??= handed;
  }
  return slot === undefined ? undefined : { slot };
}

/** Where `fn` is handed to the caller's code as its `next`: the slot's name, or undefined. */
function continuationHandOver(sourceCode: SourceCode, fn: FunctionNode, site: EndSite): string | undefined {
  let wrapsNext = callsNext(fn);
  let node: TSESTree.Node = fn;
  let leftHelper = false;
  for (;;) {
    const parent: TSESTree.Node | undefined = node.parent;
    if (!parent) return undefined;
    if (parent.type.startsWith('TS')) {
      node = parent;
    } else if (parent.type === AST_NODE_TYPES.Property && parent.value === node && parent.parent.type === AST_NODE_TYPES.ObjectExpression) {
      node = parent.parent;
    } else if (parent.type === AST_NODE_TYPES.NewExpression && parent.arguments[1] === node && parent.callee.type === AST_NODE_TYPES.Identifier && parent.callee.name === 'Proxy') {
      const target = parent.arguments[0] && unwrapTypeScriptExpression(parent.arguments[0]);
      wrapsNext ||= target !== undefined && CONTINUATION_NAME.test(lastName(target) ?? '');
      node = parent;
    } else if (!leftHelper && site.via && isReturnedBy(node, site.via.helper)) {
      leftHelper = true;
      node = site.via.call;
    } else break;
  }
  const parent = node.parent;
  if (!parent) return undefined;
  // `args.next = proxy`, `arguments[i] = proxy` on what the caller handed in
  if (parent.type === AST_NODE_TYPES.AssignmentExpression && parent.right === node && parent.left.type === AST_NODE_TYPES.MemberExpression) {
    const name = lastName(parent.left);
    const slot = name !== undefined && CONTINUATION_NAME.test(name) ? name : wrapsNext ? 'next' : undefined;
    return slot !== undefined && isCallerProvided(sourceCode, parent.left.object) ? slot : undefined;
  }
  // `middleware(req, res, proxy)`, `handler.call(this, ctx, proxy)`
  if (parent.type === AST_NODE_TYPES.CallExpression && parent.arguments.includes(node as TSESTree.CallExpressionArgument) && wrapsNext) {
    const method = getMethodName(parent);
    const callee = (method === 'apply' || method === 'call') ? getMethodReceiver(parent) : parent.callee;
    return callee && isCallerProvided(sourceCode, callee) ? 'next' : undefined;
  }
  return undefined;
}

function isReturnedBy(node: TSESTree.Node, helper: FunctionNode): boolean {
  const parent = node.parent;
  if (parent?.type === AST_NODE_TYPES.ReturnStatement) return getEnclosingFunction(parent) === helper;
  return parent === helper && helper.body === node;
}

/** `fn` calls a `next` it wraps: `next(..)`, `next.apply(..)`, `Reflect.apply(next, ..)`. */
function callsNext(fn: FunctionNode): boolean {
  let found = false;
  walk(fn.body, (node) => {
    if (found || (node !== fn.body && isFunctionLike(node))) return false;
    if (node.type === AST_NODE_TYPES.CallExpression) {
      const method = getMethodName(node);
      const callee = method === 'apply' || method === 'call' ? getMethodReceiver(node) : node.callee;
      if (callee && CONTINUATION_NAME.test(lastName(callee) ?? '')) found = true;
    }
    return !found;
  });
  return found;
}

function lastName(node: TSESTree.Node): string | undefined {
  const expression = unwrapTypeScriptExpression(node);
  if (expression.type === AST_NODE_TYPES.Identifier) return expression.name;
  if (expression.type === AST_NODE_TYPES.MemberExpression && expression.property.type === AST_NODE_TYPES.Identifier && !expression.computed) return expression.property.name;
  return undefined;
}

export interface HeldByResource {
  /** The listener registration, or the call handing the span to the helper that registers it. */
  node: TSESTree.CallExpression;
  resource: string;
  event: string;
  /** Where the resource goes: the callback's name, or 'the caller'. */
  to: string;
}

/** A path that leaves the span's end to a listener on a resource the caller then holds, while sibling paths end it (see the file comment). */
export function findHeldByResource(sourceCode: SourceCode, found: EndSites): HeldByResource | undefined {
  for (const site of found.sites) {
    const listener = getEnclosingFunction(site.end);
    const registration = listener?.parent;
    if (registration?.type !== AST_NODE_TYPES.CallExpression || registration.arguments[1] !== listener || !LISTENER_METHODS.has(getMethodName(registration) ?? '')) continue;
    const event = registration.arguments[0];
    const receiver = getMethodReceiver(registration);
    if (event?.type !== AST_NODE_TYPES.Literal || typeof event.value !== 'string' || receiver?.type !== AST_NODE_TYPES.Identifier) continue;
    // the registration in the span's code, or the helper call that hands over span and resource together
    let node: TSESTree.CallExpression = registration;
    let resource: TSESTree.Node = receiver;
    if (site.via) {
      if (getEnclosingFunction(registration) !== site.via.helper) continue;
      const index = site.via.helper.params.findIndex((p) => p.type === AST_NODE_TYPES.Identifier && p.name === receiver.name);
      const offset = site.via.helper.params[0]?.type === AST_NODE_TYPES.Identifier && site.via.helper.params[0].name === 'this' ? 1 : 0;
      const outer = index >= offset ? site.via.call.arguments[index - offset] : undefined;
      if (!outer || !parameterVariable(sourceCode, site.via.helper, index - offset)) continue;
      node = site.via.call;
      resource = outer;
    }
    if (resource.type !== AST_NODE_TYPES.Identifier) continue;
    const fn = getEnclosingFunction(node);
    if (!fn || fn.body.type !== AST_NODE_TYPES.BlockStatement) continue;
    // sibling paths of the same function end the span themselves, not (only) in a catch
    const own = found.sites.filter((s) => s.via === undefined && getEnclosingFunction(s.end) === fn);
    if (!own.some((s) => !inCatch(s.end, fn)) || own.some((s) => s.end.range[0] > node.range[1] && contains(fn, s.end) && sameBlockChain(node, s.end))) continue;
    const to = handedToCaller(sourceCode, fn, node, resource.name);
    if (to) return { node, resource: resource.name, event: event.value, to };
  }
  return undefined;
}

/** `end` is in a block that also holds `node` (an `end()` after the hand-over on its path: the fix). */
function sameBlockChain(node: TSESTree.Node, end: TSESTree.Node): boolean {
  for (let block: TSESTree.Node | undefined = node.parent; block && !isFunctionLike(block); block = block.parent) {
    if (block.type === AST_NODE_TYPES.BlockStatement) return contains(block, end);
  }
  return false;
}

function inCatch(node: TSESTree.Node, fn: FunctionNode): boolean {
  for (let current = node.parent; current && current !== fn; current = current.parent) {
    if (current.type === AST_NODE_TYPES.CatchClause) return true;
  }
  return false;
}

/** After `node`, in `fn`'s own code: `resource` passed to the caller's error-first callback (`callback(null, resource)`), or returned. */
function handedToCaller(sourceCode: SourceCode, fn: FunctionNode, node: TSESTree.Node, resource: string): string | undefined {
  let to: string | undefined;
  walk(fn.body, (current) => {
    if (to !== undefined || (current !== fn.body && isFunctionLike(current))) return false;
    if (current.range[1] <= node.range[1]) return current.range[1] > node.range[0];
    if (current.type === AST_NODE_TYPES.ReturnStatement && current.argument && isNamed(current.argument, resource)) to = 'the caller';
    if (current.type === AST_NODE_TYPES.CallExpression && isCallerProvided(sourceCode, current.callee)) {
      const index = current.arguments.findIndex((argument) => isNamed(argument, resource));
      const first = current.arguments[0] && unwrapTypeScriptExpression(current.arguments[0]);
      const errorFirst =
        first !== undefined &&
        ((first.type === AST_NODE_TYPES.Literal && first.value === null) ||
          (first.type === AST_NODE_TYPES.Identifier && (first.name === 'undefined' || ERROR_NAME.test(first.name))));
      if (index >= 1 && errorFirst) to = `'${sourceCode.getText(unwrapTypeScriptExpression(current.callee))}'`;
    }
    return to === undefined;
  });
  return to;
}

function isNamed(node: TSESTree.Node, name: string): boolean {
  const expression = unwrapTypeScriptExpression(node);
  return expression.type === AST_NODE_TYPES.Identifier && expression.name === name;
}
