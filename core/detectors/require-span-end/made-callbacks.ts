/**
 * `require-span-end`: a span whose every `end()` is inside callbacks is ended only where one of
 * those callbacks is made, and made where something will run it. Two `recommended` shapes where
 * it is not (issue #11, FAMILIES.md "span-end"):
 *
 * - **Made on some paths only.** The function makes the ending callback — a wrapper around the
 *   caller's callback (`callback = wrap(span, callback)`, or an inline function put in its place) —
 *   only when the caller passed one (`if (typeof callback === 'function')`), and another path returns
 *   (the promise form of the same call) with nothing to end the span (Honeycomb's pg instrumentation
 *   before 43e39da5). A path is followed through the function's own statements only: a loop, a
 *   `switch`, a `finally` or a label holding an ending callback or a `return` makes the answer
 *   unknown, and nothing is reported.
 * - **Made where nothing runs it.** Every `end()` is in a function stored in a local object or
 *   `const` that never leaves the function: the object is only written to (`hooks.onDone = ..`),
 *   never returned, passed or read (envelop's OpenTelemetry plugin before 556b4ead returned `{}`
 *   instead of its hooks object).
 *
 * Where the callback is made: the outermost function, inside the span's function, holding the
 * `end()` (or the call handing the span to the file's helper that ends it, `wrap(span, cb)`).
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { contains, isFunctionLike, walk } from '../../analysis/ast.js';
import type { FunctionNode } from '../../analysis/ast.js';
import type { OtelApi } from '../../analysis/otel-api.js';
import type { EndSites } from './end-sites.js';
import { isHandedOver } from './hand-over.js';

type SourceCode = Readonly<TSESLint.SourceCode>;

/** The finding for a span of `owner` (acquired at `from`) whose ending callbacks are missed on some path, if any. */
export function findEndingCallbackMiss(
  api: OtelApi,
  variable: TSESLint.Scope.Variable,
  owner: FunctionNode | TSESTree.Program,
  from: TSESTree.Node,
  found: EndSites,
):
  | { messageId: 'spanEndedOnlyInUnusedFunction'; data: { span: string; holder: string } }
  | { messageId: 'spanEndedOnlyInCallbackOnSomePaths'; data: { span: string; exit: string } }
  | undefined {
  const miss = findPathWithoutEndingCallback(api.sourceCode, owner, from, found);
  // the file's helpers that end it are not a hand-over; anything else is
  if (!miss || isHandedOver(api, variable, new Set(found.sites.flatMap((site) => (site.via ? [site.via.call] : []))))) return undefined;
  if (miss.kind === 'unused') return { messageId: 'spanEndedOnlyInUnusedFunction', data: { span: variable.name, holder: miss.holder } };
  const exit = miss.exit ? `the return on line ${miss.exit.loc.start.line}` : 'the end of the function';
  return { messageId: 'spanEndedOnlyInCallbackOnSomePaths', data: { span: variable.name, exit } };
}

export type MadeCallbackMiss =
  /** Every ending function is held by `holder`, which never leaves the span's function. */
  | { kind: 'unused'; holder: string }
  /** `exit` (a `return`, or the end of the function's body) is reached on a path that made no ending callback. */
  | { kind: 'some-paths'; exit: TSESTree.ReturnStatement | undefined };

/** A path of the span's function that leaves it with no ending callback made (see the file comment). */
function findPathWithoutEndingCallback(sourceCode: SourceCode, owner: FunctionNode | TSESTree.Program, from: TSESTree.Node, found: EndSites): MadeCallbackMiss | undefined {
  if (owner.type === AST_NODE_TYPES.Program || found.opaqueOutsideContext || found.sites.length === 0) return undefined;
  const made: TSESTree.Node[] = [];
  let unusedHolder: string | undefined;
  for (const site of found.sites) {
    const anchor = madeAt(site.via?.call ?? site.end, owner);
    // an `end()` in the function's own code: the pairing decides
    if (!anchor || (anchor === site.end && !site.via)) return undefined;
    const holder = isFunctionLike(anchor) ? unusedHolderOf(sourceCode, anchor, owner) : undefined;
    if (holder) unusedHolder ??= holder;
    else made.push(anchor);
  }
  if (made.length === 0) return unusedHolder ? { kind: 'unused', holder: unusedHolder } : undefined;
  // an arrow's expression body is what it returns
  if (owner.body.type !== AST_NODE_TYPES.BlockStatement) {
    const body = owner.body;
    return made.some((anchor) => contains(body, anchor) && isUnconditional(anchor, body, made)) ? undefined : { kind: 'some-paths', exit: undefined };
  }
  const statements = followingStatements(owner, from);
  if (!statements) return undefined;
  const result = scan(statements, made);
  if (result.kind === 'through') return { kind: 'some-paths', exit: undefined };
  return result.kind === 'leak' ? { kind: 'some-paths', exit: result.exit } : undefined;
}

/** The outermost function strictly inside `owner` that holds `node`, else `node` itself; undefined when `node` is not in `owner`. */
function madeAt(node: TSESTree.Node, owner: FunctionNode): TSESTree.Node | undefined {
  let outermost: TSESTree.Node | undefined;
  for (let current = node.parent; current; current = current.parent) {
    if (current === owner) return outermost ?? node;
    if (isFunctionLike(current)) outermost = current;
  }
  return undefined;
}

/**
 * The name of the local that holds `fn` and never leaves `owner`: `fn` is a property of an object
 * literal (or the initialiser) of a `const` in `owner`'s own code whose every later use writes a
 * property of it (`hooks.onDone = ..`).
 */
function unusedHolderOf(sourceCode: SourceCode, fn: FunctionNode, owner: FunctionNode): string | undefined {
  let value: TSESTree.Node = fn;
  if (value.parent?.type === AST_NODE_TYPES.Property && value.parent.value === value && value.parent.parent.type === AST_NODE_TYPES.ObjectExpression) {
    value = value.parent.parent;
  }
  let declarator: TSESTree.Node | undefined = value.parent;
  while (declarator && (declarator.type === AST_NODE_TYPES.TSAsExpression || declarator.type === AST_NODE_TYPES.TSSatisfiesExpression)) declarator = declarator.parent;
  if (declarator?.type !== AST_NODE_TYPES.VariableDeclarator || declarator.id.type !== AST_NODE_TYPES.Identifier || declarator.parent.kind !== 'const') return undefined;
  if (declarator.parent.parent !== owner.body) return undefined;
  const variable = sourceCode.getDeclaredVariables(declarator)[0];
  if (!variable) return undefined;
  const onlyWritten = variable.references.every((reference) => {
    if (reference.init) return true;
    const member = reference.identifier.parent;
    return (
      member?.type === AST_NODE_TYPES.MemberExpression && member.object === reference.identifier &&
      member.parent.type === AST_NODE_TYPES.AssignmentExpression && member.parent.left === member &&
      member.parent.parent.type === AST_NODE_TYPES.ExpressionStatement
    );
  });
  return onlyWritten ? variable.name : undefined;
}

/** The statements of `owner`'s body that run after `from`: the whole body when `from` is a parameter, else those after `from`'s statement. */
function followingStatements(owner: FunctionNode, from: TSESTree.Node): readonly TSESTree.Node[] | undefined {
  const body = owner.body;
  if (body.type !== AST_NODE_TYPES.BlockStatement) return undefined;
  if (owner.params.includes(from as TSESTree.Parameter)) return body.body;
  // the span's declaration directly in the function's body (one in a loop or a branch: not followed)
  const index = body.body.findIndex((statement) => statement === from.parent);
  return index >= 0 ? body.body.slice(index + 1) : undefined;
}

type Flow =
  /** Every path through made an ending callback (or left by a `throw`: not this check's concern). */
  | { kind: 'made' }
  /** A path goes on after these statements without having made one. */
  | { kind: 'through' }
  /** A path returns without having made one. */
  | { kind: 'leak'; exit: TSESTree.ReturnStatement }
  | { kind: 'unknown' };

const MADE: Flow = { kind: 'made' };
const THROUGH: Flow = { kind: 'through' };
const UNKNOWN: Flow = { kind: 'unknown' };

function scan(statements: readonly TSESTree.Node[], made: readonly TSESTree.Node[]): Flow {
  for (const statement of statements) {
    const flow = step(statement, made);
    if (flow.kind !== 'through') return flow;
  }
  return THROUGH;
}

function step(node: TSESTree.Node, made: readonly TSESTree.Node[]): Flow {
  const holds = made.filter((anchor) => contains(node, anchor));
  if (holds.length === 0 && !returnsIn(node)) {
    return node.type === AST_NODE_TYPES.ThrowStatement ? MADE : THROUGH;
  }
  switch (node.type) {
    case AST_NODE_TYPES.BlockStatement:
      return scan(node.body, made);
    case AST_NODE_TYPES.IfStatement: {
      const consequent = step(node.consequent, made);
      const alternate = node.alternate ? step(node.alternate, made) : THROUGH;
      if (consequent.kind === 'unknown' || alternate.kind === 'unknown') return UNKNOWN;
      if (consequent.kind === 'leak') return consequent;
      if (alternate.kind === 'leak') return alternate;
      return consequent.kind === 'made' && alternate.kind === 'made' ? MADE : THROUGH;
    }
    case AST_NODE_TYPES.TryStatement:
      // the `catch` runs only on a throw; a `finally` holding either is not followed
      return node.finalizer && (made.some((anchor) => contains(node.finalizer as TSESTree.Node, anchor)) || returnsIn(node.finalizer)) ? UNKNOWN : step(node.block, made);
    case AST_NODE_TYPES.ReturnStatement:
      return holds.some((anchor) => isUnconditional(anchor, node, made)) ? MADE : { kind: 'leak', exit: node };
    case AST_NODE_TYPES.ExpressionStatement:
    case AST_NODE_TYPES.VariableDeclaration:
    case AST_NODE_TYPES.ThrowStatement:
      if (holds.some((anchor) => isUnconditional(anchor, node, made))) return MADE;
      return node.type === AST_NODE_TYPES.ThrowStatement ? MADE : THROUGH;
    default:
      // loops, switch, labels, function declarations: not followed
      return UNKNOWN;
  }
}

/** A `return` in `node`'s own code (not in a function inside it). */
function returnsIn(node: TSESTree.Node): boolean {
  let found = false;
  walk(node, (current) => {
    if (found || (current !== node && isFunctionLike(current))) return false;
    if (current.type === AST_NODE_TYPES.ReturnStatement) found = true;
    return !found;
  });
  return found;
}

/**
 * `anchor` is evaluated whenever `statement` is: no `&&`/`||`/`??` right side, `?.` or logical
 * assignment on the way up, and a `?:` branch only when the other branch makes one too.
 */
function isUnconditional(anchor: TSESTree.Node, statement: TSESTree.Node, made: readonly TSESTree.Node[]): boolean {
  let child = anchor;
  for (let current = anchor.parent; current && current !== statement; child = current, current = current.parent) {
    if (current.type === AST_NODE_TYPES.ConditionalExpression && child !== current.test) {
      const other = child === current.consequent ? current.alternate : current.consequent;
      if (!made.some((a) => contains(other, a))) return false;
    }
    if (current.type === AST_NODE_TYPES.LogicalExpression && child === current.right) return false;
    if (current.type === AST_NODE_TYPES.AssignmentExpression && child === current.right && ['&&=', '||=', '??='].includes(current.operator)) return false;
    if (current.type === AST_NODE_TYPES.CallExpression && current.optional && child !== current.callee) return false;
    if (current.type === AST_NODE_TYPES.ChainExpression) return false;
  }
  return true;
}
