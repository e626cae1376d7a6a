/**
 * How the queue model (queues.ts) names a collection and reads the entries taken out of it:
 * a collection reached through a local that holds a field (`var q = this._queue; q.push(fn)`),
 * the position of an entry in a stride queue (`push(fn, receiver, arg)` drained by three
 * `shift()`s in a row), and a dequeued function handed to a helper that runs it
 * (`tryCatch(fn, receiver, arg)`, `invoke(fn, ..)`). Issue 11, family 5 (bluebird's scheduler,
 * bench/real-world/FAMILIES.md "bluebird-async-invoke-buffer-domain").
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, ASTUtils } from '@typescript-eslint/utils';
import { lastName } from './queue-shapes.js';
import { getDottedName, getEnclosingClassBody, getMethodName, getMethodReceiver, getPrototypeClassName, getThisAlias, getThisMemberName, unwrapTypeScriptExpression } from './ast.js';

export interface CollectionRef {
  id: string;
  text: string;
  /** The class body (members) or the declaring function or program (variables). */
  owner: TSESTree.Node;
  isMember: boolean;
}

/** An entry taken out of a collection: its id, the property read off it, its position in a stride queue. */
export interface Entry {
  id: string;
  prop?: string;
  stride?: { index: number; length: number } | undefined;
}

/**
 * A local that only ever holds a field of `this` (`var buffer = this._lateBuffer;`, never
 * reassigned): the field's read, so the local's pushes and shifts are the field's.
 */
function getFieldAliasInit(variable: ReturnType<typeof ASTUtils.findVariable>): TSESTree.Node | undefined {
  const def = variable?.defs[0];
  if (!variable || variable.defs.length !== 1 || def?.type !== 'Variable' || def.node.id.type !== AST_NODE_TYPES.Identifier || !def.node.init) return undefined;
  if (variable.references.some((reference) => reference.isWrite() && !reference.init)) return undefined;
  const init = unwrapTypeScriptExpression(def.node.init);
  return init.type === AST_NODE_TYPES.MemberExpression ? init : undefined;
}

/** The field a local holds (`var q = this._queue` → '_queue'), for the file analysis' name pre-filter. */
export function getFieldAliasName(sourceCode: Readonly<TSESLint.SourceCode>, identifier: TSESTree.Identifier): string | undefined {
  const init = getFieldAliasInit(ASTUtils.findVariable(sourceCode.getScope(identifier), identifier));
  return init === undefined ? undefined : lastName(init);
}

/** A reference to a collection: `queue` (a variable), `this.queue` (a class member), or a local holding `this.queue`. */
export function getCollectionRef(sourceCode: Readonly<TSESLint.SourceCode>, node: TSESTree.Node, depth = 0): CollectionRef | undefined {
  const expression = unwrapTypeScriptExpression(node);
  // `self._waiting` where `var self = this`: the member of the `this` the alias was taken from
  const alias = getThisAlias(sourceCode, expression);
  const member = getThisMemberName(expression) ?? alias?.member;
  const at = alias?.thisNode ?? expression;
  if (member !== undefined) {
    const classBody = getEnclosingClassBody(at);
    if (classBody) return { id: `m:${classBody.range[0]}:${member}`, text: `this.${member}`, owner: classBody, isMember: true };
    const constructorName = getPrototypeClassName(at);
    return constructorName === undefined ? undefined : { id: `p:${constructorName}:${member}`, text: `this.${member}`, owner: sourceCode.ast, isMember: true };
  }
  if (expression.type !== AST_NODE_TYPES.Identifier) return undefined;
  const variable = ASTUtils.findVariable(sourceCode.getScope(expression), expression);
  const def = variable?.defs[0];
  if (!variable || def?.type !== 'Variable') return undefined;
  const field = depth === 0 ? getFieldAliasInit(variable) : undefined;
  const fieldRef = field && getCollectionRef(sourceCode, field, depth + 1);
  if (fieldRef?.isMember) return fieldRef;
  return { id: `v:${def.name.range[0]}`, text: expression.name, owner: variable.scope.variableScope.block, isMember: false };
}

/** The statement `x = q.shift()` / `var x = q.shift();` a take stands alone in, and the text of its receiver. */
function takeStatement(take: TSESTree.CallExpression): { statement: TSESTree.Statement; key: string } | undefined {
  const receiver = getMethodReceiver(take);
  const method = getMethodName(take);
  const receiverText = receiver && getDottedName(receiver);
  if (receiverText === undefined || method === undefined) return undefined;
  const key = `${receiverText}.${method}`;
  const parent = take.parent;
  if (parent.type === AST_NODE_TYPES.VariableDeclarator && parent.init === take && parent.parent.declarations.length === 1) return { statement: parent.parent, key };
  if (parent.type === AST_NODE_TYPES.AssignmentExpression && parent.right === take && parent.parent.type === AST_NODE_TYPES.ExpressionStatement) return { statement: parent.parent, key };
  return undefined;
}

function takeKeyOf(statement: TSESTree.Node | undefined): string | undefined {
  if (!statement) return undefined;
  let value: TSESTree.Node | null | undefined;
  if (statement.type === AST_NODE_TYPES.VariableDeclaration && statement.declarations.length === 1) value = statement.declarations[0]?.init;
  else if (statement.type === AST_NODE_TYPES.ExpressionStatement && statement.expression.type === AST_NODE_TYPES.AssignmentExpression) value = statement.expression.right;
  const call = value && unwrapTypeScriptExpression(value);
  return call?.type === AST_NODE_TYPES.CallExpression ? takeStatement(call)?.key : undefined;
}

/**
 * The position of a take in a stride queue: `var fn = q.shift(); var receiver = q.shift(); var
 * arg = q.shift();` are positions 0, 1 and 2 of entries of length 3 (each store pushes three
 * values). Undefined for a take that is not one of two or more in a row on the same collection.
 */
export function getStridePosition(take: TSESTree.CallExpression): { index: number; length: number } | undefined {
  const own = takeStatement(take);
  if (!own) return undefined;
  const { statement, key } = own;
  const parent = statement.parent;
  const body: readonly TSESTree.Node[] | undefined =
    parent?.type === AST_NODE_TYPES.BlockStatement || parent?.type === AST_NODE_TYPES.Program ? parent.body : parent?.type === AST_NODE_TYPES.SwitchCase ? parent.consequent : undefined;
  if (!body) return undefined;
  const at = body.indexOf(statement);
  let first = at;
  while (first > 0 && takeKeyOf(body[first - 1]) === key) first--;
  let last = at;
  while (last + 1 < body.length && takeKeyOf(body[last + 1]) === key) last++;
  const length = last - first + 1;
  return length >= 2 ? { index: at - first, length } : undefined;
}

/**
 * Helpers named for running the function they are handed: `tryCatch1`, `invoke`, `invokeCallback`,
 * `callFn`, `runTask`, `executeCallback`, `safeCall` (not a bare `run(file, content)` or `exec(sql)`,
 * not `applyError(span, ..)`).
 */
const RUNNER_NAME = /^(?:tryCatch\w*|try(?:Call|Run|Invoke)\w*|invoke\w*|safe(?:Call|Invoke|Run)|(?:call|run|exec(?:ute)?)(?:Fn|Func|Function|Callback|Cb|Task|Job|Thunk))$/;

/**
 * A dequeued entry handed to a call as the function it runs: the first argument of a helper named
 * for running it (`tryCatch1(fn, receiver, arg)`, `invoke(fn)`). Not any call given two entries
 * (`smaller(heap[i], heap[l])`, a heap's comparator).
 */
export function isRunByHelper(call: TSESTree.CallExpression, argument: TSESTree.Node): boolean {
  if (call.arguments[0] !== argument) return false;
  // `fn.call(receiver, arg)`: the first argument is the receiver, not a function run
  if (['call', 'apply', 'bind'].includes(getMethodName(call) ?? '')) return false;
  const callee = unwrapTypeScriptExpression(call.callee);
  // `task.zone.runTask(task)` (zone.js' microtask queue): the entry runs itself in the zone it carries
  let root: TSESTree.Node = callee;
  while (root.type === AST_NODE_TYPES.MemberExpression) root = unwrapTypeScriptExpression(root.object);
  const entry = unwrapTypeScriptExpression(argument);
  if (callee.type === AST_NODE_TYPES.MemberExpression && root.type === AST_NODE_TYPES.Identifier && entry.type === AST_NODE_TYPES.Identifier && root.name === entry.name) return false;
  const name = callee.type === AST_NODE_TYPES.Identifier ? callee.name : callee.type === AST_NODE_TYPES.MemberExpression && !callee.computed && callee.property.type === AST_NODE_TYPES.Identifier ? callee.property.name : undefined;
  return name !== undefined && RUNNER_NAME.test(name);
}
