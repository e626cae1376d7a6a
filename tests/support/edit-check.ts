/**
 * "The codemod touched only what the rules' fixes edit": the lines of the original that no
 * reported fix edits and that are not in the function around a finding (see allowedLines) must
 * all be in the output verbatim, in order, each run of them unbroken. ESLint
 * merges the edits of one report into one `{ range, text }` (e.g. the API import at the top and
 * the wrap 300 lines below), so the lines a fix really edits are recovered with a character diff
 * of the replaced slice against the fix's text. Every comment of the original must survive verbatim.
 */
import { extname } from 'node:path';
import { parse } from '@typescript-eslint/parser';
import type { TSESTree } from '@typescript-eslint/utils';
import type { Linter } from 'eslint';
import { editPoints, lineAt, newlineOffsets } from './line-diff.js';

export interface EditViolation {
  line: number;
  text: string;
}

export interface EditCheck {
  /** Lines of the original changed although no reported fix edits them and no finding is on them. */
  outside: EditViolation[];
  /** Comments of the original that are not in the output (multiset). */
  lostComments: string[];
}

function parseFor(source: string, filename: string): TSESTree.Program {
  const ext = extname(filename).toLowerCase();
  return parse(source, {
    range: true,
    loc: true,
    comment: true,
    ecmaVersion: 'latest',
    sourceType: ext === '.cjs' || ext === '.cts' ? 'script' : 'module',
    ecmaFeatures: { jsx: !['.ts', '.mts', '.cts'].includes(ext) },
  }) as TSESTree.Program;
}

/** The first index >= from where `run` appears as consecutive whole lines of `lines`, or -1. */
function findRun(lines: readonly string[], run: readonly string[], from: number): number {
  outer: for (let i = from; i + run.length <= lines.length; i++) {
    for (let k = 0; k < run.length; k++) if (lines[i + k] !== run[k]) continue outer;
    return i;
  }
  return -1;
}

function editedLines(a: string, b: string, base: number, newlines: readonly number[], out: Set<number>): void {
  const { deleted, inserted } = editPoints(a, b);
  for (const offset of [...deleted, ...inserted]) out.add(lineAt(newlines, base + offset));
}

const FUNCTIONS = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);

/** The outermost function whose range contains `offset` (or the top-level statement when none does). */
function outermostScope(program: TSESTree.Program, offset: number): TSESTree.Node | undefined {
  const contains = (node: TSESTree.Node) => node.range[0] <= offset && offset < node.range[1];
  const top = program.body.find(contains);
  if (!top) return undefined;
  const stack: TSESTree.Node[] = [top];
  while (stack.length > 0) {
    const node = stack.shift() as TSESTree.Node;
    if (FUNCTIONS.has(node.type)) return node;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'parent') continue;
      for (const child of Array.isArray(value) ? value : [value]) {
        if (child && typeof child === 'object' && typeof (child as TSESTree.Node).type === 'string' && Array.isArray((child as TSESTree.Node).range) && contains(child as TSESTree.Node)) {
          stack.push(child as TSESTree.Node);
        }
      }
    }
  }
  return top;
}

/**
 * 1-based lines of `source` a rewrite may change: the lines the fixes of `findings` really edit,
 * the outermost function around each finding (or its top-level statement), and the file's
 * `@opentelemetry/api` import or require when there is a fix at all. The latter two cover
 * fixes applied in later passes, which only exist once an earlier fix is in: a nested callback
 * bound once its parent is, or (under zone) `context.active()` hoisted above an `await` to the
 * function's start once a callback after the `await` was bound.
 */
export function allowedLines(source: string, findings: readonly Linter.LintMessage[], program: TSESTree.Program): Set<number> {
  const newlines = newlineOffsets(source);
  const lines = new Set<number>();
  if (findings.some((finding) => finding.fix)) apiImportLines(program, lines);
  for (const finding of findings) {
    for (let line = finding.line; line <= (finding.endLine ?? finding.line); line++) lines.add(line);
    const offset = (finding.line === 1 ? 0 : (newlines[finding.line - 2] ?? 0) + 1) + finding.column - 1;
    const scope = outermostScope(program, offset);
    if (scope) for (let line = scope.loc.start.line; line <= scope.loc.end.line; line++) lines.add(line);
    if (!finding.fix) continue;
    const [start, end] = finding.fix.range;
    editedLines(source.slice(start, end), finding.fix.text, start, newlines, lines);
  }
  return lines;
}

const API_MODULE = '@opentelemetry/api';

function requiresApi(node: TSESTree.Node | null | undefined): boolean {
  return (
    node?.type === 'CallExpression' &&
    node.callee.type === 'Identifier' &&
    node.callee.name === 'require' &&
    node.arguments[0]?.type === 'Literal' &&
    node.arguments[0].value === API_MODULE
  );
}

/** Adds the 1-based lines of the file's top-level API imports / requires (a later pass may extend them). */
function apiImportLines(program: TSESTree.Program, lines: Set<number>): void {
  for (const statement of program.body) {
    const isImport = statement.type === 'ImportDeclaration' && statement.source.value === API_MODULE;
    const isRequire = statement.type === 'VariableDeclaration' && statement.declarations.some((d) => requiresApi(d.init));
    if (!isImport && !isRequire) continue;
    for (let line = statement.loc.start.line; line <= statement.loc.end.line; line++) lines.add(line);
  }
}

function commentTexts(program: TSESTree.Program, source: string): string[] {
  return (program.comments ?? []).map((comment) => source.slice(comment.range[0], comment.range[1]));
}

/** Checks `after` against `before`, given the findings (with their fixes) reported on `before`. */
export function checkEdits(before: string, after: string, filename: string, findings: readonly Linter.LintMessage[]): EditCheck {
  const program = parseFor(before, filename);
  const allowed = allowedLines(before, findings, program);
  // Alignment-free: each run of lines that no fix edits must appear verbatim (whole lines, in one
  // piece) in the output, the runs in order. The earliest placement of each run is optimal.
  const beforeLines = before.split('\n');
  const afterLines = after.split('\n');
  const outside: EditViolation[] = [];
  let cursor = 0;
  for (let line = 1; line <= beforeLines.length; ) {
    if (allowed.has(line)) {
      line++;
      continue;
    }
    let end = line;
    while (end <= beforeLines.length && !allowed.has(end)) end++;
    const run = beforeLines.slice(line - 1, end - 1);
    const at = findRun(afterLines, run, cursor);
    if (at < 0) {
      // Name the first line of the run that is not where it should be.
      const first = findRun(afterLines, run.slice(0, 1), cursor);
      outside.push({ line, text: `${run[0] ?? ''}${first < 0 ? '' : ` (+${run.length - 1} lines: the run is broken)`}` });
    } else {
      cursor = at + run.length;
    }
    line = end;
  }

  const remaining = new Map<string, number>();
  for (const text of commentTexts(parseFor(after, filename), after)) remaining.set(text, (remaining.get(text) ?? 0) + 1);
  const lostComments: string[] = [];
  for (const text of commentTexts(program, before)) {
    const n = remaining.get(text) ?? 0;
    if (n === 0) lostComments.push(text);
    else remaining.set(text, n - 1);
  }
  return { outside, lostComments };
}
