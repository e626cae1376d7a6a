/**
 * `import 'eslint-plugin-otel-context/doctor/register'` (or `node --import .../register`):
 * installs the trace doctor in this process. At exit it writes what it found:
 * - under `otel-context-doctor` (OTEL_CONTEXT_DOCTOR_OUT set): one JSON file per process into
 *   that folder, which the CLI merges, lints and prints;
 * - alone (a test runner's setup file): the text report on stderr, or JSON into the file named by
 *   OTEL_CONTEXT_DOCTOR_REPORT when set. It never changes the process's exit code.
 */
import { mkdirSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { installDoctor } from './install.js';
import { renderText } from './report.js';
import { DEFAULT_OPTIONS, ENV_OPTIONS, ENV_OUT } from './types.js';
import type { DoctorOptions, ProcessReport } from './types.js';

function readOptions(): Partial<DoctorOptions> {
  const raw = process.env[ENV_OPTIONS];
  if (!raw) return {};
  try {
    return JSON.parse(raw) as Partial<DoctorOptions>;
  } catch {
    process.emitWarning(`${ENV_OPTIONS} is not JSON; using the defaults`, { code: 'OTEL_CONTEXT_DOCTOR' });
    return {};
  }
}

const state = await installDoctor({ ...DEFAULT_OPTIONS, ...readOptions() });
let written = false;

function writeReport(): void {
  if (written) return;
  written = true;
  let report: ProcessReport;
  try {
    report = { pid: process.pid, argv: process.argv.slice(1), spans: state.observer.spans, findings: state.observer.report() };
  } catch (error) {
    writeSync(2, `otel-context-doctor: could not build the report: ${String(error)}\n`);
    return;
  }
  const outDir = process.env[ENV_OUT];
  if (outDir) {
    mkdirSync(outDir, { recursive: true });
    const file = join(outDir, `${process.pid}-${threadId}.json`);
    writeFileSync(`${file}.tmp`, JSON.stringify(report));
    renameSync(`${file}.tmp`, file); // the CLI never reads half a report
    return;
  }
  const target = process.env.OTEL_CONTEXT_DOCTOR_REPORT;
  if (target) {
    writeFileSync(target, JSON.stringify(report, null, 2));
    return;
  }
  if (report.findings.length > 0 || process.env.OTEL_CONTEXT_DOCTOR_VERBOSE) {
    writeSync(2, renderText({ findings: report.findings, processes: 1, spans: report.spans }));
  }
}

process.on('exit', writeReport);

// In a test runner's setup file, report at the end of each test file too: workers are often
// stopped without an 'exit' event, and the runner shows what a hook prints.
const reportedKeys = new Set<string>();
function reportNew(): void {
  if (process.env[ENV_OUT]) return; // under the CLI, the CLI reports
  const fresh = state.observer.report().filter((finding) => {
    const key = `${finding.kind}\0${finding.site.file}:${finding.site.line}:${finding.site.column}\0${finding.rule}`;
    if (reportedKeys.has(key)) return false;
    reportedKeys.add(key);
    return true;
  });
  written = true; // the exit handler has nothing left to say
  if (fresh.length > 0) process.stderr.write(renderText({ findings: fresh, processes: 1, spans: state.observer.spans }));
}
const hooks = globalThis as { afterAll?: (fn: () => void) => void };
if (process.env.VITEST) {
  try {
    const vitest = (await import('vitest')) as { afterAll: (fn: () => void) => void };
    vitest.afterAll(reportNew);
  } catch {
    // not inside a vitest worker's setup file: the exit handler reports
  }
} else if (typeof hooks.afterAll === 'function') {
  hooks.afterAll(reportNew); // jest, mocha (globals)
}
