/**
 * Work the file cannot see (issue #11, family 2), for `no-inactive-parent-span`: a call between a
 * never-activated span's start and its end that may start spans of its own — the wrapped original,
 * a handler received or read off an object, an awaited import.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, ASTUtils } from '@typescript-eslint/utils';
import { getEnclosingFunction, getInvokedFunction, getMethodName, unwrapTypeScriptExpression } from '../../analysis/ast.js';
import type { OtelApi } from '../../analysis/otel-api.js';
import { isTestRunnerCallback } from '../../analysis/test-runner.js';

/** Modules whose functions start no spans and read no context: awaiting them is not traced work. */
const CONTEXT_FREE_MODULE_PREFIXES = [
  'global:console.', 'global:JSON.', 'global:Math.', 'global:Promise.', 'global:Object.', 'global:Array.', 'global:Reflect.',
  'global:structuredClone', 'global:queueMicrotask', 'node:assert', 'node:timers', 'node:util:', 'node:path:', 'node:events:',
  'node:url:', 'node:buffer:', 'node:crypto:', 'node:os:', 'node:querystring:', 'node:string_decoder:',
  '@opentelemetry/', 'global:Error', 'global:TypeError', 'global:RangeError',
];

/**
 * A call whose code the file cannot see and that may start spans (issue #11, family 2): the
 * wrapped function, a handler or `next` received as a parameter (`original.apply(this, args)`,
 * `handler(req)`, `next()`), called directly or through `.call`/`.apply`; the saved original of a
 * patched method called on the wrapper's receiver (`original.call(this, ..)`); or, when awaited, an
 * imported function (`await query(..)`, `await db.query(..)`) or `fetch`. Methods of `this` and of
 * local objects stay out of scope, and so do imported functions whose result is not awaited
 * (attribute helpers, formatters) and the context-free modules above.
 */
export function isOpaqueWork(api: OtelApi, call: TSESTree.CallExpression): boolean {
  const callee = unwrapTypeScriptExpression(call.callee);
  const reflected = getReflectApplyTarget(api, call);
  const target = reflected ?? getInvokedFunction(call);
  if (target.type === AST_NODE_TYPES.Identifier) {
    const variable = ASTUtils.findVariable(api.sourceCode.getScope(target), target);
    const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
    if (def?.type === 'Parameter') return !isTestRunnerCallback(api, def.node);
    // The saved original of a patched method, called on the wrapper's receiver:
    // `const original = Client.prototype.query; .. original.apply(this, args)`.
    const receiver = reflected ? call.arguments[1] : target !== callee ? call.arguments[0] : undefined;
    if (receiver?.type === AST_NODE_TYPES.ThisExpression && def?.type === 'Variable') return true;
    // A handler read off an object by the enclosing code and called by the wrapper with the
    // wrapper's own arguments: `const oldHandler = route.handler; .. async (req, h) => { .. await oldHandler(req, h) }`.
    if (def?.type === 'Variable' && variable && isSavedHandler(def.node, variable, call) && forwardsOwnParameters(api, call)) return true;
  }
  if (!isAwaited(call)) return false;
  const path = api.resolver.pathOf(target);
  if (path === undefined || CONTEXT_FREE_MODULE_PREFIXES.some((prefix) => path.startsWith(prefix))) return false;
  if (path.startsWith('global:')) return path === 'global:fetch';
  return !path.includes('#new');
}

/** How a finding names the opaque work: the callee, or the function `Reflect.apply` calls. */
export function getOpaqueCalleeNode(api: OtelApi, call: TSESTree.CallExpression): TSESTree.Node {
  return getReflectApplyTarget(api, call) ?? call.callee;
}

/** `Reflect.apply(original, this, args)`: the function it calls (the first argument), like `original.apply(this, args)`. */
function getReflectApplyTarget(api: OtelApi, call: TSESTree.CallExpression): TSESTree.Node | undefined {
  const first = call.arguments[0];
  if (!first || first.type === AST_NODE_TYPES.SpreadElement || api.resolver.pathOf(unwrapTypeScriptExpression(call.callee)) !== 'global:Reflect.apply') return undefined;
  return unwrapTypeScriptExpression(first);
}

/**
 * A variable of an enclosing function (not the calling one) initialised by reading a property
 * (`route.handler`, `route.options?.handler ?? route.handler`, `target[name]`): a function the
 * wrapper got from elsewhere, whose code the file cannot see.
 */
function isSavedHandler(declarator: TSESTree.VariableDeclarator, variable: TSESLint.Scope.Variable, call: TSESTree.CallExpression): boolean {
  if (!declarator.init || variable.scope.variableScope.block === getEnclosingFunction(call)) return false;
  const isPropertyRead = (node: TSESTree.Node): boolean => {
    const expression = unwrapTypeScriptExpression(node);
    if (expression.type === AST_NODE_TYPES.ChainExpression) return isPropertyRead(expression.expression);
    if (expression.type === AST_NODE_TYPES.LogicalExpression) return isPropertyRead(expression.left) && isPropertyRead(expression.right);
    return expression.type === AST_NODE_TYPES.MemberExpression;
  };
  return isPropertyRead(declarator.init);
}

/** The call passes on a parameter of the function it is in (or `arguments`): a wrapper calling what it wraps. */
function forwardsOwnParameters(api: OtelApi, call: TSESTree.CallExpression): boolean {
  const fn = getEnclosingFunction(call);
  if (!fn) return false;
  return call.arguments.some((argument) => {
    const expression = unwrapTypeScriptExpression(argument.type === AST_NODE_TYPES.SpreadElement ? argument.argument : argument);
    if (expression.type !== AST_NODE_TYPES.Identifier) return false;
    if (expression.name === 'arguments' && fn.type !== AST_NODE_TYPES.ArrowFunctionExpression) return true;
    const variable = ASTUtils.findVariable(api.sourceCode.getScope(expression), expression);
    return variable?.defs.some((def) => def.type === 'Parameter' && def.node === fn) ?? false;
  });
}

/** `await call`, `await call.then(..)`, `return await call`. */
function isAwaited(call: TSESTree.CallExpression): boolean {
  let node: TSESTree.Node = call;
  for (;;) {
    const parent: TSESTree.Node | undefined = node.parent;
    if (!parent) return false;
    if (parent.type === AST_NODE_TYPES.AwaitExpression) return true;
    if (unwrapTypeScriptExpression(parent) !== parent || parent.type === AST_NODE_TYPES.ChainExpression) {
      node = parent;
      continue;
    }
    if (parent.type === AST_NODE_TYPES.MemberExpression && parent.object === node && parent.parent.type === AST_NODE_TYPES.CallExpression) {
      const method = getMethodName(parent.parent);
      if (method === 'then' || method === 'catch' || method === 'finally') {
        node = parent.parent;
        continue;
      }
    }
    return false;
  }
}
