/**
 * Lexical scope of a source position: which function contains it. The doctor asks only for the
 * positions of candidate findings (never per span): "was this span started in code written inside
 * the function that started that other span?". Files are parsed once, synchronously, with ESLint's
 * `Linter` (espree, or @typescript-eslint/parser for TypeScript), loaded from the app's folder or
 * from the doctor's own; when neither loads, every answer is "unknown" and the checks that need it
 * report nothing.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import type { Linter } from 'eslint';

export interface FunctionRange {
  /** 1-based line, 1-based column of the function's first character. */
  start: [number, number];
  /** 1-based line, 1-based column one past its last character. */
  end: [number, number];
}

const TS = new Set(['.ts', '.tsx', '.mts', '.cts']);
const ranges = new Map<string, FunctionRange[] | null>();

interface Parsers {
  Linter: typeof Linter;
  /** @typescript-eslint/parser, loaded the first time a TypeScript file is parsed. */
  ts(): Linter.Parser | undefined;
}
let parsers: Parsers | null | undefined;

function loadParsers(): Parsers | null {
  if (parsers !== undefined) return parsers;
  parsers = null;
  for (const base of [join(process.cwd(), 'noop.js'), import.meta.url]) {
    try {
      const require = createRequire(base);
      const eslint = require('eslint') as { Linter: typeof Linter };
      let ts: Linter.Parser | null | undefined;
      const loadTs = (): Linter.Parser | undefined => {
        if (ts === undefined) {
          try {
            ts = require('@typescript-eslint/parser') as Linter.Parser;
          } catch {
            ts = null;
          }
        }
        return ts ?? undefined;
      };
      parsers = { Linter: eslint.Linter, ts: loadTs };
      break;
    } catch {
      // try the next base
    }
  }
  return parsers;
}

function before(a: [number, number], b: [number, number]): boolean {
  return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
}

function contains(range: FunctionRange, line: number, column: number): boolean {
  return !before([line, column], range.start) && before([line, column], range.end);
}

/** Every function of a file (null when it cannot be read or parsed). */
export function functionRanges(file: string): FunctionRange[] | null {
  const cached = ranges.get(file);
  if (cached !== undefined) return cached;
  let out: FunctionRange[] | null = null;
  const loaded = loadParsers();
  if (loaded) {
    try {
      const text = readFileSync(file, 'utf8');
      const ext = extname(file).toLowerCase();
      const tsParser = TS.has(ext) ? loaded.ts() : undefined;
      const found: FunctionRange[] = [];
      const collect = {
        meta: { type: 'problem' as const, schema: [] },
        create: () => ({
          ':function'(node: { loc: { start: { line: number; column: number }; end: { line: number; column: number } } }) {
            found.push({ start: [node.loc.start.line, node.loc.start.column + 1], end: [node.loc.end.line, node.loc.end.column + 1] });
          },
        }),
      };
      const linter = new loaded.Linter({ configType: 'flat', cwd: dirname(file) });
      const messages = linter.verify(
        text,
        [
          {
            // cwd: the file's folder; the extensions named ('**/*' matches nothing in a flat config)
            files: ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'],
            plugins: { doctor: { rules: { functions: collect } } },
            rules: { 'doctor/functions': 'error' },
            languageOptions: {
              sourceType: ext === '.cjs' || ext === '.cts' ? 'commonjs' : 'module',
              ...(tsParser ? { parser: tsParser } : {}),
            },
          },
        ],
        file,
      );
      out = messages.some((m) => m.fatal) ? null : found;
    } catch {
      out = null;
    }
  }
  ranges.set(file, out);
  return out;
}

/** The innermost function that contains a position; null: top level; undefined: unknown. */
export function functionAt(file: string, line: number, column: number): FunctionRange | null | undefined {
  const all = functionRanges(file);
  if (!all) return undefined;
  let best: FunctionRange | null = null;
  for (const range of all) {
    if (!contains(range, line, column)) continue;
    if (!best || before(best.start, range.start)) best = range;
  }
  return best;
}

/**
 * Whether the code at `inner` is written inside the function that contains `outer` (a callback
 * nested in it), strictly (`strict`: not in that same function), in the same file.
 */
export function writtenInside(
  inner: { file: string; line: number; column: number },
  outer: { file: string; line: number; column: number },
  strict: boolean,
): boolean {
  if (inner.file !== outer.file) return false;
  const owner = functionAt(outer.file, outer.line, outer.column);
  const own = functionAt(inner.file, inner.line, inner.column);
  if (!owner || !own) return false; // top level or unknown: too broad to judge
  if (own === owner) return !strict;
  return !before(own.start, owner.start) && !before(owner.end, own.end) && (before(owner.start, own.start) || before(own.end, owner.end));
}
