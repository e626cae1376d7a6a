/**
 * Edit builders for `no-unpaired-context-attach`. Each returns `undefined` when the rewrite is
 * not "all it takes": the attach is not a statement of a block, a declaration moved into the new
 * block is used after it, a `return`/`break`/`yield` would change meaning, or the layout is one
 * the builder cannot re-indent safely (a statement on the attach's line, a multi-line template
 * literal).
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { isFunctionLike, walk } from '../analysis/ast.js';
import type { Edit } from '../findings.js';
import { ownLineIndent, reindent } from './indent.js';

type SourceCode = Readonly<TSESLint.SourceCode>;

interface Layout {
  block: TSESTree.BlockStatement;
  index: number;
  indent: string;
  unit: string;
}

function getLayout(sourceCode: SourceCode, statement: TSESTree.Statement): Layout | undefined {
  const block = statement.parent;
  if (block?.type !== AST_NODE_TYPES.BlockStatement) return undefined;
  const index = block.body.indexOf(statement);
  const indent = ownLineIndent(sourceCode, statement);
  const blockIndent = /^\s*/.exec(sourceCode.lines[block.loc.start.line - 1] ?? '')?.[0] ?? '';
  if (index === -1 || indent === undefined) return undefined;
  const unit = indent.length > blockIndent.length && indent.startsWith(blockIndent) ? indent.slice(blockIndent.length) : '  ';
  return { block, index, indent, unit };
}

/** Every statement starts on a line of its own, at the attach's indentation. */
function isLaidOut(sourceCode: SourceCode, statements: readonly TSESTree.Statement[], indent: string): boolean {
  return statements.every((s) => ownLineIndent(sourceCode, s) === indent);
}

function hasMultilineTemplate(nodes: readonly TSESTree.Node[]): boolean {
  let found = false;
  for (const root of nodes) {
    walk(root, (node) => {
      if (node.type === AST_NODE_TYPES.TemplateLiteral && node.loc.start.line !== node.loc.end.line) found = true;
      return !found;
    });
  }
  return found;
}

/** Declarations among `statements` that are referenced outside `range`. */
function isUsedOutside(sourceCode: SourceCode, statements: readonly TSESTree.Statement[], range: readonly [number, number]): boolean {
  return statements.some((statement) => {
    if (statement.type === AST_NODE_TYPES.VariableDeclaration && statement.kind === 'var') return false;
    return sourceCode
      .getDeclaredVariables(statement)
      .some((v) => v.references.some((r) => r.identifier.range[0] < range[0] || r.identifier.range[1] > range[1]));
  });
}

function hasCommentsBetween(sourceCode: SourceCode, from: number, to: number): boolean {
  return sourceCode.getAllComments().some((c) => c.range[0] >= from && c.range[1] <= to);
}

/** A `return` with nothing that runs code: `return;`, `return result;`, `return { a, b };`. */
function isPlainReturn(statement: TSESTree.Statement | undefined): statement is TSESTree.ReturnStatement {
  if (statement?.type !== AST_NODE_TYPES.ReturnStatement) return false;
  let runsCode = false;
  if (statement.argument) {
    walk(statement.argument, (node) => {
      if (
        node.type === AST_NODE_TYPES.CallExpression ||
        node.type === AST_NODE_TYPES.NewExpression ||
        node.type === AST_NODE_TYPES.AwaitExpression ||
        node.type === AST_NODE_TYPES.TaggedTemplateExpression ||
        isFunctionLike(node)
      ) {
        runsCode = true;
      }
      return !runsCode;
    });
  }
  return !runsCode;
}

function statementOf(call: TSESTree.CallExpression | TSESTree.AssignmentExpression): TSESTree.Node | undefined {
  const parent = call.parent.type === AST_NODE_TYPES.ChainExpression ? call.parent.parent : call.parent;
  return parent.type === AST_NODE_TYPES.ExpressionStatement ? parent : undefined;
}

interface Region {
  /** Statements that move into the new block, in order. */
  moved: TSESTree.Statement[];
  /** End of the replaced range. */
  end: number;
  /** The `token.dispose();` statement that the rewrite absorbs, if any. */
  dispose: TSESTree.Statement | undefined;
}

/**
 * The statements after `statement` up to the end of its block, minus a trailing
 * `token.dispose();`; a plain `return` after that dispose moves in too when it needs a
 * declaration of the moved statements.
 */
function getRegion(sourceCode: SourceCode, layout: Layout, disposeCalls: readonly (TSESTree.CallExpression | TSESTree.AssignmentExpression)[]): Region | undefined {
  const { block, index } = layout;
  if (disposeCalls.length > 1) return undefined;
  const first = disposeCalls[0];
  const disposeStatement = first ? statementOf(first) : undefined;
  if (first && !disposeStatement) return undefined;
  const disposeIndex = disposeStatement ? block.body.indexOf(disposeStatement as TSESTree.Statement) : block.body.length;
  if (disposeIndex <= index) return undefined;
  const moved = block.body.slice(index + 1, disposeIndex);
  const after = block.body.slice(disposeIndex + 1);
  const last = moved.at(-1);
  if (!last) return undefined;
  let end = disposeStatement ? disposeStatement.range[1] : last.range[1];
  if (isUsedOutside(sourceCode, moved, [moved[0]?.range[0] ?? 0, last.range[1]])) {
    const tail = after[0];
    if (after.length !== 1 || !isPlainReturn(tail)) return undefined;
    if (isUsedOutside(sourceCode, moved, [moved[0]?.range[0] ?? 0, tail.range[1]])) return undefined;
    if (disposeStatement && hasCommentsBetween(sourceCode, disposeStatement.range[1], tail.range[0])) return undefined;
    moved.push(tail);
    end = tail.range[1];
  }
  if (disposeStatement && hasCommentsBetween(sourceCode, last.range[1], disposeStatement.range[0])) return undefined;
  return { moved, end, dispose: disposeStatement as TSESTree.Statement | undefined };
}

/** The moved statements' text; a statement that follows the absorbed dispose is joined on. */
function movedText(sourceCode: SourceCode, region: Region, indent: string): string {
  const { moved, dispose } = region;
  const first = moved[0];
  const last = moved.at(-1);
  if (!first || !last) return '';
  if (!dispose || last.range[0] < dispose.range[0]) return sourceCode.text.slice(first.range[0], last.range[1]);
  const beforeDispose = moved.slice(0, -1).at(-1) ?? first;
  return `${sourceCode.text.slice(first.range[0], beforeDispose.range[1])}\n${indent}${sourceCode.getText(last)}`;
}

/**
 * `const token = attach(ctx); a(); b(); [token.dispose();]` →
 * `const token = attach(ctx); try { a(); b(); } finally { token.dispose(); }` (the statement put
 * back may also be an assignment: `this.currentCtx = prevCtx;`).
 * With `declareName`, the discarded `attach(ctx);` becomes `const <name> = attach(ctx);`.
 */
export function buildTryFinally(
  sourceCode: SourceCode,
  statement: TSESTree.Statement,
  disposeText: string,
  disposeCalls: readonly (TSESTree.CallExpression | TSESTree.AssignmentExpression)[],
  declareName: string | undefined,
): Edit[] | undefined {
  const layout = getLayout(sourceCode, statement);
  if (!layout) return undefined;
  const region = getRegion(sourceCode, layout, disposeCalls);
  if (!region || !isLaidOut(sourceCode, region.moved, layout.indent) || hasMultilineTemplate(region.moved)) return undefined;
  const { indent, unit } = layout;
  const first = region.moved[0];
  if (!first) return undefined;
  const body = reindent(movedText(sourceCode, region, indent), indent, unit);
  const text = `try {\n${body}\n${indent}} finally {\n${indent}${unit}${disposeText};\n${indent}}`;
  const edits: Edit[] = [{ range: [first.range[0], region.end], text }];
  if (declareName !== undefined && statement.type === AST_NODE_TYPES.ExpressionStatement) {
    edits.unshift({ range: [statement.expression.range[0], statement.expression.range[0]], text: `const ${declareName} = ` });
  }
  return edits;
}

interface Jumps {
  returns: boolean;
  awaits: boolean;
  /** `yield`, or a `break`/`continue` that leaves the moved code. */
  blocked: boolean;
}

function findJumps(nodes: readonly TSESTree.Node[]): Jumps {
  const jumps: Jumps = { returns: false, awaits: false, blocked: false };
  for (const root of nodes) {
    walk(root, (node) => {
      if (isFunctionLike(node)) return false;
      if (node.type === AST_NODE_TYPES.ReturnStatement) jumps.returns = true;
      if (node.type === AST_NODE_TYPES.AwaitExpression || (node.type === AST_NODE_TYPES.ForOfStatement && node.await)) jumps.awaits = true;
      if (node.type === AST_NODE_TYPES.YieldExpression) jumps.blocked = true;
      if ((node.type === AST_NODE_TYPES.BreakStatement || node.type === AST_NODE_TYPES.ContinueStatement) && !isInsideTarget(node, root)) {
        jumps.blocked = true;
      }
      return true;
    });
  }
  return jumps;
}

function isInsideTarget(jump: TSESTree.BreakStatement | TSESTree.ContinueStatement, root: TSESTree.Node): boolean {
  if (jump.label) return false;
  for (let current: TSESTree.Node | undefined = jump.parent; current && current !== root.parent; current = current.parent) {
    switch (current.type) {
      case AST_NODE_TYPES.ForStatement:
      case AST_NODE_TYPES.ForInStatement:
      case AST_NODE_TYPES.ForOfStatement:
      case AST_NODE_TYPES.WhileStatement:
      case AST_NODE_TYPES.DoWhileStatement:
        return true;
      case AST_NODE_TYPES.SwitchStatement:
        if (jump.type === AST_NODE_TYPES.BreakStatement) return true;
        break;
      default:
        break;
    }
  }
  return false;
}

/**
 * `const token = context.attach(ctx); a(); token.dispose();` → `context.with(ctx, () => { a(); });`
 * (`head` is `context.with(ctx, ` or `als.run(store, `). Also unwraps an existing
 * `try { .. } finally { token.dispose(); }`. Awaited work gets an async callback and `await`;
 * a `return` inside makes it `return context.with(..)` when the moved code ends the function.
 */
export function buildWrapInCallback(
  sourceCode: SourceCode,
  statement: TSESTree.Statement,
  head: string,
  disposeCalls: readonly TSESTree.CallExpression[],
): Edit[] | undefined {
  const layout = getLayout(sourceCode, statement);
  if (!layout) return undefined;
  const { block, index, indent, unit } = layout;
  let body: string;
  let moved: TSESTree.Statement[];
  let end: number;
  const next = block.body[index + 1];
  const only = disposeCalls[0];
  if (
    disposeCalls.length === 1 &&
    only &&
    next?.type === AST_NODE_TYPES.TryStatement &&
    !next.handler &&
    next.finalizer?.body.length === 1 &&
    next.finalizer.body[0] === statementOf(only)
  ) {
    moved = next.block.body;
    const first = moved[0];
    const last = moved.at(-1);
    if (!first || !last) return undefined;
    body = `${indent}${unit}${sourceCode.text.slice(first.range[0], last.range[1])}`;
    end = next.range[1];
  } else {
    const region = getRegion(sourceCode, layout, disposeCalls);
    if (!region || !isLaidOut(sourceCode, region.moved, indent) || hasMultilineTemplate(region.moved)) return undefined;
    moved = region.moved;
    body = reindent(movedText(sourceCode, region, indent), indent, unit);
    end = region.end;
  }
  const jumps = findJumps(moved);
  if (jumps.blocked) return undefined;
  const endsFunction = isFunctionLike(block.parent) && block.body.at(-1)?.range[1] === end;
  if (jumps.returns && !endsFunction) return undefined;
  const prefix = jumps.returns ? 'return ' : jumps.awaits ? 'await ' : '';
  const text = `${prefix}${head}${jumps.awaits ? 'async ' : ''}() => {\n${body}\n${indent}});`;
  return [{ range: [statement.range[0], end], text }];
}

/**
 * The middleware shape `als.enterWith(store); next();` (the last two statements of a block) →
 * `als.run(store, next);`. Also `return next(..)` and `await next(..)`.
 */
export function buildRunInsteadOfEnterWith(sourceCode: SourceCode, call: TSESTree.CallExpression): Edit[] | undefined {
  const statement = call.parent;
  const store = call.arguments[0];
  if (statement.type !== AST_NODE_TYPES.ExpressionStatement || call.arguments.length !== 1 || !store || store.type === AST_NODE_TYPES.SpreadElement) {
    return undefined;
  }
  if (call.callee.type !== AST_NODE_TYPES.MemberExpression) return undefined;
  const block = statement.parent;
  if (block.type !== AST_NODE_TYPES.BlockStatement) return undefined;
  const index = block.body.indexOf(statement);
  const next = block.body[index + 1];
  if (!next || index + 2 !== block.body.length) return undefined;
  let expression: TSESTree.Node | null | undefined;
  let lead = '';
  if (next.type === AST_NODE_TYPES.ExpressionStatement) expression = next.expression;
  else if (next.type === AST_NODE_TYPES.ReturnStatement) {
    expression = next.argument;
    lead = 'return ';
  }
  if (expression?.type === AST_NODE_TYPES.AwaitExpression) {
    expression = expression.argument;
    lead += 'await ';
  }
  if (expression?.type !== AST_NODE_TYPES.CallExpression || hasCommentsBetween(sourceCode, statement.range[1], next.range[0])) return undefined;
  const callee = expression.callee;
  const fn =
    expression.arguments.length === 0 && callee.type === AST_NODE_TYPES.Identifier
      ? callee.name
      : `() => ${sourceCode.getText(expression)}`;
  const receiver = sourceCode.getText(call.callee.object);
  return [{ range: [statement.range[0], next.range[1]], text: `${lead}${receiver}.run(${sourceCode.getText(store)}, ${fn});` }];
}

