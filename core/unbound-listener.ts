/**
 * Detector for `no-unbound-listener`: a listener registered in traced code on an emitter that
 * outlives the traced scope. An emitter calls its listeners synchronously from `emit()`, so under
 * AsyncLocalStorage, async-hooks and stack the listener runs in the context of whoever emits:
 * another request's span (5a, 5e) or none (5b, 12e).
 *
 * - `async-local-storage` / `async-hooks`: flagged when the emitter is long-lived — `process`, a
 *   module-level or imported binding, a class member (`this.socket`), a binding of an enclosing
 *   function (a client made by a factory), or a connection taken from a pool. Emitters created
 *   in the same scope or received as a parameter (`req`, `res`, a stream opened here) emit in the
 *   right context (12d) and are not flagged.
 * - `stack`: every listener registered in traced code (the emit comes later, from a task that has
 *   no context: 12d is orphaned there too).
 * - `zone`: not flagged: zone.js patches `EventEmitter` and the DOM `EventTarget`, so listeners run
 *   in their registration zone (5a, 5b).
 *
 * Fix: bind the listener, `emitter.on('x', context.bind(context.active(), listener))` (in
 * ALS-only code, `AsyncLocalStorage.bind(listener)`). Never the emitter: `context.bind(ctx, ee)`
 * only covers listeners added afterwards and mis-parents other requests' listeners (5a-after-bind-ee-late, 5f).
 * No fix when the listener is also removed by reference (`off`, `removeListener`): the bound
 * wrapper would no longer match.
 *
 * Out of scope: listeners registered in a function called from traced code but not written in
 * it; `this.on(..)` on the instance itself; listener objects (`{ handleEvent }`).
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, ASTUtils } from '@typescript-eslint/utils';
import { builtinModules } from 'node:module';
import { getEnclosingFunction, getMethodName, getMethodReceiver, unwrapTypeScriptExpression, walk } from './ast.js';
import { bindToCurrentContext, getCallbackShape, getThisMemberName, isContextFreeCallback, isOwnedByInactiveParentSpan } from './callbacks.js';
import type { Finding } from './findings.js';
import { getOtelApi, getTracedCallback, fileMayContainTracedCode } from './otel-api.js';
import type { OtelApi } from './otel-api.js';
import { createSpanRegionTracker, isPassThroughCallback } from './traced-code.js';
import { isContextBound } from './unbound-timer.js';

export type UnboundListenerMessageId = 'listenerRunsInEmitterContext' | 'listenerLosesContext';

export const LISTENER_METHODS = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener', 'addEventListener']);
const REMOVAL_METHODS = new Set(['off', 'removeListener', 'removeEventListener']);
/** Methods that hand out a connection or client kept by a pool. */
const POOL_METHODS = new Set(['acquire', 'connect', 'getConnection', 'checkout', 'checkOut', 'borrow', 'lease', 'reserve']);
const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

export type EmitterLifetime = 'process' | 'global' | 'module' | 'import' | 'member' | 'outer' | 'pooled';

const LIFETIME_TEXT: Record<EmitterLifetime, string> = {
  process: 'the process-wide emitter',
  global: 'a global object',
  module: 'a module-level emitter',
  import: 'an imported emitter',
  member: 'a class member',
  outer: 'an emitter kept by an enclosing function',
  pooled: 'a pooled connection',
};

/** A listener registration: `emitter.on('event', listener)`. */
export interface ListenerRegistration {
  call: TSESTree.CallExpression;
  emitter: TSESTree.Expression;
  listener: TSESTree.Node;
  event: string;
}

export function getListenerRegistration(sourceCode: Readonly<TSESLint.SourceCode>, call: TSESTree.CallExpression): ListenerRegistration | undefined {
  const method = getMethodName(call);
  if (method === undefined || !LISTENER_METHODS.has(method) || call.arguments.length < 2) return undefined;
  const emitter = getMethodReceiver(call);
  const [eventNode, listener] = call.arguments;
  if (!emitter || !eventNode || !listener || listener.type === AST_NODE_TYPES.SpreadElement) return undefined;
  const event = eventNode.type === AST_NODE_TYPES.Literal ? String(eventNode.value) : sourceCode.getText(eventNode);
  return { call, emitter, listener, event };
}

/** Why `node` outlives the function it is used in, or undefined when it does not (or we cannot tell). */
export function getEmitterLifetime(sourceCode: Readonly<TSESLint.SourceCode>, api: OtelApi, node: TSESTree.Node, depth = 0): EmitterLifetime | undefined {
  if (depth > 4) return undefined;
  const expression = unwrapTypeScriptExpression(node);
  const path = api.resolver.pathOf(expression);
  if (path === 'global:process' || path === 'node:process:') return 'process';
  if (getThisMemberName(expression) !== undefined) return 'member';
  if (expression.type === AST_NODE_TYPES.MemberExpression) {
    return getEmitterLifetime(sourceCode, api, expression.object, depth + 1);
  }
  if (expression.type !== AST_NODE_TYPES.Identifier) return undefined;
  const variable = ASTUtils.findVariable(sourceCode.getScope(expression), expression);
  if (!variable || variable.defs.length === 0) return expression.name === 'undefined' ? undefined : 'global';
  const def = variable.defs[0];
  if (!def || variable.defs.length !== 1) return undefined;
  if (def.type === 'ImportBinding') return 'import';
  if (def.type !== 'Variable') return undefined;
  if (variable.scope.type === 'module' || variable.scope.type === 'global') return 'module';
  if (!isSameActivation(api, variable.scope.variableScope.block, expression)) return 'outer';
  const init = def.node.init && unwrapTypeScriptExpression(def.node.init);
  const call = init?.type === AST_NODE_TYPES.AwaitExpression ? unwrapTypeScriptExpression(init.argument) : init;
  if (call?.type !== AST_NODE_TYPES.CallExpression) return undefined;
  const method = getMethodName(call);
  const receiver = getMethodReceiver(call);
  if (method === undefined || !POOL_METHODS.has(method) || !receiver) return undefined;
  const module = /^([^:]+(?::[^:]+)?):/.exec(api.resolver.pathOf(call.callee) ?? '')?.[1];
  if (module !== undefined && (BUILTINS.has(module) || BUILTINS.has(module.split(':')[0] ?? ''))) return undefined;
  return getEmitterLifetime(sourceCode, api, receiver, depth + 1) === undefined ? undefined : 'pooled';
}

/**
 * Whether `node` runs in the same call of `owner` that declared its variables: the functions
 * between them run synchronously (array callbacks, a `new Promise` executor, a traced callback)
 * or keep the caller's context (timer and `.then` callbacks).
 */
export function isSameActivation(api: OtelApi, owner: TSESTree.Node, node: TSESTree.Node): boolean {
  for (let fn = getEnclosingFunction(node); fn; fn = getEnclosingFunction(fn)) {
    if (fn === owner) return true;
    if (!isPassThroughCallback(api, fn) && !getTracedCallback(api, fn)) return false;
  }
  return owner.type === AST_NODE_TYPES.Program;
}

/** Names of listeners that the file also removes by reference (`ee.off('x', onData)`). */
function getRemovedListenerTexts(sourceCode: Readonly<TSESLint.SourceCode>): Set<string> {
  const removed = new Set<string>();
  walk(sourceCode.ast, (node) => {
    if (node.type === AST_NODE_TYPES.CallExpression) {
      const method = getMethodName(node);
      const listener = node.arguments[1];
      if (method !== undefined && REMOVAL_METHODS.has(method) && listener) removed.add(sourceCode.getText(listener));
    }
    return true;
  });
  return removed;
}

export function createUnboundListenerDetector(
  context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>,
  onFinding: (finding: Finding<UnboundListenerMessageId>) => void,
): TSESLint.RuleListener {
  if (!fileMayContainTracedCode(context)) return {};
  const sourceCode = context.sourceCode;
  const api = getOtelApi(context);
  const manager = api.settings.contextManager;
  const regions = createSpanRegionTracker(sourceCode, api);
  let removed: Set<string> | undefined;

  function check(registration: ListenerRegistration): void {
    const { listener, emitter } = registration;
    if (getCallbackShape(sourceCode, listener).kind === 'not-a-function') return;
    if (isContextBound(sourceCode, api, listener) || isContextFreeCallback(sourceCode, api, listener)) return;
    const scope = regions.getTraceScope(registration.call);
    if (!scope || isOwnedByInactiveParentSpan(sourceCode, api, scope, listener)) return;
    const lifetime = getEmitterLifetime(sourceCode, api, emitter);
    let messageId: UnboundListenerMessageId;
    if (manager === 'stack') messageId = 'listenerLosesContext';
    else if (manager !== 'zone' && lifetime !== undefined) messageId = 'listenerRunsInEmitterContext';
    else return;
    removed ??= getRemovedListenerTexts(sourceCode);
    const fix = removed.has(sourceCode.getText(listener)) ? undefined : bindToCurrentContext(sourceCode, api, listener);
    const emitterText = sourceCode.getText(emitter);
    onFinding({
      messageId,
      data: {
        event: registration.event,
        emitter: emitterText.length > 40 ? `${emitterText.slice(0, 37)}...` : emitterText,
        lifetime: lifetime === undefined ? 'an emitter' : LIFETIME_TEXT[lifetime],
      },
      node: listener,
      ...(fix ? { fix } : {}),
    });
  }

  return {
    ...regions.listeners,
    CallExpression(node) {
      const registration = getListenerRegistration(sourceCode, node);
      if (registration) check(registration);
    },
  };
}
