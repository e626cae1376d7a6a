/**
 * `store.enterWith(..)` calls that leave nothing behind:
 * - a reset, `store.enterWith(undefined)` (or no argument, or `void 0`): it empties the store for
 *   the rest of the run, which is what the next request should see;
 * - an enter undone in a `finally`, the hand-written `run()` of libraries that keep one frame
 *   (dd-trace's `Scope#activate`): `const previous = store.getStore(); store.enterWith(next);
 *   try { .. } finally { store.enterWith(previous); }`. The enter may sit in an `if`, or inside the
 *   `try`; statements between the enter and the `try` are not checked for throws. The restoring
 *   call itself, in a `finally` or not, leaves nothing behind either.
 * Both calls must name the same store (the same text) and the saved value must be read from it
 * before the enter.
 * A restore in another function than its enter, of a store named as the earlier one
 * (`enterWith(parentStore)`) or as one saved from the store, is split-restores.ts's.
 * The save and the restore may also be spelled through the prototype's methods, as a subclass of
 * AsyncLocalStorage that overrides them does (`const prior = superGetStore.call(this)`, then
 * `superEnterWith.call(this, prior)` in the `finally`).
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, ASTUtils } from '@typescript-eslint/utils';
import { contains, getMethodName, getMethodReceiver, getPropertyName, unwrapTypeScriptExpression } from '../../analysis/ast.js';

type SourceCode = Readonly<TSESLint.SourceCode>;

/** `enterWith()`, `enterWith(undefined)`, `enterWith(void 0)`. */
export function isStoreReset(call: TSESTree.CallExpression): boolean {
  if (call.arguments.length === 0) return true;
  const argument = unwrapTypeScriptExpression(call.arguments[0] as TSESTree.Expression);
  if (argument.type === AST_NODE_TYPES.Identifier) return argument.name === 'undefined';
  return argument.type === AST_NODE_TYPES.UnaryExpression && argument.operator === 'void' && argument.argument.type === AST_NODE_TYPES.Literal;
}

/** A name for the store that was active before an enter: `parentStore`, `ctx.llmobs.parent`, `previousStore`, `sqlParentStore`. */
const EARLIER_STORE = /(?:^(?:parent|prev|previous|prior|saved|outer|original)|(?:Parent|Prev|Previous|Prior|Saved|Outer|Original))(?![a-z])/;

/** Whether `name` names the store that was active before an enter (EARLIER_STORE). */
export function namesEarlierStore(name: string): boolean {
  return EARLIER_STORE.test(name);
}

/** The enter is undone by a restore in a `finally` that it cannot skip, or is itself that restore. */
export function isRestoredEnterWith(sourceCode: SourceCode, call: TSESTree.CallExpression): boolean {
  const receiver = getMethodReceiver(call);
  if (!receiver) return false;
  const store = sourceCode.getText(receiver);
  return isUndoneInFinally(call, (candidate) => isSavedValueRestore(sourceCode, candidate, store, 'enterWith', 'getStore'));
}

/**
 * The structure shared by every in-place write (an `enterWith`, a tracer's `setId`, a cls-hooked
 * `enter`, context-apis.ts): `call` is itself an undo, or the statement holding it (an `if` around
 * it counts) is followed in its block by a `try` whose `finally` undoes it, or it sits in the block
 * of such a `try`. `isUndo` says which calls undo this write.
 */
export function isUndoneInFinally(call: TSESTree.CallExpression, isUndo: (candidate: TSESTree.CallExpression) => boolean): boolean {
  if (isUndo(call)) return true;
  let statement: TSESTree.Node = call.parent;
  if (statement.type !== AST_NODE_TYPES.ExpressionStatement) return false;
  // `if (enabled) store.enterWith(next);` counts as the enter statement
  while (statement.parent?.type === AST_NODE_TYPES.IfStatement || (statement.parent?.type === AST_NODE_TYPES.BlockStatement && statement.parent.parent.type === AST_NODE_TYPES.IfStatement)) {
    statement = statement.parent;
  }
  // `enter; ..; try { .. } finally { restore }` in one block
  const block = statement.parent;
  if (block?.type === AST_NODE_TYPES.BlockStatement || block?.type === AST_NODE_TYPES.Program) {
    const body = block.body as TSESTree.Node[];
    const later = body.slice(body.indexOf(statement) + 1);
    if (later.some((next) => next.type === AST_NODE_TYPES.TryStatement && finallyUndoes(next, isUndo))) return true;
  }
  // `try { enter; .. } finally { restore }`
  for (let node: TSESTree.Node = call.parent; node.parent; node = node.parent) {
    const parent: TSESTree.Node = node.parent;
    if (parent.type === AST_NODE_TYPES.TryStatement && parent.block === node) return finallyUndoes(parent, isUndo);
    if (node.type !== AST_NODE_TYPES.BlockStatement && node.type !== AST_NODE_TYPES.ExpressionStatement) return false;
  }
  return false;
}

function finallyUndoes(tryStatement: TSESTree.TryStatement, isUndo: (candidate: TSESTree.CallExpression) => boolean): boolean {
  const finalizer = tryStatement.finalizer;
  if (!finalizer) return false;
  return finalizer.body.some((statement) => {
    // `store.enterWith(previous)`, or `if (enabled) store.enterWith(previous)`
    const restore = statement.type === AST_NODE_TYPES.IfStatement && !statement.alternate ? statement.consequent : statement;
    return restore.type === AST_NODE_TYPES.ExpressionStatement && restore.expression.type === AST_NODE_TYPES.CallExpression && isUndo(restore.expression);
  });
}

/**
 * `store.<write>(previous)`, where `previous` is a `const` read from the store before
 * (`store.getStore()`, `tracer.id`): it puts back what was there, so it leaves nothing behind itself.
 */
export function isSavedValueRestore(sourceCode: SourceCode, call: TSESTree.CallExpression, store: string, write: string, read: string): boolean {
  const parts = storeCall(call, write);
  if (!parts || parts.args.length !== 1 || sourceCode.getText(parts.store) !== store) return false;
  const argument = unwrapTypeScriptExpression(parts.args[0] as TSESTree.Expression);
  if (argument.type !== AST_NODE_TYPES.Identifier) return false;
  const variable = ASTUtils.findVariable(sourceCode.getScope(argument), argument);
  const definition = variable?.defs.length === 1 ? variable.defs[0] : undefined;
  if (definition?.type !== 'Variable' || definition.parent.kind !== 'const') return false;
  const init = definition.node.init ? unwrapTypeScriptExpression(definition.node.init) : undefined;
  if (init?.type === AST_NODE_TYPES.MemberExpression && read !== 'getStore') return getPropertyName(init) === read && sourceCode.getText(init.object) === store;
  if (init?.type !== AST_NODE_TYPES.CallExpression) return false;
  const source = storeCall(init, read);
  return source !== undefined && source.args.length === 0 && sourceCode.getText(source.store) === store && !contains(init, call);
}

/**
 * `store.<method>(..args)`, or the prototype's method called on the store:
 * `superEnterWith.call(store, ..args)` (a local whose name ends with the method's, any case).
 */
function storeCall(call: TSESTree.CallExpression, method: string): { store: TSESTree.Node; args: TSESTree.CallExpressionArgument[] } | undefined {
  const name = getMethodName(call);
  const receiver = getMethodReceiver(call);
  if (!receiver) return undefined;
  if (name === method) return { store: receiver, args: call.arguments };
  const [self, ...args] = call.arguments;
  if (name !== 'call' || receiver.type !== AST_NODE_TYPES.Identifier || !receiver.name.toLowerCase().endsWith(method.toLowerCase())) return undefined;
  return self && self.type !== AST_NODE_TYPES.SpreadElement ? { store: self, args } : undefined;
}
