/**
 * The suggestion of require-span-end: `try { .. } finally { span.end(); }`.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import type { Edit, FindingSuggestion } from '../../findings.js';

/** Statements a block would break or hide: `export`, `import`, `declare`, types, hoisted declarations. */
const MOVABLE_INTO_BLOCK = (statement: TSESTree.Statement | TSESTree.ProgramStatement): boolean =>
  !statement.type.startsWith('Export') &&
  !statement.type.startsWith('TS') &&
  statement.type !== AST_NODE_TYPES.ImportDeclaration &&
  statement.type !== AST_NODE_TYPES.FunctionDeclaration &&
  statement.type !== AST_NODE_TYPES.ClassDeclaration;

/**
 * `try { <rest> } finally { span.end(); }` around the statements after the span starts, with the
 * `span.end();` statements inside them removed (the `finally` ends it on every path).
 */
export function suggestFinally(
  sourceCode: Readonly<TSESLint.SourceCode>,
  info: { variable: { name: string }; rest: readonly TSESTree.Statement[] },
  releases: readonly TSESTree.Node[],
): FindingSuggestion<'endSpanInFinally'>[] | undefined {
  const first = info.rest[0];
  const last = info.rest.at(-1);
  if (!first || !last) return undefined;
  if (info.rest.length === 1 && first.type === AST_NODE_TYPES.TryStatement && first.finalizer) return undefined;
  // declarations that a block would break or hide (`export`, `import`, `declare`, types, hoisted functions)
  if (info.rest.some((statement) => !MOVABLE_INTO_BLOCK(statement))) return undefined;
  const text = sourceCode.text;
  const start = first.range[0];
  const end = last.range[1];
  const ends = releases
    .map((r) => r.parent)
    .filter((s): s is TSESTree.ExpressionStatement => s?.type === AST_NODE_TYPES.ExpressionStatement && s.range[0] >= start && s.range[1] <= end);
  // an end() that is the body of an `if` or a loop cannot be cut out without changing what follows
  // (`if (user) span.end(); return user;` would become `if (user) return user;`): no suggestion
  if (ends.some((s) => s.parent.type !== AST_NODE_TYPES.BlockStatement && s.parent.type !== AST_NODE_TYPES.Program && s.parent.type !== AST_NODE_TYPES.SwitchCase)) return undefined;
  const removals = ends
    .map((s) => {
      // remove the statement with the indentation and line break before it
      let from = s.range[0];
      while (from > start && (text[from - 1] === ' ' || text[from - 1] === '\t')) from--;
      if (from > start && text[from - 1] === '\n') from--;
      return [from, s.range[1]] as const;
    })
    .sort((a, b) => a[0] - b[0]);
  let body = '';
  let cursor = start;
  for (const [from, to] of removals) {
    body += text.slice(cursor, from);
    cursor = to;
  }
  body += text.slice(cursor, end);
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart, start))?.[0] ?? '';
  const inner = body
    .trim()
    .split('\n')
    .map((line, i) => (i === 0 ? `${indent}  ${line}` : line.length > 0 ? `  ${line}` : line))
    .join('\n');
  const replacement = `try {\n${inner}\n${indent}} finally {\n${indent}  ${info.variable.name}.end();\n${indent}}`;
  const edit: Edit = { range: [start, end], text: replacement };
  return [{ messageId: 'endSpanInFinally', data: { span: info.variable.name }, fix: [edit] }];
}
