/**
 * Indentation for fixes that add lines: the indentation of a line, of a node's line, the unit a
 * function body indents by, and moving text one level deeper.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import type { FunctionNode } from '../analysis/ast.js';

type SourceCode = Readonly<TSESLint.SourceCode>;

/** The leading whitespace of line `line` (1-based). */
export function lineIndentAt(sourceCode: SourceCode, line: number): string {
  return /^\s*/.exec(sourceCode.lines[line - 1] ?? '')?.[0] ?? '';
}

/** The leading whitespace of the line `node` starts on. */
export function lineIndent(sourceCode: SourceCode, node: TSESTree.Node): string {
  return lineIndentAt(sourceCode, node.loc.start.line);
}

/** The whitespace before `node` on its first line; undefined when code precedes it there. */
export function ownLineIndent(sourceCode: SourceCode, node: TSESTree.Node): string | undefined {
  const line = sourceCode.lines[node.loc.start.line - 1] ?? '';
  const before = line.slice(0, node.loc.start.column);
  return /^\s*$/.test(before) ? before : undefined;
}

/** The spaces and tabs that start the line containing `offset`, up to `offset`. */
export function indentBefore(sourceCode: SourceCode, offset: number): string {
  const lineStart = sourceCode.text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(sourceCode.text.slice(lineStart, offset))?.[0] ?? '';
}

/** What `fn`'s body indents by relative to `outer` (its first statement's extra indentation), else two spaces. */
export function indentUnit(sourceCode: SourceCode, fn: FunctionNode, outer: string): string {
  if (fn.body.type === AST_NODE_TYPES.BlockStatement) {
    const first = fn.body.body[0];
    if (first && first.loc.start.line !== fn.body.loc.start.line) {
      const inner = lineIndent(sourceCode, first);
      if (inner.startsWith(outer) && inner.length > outer.length) return inner.slice(outer.length);
    }
  }
  return '  ';
}

/** `text` moved one level deeper: the first line at `indent + unit`, later non-blank lines gain `unit`. */
export function reindent(text: string, indent: string, unit: string): string {
  return text
    .split('\n')
    .map((line, i) => (i === 0 ? `${indent}${unit}${line}` : line.trim() === '' ? '' : `${unit}${line}`))
    .join('\n');
}

/**
 * The statements of `body` (without its braces and the blank edges), one level deeper; verbatim
 * when a multi-line string or template would change by re-indenting; undefined for an empty body.
 */
export function reindentedBody(sourceCode: SourceCode, body: TSESTree.BlockStatement, unit: string): string | undefined {
  const text = sourceCode.text.slice(body.range[0] + 1, body.range[1] - 1);
  const lines = text.replace(/^[^\S\n]*\n/, '').replace(/\n[^\S\n]*$/, '').split('\n');
  if (lines.every((line) => line.trim() === '')) return undefined;
  const multiLineLiteral = sourceCode.ast.tokens.some(
    (token) =>
      token.range[0] >= body.range[0] &&
      token.range[1] <= body.range[1] &&
      (token.type === 'Template' || token.type === 'String') &&
      token.loc.start.line !== token.loc.end.line,
  );
  if (multiLineLiteral) return lines.join('\n');
  return lines.map((line) => (line.trim() === '' ? line : `${unit}${line}`)).join('\n');
}
