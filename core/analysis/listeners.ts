/**
 * Listener registrations (`emitter.on('event', listener)`) and how long an emitter lives: the facts
 * `no-unbound-listener` reports, `no-late-context-capture` consults, and the queue model reuses
 * (`isSameActivation`). And whether a registration is a one-shot wait or a persistent listener
 * (issue 11, family 12): binding fixes the first, and pins every later event of the second to the
 * registering request's ended trace (measured with three requests: fixtures/no-unbound-listener).
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, ASTUtils } from '@typescript-eslint/utils';
import { builtinModules } from 'node:module';
import type { FunctionNode } from './ast.js';
import { contains, getEnclosingFunction, getThisMemberName, getMethodName, getMethodReceiver, isFunctionLike, unwrapTypeScriptExpression, walk } from './ast.js';
import { API, getTracedCallback } from './otel-api.js';
import type { OtelApi } from './otel-api.js';
import { isPassThroughCallback, resolveFunction } from './traced-code.js';

export const LISTENER_METHODS = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener', 'addEventListener']);
const REMOVAL_METHODS = new Set(['off', 'removeListener', 'removeEventListener']);
const ONCE_METHODS = new Set(['once', 'prependOnceListener']);
/** Events an emitter fires at most once in its life (an AbortSignal's 'abort', a stream's 'end'). */
const ONE_SHOT_EVENTS = new Set(['abort', 'close', 'end', 'finish', 'exit', 'load', 'ready', 'open', 'connect']);
/** Methods that hand out a connection or client kept by a pool. */
const POOL_METHODS = new Set(['acquire', 'connect', 'getConnection', 'checkout', 'checkOut', 'borrow', 'lease', 'reserve']);
const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

export type EmitterLifetime = 'process' | 'global' | 'module' | 'import' | 'member' | 'outer' | 'pooled';

export const LIFETIME_TEXT: Record<EmitterLifetime, string> = {
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

/**
 * Whether the emitter of `registration` was bound with `context.bind(ctx, emitter)` before it:
 * the API then patches the emitter in place, and every listener added to it afterwards runs in
 * `ctx` (what OpenTelemetry's http instrumentation does to a request and its response), under the
 * AsyncLocalStorage and async-hooks managers. Followed for an emitter held in a variable, whose
 * references show the bind.
 */
export function isBoundEmitter(sourceCode: Readonly<TSESLint.SourceCode>, api: OtelApi, registration: ListenerRegistration): boolean {
  // StackContextManager.bind returns an emitter untouched (it binds functions only), and
  // ZoneContextManager patches only an EventTarget's addEventListener, not an EventEmitter's `on`
  if (api.settings.contextManager === 'stack' || api.settings.contextManager === 'zone') return false;
  const emitter = unwrapTypeScriptExpression(registration.emitter);
  if (emitter.type !== AST_NODE_TYPES.Identifier) return false;
  const variable = ASTUtils.findVariable(sourceCode.getScope(emitter), emitter);
  return (
    variable?.references.some((reference) => {
      const call = reference.identifier.parent;
      return (
        call?.type === AST_NODE_TYPES.CallExpression &&
        call.arguments[1] === reference.identifier &&
        call.range[1] <= registration.call.range[0] &&
        api.calleePath(call) === API('context.bind')
      );
    }) ?? false
  );
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
export function getRemovedListenerTexts(sourceCode: Readonly<TSESLint.SourceCode>): Set<string> {
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

/**
 * A one-shot wait: `once`, `{ once: true }`, an event fired once in an emitter's life (`'abort'`,
 * `'end'`), an event named for this request (`` `reply:${id}` ``), or a listener the registering
 * function removes again (`off` of the same listener, `removeAllListeners` on the same emitter).
 */
export function isOneShotRegistration(sourceCode: Readonly<TSESLint.SourceCode>, registration: ListenerRegistration): boolean {
  const { call, listener, emitter } = registration;
  if (ONCE_METHODS.has(getMethodName(call) ?? '') || ONE_SHOT_EVENTS.has(registration.event)) return true;
  const options = call.arguments[2];
  if (
    options?.type === AST_NODE_TYPES.ObjectExpression &&
    options.properties.some(
      (p) => p.type === AST_NODE_TYPES.Property && !p.computed && p.key.type === AST_NODE_TYPES.Identifier && p.key.name === 'once' && p.value.type === AST_NODE_TYPES.Literal && p.value.value === true,
    )
  ) {
    return true;
  }
  const event = call.arguments[0] && unwrapTypeScriptExpression(call.arguments[0]);
  if ((event?.type === AST_NODE_TYPES.TemplateLiteral && event.expressions.length > 0) || (event?.type === AST_NODE_TYPES.BinaryExpression && event.operator === '+')) return true;
  const listenerText = sourceCode.getText(listener);
  const emitterText = sourceCode.getText(emitter);
  let removed = false;
  walk(getEnclosingFunction(call) ?? sourceCode.ast, (node) => {
    if (removed) return false;
    if (node.type !== AST_NODE_TYPES.CallExpression) return true;
    const method = getMethodName(node);
    const receiver = getMethodReceiver(node);
    if (method === 'removeAllListeners' && receiver && sourceCode.getText(receiver) === emitterText) removed = true;
    else if (method !== undefined && REMOVAL_METHODS.has(method) && node.arguments[1] && sourceCode.getText(node.arguments[1]) === listenerText) removed = true;
    return !removed;
  });
  return removed;
}

/**
 * The first binding of the request that a listener uses: a variable declared in `requestFn` (the
 * function that registers it, around its traced callback), not the emitter itself: `span`, `req`,
 * `callback`. Undefined when the listener uses nothing of the request, or its code is elsewhere.
 */
export function getRequestStateUsed(
  sourceCode: Readonly<TSESLint.SourceCode>,
  listener: TSESTree.Node,
  requestFn: TSESTree.Node,
  emitter: TSESTree.Node,
): string | undefined {
  const fn = resolveFunction(sourceCode, listener);
  if (!fn) return undefined;
  let root: TSESTree.Node = unwrapTypeScriptExpression(emitter);
  while (root.type === AST_NODE_TYPES.MemberExpression) root = unwrapTypeScriptExpression(root.object);
  const emitterName = root.type === AST_NODE_TYPES.Identifier ? root.name : undefined;
  for (const reference of sourceCode.scopeManager?.acquire(fn)?.through ?? []) {
    const variable = reference.resolved;
    if (!variable || variable.scope.type === 'module' || variable.scope.type === 'global' || variable.name === emitterName) continue;
    if (!contains(requestFn, variable.scope.block)) continue;
    if (variable.defs.some((def) => def.type === 'ImportBinding' || def.type === 'ClassName' || (def.type === 'FunctionName' && def.node === fn))) continue;
    return variable.name;
  }
  return undefined;
}

/**
 * For a listener that is also removed by reference: the function to bind where it is declared
 * (`const onReply = (..) => ..` in the registering function), so that `on` and `off` both see the
 * bound function. Undefined when there is no such declaration.
 */
export function getListenerDeclaration(sourceCode: Readonly<TSESLint.SourceCode>, registration: ListenerRegistration): FunctionNode | undefined {
  const listener = unwrapTypeScriptExpression(registration.listener);
  if (listener.type !== AST_NODE_TYPES.Identifier) return undefined;
  const variable = ASTUtils.findVariable(sourceCode.getScope(listener), listener);
  const def = variable?.defs[0];
  if (!def || variable?.defs.length !== 1 || def.type !== 'Variable' || def.node.parent.kind !== 'const') return undefined;
  const init = def.node.init && unwrapTypeScriptExpression(def.node.init);
  if (!init || !isFunctionLike(init)) return undefined;
  return getEnclosingFunction(def.node) === getEnclosingFunction(registration.call) ? init : undefined;
}
