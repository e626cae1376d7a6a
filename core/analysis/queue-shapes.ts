/**
 * Shapes the queue model reads (queues.ts) and the file analysis records (file-analysis.ts): what a
 * stored value or a collection looks like, independent of the model.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { contains, getPropertyName, isFunctionLike, unwrapTypeScriptExpression } from './ast.js';
import { getCallbackShape, isPromiseResolver } from './callbacks.js';

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

/** `if (!q) q = [];` (or `q === undefined`, `q == null`): the collection is created where it is missing, nothing is swapped out. */
export function isLazyInit(sourceCode: Readonly<TSESLint.SourceCode>, assignment: TSESTree.AssignmentExpression, left: TSESTree.Node): boolean {
  const text = sourceCode.getText(left);
  for (let node: TSESTree.Node | undefined = assignment.parent; node && !isFunctionLike(node); node = node.parent) {
    if (node.type !== AST_NODE_TYPES.IfStatement) continue;
    if (!contains(node.consequent, assignment)) return false;
    const test = unwrapTypeScriptExpression(node.test);
    if (test.type === AST_NODE_TYPES.UnaryExpression) return test.operator === '!' && sourceCode.getText(test.argument) === text;
    const nullish = (side: TSESTree.Node) => (side.type === AST_NODE_TYPES.Literal && side.value === null) || (side.type === AST_NODE_TYPES.Identifier && side.name === 'undefined');
    return test.type === AST_NODE_TYPES.BinaryExpression && (test.operator === '===' || test.operator === '==') && sourceCode.getText(test.left) === text && nullish(test.right);
  }
  return false;
}

/** A collection named for teardown work (`CLEANUP_STEPS`, `this._disposeCallbacks`, `exitHandlers`, `unsubscribers`). */
const TEARDOWN_COLLECTION = /clean[-_]?up|dispos|tear[-_]?down|destr(?:oy|uct)|shut[-_]?down|unsubscri|unregist|finali[sz]|exit/i;

/** Whether a collection (`this._disposeCallbacks`, `CLEANUP_STEPS`) holds teardown callbacks, by its name. */
export function isTeardownCollection(text: string): boolean {
  return TEARDOWN_COLLECTION.test(text.split('.').at(-1) ?? '');
}

/** A number literal, negative ones too (`-1`). */
export function isNumberLiteral(node: TSESTree.Node): boolean {
  const expression = unwrapTypeScriptExpression(node);
  if (expression.type === AST_NODE_TYPES.UnaryExpression && expression.operator === '-') return isNumberLiteral(expression.argument);
  return expression.type === AST_NODE_TYPES.Literal && typeof expression.value === 'number';
}

/** Names of a function that tests a value (a waiter's condition), not work to run. */
const PREDICATE_NAME = /^(?:predicate|pred|filter|match(?:es|er)?|test|check|condition|accepts?|(?:is|has|should)[A-Z]\w*)$/;

/**
 * A waiter, `{ predicate, resolve }`: a promise's resolver with, at most, conditions on the
 * delivered value. What it resumes follows the `await`, not the resolver (tests/queue-waiters.test.ts).
 * `{ fn, fulfil, reject }` holds work (`fn`) and stays a queue entry.
 */
export function isWaiter(sourceCode: Readonly<TSESLint.SourceCode>, entry: TSESTree.ObjectExpression): boolean {
  let resolver = false;
  for (const property of entry.properties) {
    if (property.type !== AST_NODE_TYPES.Property) return false;
    if (isPromiseResolver(sourceCode, property.value)) resolver = true;
    else if (getCallbackShape(sourceCode, property.value).kind !== 'not-a-function' && !(property.key.type === AST_NODE_TYPES.Identifier && PREDICATE_NAME.test(property.key.name))) return false;
  }
  return resolver;
}
