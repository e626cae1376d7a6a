/**
 * Where a token from `context.attach()` / `als.withScope()` goes (its binding), and how it is
 * disposed (`token.dispose()`, `token[Symbol.dispose]()`).
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, ASTUtils } from '@typescript-eslint/utils';
import { isTransparent } from './binds.js';

export type Binding =
  | { kind: 'discarded'; statement: TSESTree.ExpressionStatement }
  | { kind: 'variable'; variable: TSESLint.Scope.Variable; statement: TSESTree.Statement }
  | { kind: 'using' }
  | { kind: 'escape'; how: string };

/** `token.dispose()`, `token?.dispose()`, `token[Symbol.dispose]()` for the reference `id`. */
export function getDisposeCall(id: TSESTree.Node): TSESTree.CallExpression | undefined {
  const member = id.parent;
  if (member?.type !== AST_NODE_TYPES.MemberExpression || member.object !== id) return undefined;
  const isDispose =
    (!member.computed && member.property.type === AST_NODE_TYPES.Identifier && member.property.name === 'dispose') ||
    (member.computed && member.property.type === AST_NODE_TYPES.MemberExpression && ASTUtils.isIdentifier(member.property.property) && member.property.property.name === 'dispose');
  const call = member.parent;
  return isDispose && call.type === AST_NODE_TYPES.CallExpression && call.callee === member ? call : undefined;
}

export function getBinding(sourceCode: Readonly<TSESLint.SourceCode>, call: TSESTree.CallExpression): Binding {
  let node: TSESTree.Node = call;
  while (node.parent && isTransparent(node.parent)) node = node.parent;
  const parent = node.parent;
  if (parent?.type === AST_NODE_TYPES.ExpressionStatement) return { kind: 'discarded', statement: parent };
  if (parent?.type === AST_NODE_TYPES.VariableDeclarator && parent.init === node && parent.id.type === AST_NODE_TYPES.Identifier) {
    const declaration = parent.parent;
    if (declaration.kind === 'using' || declaration.kind === 'await using') return { kind: 'using' };
    const variable = sourceCode.getDeclaredVariables(parent)[0];
    if (variable && declaration.declarations.length === 1) return { kind: 'variable', variable, statement: declaration };
  }
  if (
    parent?.type === AST_NODE_TYPES.AssignmentExpression &&
    parent.operator === '=' &&
    parent.right === node &&
    parent.left.type === AST_NODE_TYPES.Identifier &&
    parent.parent.type === AST_NODE_TYPES.ExpressionStatement
  ) {
    const variable = ASTUtils.findVariable(sourceCode.getScope(parent.left), parent.left);
    if (variable) return { kind: 'variable', variable, statement: parent.parent };
  }
  if (parent?.type === AST_NODE_TYPES.ReturnStatement || parent?.type === AST_NODE_TYPES.ArrowFunctionExpression) return { kind: 'escape', how: 'is returned' };
  if ((parent?.type === AST_NODE_TYPES.CallExpression || parent?.type === AST_NODE_TYPES.NewExpression) && parent.callee !== node) {
    return { kind: 'escape', how: `is passed to '${sourceCode.getText(parent.callee)}'` };
  }
  return { kind: 'escape', how: 'is stored or passed on' };
}

