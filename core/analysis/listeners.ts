/**
 * Listener registrations (`emitter.on('event', listener)`) and how long an emitter lives: the facts
 * `no-unbound-listener` reports, `no-late-context-capture` consults, and the queue model reuses
 * (`isSameActivation`).
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, ASTUtils } from '@typescript-eslint/utils';
import { builtinModules } from 'node:module';
import { getEnclosingFunction, getMethodName, getMethodReceiver, unwrapTypeScriptExpression, walk } from './ast.js';
import { getThisMemberName } from './callbacks.js';
import { getTracedCallback } from './otel-api.js';
import type { OtelApi } from './otel-api.js';
import { isPassThroughCallback } from './traced-code.js';

export const LISTENER_METHODS = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener', 'addEventListener']);
const REMOVAL_METHODS = new Set(['off', 'removeListener', 'removeEventListener']);
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
