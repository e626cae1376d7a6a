/**
 * Shapes the queue model reads (queues.ts) and the file analysis records (file-analysis.ts): what a
 * stored value or a collection looks like, independent of the model.
 */
import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { getPropertyName, unwrapTypeScriptExpression } from './ast.js';

/** `[]`, `new Map()`: a new empty collection. */
export function isEmptyCollection(node: TSESTree.Node): boolean {
  if (node.type === AST_NODE_TYPES.ArrayExpression) return node.elements.length === 0;
  return node.type === AST_NODE_TYPES.NewExpression && node.arguments.length === 0;
}

/** A constructor (or a pre-class constructor function) sets the collection up. */
export function isInConstructor(node: TSESTree.Node): boolean {
  for (let current = node.parent; current; current = current.parent) {
    if (current.type === AST_NODE_TYPES.MethodDefinition) return current.kind === 'constructor';
    // a pre-class constructor function: `function Pool(options) { this.queue = []; }`
    if ((current.type === AST_NODE_TYPES.FunctionDeclaration || current.type === AST_NODE_TYPES.FunctionExpression) && current.id && /^[A-Z]/.test(current.id.name)) {
      return current.parent.type !== AST_NODE_TYPES.MethodDefinition;
    }
    if (current.type === AST_NODE_TYPES.Program) return false;
  }
  return false;
}

/** The name a collection goes by: `q` → 'q', `this.pool.waiters` → 'waiters'. */
export function lastName(node: TSESTree.Node): string | undefined {
  const expression = unwrapTypeScriptExpression(node);
  if (expression.type === AST_NODE_TYPES.Identifier) return expression.name;
  if (expression.type === AST_NODE_TYPES.MemberExpression) return getPropertyName(expression) ?? (expression.property.type === AST_NODE_TYPES.PrivateIdentifier ? `#${expression.property.name}` : undefined);
  return undefined;
}

/** A stored value that may be (or hold) a callback; literals and array/collection literals cannot. */
export function mayBeCallback(node: TSESTree.CallExpressionArgument): boolean {
  const expression = unwrapTypeScriptExpression(node);
  switch (expression.type) {
    case AST_NODE_TYPES.Literal:
    case AST_NODE_TYPES.TemplateLiteral:
    case AST_NODE_TYPES.ArrayExpression:
    case AST_NODE_TYPES.BinaryExpression:
    case AST_NODE_TYPES.UnaryExpression:
    case AST_NODE_TYPES.UpdateExpression:
      return false;
    default:
      return true;
  }
}
