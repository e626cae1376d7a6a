/**
 * The doctor's registration sampling once warm (docs/doctor.md, Cost), in a real process under the
 * real SDK (needs `npm run build`): a listener key is tracked for its first 64 registrations, then
 * one in 32; a key none of whose first 64 has a user frame (here a library in node_modules) is
 * tracked one in 256 until a sampled one has a user frame. A defect registered only after the
 * warm-up, many times, must still be reported at its own line, and nothing at the correct sites.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../', import.meta.url));
const bin = join(root, 'dist', 'doctor', 'bin.js');
const project = mkdtempSync(join(tmpdir(), 'otel-context-doctor-sampling-'));
mkdirSync(join(project, 'node_modules', 'fake-lib'), { recursive: true });
symlinkSync(join(root, 'node_modules', '@opentelemetry'), join(project, 'node_modules', '@opentelemetry'), 'dir');
writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'sampling-app', type: 'module', private: true }));
// a library that adds its own listener from a microtask (still under the caller's span, but no
// user frame on the registration's stack, like Node's own IncomingMessage 'end' listener)
writeFileSync(join(project, 'node_modules', 'fake-lib', 'package.json'), JSON.stringify({ name: 'fake-lib', type: 'module', main: 'index.js' }));
writeFileSync(join(project, 'node_modules', 'fake-lib', 'index.js'), 'export function watch(emitter) {\n  queueMicrotask(() => emitter.on(\'y\', () => undefined));\n}\n');
afterAll(() => rmSync(project, { recursive: true, force: true }));

// Line numbers matter: the late defects are on lines 17 and 24. The warm-up listeners (lines 11
// and 12) start no span, on other emitters of the same classes (the keys are class and event).
const APP = `import { EventEmitter } from 'node:events';
import { trace } from '@opentelemetry/api';
import { watch } from 'fake-lib';

const tracer = trace.getTracer('sampling');
const [warmX, x, warmY, y] = [new EventEmitter(), new EventEmitter(), new EventEmitter(), new EventEmitter()];
for (const emitter of [warmX, x, warmY, y]) emitter.setMaxListeners(0);
for (let i = 0; i < 100; i++) {
  await tracer.startActiveSpan('warm', async (span) => {
    await null;
    warmX.on('x', () => undefined);
    watch(warmY);
    await null;
    span.end();
  });
}
for (let i = 0; i < 100; i++) tracer.startActiveSpan('late.x', (span) => { x.on('x', () => tracer.startSpan('after.x').end()); span.end(); });
x.emit('x');
for (let i = 0; i < 600; i++) {
  await tracer.startActiveSpan('late.y', async (span) => {
    watch(y);
    await null;
    await null;
    y.on('y', () => tracer.startSpan('after.y').end());
    span.end();
  });
}
y.emit('y');
`;
writeFileSync(join(project, 'app.mjs'), APP);

it('reports listener defects registered only after the warm-up, on an ordinary key and on a key first seen only from node_modules', () => {
  const result = spawnSync(process.execPath, [bin, '--no-lint', '--format', 'json', '--', process.execPath, 'app.mjs'], { cwd: project, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  expect(result.stderr).not.toMatch(/Error/);
  const report = JSON.parse(result.stdout) as { findings: { kind: string; rule: string; site: { file: string; line: number } }[] };
  const summary = report.findings.map((f) => `${f.kind} ${f.rule} ${f.site.file.endsWith('app.mjs') ? 'app.mjs' : f.site.file}:${f.site.line}`);
  expect(summary.sort()).toEqual(['lost-parent no-unbound-listener app.mjs:17', 'lost-parent no-unbound-listener app.mjs:24']);
  expect(result.status).toBe(1);
});

// Span stacks once warm are sampled per start key (span name and parent name): a start without its
// own stack borrows the last stack of its key. The same name started under two parents from two
// lines, interleaved: the never-ended one (line 5, the 41st start of its key, past the 16 the doctor
// always captures) must be reported at its own line. Borrowing by name alone (session 6: one in 16
// per name) reported line 6, whose start of the name was the last one with a stack.
const KEYS_APP = `import { trace } from '@opentelemetry/api';

const tracer = trace.getTracer('keys');
for (let i = 0; i < 41; i++) {
  tracer.startActiveSpan('job.run', (span) => { const query = tracer.startSpan('db.query'); if (i < 40) query.end(); span.end(); });
  tracer.startActiveSpan('GET /a', (span) => { tracer.startSpan('db.query').end(); span.end(); });
}
`;
writeFileSync(join(project, 'keys.mjs'), KEYS_APP);

it('a span without its own stack borrows the stack of its start key (name and parent), not of its name', () => {
  const result = spawnSync(process.execPath, [bin, '--no-lint', '--format', 'json', '--', process.execPath, 'keys.mjs'], { cwd: project, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  expect(result.stderr).not.toMatch(/Error/);
  const report = JSON.parse(result.stdout) as { findings: { kind: string; rule: string; site: { file: string; line: number } }[] };
  const summary = report.findings.map((f) => `${f.kind} ${f.rule} ${f.site.file.endsWith('keys.mjs') ? 'keys.mjs' : f.site.file}:${f.site.line}`);
  expect(summary).toEqual(['never-ended require-span-end keys.mjs:5']);
  expect(result.status).toBe(1);
});
