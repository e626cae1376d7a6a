/**
 * A span put into a context only to be injected (issue #11, family 2): `propagation.inject(
 * trace.setSpan(context.active(), span), headers)`, or a `const` holding that context whose every
 * use is such an inject. The span's context goes out with the request's headers, but no code of
 * this process runs in it: the span is still inactive for the work that follows (the wrapped
 * original, an awaited `fetch`), whose spans become its siblings (corpus
 * `otel-http-original-not-under-span`, FAMILIES.md family 2).
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, ASTUtils } from '@typescript-eslint/utils';
import { unwrapTypeScriptExpression } from '../../analysis/ast.js';
import { API } from '../../analysis/otel-api.js';
import type { OtelApi } from '../../analysis/otel-api.js';

/** `setSpan` (a `trace.setSpan(.., span)` call) is only ever handed to `propagation.inject` as its context. */
export function isInjectedOnly(api: OtelApi, setSpan: TSESTree.CallExpression): boolean {
  const isInjectContext = (node: TSESTree.Node): boolean => {
    let expression: TSESTree.Node = node;
    while (expression.parent && unwrapTypeScriptExpression(expression.parent) !== expression.parent) expression = expression.parent;
    const user = expression.parent;
    return user?.type === AST_NODE_TYPES.CallExpression && user.arguments[0] === expression && api.calleePath(user) === API('propagation.inject');
  };
  if (isInjectContext(setSpan)) return true;
  // `const ctx = trace.setSpan(context.active(), span); propagation.inject(ctx, headers);`
  const declarator = setSpan.parent;
  if (declarator.type !== AST_NODE_TYPES.VariableDeclarator || declarator.init !== setSpan || declarator.id.type !== AST_NODE_TYPES.Identifier) return false;
  if (declarator.parent.kind !== 'const') return false;
  const variable: TSESLint.Scope.Variable | null = ASTUtils.findVariable(api.sourceCode.getScope(declarator), declarator.id);
  const reads = variable?.references.filter((reference) => !reference.init) ?? [];
  return reads.length > 0 && reads.every((reference) => isInjectContext(reference.identifier));
}
