/**
 * `no-unpaired-context-attach`, the field form of an unpaired attach (issue #11 family 6, seen in
 * the context managers tracers write for themselves: Zipkin's `ExplicitContext#scoped`, Cloud
 * Trace's async-hooks CLS): a function saves a "current context" field, runs the function it was
 * handed, and puts the field back as a plain statement —
 *
 *   const prevCtx = this.currentCtx;
 *   this.currentCtx = ctx;
 *   const result = callable();
 *   this.currentCtx = prevCtx;
 *
 * When `callable` throws, the restore never runs, and the context it ran in stays current for
 * everything the caller does next (the enterWith leak, on a field). Fixed like an attach, with
 * the restore in a `finally`.
 *
 * Only that shape: the saved value is a `const` read of the same member chain the statement writes
 * back (`this.currentCtx`, `this.currentContext.value`, a `const` alias of its holder), the chain
 * names a context (`ctx`, `context`, `scope` in one of its names), a call of a function parameter
 * (of this function or an enclosing one: the work the context was set for) runs between the two,
 * and the restore is not in a `finally`. A field saved and restored around anything else (an
 * indentation level, a flag) is not a context.
 *
 * The same with a variable of an enclosing scope as the holder (unctx's `call(instance, cb)` before
 * its fix: `currentInstance = instance; const res = cb(); currentInstance = null`): a `let` of a
 * closure or the module, named for a current context (`ctx`, `context`, `scope`, `current`,
 * `active`), set in the function, a parameter function called, and the holder put back (to a saved
 * `const`, or cleared to `null`/`undefined`) as a plain statement. Found with {@link findHolderSwap}.
 * And with a stack as the holder (a stack context manager written by hand:
 * `this.contextStack.push(ctx); const result = fn(); this.contextStack.pop();`), named for a
 * context (`ctx`, `context`, `scope`), not a local of the function: {@link findStackSwap}.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, ASTUtils } from '@typescript-eslint/utils';
import { getDottedName, getEnclosingFunction, getMethodName, isFunctionLike, unwrapTypeScriptExpression, walk } from '../../analysis/ast.js';
import { buildTryFinally } from '../../edits/try-finally.js';
import type { Edit } from '../../findings.js';

const CONTEXT_NAME = /ctx|context|scope/i;

export interface FieldSwap {
  /** The restore: the statement's assignment, or the stack's `pop()`. */
  restore: TSESTree.AssignmentExpression | TSESTree.CallExpression;
  /** The member chain as written (`this.currentCtx`). */
  field: string;
  /** The parameter call that may throw before the restore (`callable()`). */
  call: string;
  fix: Edit[] | undefined;
}

/** A `let` holder named for a current context. */
const HOLDER_NAME = /ctx|context|scope|current|active/i;

/** The listener selector of the holder form: a statement `<identifier> = <identifier | literal>`. */
export const HOLDER_RESTORE = 'ExpressionStatement > AssignmentExpression[operator="="][left.type="Identifier"]:matches([right.type="Identifier"], [right.type="Literal"])';

/** The holder form (see the file comment): the restore of a closure or module `let` around a parameter call. */
export function findHolderSwap(sourceCode: Readonly<TSESLint.SourceCode>, restore: TSESTree.AssignmentExpression): FieldSwap | undefined {
  const holder = restore.left;
  const value = restore.right;
  if (holder.type !== AST_NODE_TYPES.Identifier || !HOLDER_NAME.test(holder.name)) return undefined;
  const cleared = (value.type === AST_NODE_TYPES.Literal && value.value === null) || (value.type === AST_NODE_TYPES.Identifier && value.name === 'undefined');
  if (!cleared && value.type !== AST_NODE_TYPES.Identifier) return undefined;
  const fn = getEnclosingFunction(restore);
  const statement = restore.parent;
  const block = statement.parent;
  if (!fn || block?.type !== AST_NODE_TYPES.BlockStatement || isInFinally(statement, fn)) return undefined;
  const variable = ASTUtils.findVariable(sourceCode.getScope(holder), holder);
  const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
  // a `let` of the module or of an enclosing function: shared by every call of `fn`
  if (!variable || def?.type !== 'Variable' || def.parent.kind === 'const' || getEnclosingFunction(def.node) === fn) return undefined;
  const index = block.body.indexOf(statement as TSESTree.Statement);
  // the set: `holder = <anything but the restored value>` earlier in the same block
  const set = block.body.slice(0, index).findLast((s): s is TSESTree.ExpressionStatement & { expression: TSESTree.AssignmentExpression } =>
    s.type === AST_NODE_TYPES.ExpressionStatement && s.expression.type === AST_NODE_TYPES.AssignmentExpression &&
    s.expression.operator === '=' && s.expression.left.type === AST_NODE_TYPES.Identifier && s.expression.left.name === holder.name);
  if (!set || sourceCode.getText(set.expression.right) === sourceCode.getText(value)) return undefined;
  if (!cleared && !isSavedCopy(sourceCode, value as TSESTree.Identifier, holder.name, fn)) return undefined;
  const call = findParameterCall(sourceCode, fn, [set.range[1], statement.range[0]]);
  if (!call) return undefined;
  const fix = buildTryFinally(sourceCode, set, sourceCode.getText(restore), [restore], undefined);
  return { restore, field: holder.name, call: `${sourceCode.getText(call.callee)}(..)`, fix };
}

/** The listener selector of the stack form: a statement `<stack>.pop()`. */
export const STACK_POP = 'ExpressionStatement > CallExpression[arguments.length=0][callee.type="MemberExpression"][callee.property.name="pop"]';

/** The stack form (see the file comment): `<stack>.push(..)`, a parameter call, `<stack>.pop()` outside `finally`. */
export function findStackSwap(sourceCode: Readonly<TSESLint.SourceCode>, pop: TSESTree.CallExpression): FieldSwap | undefined {
  const stack = pop.callee.type === AST_NODE_TYPES.MemberExpression ? pop.callee.object : undefined;
  const name = stack && getDottedName(stack);
  if (!stack || name === undefined || !CONTEXT_NAME.test(name)) return undefined;
  const fn = getEnclosingFunction(pop);
  const statement = pop.parent;
  const block = statement.parent;
  if (!fn || block?.type !== AST_NODE_TYPES.BlockStatement || isInFinally(statement, fn)) return undefined;
  // a stack shared by every call: a member chain, or a variable of an enclosing scope
  let base: TSESTree.Node = stack;
  while (base.type === AST_NODE_TYPES.MemberExpression) base = base.object;
  if (base.type === AST_NODE_TYPES.Identifier) {
    const def = ASTUtils.findVariable(sourceCode.getScope(base), base)?.defs[0];
    if (!def || ((def.type === 'Variable' || def.type === 'Parameter') && getEnclosingFunction(def.name) === fn)) return undefined;
  }
  const index = block.body.indexOf(statement as TSESTree.Statement);
  const push = block.body.slice(0, index).findLast((s) => {
    const call = s.type === AST_NODE_TYPES.ExpressionStatement ? s.expression : undefined;
    return call?.type === AST_NODE_TYPES.CallExpression && getMethodName(call) === 'push' && call.callee.type === AST_NODE_TYPES.MemberExpression && getDottedName(call.callee.object) === name;
  });
  if (!push) return undefined;
  const call = findParameterCall(sourceCode, fn, [push.range[1], statement.range[0]]);
  if (!call) return undefined;
  const fix = buildTryFinally(sourceCode, push, sourceCode.getText(pop), [pop], undefined);
  return { restore: pop, field: name, call: `${sourceCode.getText(call.callee)}(..)`, fix };
}

/** `saved` is a `const` of `fn` initialised from the holder: `const prev = currentContext`. */
function isSavedCopy(sourceCode: Readonly<TSESLint.SourceCode>, saved: TSESTree.Identifier, holder: string, fn: TSESTree.Node): boolean {
  const def = ASTUtils.findVariable(sourceCode.getScope(saved), saved)?.defs[0];
  if (def?.type !== 'Variable' || def.parent.kind !== 'const' || !def.node.init || getEnclosingFunction(def.node) !== fn) return false;
  const init = unwrapTypeScriptExpression(def.node.init);
  return init.type === AST_NODE_TYPES.Identifier && init.name === holder;
}

/** The listener selector: a statement `<member> = <identifier>`. */
export const FIELD_RESTORE = 'ExpressionStatement > AssignmentExpression[operator="="][left.type="MemberExpression"][right.type="Identifier"]';

export function findFieldSwap(sourceCode: Readonly<TSESLint.SourceCode>, restore: TSESTree.AssignmentExpression): FieldSwap | undefined {
  const left = restore.left;
  const saved = restore.right;
  if (left.type !== AST_NODE_TYPES.MemberExpression || saved.type !== AST_NODE_TYPES.Identifier) return undefined;
  const field = getDottedName(left);
  if (field === undefined) return undefined;
  const variable = ASTUtils.findVariable(sourceCode.getScope(saved), saved);
  const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
  if (def?.type !== 'Variable' || def.parent.kind !== 'const' || !def.node.init) return undefined;
  const init = unwrapTypeScriptExpression(def.node.init);
  if (init.type !== AST_NODE_TYPES.MemberExpression || getDottedName(init) !== field) return undefined;
  if (!namesContext(sourceCode, left)) return undefined;
  const fn = getEnclosingFunction(restore);
  const declaration = def.parent;
  const statement = restore.parent;
  if (!fn || getEnclosingFunction(declaration) !== fn || statement.parent !== declaration.parent || isInFinally(statement, fn)) return undefined;
  const between: [number, number] = [declaration.range[1], statement.range[0]];
  const call = findParameterCall(sourceCode, fn, between);
  if (!call) return undefined;
  const fix = buildTryFinally(sourceCode, declaration, sourceCode.getText(restore), [restore], undefined);
  return { restore, field, call: `${sourceCode.getText(call.callee)}(..)`, fix };
}

/** A name in the chain (or in the chain a `const` holder was read from) speaks of a context. */
function namesContext(sourceCode: Readonly<TSESLint.SourceCode>, node: TSESTree.MemberExpression): boolean {
  if (CONTEXT_NAME.test(getDottedName(node) ?? '')) return true;
  let base: TSESTree.Node = node;
  while (base.type === AST_NODE_TYPES.MemberExpression) base = base.object;
  if (base.type !== AST_NODE_TYPES.Identifier) return false;
  const def = ASTUtils.findVariable(sourceCode.getScope(base), base)?.defs[0];
  const init = def?.type === 'Variable' && def.parent.kind === 'const' ? def.node.init : undefined;
  return (init?.type === AST_NODE_TYPES.MemberExpression || init?.type === AST_NODE_TYPES.Identifier) && CONTEXT_NAME.test(sourceCode.getText(init));
}

function isInFinally(statement: TSESTree.Node, fn: TSESTree.Node): boolean {
  for (let current: TSESTree.Node | undefined = statement; current && current !== fn; current = current.parent) {
    const parent: TSESTree.Node | undefined = current.parent;
    if (parent?.type === AST_NODE_TYPES.TryStatement && parent.finalizer === current) return true;
  }
  return false;
}

/** A call of a function parameter (`callable()`, `fn.apply(this, arguments)`, `fn.call(..)`) of `fn` or an enclosing function, within `range` and not inside a nested function. */
function findParameterCall(sourceCode: Readonly<TSESLint.SourceCode>, fn: TSESTree.Node, range: readonly [number, number]): TSESTree.CallExpression | undefined {
  let found: TSESTree.CallExpression | undefined;
  const body = isFunctionLike(fn) ? fn.body : fn;
  walk(body, (node) => {
    if (found || node.range[1] <= range[0] || node.range[0] >= range[1]) return false;
    if (node !== body && isFunctionLike(node)) return false;
    if (node.type !== AST_NODE_TYPES.CallExpression) return true;
    let target = unwrapTypeScriptExpression(node.callee);
    if (target.type === AST_NODE_TYPES.MemberExpression && ['apply', 'call'].includes(getMethodName(node) ?? '')) target = unwrapTypeScriptExpression(target.object);
    if (target.type === AST_NODE_TYPES.Identifier && ASTUtils.findVariable(sourceCode.getScope(target), target)?.defs[0]?.type === 'Parameter') found = node;
    return !found;
  });
  return found;
}
