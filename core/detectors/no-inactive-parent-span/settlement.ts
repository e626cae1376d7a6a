/**
 * A span ended when the wrapped work settles (issue #11, family 2): `span.end()` in a promise
 * handler of the very call that does the work — `original.apply(this, args).then(() => span.end())`,
 * `.finally(..)`, `.catch(..)`, along a chain of such handlers, or through a `const` holding the
 * call's promise (`const result = original.apply(..); return result.then(..)`). The span lasts
 * until that work is done, so it encloses the work: the promise-returning form of "ended after".
 * A span ended in a callback handed to the work (an HTTP response callback) is not this: there
 * the callback and the work's events are the caller's, kept out of the span on purpose.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { PROMISE_METHODS, getCallOfArgument, getMethodName, getMethodReceiver, unwrapTypeScriptExpression } from '../../analysis/ast.js';
import type { FunctionNode } from '../../analysis/ast.js';

/** `fn` is a promise handler on the chain that starts at `work` (directly, or through a `const` holding it). */
export function isSettlementHandlerOf(sourceCode: Readonly<TSESLint.SourceCode>, fn: FunctionNode, work: TSESTree.CallExpression): boolean {
  const site = getCallOfArgument(fn);
  if (!site || site.call.type !== AST_NODE_TYPES.CallExpression || !PROMISE_METHODS.has(getMethodName(site.call) ?? '')) return false;
  let receiver = getMethodReceiver(site.call);
  for (let depth = 0; receiver && depth < 8; depth++) {
    const expression = unwrapTypeScriptExpression(receiver);
    if (expression === work) return true;
    if (expression.type === AST_NODE_TYPES.Identifier) return holds(sourceCode, expression, work);
    if (expression.type !== AST_NODE_TYPES.CallExpression || !PROMISE_METHODS.has(getMethodName(expression) ?? '')) return false;
    receiver = getMethodReceiver(expression);
  }
  return false;
}

/** `name` is a `const` initialised with `work` (`const result = original.apply(this, args)`). */
function holds(sourceCode: Readonly<TSESLint.SourceCode>, name: TSESTree.Identifier, work: TSESTree.CallExpression): boolean {
  const declarator = work.parent;
  if (declarator?.type !== AST_NODE_TYPES.VariableDeclarator || declarator.parent.kind !== 'const') return false;
  const [variable] = sourceCode.getDeclaredVariables(declarator);
  return variable?.references.some((reference) => reference.identifier === name) ?? false;
}
