/**
 * The codemod CLI (in-process) on bad input: each case gives one clear line in the summary (exit 1)
 * or a usage error (exit 2), never a crash, a partial write or a temp file left behind; the good
 * files next to the bad one are still rewritten. tests/codemod.test.ts already covers a syntax
 * error, a binary file, a nonexistent path alone and a directory symlink loop under --dry; this
 * file covers the rest: an empty file, an unreadable file, a 5 MB minified bundle (skipped and
 * listed unless --include-minified), a loop of file
 * symlinks, a directory loop while writing, a nonexistent path next to good ones, a syntax error
 * and a binary file in the same run as a good file (exact summary lines, bytes unchanged).
 */
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, parseSummary } from './support/cli.js';

const FIXABLE = `import { tracer } from './tracing.js';

export function handle(): void {
  tracer.startActiveSpan('job', (span) => {
    setTimeout(() => work(), 10);
    span.end();
  });
}
`;
const FIXED_LINE = 'setTimeout(context.bind(context.active(), () => work()), 10);';
const STACK = ['--context-manager', 'stack', '--force'];

const temps: string[] = [];
function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'otel-bad-input-'));
  temps.push(dir);
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'service', dependencies: { '@opentelemetry/api': '^1.9.0' } }));
  writeFileSync(join(dir, 'src', 'good.ts'), FIXABLE);
  return dir;
}
afterAll(() => {
  for (const dir of temps) {
    try {
      chmodSync(join(dir, 'src', 'secret.ts'), 0o644);
    } catch {
      // not that case
    }
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Every file under `dir` (not following symlinks) whose name looks like a temp file of the atomic writes. */
function tempFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    const stats = lstatSync(path);
    if (stats.isDirectory()) out.push(...tempFiles(path));
    else if (/\.tmp$/.test(entry) || entry.startsWith('.')) out.push(path);
  }
  return out;
}

function expectGoodFileFixed(dir: string): void {
  expect(readFileSync(join(dir, 'src', 'good.ts'), 'utf8')).toContain(FIXED_LINE);
  expect(tempFiles(dir)).toEqual([]);
}

const isRoot = process.getuid?.() === 0;

describe('otel-context-codemod on bad input', () => {
  it('an empty file is scanned and left alone (exit 0)', async () => {
    const dir = project();
    writeFileSync(join(dir, 'src', 'empty.ts'), '');
    const run = await runCli(['all', 'src', ...STACK], dir);
    const summary = parseSummary(run.stderr);
    expect(run.code).toBe(0);
    expect(summary.scanned).toBe(2);
    expect(summary.changed).toEqual(['src/good.ts']);
    expect(summary.failed).toEqual([]);
    expect(readFileSync(join(dir, 'src', 'empty.ts'), 'utf8')).toBe('');
    expectGoodFileFixed(dir);
  });

  it('a syntax error and a binary file in one run: one failure line each, bytes unchanged, the good file fixed (exit 1)', async () => {
    const dir = project();
    const broken = "import { trace } from '@opentelemetry/api';\nexport const = trace;\n";
    const binary = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01, 0x02, 0x00, 0xff]);
    writeFileSync(join(dir, 'src', 'broken.ts'), broken);
    writeFileSync(join(dir, 'src', 'blob.js'), binary);
    const run = await runCli(['all', 'src', ...STACK], dir);
    const summary = parseSummary(run.stderr);
    expect(run.code).toBe(1);
    expect(summary.scanned).toBe(3);
    expect(summary.changed).toEqual(['src/good.ts']);
    expect(summary.failed).toHaveLength(2);
    expect(summary.failed).toContain('src/blob.js: binary file (contains NUL bytes)');
    expect(summary.failed.find((line) => line.startsWith('src/broken.ts:'))).toMatch(/^src\/broken\.ts:2:\d+ Parsing error: /);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(readFileSync(join(dir, 'src', 'broken.ts'), 'utf8')).toBe(broken);
    expect(readFileSync(join(dir, 'src', 'blob.js')).equals(binary)).toBe(true);
    expectGoodFileFixed(dir);
  });

  it(`an unreadable file fails with "cannot read" (exit 1)${isRoot ? ' — as root: a link to /proc/self/mem, since chmod 000 does not stop root' : ''}`, async () => {
    const dir = project();
    const path = join(dir, 'src', 'secret.ts');
    if (isRoot) {
      // Root reads a chmod 000 file. /proc/<pid>/mem is a regular file that fails every read at
      // offset 0 with EIO, for root too: a file the CLI reaches, stats as a file, and cannot read.
      symlinkSync('/proc/self/mem', path);
    } else {
      writeFileSync(path, FIXABLE);
      chmodSync(path, 0o000);
    }
    const run = await runCli(['all', 'src', ...STACK], dir);
    const summary = parseSummary(run.stderr);
    expect(run.code).toBe(1);
    expect(summary.scanned).toBe(2);
    expect(summary.failed).toHaveLength(1);
    expect(summary.failed[0]).toMatch(isRoot ? /^src\/secret\.ts: cannot read: EIO: i\/o error/ : /^src\/secret\.ts: cannot read: EACCES: permission denied/);
    if (isRoot) expect(lstatSync(path).isSymbolicLink()).toBe(true);
    else expect(lstatSync(path).mode & 0o777).toBe(0);
    expectGoodFileFixed(dir);
  });

  it('a 5 MB minified bundle on one line is listed as skipped with its reason, untouched; the rest is processed (exit 0)', async () => {
    const dir = project();
    // Real functions, one line, with the API's names so that the text filter cannot skip it.
    const parts: string[] = ['import{trace as T}from"@opentelemetry/api";var tr=T.getTracer("b");'];
    let size = parts[0]?.length ?? 0;
    for (let i = 0; size < 5_000_000; i++) {
      const fn = `function f${i}(a,b){var s=tr.startSpan("s${i}");try{for(var k=0;k<a.length;k++){b=b+a[k]*${i % 97}}return b}finally{s.end()}}`;
      parts.push(fn);
      size += fn.length;
    }
    const bundle = `${parts.join('')}export{f0,f1};\n`;
    expect(bundle.length).toBeGreaterThanOrEqual(5_000_000);
    expect(bundle.split('\n')).toHaveLength(2);
    writeFileSync(join(dir, 'src', 'bundle.min.js'), bundle);
    const run = await runCli(['all', 'src', ...STACK], dir);
    const summary = parseSummary(run.stderr);
    expect(run.code).toBe(0);
    expect(summary.scanned).toBe(2);
    expect(run.stderr).toMatch(/\nFiles skipped: 1\n {2}src\/bundle\.min\.js: looks minified \(1 line, \d+ characters per line on average\); pass --include-minified to transform it\n/);
    expect(summary.changed).toEqual(['src/good.ts']);
    expect(summary.failed).toEqual([]);
    expect(readFileSync(join(dir, 'src', 'bundle.min.js'), 'utf8')).toBe(bundle);
    expectGoodFileFixed(dir);
  });

  it('--include-minified transforms a minified file like any other (one line, a fix in every function)', async () => {
    const dir = project();
    const head = 'import{trace as T}from"@opentelemetry/api";var tr=T.getTracer("b");';
    const fns: string[] = [];
    for (let i = 0; head.length + fns.join('').length < 20_000; i++) {
      fns.push(`function f${i}(){tr.startActiveSpan("s${i}",function(s){setTimeout(function(){tr.startSpan("c${i}").end()},1);s.end()})}`);
    }
    const minified = `${head}${fns.join('')}export{f0};\n`;
    writeFileSync(join(dir, 'src', 'app.min.js'), minified);

    const skippedRun = await runCli(['all', 'src', ...STACK, '--dry'], dir);
    expect(skippedRun.code).toBe(0);
    expect(skippedRun.stderr).toContain('  src/app.min.js: looks minified (1 line,');
    expect(parseSummary(skippedRun.stderr).changed).toEqual(['src/good.ts']);

    const run = await runCli(['all', 'src', ...STACK, '--include-minified'], dir);
    const summary = parseSummary(run.stderr);
    expect(run.code).toBe(0);
    expect(run.stderr).not.toContain('Files skipped');
    expect(summary.changed).toEqual(['src/app.min.js', 'src/good.ts']);
    expect(summary.fixedByRule).toEqual({ 'no-unbound-timer': fns.length + 1 });
    const output = readFileSync(join(dir, 'src', 'app.min.js'), 'utf8');
    expect(output.match(/setTimeout\(context\.bind\(context\.active\(\), function\(\)/g)).toHaveLength(fns.length);
    expectGoodFileFixed(dir);
  });

  it('a loop of file symlinks (a.ts -> b.ts -> a.ts) inside a directory is listed as skipped, the rest is processed (exit 0)', async () => {
    const dir = project();
    symlinkSync('b.ts', join(dir, 'src', 'a.ts'));
    symlinkSync('a.ts', join(dir, 'src', 'b.ts'));
    const run = await runCli(['all', 'src', ...STACK], dir);
    const summary = parseSummary(run.stderr);
    expect(run.code).toBe(0);
    expect(summary.scanned).toBe(1);
    expect(summary.changed).toEqual(['src/good.ts']);
    expect(summary.failed).toEqual([]);
    expect(run.stderr).toContain('Files skipped: 2\n  src/a.ts: symbolic link loop, skipped\n  src/b.ts: symbolic link loop, skipped\n');
    expect(lstatSync(join(dir, 'src', 'a.ts')).isSymbolicLink()).toBe(true);
    expectGoodFileFixed(dir);
  });

  it('a file symlink loop given as a path is a usage error naming it, and nothing is written (exit 2)', async () => {
    const dir = project();
    symlinkSync('b.ts', join(dir, 'a.ts'));
    symlinkSync('a.ts', join(dir, 'b.ts'));
    const run = await runCli(['all', 'src', 'a.ts', ...STACK], dir);
    expect(run.code).toBe(2);
    expect(run.stderr.trimEnd().split('\n')).toEqual(['otel-context-codemod: symbolic link loop: a.ts (see --help)']);
    expect(readFileSync(join(dir, 'src', 'good.ts'), 'utf8')).toBe(FIXABLE);
  });

  it('a directory symlink loop while writing: every file once, written once, no temp file left (exit 0)', async () => {
    const dir = project();
    mkdirSync(join(dir, 'src', 'nested'));
    writeFileSync(join(dir, 'src', 'nested', 'other.ts'), FIXABLE);
    symlinkSync('..', join(dir, 'src', 'nested', 'up'));
    symlinkSync('.', join(dir, 'src', 'self'));
    const run = await runCli(['all', 'src', ...STACK], dir);
    const summary = parseSummary(run.stderr);
    expect(run.code).toBe(0);
    expect(summary.scanned).toBe(2);
    expect(summary.changed).toEqual(['src/good.ts', 'src/nested/other.ts']);
    expect(readFileSync(join(dir, 'src', 'nested', 'other.ts'), 'utf8')).toContain(FIXED_LINE);
    expect(lstatSync(join(dir, 'src', 'self')).isSymbolicLink()).toBe(true);
    expectGoodFileFixed(dir);
  });

  it('a nonexistent path next to good ones is a usage error before anything is written (exit 2)', async () => {
    const dir = project();
    const run = await runCli(['all', 'src', 'missing/dir', ...STACK], dir);
    expect(run.code).toBe(2);
    expect(run.stderr.trimEnd().split('\n')).toEqual(['otel-context-codemod: no such file or directory: missing/dir (see --help)']);
    expect(readFileSync(join(dir, 'src', 'good.ts'), 'utf8')).toBe(FIXABLE);
    expect(tempFiles(dir)).toEqual([]);
  });

  it('a directory named like a source file is walked as a directory, not read as a file', async () => {
    const dir = project();
    mkdirSync(join(dir, 'src', 'dir.ts'));
    writeFileSync(join(dir, 'src', 'dir.ts', 'inner.ts'), FIXABLE);
    const run = await runCli(['all', 'src', ...STACK], dir);
    const summary = parseSummary(run.stderr);
    expect(run.code).toBe(0);
    expect(summary.changed).toEqual(['src/dir.ts/inner.ts', 'src/good.ts']);
    expectGoodFileFixed(dir);
  });
});
