/**
 * `no-floating-promise-in-span`, the span-helper shape of "work that outlives its span" (issue #11
 * family 8; corpus `logfire-span-helper-ends-before-async-callback`): a helper runs the caller's
 * callback in a span, ends the span as soon as the callback returns, and hands the callback's
 * result back to the caller —
 *
 * ```ts
 * tracer.startActiveSpan(name, (span) => { const result = callback(span); span.end(); return result; })
 * ```
 *
 * When the callback is async (what a generic helper is handed most), its result is a promise: the
 * work after its first `await` runs with an ended span as parent, and a rejection is recorded on no
 * span. Only this straight sequence in one block is reported: the callback is a parameter of an
 * enclosing function, its result is held in a `const` that nothing but the `return` reads (a
 * `result instanceof Promise` test or a `.then` means the helper knows), and the span is the
 * `startActiveSpan` callback's parameter or a `startSpan` span of the same function. Left alone: a
 * callback typed to return a non-promise (`() => void`, `() => string`), helpers named `..Sync`.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, ASTUtils } from '@typescript-eslint/utils';
import type { FunctionNode } from '../../analysis/ast.js';
import { contains, getEnclosingFunction, getFunctionName, getMethodName, getMethodReceiver, isFunctionLike, unwrapTypeScriptExpression } from '../../analysis/ast.js';
import { getSpanStartKind } from '../../analysis/spans.js';
import type { Finding } from '../../findings.js';

export type EndsBeforeResultMessageId = 'spanEndsBeforeCallbackResult';

/** `span.end()` as a statement. */
const END_STATEMENT = 'ExpressionStatement[expression.type="CallExpression"][expression.callee.type="MemberExpression"][expression.callee.property.name="end"]';

export function createEndsBeforeResultListeners(
  sourceCode: Readonly<TSESLint.SourceCode>,
  onFinding: (finding: Finding<EndsBeforeResultMessageId>) => void,
): TSESLint.RuleListener {
  return {
    [END_STATEMENT](statement: TSESTree.ExpressionStatement) {
      const end = statement.expression as TSESTree.CallExpression;
      const span = getMethodReceiver(end);
      const block = statement.parent;
      if (span?.type !== AST_NODE_TYPES.Identifier || end.arguments.length > 0 || block.type !== AST_NODE_TYPES.BlockStatement) return;
      const owner = getEnclosingFunction(statement);
      if (!owner || owner.body !== block || !ownsSpan(sourceCode, owner, span)) return;
      const index = block.body.indexOf(statement);
      const previous = block.body[index - 1];
      const next = block.body[index + 1];
      const result = previous && resultOfCallback(sourceCode, previous, owner);
      if (!result || next?.type !== AST_NODE_TYPES.ReturnStatement || !next.argument) return;
      const returned = unwrapTypeScriptExpression(next.argument);
      if (returned.type !== AST_NODE_TYPES.Identifier || returned.name !== result.variable.name) return;
      // read by nothing but the return (no `instanceof Promise`, no `.then`)
      if (result.variable.references.some((reference) => !reference.init && reference.identifier !== returned)) return;
      onFinding({
        messageId: 'spanEndsBeforeCallbackResult',
        data: { span: span.name, callback: result.callback, result: result.variable.name },
        node: end,
      });
    },
  };
}

/** `span` is `owner`'s `startActiveSpan` callback parameter, or a `const span = tracer.startSpan(..)` of `owner`. */
function ownsSpan(sourceCode: Readonly<TSESLint.SourceCode>, owner: FunctionNode, span: TSESTree.Identifier): boolean {
  const variable = ASTUtils.findVariable(sourceCode.getScope(span), span);
  const def = variable?.defs[0];
  if (!def || variable.defs.length !== 1) return false;
  if (def.type === 'Parameter') {
    const site = owner.parent;
    return def.node === owner && owner.params[0] === def.name && site?.type === AST_NODE_TYPES.CallExpression && site.arguments.includes(owner as TSESTree.CallExpressionArgument) && getSpanStartKind(site) === 'startActiveSpan';
  }
  if (def.type !== 'Variable' || !def.node.init || getEnclosingFunction(def.node) !== owner) return false;
  const init = unwrapTypeScriptExpression(def.node.init);
  return init.type === AST_NODE_TYPES.CallExpression && getSpanStartKind(init) === 'startSpan';
}

/** `const result = callback(..)` (or `.call` / `.apply`) where `callback` is a parameter of `owner` or of a function around it, which may return a promise. */
function resultOfCallback(sourceCode: Readonly<TSESLint.SourceCode>, statement: TSESTree.Statement, owner: FunctionNode): { variable: TSESLint.Scope.Variable; callback: string } | undefined {
  if (statement.type !== AST_NODE_TYPES.VariableDeclaration || statement.kind !== 'const' || statement.declarations.length !== 1) return undefined;
  const declarator = statement.declarations[0];
  if (!declarator?.init || declarator.id.type !== AST_NODE_TYPES.Identifier) return undefined;
  const call = unwrapTypeScriptExpression(declarator.init);
  if (call.type !== AST_NODE_TYPES.CallExpression) return undefined;
  const method = getMethodName(call);
  const callee = unwrapTypeScriptExpression(method === 'call' || method === 'apply' ? (getMethodReceiver(call) ?? call.callee) : call.callee);
  if (callee.type !== AST_NODE_TYPES.Identifier) return undefined;
  const callback = ASTUtils.findVariable(sourceCode.getScope(callee), callee);
  const def = callback?.defs[0];
  if (!callback || callback.defs.length !== 1 || def?.type !== 'Parameter' || !isFunctionLike(def.node)) return undefined;
  const helper = def.node as FunctionNode;
  if (helper !== owner && !contains(helper, owner)) return undefined;
  if (/sync$/i.test(getFunctionName(helper) ?? '') || returnsNonPromise(def.name)) return undefined;
  const variable = sourceCode.getDeclaredVariables(declarator)[0];
  return variable ? { variable, callback: callee.name } : undefined;
}

/** A parameter typed as a function returning something that is not a promise: `() => void`, `(span: Span) => string`. */
function returnsNonPromise(name: TSESTree.BindingName): boolean {
  const annotation = name.typeAnnotation?.typeAnnotation;
  if (annotation?.type !== AST_NODE_TYPES.TSFunctionType) return false;
  const returned = annotation.returnType?.typeAnnotation;
  if (!returned) return false;
  switch (returned.type) {
    case AST_NODE_TYPES.TSVoidKeyword:
    case AST_NODE_TYPES.TSStringKeyword:
    case AST_NODE_TYPES.TSNumberKeyword:
    case AST_NODE_TYPES.TSBooleanKeyword:
    case AST_NODE_TYPES.TSUndefinedKeyword:
    case AST_NODE_TYPES.TSNullKeyword:
      return true;
    default:
      return false;
  }
}
