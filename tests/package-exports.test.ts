/**
 * The package as a user installs it: a project outside this one whose node_modules holds
 * eslint-plugin-otel-context imports the plugin and `eslint-plugin-otel-context/testing` through
 * the package's `exports` map (built dist/), and runs the codemod's bin. Needs `npm run build`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../', import.meta.url));
const project = mkdtempSync(join(tmpdir(), 'otel-context-user-'));
mkdirSync(join(project, 'node_modules'));
symlinkSync(root, join(project, 'node_modules', 'eslint-plugin-otel-context'), 'dir');
// the user's own dependency on the API (and the optional peers the testing helper runs)
symlinkSync(join(root, 'node_modules', '@opentelemetry'), join(project, 'node_modules', '@opentelemetry'), 'dir');
writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-app', type: 'module', private: true }));
afterAll(() => rmSync(project, { recursive: true, force: true }));

describe('the published entry points', () => {
  it("a user's ESM test file imports captureTrace and renderWaterfall from eslint-plugin-otel-context/testing", () => {
    writeFileSync(
      join(project, 'trace.test.mjs'),
      `
import { captureTrace, renderWaterfall, assertParent } from 'eslint-plugin-otel-context/testing';
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('user-app');
const captured = await captureTrace(
  () => tracer.startActiveSpan('GET /users', (span) => { setTimeout(() => { tracer.startSpan('db.query').end(); span.end(); }, 1); }),
  { contextManager: 'async-local-storage' },
);
assertParent(captured, 'db.query', 'GET /users');
process.stdout.write(renderWaterfall(captured));
`,
    );
    const out = execFileSync(process.execPath, ['trace.test.mjs'], { cwd: project, encoding: 'utf8' });
    expect(out).toMatch(/GET \/users[\s\S]*\n\s+db\.query/);
  });

  it('the default export is the plugin with its presets, for flat config', () => {
    writeFileSync(
      join(project, 'plugin.mjs'),
      `
import plugin from 'eslint-plugin-otel-context';
process.stdout.write(JSON.stringify({ meta: plugin.meta, configs: Object.keys(plugin.configs), rules: Object.keys(plugin.rules).length,
  settings: plugin.configs.recommended.settings }));
`,
    );
    const out = JSON.parse(execFileSync(process.execPath, ['plugin.mjs'], { cwd: project, encoding: 'utf8' })) as {
      meta: { name: string; namespace: string };
      configs: string[];
      rules: number;
      settings: unknown;
    };
    expect(out.meta).toMatchObject({ name: 'eslint-plugin-otel-context', namespace: 'otel-context' });
    expect(out.configs.sort()).toEqual(['all', 'browser', 'disable-type-checked', 'recommended', 'recommended-type-checked', 'strict']);
    expect(out.rules).toBeGreaterThan(0);
    expect(out.settings).toEqual({ 'otel-context': { contextManager: 'async-local-storage' } });
  });

  it('the otel-context-codemod bin answers --help with exit 0 and an unknown rule with exit 2', () => {
    const bin = join(project, 'node_modules', 'eslint-plugin-otel-context', 'dist', 'codemods', 'bin.js');
    expect(execFileSync(process.execPath, [bin, '--help'], { cwd: project, encoding: 'utf8' })).toMatch(/otel-context-codemod/);
    let status: number | null = null;
    try {
      execFileSync(process.execPath, [bin, 'no-such-rule', '.'], { cwd: project, encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      status = (error as { status: number | null }).status;
    }
    expect(status).toBe(2);
  });
});
