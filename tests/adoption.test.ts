/**
 * The plugin as a user adopts it: the codemod follows the user's eslint.config.js, reports
 * positions in the file on disk, never adds a dependency the file's package lacks, speaks JSON and
 * suggests names; the presets never stop a run and type-check in an eslint.config.ts; the
 * transforms run under the real jscodeshift CLI; settings keys are checked. Needs `npm run build`
 * (the user's config imports the built package).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { afterAll, describe, expect, it } from 'vitest';
import { runCodemod } from '../codemods/cli.js';
import { runCli } from './support/cli.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** A user's project: package.json (with the given dependencies), node_modules linking this package and its peers, and files. */
function userProject(files: Record<string, string>, dependencies: Record<string, string> = { '@opentelemetry/api': '^1.9.0' }): string {
  const dir = mkdtempSync(join(tmpdir(), 'otel-adopt-'));
  temps.push(dir);
  mkdirSync(join(dir, 'node_modules', '@typescript-eslint'), { recursive: true });
  symlinkSync(root, join(dir, 'node_modules', 'eslint-plugin-otel-context'), 'dir');
  for (const name of ['eslint', 'typescript', 'typescript-eslint', 'jscodeshift', '@opentelemetry', '@eslint', '@types']) {
    symlinkSync(join(root, 'node_modules', name), join(dir, 'node_modules', name), 'dir');
  }
  for (const name of ['parser', 'utils', 'eslint-plugin', 'typescript-estree', 'scope-manager', 'types', 'visitor-keys', 'type-utils', 'project-service', 'tsconfig-utils']) {
    symlinkSync(join(root, 'node_modules', '@typescript-eslint', name), join(dir, 'node_modules', '@typescript-eslint', name), 'dir');
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'user-app', type: 'module', private: true, dependencies }));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const TIMER = `import { tracer } from './tracing.js';

export function handle(): void {
  tracer.startActiveSpan('job', (span) => {
    setTimeout(() => work(), 10);
    span.end();
  });
}
`;

const CONFIG = `import tsParser from '@typescript-eslint/parser';
import otelContext from 'eslint-plugin-otel-context';

export default [
  { files: ['**/*.ts'], languageOptions: { parser: tsParser } },
  { ...otelContext.configs.recommended, ignores: ['web/**'] },
  { ...otelContext.configs.browser, files: ['web/**/*.ts'], settings: { 'otel-context': { contextManager: 'stack' } } },
  { ignores: ['generated/**'] },
];
`;

const PRODUCER = `import { trace } from '@opentelemetry/api';
import { Kafka } from 'kafkajs';
const producer = new Kafka({ brokers: ['b:9092'] }).producer();
export function publish() {
  return trace.getTracer('x').startActiveSpan('publish', async (span) => {
    await producer.send({ topic: 'orders', messages: [{ value: 'v' }] });
    span.end();
  });
}
`;

describe('the codemod follows the user\'s ESLint config', () => {
  it('takes contextManager from eslint.config.js, given no flags: it fixes what `eslint web` reports', async () => {
    const dir = userProject({ 'eslint.config.js': CONFIG, 'web/app.ts': TIMER, 'server/app.ts': TIMER, 'generated/app.ts': TIMER });
    const eslint = new ESLint({ cwd: dir });
    const [web] = await eslint.lintFiles(['web/app.ts']);
    const timerFindings = (messages: readonly { ruleId: string | null }[] | undefined) => (messages ?? []).filter((m) => m.ruleId === 'otel-context/no-unbound-timer');
    expect(timerFindings(web?.messages)).toHaveLength(1);
    const [server] = await eslint.lintFiles(['server/app.ts']);
    expect(timerFindings(server?.messages)).toEqual([]); // async-local-storage keeps the timer's context

    const run = await runCli(['all', '.', '--format', 'json'], dir);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { eslintConfig: string; files: { changed: Array<{ file: string }>; skipped: Array<{ file: string; reason: string }> }; findings: { fixedByRule: Record<string, number> } };
    expect(report.eslintConfig).toBe('eslint.config.js');
    expect(report.files.changed.map((c) => c.file)).toEqual(['web/app.ts']);
    expect(report.findings.fixedByRule).toEqual({ 'no-unbound-timer': 1 });
    expect(report.files.skipped).toEqual([{ file: 'generated/app.ts', reason: 'ignored by eslint.config.js (eslint does not lint it)' }]);
    expect(readFileSync(join(dir, 'web/app.ts'), 'utf8')).toContain('setTimeout(context.bind(context.active(), () => work()), 10)');
    expect(readFileSync(join(dir, 'server/app.ts'), 'utf8')).toBe(TIMER);
    // and ESLint agrees: nothing left
    const [after] = await new ESLint({ cwd: dir }).lintFiles(['web/app.ts']);
    expect(timerFindings(after?.messages)).toEqual([]);
  });

  it('with `all`, a rule the config turns off for a folder (the browser set leaves out require-context-propagation) is not run there', async () => {
    const dir = userProject({ 'eslint.config.js': CONFIG, 'web/producer.ts': PRODUCER, 'server/producer.ts': PRODUCER });
    const run = await runCli(['all', '.'], dir);
    expect(run.code).toBe(0);
    expect(readFileSync(join(dir, 'web/producer.ts'), 'utf8')).toBe(PRODUCER);
    expect(readFileSync(join(dir, 'server/producer.ts'), 'utf8')).toContain('propagation.inject(');
    expect(run.stderr).toContain('Not run where your ESLint config turns it off: require-context-propagation (1 file)');
    const [web] = await new ESLint({ cwd: dir }).lintFiles(['web/producer.ts']);
    expect(web?.messages.filter((m) => m.ruleId === 'otel-context/require-context-propagation')).toEqual([]);
  });

  it('flags override the config; --no-config reads none; --config names another file', async () => {
    const dir = userProject({ 'eslint.config.js': CONFIG, 'other.config.js': CONFIG.replace("contextManager: 'stack'", "contextManager: 'zone'"), 'web/app.ts': TIMER });
    const override = await runCli(['no-unbound-timer', 'web', '--dry', '--context-manager', 'async-local-storage'], dir);
    expect(override.stderr).toContain('Files that would change: 0\n');
    const none = await runCli(['no-unbound-timer', 'web', '--dry', '--no-config'], dir);
    expect(none.stderr).toContain('ESLint config: not read (--no-config)');
    expect(none.stderr).toContain('Files that would change: 0\n');
    const other = await runCli(['no-unbound-timer', 'web', '--dry', '--config', 'other.config.js'], dir);
    expect(other.stderr).toContain('ESLint config: other.config.js');
    expect(other.stderr).toContain('Files that would change: 0\n'); // zone keeps a timer's context
    const own = await runCli(['no-unbound-timer', 'web', '--dry'], dir);
    expect(own.stderr).toContain('Files that would change: 1\n');
  });
});

describe('the codemod with a type-checked config', () => {
  it("uses the config's type information (projectService) for recommended-type-checked's type-aware options", { timeout: 300_000 }, async () => {
    const config = `import tseslint from 'typescript-eslint';
import otelContext from 'eslint-plugin-otel-context';
export default [
  tseslint.configs.base,
  { languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } } },
  otelContext.configs.recommended,
  otelContext.configs['recommended-type-checked'],
  { settings: { 'otel-context': { contextManager: 'stack' } } },
];
`;
    const dir = userProject({
      'eslint.config.js': config,
      'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, module: 'NodeNext', target: 'ES2022', noEmit: true, types: [] }, include: ['src'] }),
      'src/app.ts': TIMER,
      'src/tracing.ts': "import { trace } from '@opentelemetry/api';\nexport const tracer = trace.getTracer('x');\n",
    });
    const run = await runCli(['all', 'src', '--dry', '--format', 'json'], dir);
    const report = JSON.parse(run.stdout) as { files: { changed: Array<{ file: string }>; failed: unknown[] } };
    expect(report.files.failed).toEqual([]);
    expect(report.files.changed.map((c) => c.file)).toEqual(['src/app.ts']);
  });
});

describe('dry-run positions', () => {
  it('are positions in the file on disk, where ESLint reports them (a fix above adds an import line)', async () => {
    const source = `${TIMER}import { AsyncLocalStorage } from 'node:async_hooks';
export class Server {
  storage = new AsyncLocalStorage<string>();
  handle() { this.storage.run('r1', function () { setInterval(() => tick(), 10); }); }
}
export async function pay(charge: () => Promise<void>): Promise<void> {
  const span = tracer.startSpan('pay');
  await charge();
  span.end();
}
`;
    const config = `import tsParser from '@typescript-eslint/parser';
import otelContext from 'eslint-plugin-otel-context';
export default [{ files: ['**/*.ts'], languageOptions: { parser: tsParser } }, otelContext.configs.recommended, { settings: { 'otel-context': { contextManager: 'stack' } } }];
`;
    const dir = userProject({ 'eslint.config.js': config, 'src/orders.ts': source });
    const positions = (messages: readonly { line: number; column: number }[]) => messages.map((m) => `${m.line}:${m.column}`).sort();
    const [linted] = await new ESLint({ cwd: dir }).lintFiles(['src/orders.ts']);
    const dry = await runCli(['all', 'src', '--dry', '--format', 'json'], dir);
    const report = JSON.parse(dry.stdout) as { files: { changed: unknown[] }; findings: { unfixed: Array<{ line: number; column: number; rule: string }> } };
    expect(report.files.changed).toHaveLength(1); // the timer fix adds an import line above the rest
    expect(report.findings.unfixed.length).toBeGreaterThan(0);
    const leftRules = new Set(report.findings.unfixed.map((f) => `otel-context/${f.rule}`));
    // every position the dry run gives is where ESLint reports that finding in the file on disk
    expect(positions(report.findings.unfixed)).toEqual(positions((linted?.messages ?? []).filter((m) => m.ruleId !== null && leftRules.has(m.ruleId))));
    // written: positions in the new file, which now has the import line
    const wet = await runCli(['all', 'src', '--format', 'json', '--force'], dir);
    const written = JSON.parse(wet.stdout) as { findings: { unfixed: Array<{ line: number; column: number }> } };
    const [relinted] = await new ESLint({ cwd: dir }).lintFiles(['src/orders.ts']);
    expect(positions(written.findings.unfixed)).toEqual(positions(relinted?.messages ?? []));
    expect(positions(written.findings.unfixed)).not.toEqual(positions(report.findings.unfixed));
  });
});

describe('never a dependency the file does not have', () => {
  it('leaves the finding unfixed, with the reason, when the nearest package.json does not list the package', async () => {
    const dir = userProject({ 'src/app.ts': TIMER }, {});
    const run = await runCli(['no-unbound-timer', 'src', '--context-manager', 'stack', '--no-config'], dir);
    expect(run.code).toBe(0);
    expect(readFileSync(join(dir, 'src/app.ts'), 'utf8')).toBe(TIMER);
    expect(run.stderr).toContain('Files changed: 0\n');
    expect(run.stderr).toMatch(/src\/app\.ts:5:5 no-unbound-timer: .* Not fixed: the fix imports @opentelemetry\/api, which \S*package\.json does not list as a dependency\./);
  });

  it('leaves a module that imports by URL (Deno) unfixed, even inside a package that has the dependency', async () => {
    const deno = TIMER.replace("import { tracer } from './tracing.js';", "import { assert } from 'https://deno.land/std@0.224.0/assert/mod.ts';\nimport { tracer } from './tracing.js';");
    const dir = userProject({ 'test/waiters_test.ts': deno });
    const run = await runCli(['no-unbound-timer', 'test', '--context-manager', 'stack', '--no-config'], dir);
    expect(readFileSync(join(dir, 'test/waiters_test.ts'), 'utf8')).toBe(deno);
    expect(run.stderr).toContain('Not fixed: the fix imports @opentelemetry/api, but this module imports by URL (https://deno.land/std@0.224.0/assert/mod.ts), not from npm.');
  });

  it('fixes when the nearest package.json (a workspace package) lists it', async () => {
    const dir = userProject({ 'packages/a/package.json': JSON.stringify({ name: 'a', dependencies: { '@opentelemetry/api': '^1.9.0' } }), 'packages/a/src/app.ts': TIMER }, {});
    const run = await runCli(['no-unbound-timer', 'packages', '--context-manager', 'stack', '--no-config'], dir);
    expect(run.code).toBe(0);
    expect(readFileSync(join(dir, 'packages/a/src/app.ts'), 'utf8')).toContain("import { context } from '@opentelemetry/api';");
  });
});

describe('the command line', () => {
  it('suggests the rule or flag meant; --format json is parseable; no progress lines off a terminal', async () => {
    const dir = userProject({ 'src/app.ts': TIMER });
    const rule = await runCli(['no-unbound-timers', 'src'], dir);
    expect(rule.code).toBe(2);
    expect(rule.stderr).toContain("Unknown rule 'no-unbound-timers'; did you mean 'no-unbound-timer'?");
    const flag = await runCli(['all', 'src', '--queue-functions', 'limit'], dir);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('did you mean --queue-function?');
    const manager = await runCli(['all', 'src', '--context-manager', 'stak'], dir);
    expect(manager.stderr).toContain("did you mean 'stack'?");
    // progressEveryMs 0 would print a line per file on a terminal; stderr here is not one
    let stderr = '';
    const io = (isTTY: boolean) => ({ stdout: { write: () => true }, stderr: { isTTY, write: (t: string) => (stderr += t) }, cwd: dir, progressEveryMs: 0 });
    expect(await runCodemod(['all', 'src', '--dry', '--context-manager', 'stack'], io(false))).toBe(0);
    expect(stderr.split('\n').filter((line) => line.startsWith('['))).toEqual([]);
    stderr = '';
    await runCodemod(['all', 'src', '--dry', '--context-manager', 'stack'], io(true));
    expect(stderr.split('\n').filter((line) => line.startsWith('['))).toEqual(['[1/1] src/app.ts']);
  });

  it('--help lists the rule-option flags derived from each rule\'s schema', async () => {
    const help = await runCli(['--help'], root);
    for (const flag of ['--queue-function', '--instrumented-transport', '--check-all-producers', '--check-void', '--check-types']) expect(help.stdout).toContain(flag);
  });
});

describe('presets', () => {
  it('recommended-type-checked on a .cjs file without type information does not stop the run; disable-type-checked turns the typed parts off', async () => {
    const floating = `const { trace } = require('@opentelemetry/api');\nfunction go() { return trace.getTracer('x').startActiveSpan('s', (span) => { fetch('u'); span.setAttribute('k', 1); }); }\nmodule.exports = { go };\n`;
    const config = `import otelContext from 'eslint-plugin-otel-context';
export default [otelContext.configs.recommended, otelContext.configs['recommended-type-checked'], { files: ['typed/**'], ...otelContext.configs['disable-type-checked'] }];
`;
    const dir = userProject({ 'eslint.config.js': config, 'legacy.cjs': floating });
    const results = await new ESLint({ cwd: dir }).lintFiles(['legacy.cjs']);
    // linted (the syntactic rules ran), not stopped
    expect(results[0]?.messages.filter((m) => m.fatal)).toEqual([]);
    expect(results[0]?.messages.map((m) => m.ruleId)).toContain('otel-context/require-span-end');
    // the typed preset alone on a TypeScript file without type information still refuses (a type-aware option never degrades silently) ...
    const typedOnly = `import otelContext from 'eslint-plugin-otel-context';\nimport tsParser from '@typescript-eslint/parser';\nexport default [{ files: ['**/*.ts'], languageOptions: { parser: tsParser } }, otelContext.configs['recommended-type-checked']];\n`;
    const dir2 = userProject({ 'eslint.config.js': typedOnly, 'a.ts': floating.replace(/require\(([^)]*)\)/, 'await import($1)') });
    await expect(new ESLint({ cwd: dir2 }).lintFiles(['a.ts'])).rejects.toThrow(/needs type information/);
    // ... and disable-type-checked is the way out (a project of its own: ESLint caches a config
    // module by its file's modification time, so rewriting eslint.config.js within the same
    // timestamp could lint with the old config)
    const dir3 = userProject({
      'eslint.config.js': typedOnly.replace("otelContext.configs['recommended-type-checked']]", "otelContext.configs['recommended-type-checked'], { files: ['a.ts'], ...otelContext.configs['disable-type-checked'] }]"),
      'a.ts': floating.replace(/require\(([^)]*)\)/, 'await import($1)'),
    });
    const fixed = await new ESLint({ cwd: dir3 }).lintFiles(['a.ts']);
    expect(fixed[0]?.messages.filter((m) => m.fatal)).toEqual([]);
  });

  it('an eslint.config.ts with defineConfig (eslint/config) and tseslint.config() type-checks (tsc, no skipLibCheck)', { timeout: 300_000 }, () => {
    const dir = userProject({
      'eslint.config.ts': `import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import otelContext from 'eslint-plugin-otel-context';

export const withTypescriptEslint = tseslint.config(
  otelContext.configs.recommended,
  otelContext.configs['recommended-type-checked'],
  { plugins: { 'otel-context': otelContext }, rules: { 'otel-context/no-unbound-timer': 'error' } },
);

export default defineConfig([
  tseslint.configs.recommended,
  { ...otelContext.configs.recommended, ignores: ['web/**'] },
  otelContext.configs['recommended-type-checked'],
  { ...otelContext.configs.browser, files: ['web/**/*.ts'], settings: { 'otel-context': { contextManager: 'stack' } } },
  { files: ['**/*.cjs'], extends: [otelContext.configs['disable-type-checked']] },
  { plugins: { 'otel-context': otelContext }, rules: { 'otel-context/no-unbound-timer': ['error'] } },
]);
`,
      'tsconfig.json': JSON.stringify({
        compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', noEmit: true, skipLibCheck: false, types: [] },
        include: ['eslint.config.ts'],
      }),
    });
    const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', dir], { encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  });

  it('a mistyped settings key is a clear error, not silence', async () => {
    const config = `import otelContext from 'eslint-plugin-otel-context';
export default [otelContext.configs.recommended, { settings: { 'otel-context': { spanWrapper: ['withSpan'] } } }];
`;
    const dir = userProject({ 'eslint.config.js': config, 'a.js': 'export const x = 1;\n' });
    await expect(new ESLint({ cwd: dir }).lintFiles(['a.js'])).rejects.toThrow(
      "settings['otel-context'].spanWrapper is not a setting; did you mean 'spanWrappers'? (settings: contextManager, apiModules, spanWrappers)",
    );
  });
});

describe('the real jscodeshift CLI', () => {
  it("the README's command rewrites a file (default --babel mode), and reports it", { timeout: 300_000 }, () => {
    const dir = userProject({ 'src/app.ts': TIMER });
    const out = execFileSync(
      process.execPath,
      [join(root, 'node_modules/jscodeshift/bin/jscodeshift.js'), '-t', 'node_modules/eslint-plugin-otel-context/dist/codemods/no-unbound-timer.cjs', 'src/', '--context-manager=stack', '--extensions=ts', '--parser=ts'],
      // CI may force colours (FORCE_COLOR); jscodeshift then wraps each count in escape codes.
      { cwd: dir, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } },
    ).replace(/\x1b\[[0-9;]*m/g, '');
    expect(out).toMatch(/\b1 ok\b/);
    expect(out).toMatch(/\b0 errors\b/);
    expect(readFileSync(join(dir, 'src/app.ts'), 'utf8')).toContain('setTimeout(context.bind(context.active(), () => work()), 10)');
  });
});
