/**
 * The built plugin under the real `eslint` CLI (run `npm run build` first), with a flat config in a
 * temp dir that imports dist/index.js by absolute path, @typescript-eslint/parser and
 * `configs.recommended`, over a copy of the fixture inputs:
 *
 * - a plain run, a `--cache` run (twice: the second from the cache) and a `--concurrency 2` run
 *   (ESLint >= 9.34; rules hold no state between files) give identical results;
 * - `--format json` output parses; `--max-warnings 0` turns warnings into exit 1;
 * - SARIF output through `@microsoft/eslint-formatter-sarif` (a dev dependency: the test always runs)
 *   lists every finding with its rule id, file and position.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from './support/corpus.js';

const require = createRequire(import.meta.url);
const ESLINT_BIN = join(PROJECT_ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js');
const ESLINT_VERSION = (require('eslint/package.json') as { version: string }).version;
const [major = 0, minor = 0] = ESLINT_VERSION.split('.').map(Number);
const HAS_CONCURRENCY = major > 9 || (major === 9 && minor >= 34);
const DIST = join(PROJECT_ROOT, 'dist', 'index.js');

interface JsonMessage {
  ruleId: string | null;
  severity: number;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  messageId?: string;
  message: string;
  fatal?: boolean;
  fix?: unknown;
}
interface JsonResult {
  filePath: string;
  messages: JsonMessage[];
}

let dir = '';
let files = 0;

function copyInputs(from: string, to: string): void {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'support') continue;
      copyInputs(source, join(to, entry.name));
    } else if (/\.input\.[cm]?[jt]sx?$/.test(entry.name) || (from.endsWith('/valid') && /\.[cm]?[jt]sx?$/.test(entry.name))) {
      mkdirSync(to, { recursive: true });
      copyFileSync(source, join(to, entry.name));
      files++;
    }
  }
}

function config(severity: 'error' | 'warn'): string {
  const parser = pathToFileURL(require.resolve('@typescript-eslint/parser')).href;
  return `import plugin from ${JSON.stringify(pathToFileURL(DIST).href)};
import tsParser from ${JSON.stringify(parser)};

const recommended = plugin.configs.recommended;
export default [
  { files: ['**/*.{ts,tsx,mts,cts}'], languageOptions: { parser: tsParser } },
  {
    ...recommended,
    rules: Object.fromEntries(Object.keys(recommended.rules).map((rule) => [rule, ${JSON.stringify(severity)}])),
  },
  { settings: { 'otel-context': { contextManager: 'stack' } } },
];
`;
}

function eslint(args: string[]) {
  const result = spawnSync(process.execPath, [ESLINT_BIN, ...args], { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** JSON results, made comparable: relative paths, sorted by path, messages sorted by position. */
function normalise(stdout: string): { file: string; messages: JsonMessage[] }[] {
  const results = JSON.parse(stdout) as JsonResult[];
  return results
    .map((result) => ({
      file: relative(dir, result.filePath),
      messages: result.messages
        .map(({ ruleId, severity, line, column, endLine, endColumn, messageId, message, fatal, fix }) => ({
          ruleId,
          severity,
          line,
          column,
          endLine,
          endColumn,
          messageId,
          message,
          fatal,
          fix,
        }))
        .sort((a, b) => a.line - b.line || a.column - b.column || String(a.ruleId).localeCompare(String(b.ruleId))),
    }))
    .sort((a, b) => a.file.localeCompare(b.file));
}

beforeAll(() => {
  expect(existsSync(DIST), `${DIST} is missing: run npm run build`).toBe(true);
  dir = mkdtempSync(join(tmpdir(), 'otel-eslint-cli-'));
  copyInputs(join(PROJECT_ROOT, 'fixtures'), join(dir, 'src'));
  writeFileSync(join(dir, 'eslint.config.mjs'), config('error'));
  writeFileSync(join(dir, 'eslint.warn.config.mjs'), config('warn'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe(`the built plugin under the eslint ${ESLINT_VERSION} CLI`, () => {
  let plain: ReturnType<typeof normalise> = [];

  it('a plain run: --format json parses, every fixture input is linted, findings are reported (exit 1)', () => {
    const run = eslint(['--format', 'json', 'src']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    plain = normalise(run.stdout);
    expect(plain).toHaveLength(files);
    expect(files).toBeGreaterThan(20);
    const messages = plain.flatMap((result) => result.messages);
    expect(messages.filter((m) => m.fatal === true)).toEqual([]);
    expect(messages.filter((m) => !m.ruleId?.startsWith('otel-context/'))).toEqual([]);
    expect(messages.length).toBeGreaterThan(10);
  });

  it('--cache gives the same results, and again from the cache', () => {
    const cache = join(dir, '.cache', 'eslintcache');
    const first = eslint(['--format', 'json', '--cache', '--cache-location', cache, 'src']);
    expect(first.code).toBe(1);
    expect(normalise(first.stdout)).toEqual(plain);
    expect(statSync(cache).size).toBeGreaterThan(0);
    const second = eslint(['--format', 'json', '--cache', '--cache-location', cache, 'src']);
    expect(second.code).toBe(1);
    expect(normalise(second.stdout)).toEqual(plain);
  });

  it.skipIf(!HAS_CONCURRENCY)('--concurrency 2 gives the same results (rules hold no state between files)', () => {
    const run = eslint(['--format', 'json', '--concurrency', '2', 'src']);
    // ESLint may warn that a run this small is faster without threads (ESLintPoorConcurrencyWarning).
    expect(run.stderr.split('\n').filter((line) => line.trim() !== '' && !/ConcurrencyWarning|--trace-warnings/.test(line))).toEqual([]);
    expect(run.code).toBe(1);
    expect(normalise(run.stdout)).toEqual(plain);
  });

  it('--max-warnings 0 fails a run whose findings are warnings (exit 1); without it the run passes (exit 0)', () => {
    const lenient = eslint(['-c', 'eslint.warn.config.mjs', '--format', 'json', 'src']);
    expect(lenient.code).toBe(0);
    const warnings = normalise(lenient.stdout).flatMap((result) => result.messages);
    expect(warnings.length).toBe(plain.flatMap((result) => result.messages).length);
    expect(warnings.every((m) => m.severity === 1)).toBe(true);
    const gate = eslint(['-c', 'eslint.warn.config.mjs', '--max-warnings', '0', 'src']);
    expect(gate.code).toBe(1);
    expect(gate.stderr).toMatch(/ESLint found too many warnings \(maximum: 0\)/);
  });

  it('SARIF output (@microsoft/eslint-formatter-sarif) lists every finding with its rule, file and position', () => {
    // by path: ESLint looks a formatter package up from the working directory (the temp dir)
    const run = eslint(['--format', require.resolve('@microsoft/eslint-formatter-sarif'), 'src']);
    expect(run.stderr).toBe('');
    type SarifResult = {
      ruleId: string;
      locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }[];
    };
    const sarif = JSON.parse(run.stdout) as { version: string; runs: { tool: { driver: { name: string } }; results: SarifResult[] }[] };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]?.tool.driver.name).toBe('ESLint');
    const fromSarif = (sarif.runs[0]?.results ?? []).map((r) => {
      const where = r.locations[0]?.physicalLocation;
      const uri = where?.artifactLocation.uri ?? '';
      const file = uri.startsWith('file:') ? relative(dir, fileURLToPath(uri)) : uri;
      return `${file}:${where?.region.startLine}:${where?.region.startColumn} ${r.ruleId}`;
    });
    const fromJson = plain.flatMap((result) => result.messages.map((m) => `${result.file}:${m.line}:${m.column} ${m.ruleId}`));
    expect(fromSarif.length).toBeGreaterThan(0);
    expect(fromSarif.sort()).toEqual(fromJson.sort());
  });
});
