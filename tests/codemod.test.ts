import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import allCodemod from '../codemods/all.js';
import { runCli } from './support/cli.js';
import { applyUnifiedDiff } from './support/apply-diff.js';
import { unifiedDiff } from '../codemods/text-diff.js';
import { createCodemod, resolveCodemodRules } from '../codemods/create-codemod.js';
import { mayContainFinding } from '../core/triggers.js';
import { LIBRARY_QUEUES } from '../core/analysis/library-queues.js';
import { applyNonOverlapping, codemodRuleNames, fixWithRules } from '../codemods/fix-with-rule.js';
import noUnboundTimer from '../codemods/no-unbound-timer.js';
import { rules } from '../rules/index.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const STACK = { rules: ['no-unbound-timer'], settings: { contextManager: 'stack' as const } };

const STACK_INPUT = `import { tracer } from './tracing.js';

export function handle(): void {
  tracer.startActiveSpan('job', (span) => {
    setTimeout(() => work(), 10);
    span.end();
  });
}
`;

const STACK_OUTPUT = `import { tracer } from './tracing.js';
import { context } from '@opentelemetry/api';

export function handle(): void {
  tracer.startActiveSpan('job', (span) => {
    setTimeout(context.bind(context.active(), () => work()), 10);
    span.end();
  });
}
`;

const CJS_INPUT = `'use strict';
const { tracer } = require('./tracing');

function handle() {
  tracer.startActiveSpan('job', (span) => {
    setTimeout(() => work(), 10);
    span.end();
  });
}

module.exports = { handle };
`;

const CJS_OUTPUT = `'use strict';
const { tracer } = require('./tracing');
const { context } = require('@opentelemetry/api');

function handle() {
  tracer.startActiveSpan('job', (span) => {
    setTimeout(context.bind(context.active(), () => work()), 10);
    span.end();
  });
}

module.exports = { handle };
`;

/** Flagged, but with no safe rewrite: `this` inside a `function` is not the store's owner. */
const UNFIXABLE = `import { AsyncLocalStorage } from 'node:async_hooks';
export class Server {
  storage = new AsyncLocalStorage<string>();
  handle() { this.storage.run('r1', function () { setInterval(() => tick(), 10); }); }
}
`;

/** `enterWith` has no safe fix, only a suggestion (`als.run(..)`): applied with `unsafe` only. */
const ENTER_WITH = `import { AsyncLocalStorage } from 'node:async_hooks';

const als = new AsyncLocalStorage<string>();

export function handle(id: string): void {
  als.enterWith(id);
  work();
}
`;

const temps: string[] = [];
/** A user's project: a package.json that depends on @opentelemetry/api (the codemod adds only imports the package declares). */
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'otel-codemod-'));
  temps.push(dir);
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'service', dependencies: { '@opentelemetry/api': '^1.9.0' } }));
  return dir;
}
afterAll(async () => {
  await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
});

function recordingApi() {
  const stats: Record<string, number> = {};
  const reports: string[] = [];
  return {
    stats,
    reports,
    api: {
      stats: (name: string, quantity = 1) => {
        stats[name] = (stats[name] ?? 0) + quantity;
      },
      report: (message: string) => reports.push(message),
    },
  };
}

describe('fixWithRules', () => {
  it('binds a timer callback under the stack manager and adds the API import', () => {
    const result = fixWithRules(STACK_INPUT, join(tmpdir(), 'elsewhere', 'handler.ts'), STACK);
    expect(result.fatal).toBeUndefined();
    expect(result.output).toBe(STACK_OUTPUT);
    expect(result.changed).toBe(true);
    expect(result.fixedCount).toBe(1);
    expect(result.fixed).toEqual({ timerLosesContext: 1 });
    expect(result.remaining).toEqual([]);
  });

  it('is idempotent: the output is returned unchanged', () => {
    const result = fixWithRules(STACK_OUTPUT, 'handler.ts', STACK);
    expect(result).toEqual({ output: STACK_OUTPUT, changed: false, fixedCount: 0, fixed: {}, remaining: [], initial: [] });
  });

  it('leaves the code alone under async-local-storage (the timer keeps its context there)', () => {
    const result = fixWithRules(STACK_INPUT, 'handler.ts', { rules: ['no-unbound-timer'] });
    expect(result.changed).toBe(false);
    expect(result.output).toBe(STACK_INPUT);
  });

  it('adds a require() in a CommonJS file', () => {
    const result = fixWithRules(CJS_INPUT, 'lib/handler.cjs', STACK);
    expect(result.output).toBe(CJS_OUTPUT);
    expect(result.fixedCount).toBe(1);
  });

  it('returns fatal and no output when the input does not parse', () => {
    const result = fixWithRules('const = ;\n', 'broken.ts', STACK);
    expect(result.output).toBeUndefined();
    expect(result.changed).toBe(false);
    expect(result.fatal).toMatchObject({ line: 1, column: 6 });
    expect(result.fatal?.message).toMatch(/^Parsing error/);
  });

  it('reports a finding it cannot rewrite as remaining, not as fixed', () => {
    const result = fixWithRules(UNFIXABLE, 'server.ts', { rules: ['no-unbound-timer'] });
    expect(result.changed).toBe(false);
    expect(result.fixedCount).toBe(0);
    expect(result.remaining).toEqual([
      expect.objectContaining({ line: 4, column: 51, ruleId: 'otel-context/no-unbound-timer', messageId: 'recurringTimerInStore' }),
    ]);
  });

  it('parses JSX in .tsx files', () => {
    const tsx = STACK_INPUT.replace('setTimeout(() => work(), 10);', 'setTimeout(() => render(<Done />), 10);');
    const result = fixWithRules(tsx, 'view.tsx', STACK);
    expect(result.output).toContain('setTimeout(context.bind(context.active(), () => render(<Done />)), 10);');
  });

  it('does not let inline config switch on other rules', () => {
    const source = `/* eslint no-var: "error" */\nvar x = 1;\n${STACK_INPUT}`;
    const result = fixWithRules(source, 'handler.ts', STACK);
    expect(result.output).toContain('var x = 1;');
    expect(result.output).toContain('context.bind(context.active(), () => work())');
  });

  it('rejects unknown rules', () => {
    expect(() => fixWithRules('', 'a.ts', { rules: ['no-such-rule'] })).toThrow(/Unknown rule 'no-such-rule'/);
  });
});

describe('unsafe: first suggestions', () => {
  it('are applied only with unsafe, and counted as fixed', () => {
    const safe = fixWithRules(ENTER_WITH, 'handler.ts', { rules: ['no-unpaired-context-attach'] });
    expect(safe.changed).toBe(false);
    expect(safe.remaining.map((finding) => finding.messageId)).toEqual(['enterWithLeak']);

    const unsafe = fixWithRules(ENTER_WITH, 'handler.ts', { rules: ['no-unpaired-context-attach'], unsafe: true });
    expect(unsafe.changed).toBe(true);
    expect(unsafe.output).not.toContain('enterWith');
    expect(unsafe.output).toContain('als.run(id, ');
    expect(unsafe.fixed).toEqual({ enterWithLeak: 1 });
    expect(unsafe.remaining).toEqual([]);
  });
});

describe('applyNonOverlapping (the --unsafe suggestion pass)', () => {
  it('applies edits sorted by range and defers one that overlaps an edit already taken', () => {
    const result = applyNonOverlapping('abcdef', [
      { range: [4, 5], text: 'E' },
      { range: [0, 2], text: 'AB' },
      { range: [1, 3], text: 'X' },
    ]);
    expect(result).toEqual({ output: 'ABcdEf', applied: 2 });
  });
});

describe('createCodemod', () => {
  it('skips a file that cannot contain a finding without parsing it', () => {
    const { api, reports } = recordingApi();
    // Unparsable on purpose: a parse would throw.
    expect(noUnboundTimer({ path: 'a.ts', source: 'const = ; setTimeout(f)' }, api, {})).toBeUndefined();
    expect(reports).toEqual([]);
    expect(mayContainFinding('setTimeout(f)', ['no-unbound-timer'])).toBe(false);
    expect(mayContainFinding('withSpan(f)', ['no-unbound-timer'], { spanWrappers: ['withSpan'] })).toBe(true);
    expect(mayContainFinding("import x from '@acme/otel'", ['no-unbound-timer'], { apiModules: ['@acme/otel'] })).toBe(true);
    // a narrower list needs traced code too, as the detectors' gates do
    expect(mayContainFinding('el.attachEvent("x", f)', ['no-unpaired-context-attach'])).toBe(false);
    expect(mayContainFinding("import { context } from '@acme/otel'; context.attach(c)", ['no-unpaired-context-attach'], { apiModules: ['@acme/otel'] })).toBe(true);
    expect(mayContainFinding("import { trace } from '@opentelemetry/api'; setTimeout(f)", ['require-span-end'])).toBe(false);
  });

  it('lets a file with no tracing through to no-unbound-queued-callback exactly when it loads a listed library queue', () => {
    const rule = ['no-unbound-queued-callback'];
    for (const { module } of LIBRARY_QUEUES) {
      for (const quote of ["'", '"']) {
        for (const load of [`import x from ${quote}${module}${quote};`, `const x = require(${quote}${module}${quote});`]) {
          expect(mayContainFinding(`${load} x(cb);`, rule), load).toBe(true);
          expect(mayContainFinding(`${load} x(cb);`, rule, { contextManager: 'zone' }), load).toBe(false);
        }
        // a longer module name, another quote at the end, or the name as a plain string is no load
        expect(mayContainFinding(`const x = require(${quote}${module}-extra${quote});`, rule)).toBe(false);
        expect(mayContainFinding(`const x = require(${quote}${module}${quote === "'" ? '"' : "'"});`, rule)).toBe(false);
        expect(mayContainFinding(`const name = ${quote}${module}${quote};`, rule)).toBe(false);
      }
    }
  });

  it('never skips a fixture with findings: the pre-filter lets through every `before` fixture of its rule', async () => {
    const { readdirSync: list, readFileSync: read } = await import('node:fs');
    let checked = 0;
    for (const rule of list(join(ROOT, 'fixtures'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name)) {
      for (const name of list(join(ROOT, 'fixtures', rule)).filter((n) => /\.input\.[cm]?[jt]sx?$/.test(n))) {
        const sidecar = join(ROOT, 'fixtures', rule, name.replace(/\.input\..*$/, '.json'));
        const settings = existsSync(sidecar) ? ((JSON.parse(read(sidecar, 'utf8')) as { settings?: object }).settings ?? {}) : {};
        expect(mayContainFinding(read(join(ROOT, 'fixtures', rule, name), 'utf8'), [rule], settings), `${rule}/${name}`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(30);
  });

  it('rewrites, counts fixed findings with api.stats and returns the output', () => {
    const { api, stats, reports } = recordingApi();
    const output = noUnboundTimer({ path: 'src/handler.ts', source: STACK_INPUT }, api, { 'context-manager': 'stack' });
    expect(output).toBe(STACK_OUTPUT);
    expect(stats).toEqual({ timerLosesContext: 1 });
    expect(reports).toEqual([]);
    expect(noUnboundTimer({ path: 'src/handler.ts', source: STACK_OUTPUT }, api, { contextManager: 'stack' })).toBeUndefined();
  });

  it('reports every finding it did not rewrite as path:line:col message and returns undefined', () => {
    const { api, stats, reports } = recordingApi();
    expect(noUnboundTimer({ path: 'src/server.ts', source: UNFIXABLE }, api, {})).toBeUndefined();
    expect(stats).toEqual({});
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatch(/^src\/server\.ts:4:51 This setInterval starts recurring work inside this\.storage\.run/);
  });

  it('throws naming file:line:col when the file does not parse', () => {
    const { api } = recordingApi();
    expect(() => noUnboundTimer({ path: 'src/bad.ts', source: "import '@opentelemetry/api';\nconst = ;" }, api, {})).toThrow(
      /^src\/bad\.ts:2:6 Parsing error/,
    );
  });

  it('rejects a bad --context-manager', () => {
    const { api } = recordingApi();
    expect(() => noUnboundTimer({ path: 'a.ts', source: STACK_INPUT }, api, { contextManager: 'fibers' })).toThrow(
      /--context-manager must be one of/,
    );
  });

  it('all runs every rule with a fix or suggestions, computed from rule meta', () => {
    const expected = Object.entries(rules)
      .filter(([, rule]) => ('fixable' in rule.meta && rule.meta.fixable !== undefined) || ('hasSuggestions' in rule.meta && rule.meta.hasSuggestions === true))
      .map(([name]) => name)
      .sort();
    expect(codemodRuleNames()).toEqual(expected);
    expect(resolveCodemodRules('all')).toEqual(expected);
    expect(expected).toContain('no-unbound-timer');
    const { api } = recordingApi();
    expect(allCodemod({ path: 'handler.ts', source: STACK_INPUT }, api, { contextManager: 'stack' })).toBe(STACK_OUTPUT);
    expect(() => createCodemod('no-such-rule')).toThrow(/Unknown rule/);
  });
});

describe('otel-context-codemod CLI', () => {
  async function project(): Promise<string> {
    const dir = await tempDir();
    await mkdir(join(dir, 'src', 'node_modules', 'dep'), { recursive: true });
    await mkdir(join(dir, 'src', 'dist'), { recursive: true });
    await writeFile(join(dir, 'src', 'handler.ts'), STACK_INPUT);
    await writeFile(join(dir, 'src', 'legacy.cjs'), CJS_INPUT);
    await writeFile(join(dir, 'src', 'server.ts'), UNFIXABLE);
    await writeFile(join(dir, 'src', 'plain.js'), 'export const x = 1;\n');
    await writeFile(join(dir, 'src', 'README.md'), '# not code\n');
    await writeFile(join(dir, 'src', 'node_modules', 'dep', 'index.ts'), STACK_INPUT);
    await writeFile(join(dir, 'src', 'dist', 'handler.ts'), STACK_INPUT);
    return dir;
  }

  it('rewrites with --context-manager stack, prints a summary, and a second run changes nothing', async () => {
    const dir = await project();
    chmodSync(join(dir, 'src', 'handler.ts'), 0o640);
    const first = await runCli(['no-unbound-timer', 'src', '--context-manager', 'stack'], dir);
    expect(first.code).toBe(0);
    expect(await readFile(join(dir, 'src', 'handler.ts'), 'utf8')).toBe(STACK_OUTPUT);
    expect(await readFile(join(dir, 'src', 'legacy.cjs'), 'utf8')).toBe(CJS_OUTPUT);
    expect(await readFile(join(dir, 'src', 'server.ts'), 'utf8')).toBe(UNFIXABLE);
    // node_modules and dist are not walked
    expect(await readFile(join(dir, 'src', 'node_modules', 'dep', 'index.ts'), 'utf8')).toBe(STACK_INPUT);
    expect(await readFile(join(dir, 'src', 'dist', 'handler.ts'), 'utf8')).toBe(STACK_INPUT);
    // atomic write: same mode, no temp file left behind
    expect(statSync(join(dir, 'src', 'handler.ts')).mode & 0o777).toBe(0o640);
    expect(readdirSync(join(dir, 'src')).filter((name) => name.endsWith('.tmp'))).toEqual([]);

    const lines = first.stderr.split('\n');
    expect(lines).toContain('Files scanned: 4 (1 other file ignored)');
    expect(lines).toContain('Files changed: 2');
    expect(lines).toContain('  src/handler.ts (1 fixed)');
    expect(lines).toContain('  src/legacy.cjs (1 fixed)');
    expect(lines).toContain('Findings fixed: 2');
    expect(lines).toContain('  no-unbound-timer: 2 (timer callbacks that run in the wrong trace context)');
    expect(lines).toContain('Findings left unfixed: 1');
    expect(lines.some((line) => line.startsWith('  src/server.ts:4:51 no-unbound-timer: This setInterval starts recurring work'))).toBe(true);
    expect(lines).toContain('Files failed: 0');
    expect(first.stdout).toBe('');

    const second = await runCli(['no-unbound-timer', 'src', '--context-manager', 'stack'], dir);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('Files changed: 0\n');
    expect(second.stderr).toContain('Findings fixed: 0\n');
    expect(await readFile(join(dir, 'src', 'handler.ts'), 'utf8')).toBe(STACK_OUTPUT);
  });

  it('--dry writes nothing; --print prints a unified diff', async () => {
    const dir = await project();
    const dry = await runCli(['all', 'src', '--context-manager', 'stack', '--dry'], dir);
    expect(dry.code).toBe(0);
    expect(dry.stderr).toContain('(dry run: nothing written)');
    expect(dry.stderr).toContain('Files that would change: 2\n');
    expect(await readFile(join(dir, 'src', 'handler.ts'), 'utf8')).toBe(STACK_INPUT);
    expect(await readFile(join(dir, 'src', 'legacy.cjs'), 'utf8')).toBe(CJS_INPUT);

    const single = await runCli(['all', 'src/handler.ts', '--context-manager', 'stack', '--dry', '--print'], dir);
    expect(single.stdout).toBe(unifiedDiff('src/handler.ts', STACK_INPUT, STACK_OUTPUT));
    expect(single.stdout).toMatch(/^--- a\/src\/handler\.ts\n\+\+\+ b\/src\/handler\.ts\n@@ -\d+,\d+ \+\d+,\d+ @@\n/);
    // only changed lines are marked, with context around them: applying the diff gives the output
    expect(applyUnifiedDiff(STACK_INPUT, single.stdout)).toBe(STACK_OUTPUT);
    const many = await runCli(['all', 'src', '--context-manager', 'stack', '--dry', '--print'], dir);
    expect(many.stdout).toBe(unifiedDiff('src/handler.ts', STACK_INPUT, STACK_OUTPUT) + unifiedDiff('src/legacy.cjs', CJS_INPUT, CJS_OUTPUT));
    expect(await readFile(join(dir, 'src', 'handler.ts'), 'utf8')).toBe(STACK_INPUT);
  });

  it('a syntax error fails that file (exit 1, file:line:col) while the others are still processed', async () => {
    const dir = await project();
    await writeFile(join(dir, 'src', 'broken.ts'), "import { trace } from '@opentelemetry/api';\nconst = ;\n");
    const result = await runCli(['no-unbound-timer', 'src', '--context-manager', 'stack'], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Files failed: 1\n');
    expect(result.stderr).toMatch(/^ {2}src\/broken\.ts:2:6 Parsing error/m);
    expect(await readFile(join(dir, 'src', 'broken.ts'), 'utf8')).toBe("import { trace } from '@opentelemetry/api';\nconst = ;\n");
    expect(await readFile(join(dir, 'src', 'handler.ts'), 'utf8')).toBe(STACK_OUTPUT);
  });

  it('reports a binary file as failed (exit 1)', async () => {
    const dir = await project();
    await writeFile(join(dir, 'src', 'video.ts'), Buffer.from([0x47, 0x00, 0x11, 0x10, 0x00]));
    const result = await runCli(['no-unbound-timer', 'src', '--context-manager', 'stack'], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('  src/video.ts: binary file (contains NUL bytes)\n');
    expect(await readFile(join(dir, 'src', 'handler.ts'), 'utf8')).toBe(STACK_OUTPUT);
  });

  it.each([
    { name: 'nonexistent path', argv: ['no-unbound-timer', 'nowhere'], message: 'no such file or directory: nowhere' },
    { name: 'unknown rule', argv: ['no-such-rule', 'src'], message: "Unknown rule 'no-such-rule'" },
    { name: 'bad flag', argv: ['no-unbound-timer', 'src', '--frobnicate'], message: "Unknown option '--frobnicate'" },
    { name: 'bad --context-manager', argv: ['no-unbound-timer', 'src', '--context-manager', 'fibers'], message: '--context-manager must be one of' },
    { name: 'no paths', argv: ['no-unbound-timer'], message: 'missing <paths...>' },
    { name: 'missing --tsconfig file', argv: ['no-unbound-timer', 'src', '--tsconfig', 'nope.json'], message: '--tsconfig: no such file' },
  ])('bad usage exits 2 with one line and writes nothing: $name', async ({ argv, message }) => {
    const dir = await project();
    const result = await runCli(argv, dir);
    expect(result.code).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(await readFile(join(dir, 'src', 'handler.ts'), 'utf8')).toBe(STACK_INPUT);
  });

  it('--unsafe applies suggestions through the CLI', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'handler.ts'), ENTER_WITH);
    const safe = await runCli(['no-unpaired-context-attach', '.'], dir);
    expect(safe.code).toBe(0);
    expect(safe.stderr).toContain('Findings left unfixed: 1\n');
    expect(await readFile(join(dir, 'handler.ts'), 'utf8')).toBe(ENTER_WITH);
    const unsafe = await runCli(['no-unpaired-context-attach', '.', '--unsafe'], dir);
    expect(unsafe.code).toBe(0);
    expect(unsafe.stderr).toContain('  no-unpaired-context-attach: 1 (');
    expect(await readFile(join(dir, 'handler.ts'), 'utf8')).toContain('als.run(id, ');
  });

  it('--queue-function passes additionalQueueFunctions, so the codemod fixes what a lint configured with it flags', async () => {
    const dir = await tempDir();
    const source = `import { trace } from '@opentelemetry/api';
declare const limit: <T>(fn: () => Promise<T>) => Promise<T>;
export const tracer = trace.getTracer('x');
export function fetchAll(urls: string[]) {
  return urls.map((u) => limit(() => fetch(u)));
}
`;
    await writeFile(join(dir, 'limiter.ts'), source);
    const without = await runCli(['no-unbound-queued-callback', '.'], dir);
    expect(without.code).toBe(0);
    expect(without.stderr).toContain('Files changed: 0\n');
    expect(await readFile(join(dir, 'limiter.ts'), 'utf8')).toBe(source);
    const withOption = await runCli(['no-unbound-queued-callback', '.', '--queue-function', 'limit'], dir);
    expect(withOption.code).toBe(0);
    expect(withOption.stderr).toContain('  no-unbound-queued-callback: 1 (');
    expect(await readFile(join(dir, 'limiter.ts'), 'utf8')).toContain('limit(context.bind(context.active(), () => fetch(u)))');
  });

  it('--instrumented-transport passes instrumentedTransports; an unknown transport is a usage error', async () => {
    const dir = await tempDir();
    const source = `import { trace } from '@opentelemetry/api';
import { Kafka } from 'kafkajs';
const producer = new Kafka({ brokers: ['b:9092'] }).producer();
export function publish() {
  return trace.getTracer('x').startActiveSpan('publish', async (span) => {
    await producer.send({ topic: 'orders', messages: [{ value: 'v' }] });
    span.end();
  });
}
`;
    await writeFile(join(dir, 'producer.ts'), source);
    const instrumented = await runCli(['require-context-propagation', '.', '--instrumented-transport', 'kafkajs'], dir);
    expect(instrumented.code).toBe(0);
    expect(instrumented.stderr).toContain('Findings fixed: 0\n');
    expect(await readFile(join(dir, 'producer.ts'), 'utf8')).toBe(source);
    const bad = await runCli(['require-context-propagation', '.', '--instrumented-transport', 'nats'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--instrumented-transport must be one of kafkajs, amqplib, bullmq');
    const plain = await runCli(['require-context-propagation', '.'], dir);
    expect(plain.code).toBe(0);
    expect(await readFile(join(dir, 'producer.ts'), 'utf8')).toContain('propagation.inject(');
  });

  it('--tsconfig lints with type information; a file outside that project fails with the reason', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'src'));
    await writeFile(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, module: 'NodeNext', noEmit: true, skipLibCheck: true }, include: ['src/**/*.ts'] }),
    );
    await writeFile(join(dir, 'src', 'handler.ts'), STACK_INPUT);
    await writeFile(join(dir, 'outside.ts'), STACK_INPUT);
    const result = await runCli(['no-unbound-timer', '.', '--context-manager', 'stack', '--tsconfig', 'tsconfig.json'], dir);
    expect(result.code).toBe(1);
    expect(await readFile(join(dir, 'src', 'handler.ts'), 'utf8')).toBe(STACK_OUTPUT);
    expect(await readFile(join(dir, 'outside.ts'), 'utf8')).toBe(STACK_INPUT);
    expect(result.stderr).toMatch(/^ {2}outside\.ts: Parsing error: .*(TSConfig does not include this file|was not found in any of the provided project)/m);
  });

  it('--help prints the usage and exits 0', async () => {
    const result = await runCli(['--help'], tmpdir());
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: otel-context-codemod <rule\|all> <paths\.\.\.>/);
    expect(result.stdout).toContain(`Codemods: ${[...codemodRuleNames(), 'all'].join(', ')}\n`);
  });

  it('writes through a symlinked file to its target and keeps the link', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'real'));
    await writeFile(join(dir, 'real', 'handler.ts'), STACK_INPUT);
    symlinkSync(join('real', 'handler.ts'), join(dir, 'link.ts'));
    const result = await runCli(['no-unbound-timer', 'link.ts', 'real', '--context-manager', 'stack'], dir);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('Files scanned: 1\n'); // the same file reached twice is processed once
    expect(lstatSync(join(dir, 'link.ts')).isSymbolicLink()).toBe(true);
    expect(await readFile(join(dir, 'real', 'handler.ts'), 'utf8')).toBe(STACK_OUTPUT);
  });

  it('walks a symlink loop once and shows progress lines on long runs', async () => {
    const dir = await project();
    symlinkSync('..', join(dir, 'src', 'loop'));
    const result = await runCli(['no-unbound-timer', 'src', '--context-manager', 'stack', '--dry'], dir, { progressEveryMs: 0 });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('Files scanned: 4 ');
    expect(result.stderr).toContain('[1/4] src/handler.ts\n');
  });

  describe('git guard', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };
    delete env.GIT_DIR;
    delete env.GIT_WORK_TREE;
    delete env.GIT_INDEX_FILE;
    const git = (dir: string, ...args: string[]) => execFileSync('git', ['-C', dir, ...args], { env, stdio: 'pipe' });

    it('refuses to write in a work tree with uncommitted changes unless --force (exit 2); --dry is allowed', async () => {
      const dir = await project();
      git(dir, 'init', '-q');
      const refused = await runCli(['no-unbound-timer', 'src', '--context-manager', 'stack'], dir);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/refusing to write: git work tree .* has uncommitted changes.*--force/);
      expect(await readFile(join(dir, 'src', 'handler.ts'), 'utf8')).toBe(STACK_INPUT);

      const dry = await runCli(['no-unbound-timer', 'src/handler.ts', '--context-manager', 'stack', '--dry'], dir);
      expect(dry.code).toBe(0);
      expect(dry.stderr).toContain('Files that would change: 1\n');

      const forced = await runCli(['no-unbound-timer', 'src', '--context-manager', 'stack', '--force'], dir);
      expect(forced.code).toBe(0);
      expect(await readFile(join(dir, 'src', 'handler.ts'), 'utf8')).toBe(STACK_OUTPUT);
    });

    it('writes in a clean work tree', async () => {
      const dir = await project();
      git(dir, 'init', '-q');
      git(dir, 'add', '-A');
      git(dir, 'commit', '-q', '-m', 'init');
      const result = await runCli(['no-unbound-timer', 'src', '--context-manager', 'stack'], dir);
      expect(result.code).toBe(0);
      expect(await readFile(join(dir, 'src', 'handler.ts'), 'utf8')).toBe(STACK_OUTPUT);
    });
  });
});

describe('compiled transforms under the real jscodeshift', () => {
  it('dist/codemods/no-unbound-timer.js is a genuine jscodeshift transform (run `npm run build` first)', async () => {
    const transform = join(ROOT, 'dist', 'codemods', 'no-unbound-timer.js');
    expect(existsSync(transform), `${transform} is missing: run npm run build`).toBe(true);
    const dir = await tempDir();
    const file = join(dir, 'handler.ts');
    await writeFile(file, STACK_INPUT);
    // jscodeshift's Worker require()s the transform (require(esm)); Babel must be off (`--no-babel`),
    // or @babel/register rewrites our ESM into CommonJS inside a "type": "module" package.
    const result = spawnSync(
      process.execPath,
      [join(ROOT, 'node_modules', 'jscodeshift', 'bin', 'jscodeshift.js'), '--no-babel', '--run-in-band', '-t', transform, file, '--context-manager=stack'],
      { cwd: dir, encoding: 'utf8' },
    );
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/1 ok/);
    expect(await readFile(file, 'utf8')).toBe(STACK_OUTPUT);
  });
});
