/**
 * A context-setter API: a function whose name says that its job is to change its caller's current
 * context (`setContext(ctx)`, `supersedeRunContext(ctx)`, `setBaggageItem(k, v)`,
 * `removeAllBaggageItems()`), with the `store.enterWith(..)` as a statement of its own body. The
 * store it enters stays active for the rest of the caller's run: that is the function's contract,
 * as it is `enterWith`'s own (context managers of APM agents, baggage and "current context"
 * setters of vendor tracers). Whether that leaks is decided where it is called, as for
 * `enterWith` itself, so the setter is not reported: a finding there is one per library that
 * implements such an API, which nobody can act on but by disabling the rule.
 *
 * A function named otherwise (a request hook, a guard's `canActivate`, a connection factory, a
 * plugin's `skip()`) that enters a store is reported as before, and so is an enter inside a
 * callback of a setter (the setter does not run it).
 */
import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { getEnclosingFunction, getFunctionName, getMemberKeyName, getPropertyName } from '../../analysis/ast.js';
import type { FunctionNode } from '../../analysis/ast.js';

/** `set…`, `supersede…`, `remove…`, `clear…`, `reset…` followed by a word boundary in camelCase. (Not `enter…`: a helper `enter(storage, store)` is the shape of issue #11 family 6, reported.) */
const SETTER_NAME = /^[_#]*(?:set|supersede|remove|clear|reset)(?:[A-Z_$\d]|$)/;

/** The enter is a statement of a context-setter's own body (not of a callback inside it). */
export function isInContextSetter(call: TSESTree.CallExpression): boolean {
  const fn = getEnclosingFunction(call);
  if (!fn) return false;
  const name = functionName(fn);
  return name !== undefined && SETTER_NAME.test(name);
}

/**
 * The name a setter is declared under (getFunctionName), or assigned to (`X.prototype.f = function`,
 * `exports.f = ..`), or a private method's `#f`.
 */
function functionName(fn: FunctionNode): string | undefined {
  const parent = fn.parent;
  if (parent?.type === AST_NODE_TYPES.MethodDefinition || parent?.type === AST_NODE_TYPES.PropertyDefinition) return getMemberKeyName(parent);
  if (parent?.type === AST_NODE_TYPES.AssignmentExpression) {
    return parent.left.type === AST_NODE_TYPES.MemberExpression ? getPropertyName(parent.left) : parent.left.type === AST_NODE_TYPES.Identifier ? parent.left.name : undefined;
  }
  return getFunctionName(fn);
}
