/**
 * The doctor over the project's own runtime proofs (needs `npm run build`): every fixture case with
 * `runtime` runs under `otel-context-doctor` (real processes, real SDK, the case's context manager),
 * its `before` input and its codemod output (`<case>.output.*`).
 *
 * A before fixture counts as found when a finding carries the fixture's rule at one of the lines
 * the rule reports on that fixture: at the runtime site itself, or at the lint finding the doctor
 * linked it to ("confirmed: <rule> at file:line"). The cases the doctor misses, and the reports it
 * makes on outputs, are listed here and in docs/doctor.md with why; the test fails when either list
 * stops being true (a miss that is now found, a new miss, a new report on an output).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lintWithRules } from '../codemods/fix-with-rule.js';
import { lintOptionsOf, listCases, listFixtureRules } from './fixture-cases.js';
import type { FixtureCase } from './fixture-cases.js';
import { runDoctorOnFixture } from './support/doctor-fixtures.js';
import type { DoctorFindingLike } from './support/doctor-fixtures.js';

/**
 * Before fixtures the doctor does not find, each with why (docs/doctor.md, "What it misses").
 * "not at runtime": the defect leaves no footprint the doctor can see in one process without
 * instrumenting a library; the others have a footprint the doctor does not read yet.
 */
const KNOWN_MISSES: Record<string, string> = {
  'no-unbound-queued-callback/untraced-handler-object':
    'the doctor sees the lost parent where the handler object calls the callback (its onUpgrade method); the rule reports where the constructor keeps it, and nothing on the stack leads back to the constructor',
  'require-context-propagation/amqplib-invoice':
    'not at runtime: a broker hop; the consumer span is a root and nothing at runtime ties it to the send (the doctor would have to instrument each client library)',
  'require-context-propagation/bullmq-order-confirmation': 'not at runtime: the same broker hop (BullMQ over a real Redis)',
  'require-context-propagation/kafkajs-order-events': 'not at runtime: the same broker hop (Kafka)',
  'require-context-propagation/extracted-context-ignored':
    'not a span relation: every span has the right parent; only the baggage of the extracted context is lost, and the doctor does not look at baggage',
  'require-context-propagation/worker-thread-resize':
    'postMessage to a worker created before the span: the spawn-time hand-over does not apply and messages are not followed (the worker\'s spans reach the parent as mirrored roots)',
  'require-context-propagation/worker-thread-job-object': 'the same: postMessage to a long-lived worker',
  'no-unbound-queued-callback/als-only-deferred-jobs':
    "the late span is started with an explicit ROOT_CONTEXT when the app's own store is empty: a deliberate-looking root, nothing ties it to the request",
  'no-unbound-queued-callback/connection-pool-wait-queue':
    'found as cross-talk at the span start inside the waiter (line 49), but the waiter is an anonymous function called as next(..): nothing links it to the push at line 33 that the rule reports',
  'no-unbound-queued-callback/untraced-flush-queue':
    'the roots start in the support module\'s callbacks and are reported there (lost parent, written inside the request\'s function); no frame of the fixture file names the queued function at line 10',
  'no-unbound-queued-callback/untraced-limiter-commonjs':
    'found as cross-talk in the support module; the queued task runs from a promise job, so no frame of the limiter (line 19) is on its stack',
};

/** Reports on codemod outputs, each a real remaining defect the fixture's rule does not cover. */
const KNOWN_OUTPUT_REPORTS: Record<string, string> = {
  'no-unbound-queued-callback/untraced-flush-queue': "timing-dependent: the flush interval (started at load, 5 ms) sometimes fires after the request span ended, and the bound callback's span then ends after its parent, which the doctor reports as an outlived parent; the runtime proof holds",
  'no-unpaired-context-attach/undisposed-on-throw': 'never-ended require-span-end: the output disposes the token but the span is still not ended when parseOrder throws (lint confirms require-span-end)',
};

const cases = listFixtureRules().flatMap((rule) => listCases(rule).filter((c) => c.config.runtime !== undefined));

function expectedLines(c: FixtureCase): number[] {
  const messages = lintWithRules(readFileSync(c.inputPath, 'utf8'), c.inputPath, lintOptionsOf(c.rule, c.config));
  return [...new Set(messages.map((m) => m.line))];
}

function summary(findings: readonly DoctorFindingLike[]): string {
  return findings
    .map((f) => `${f.kind} ${f.rule} @${f.site.line}${f.lint?.status === 'confirmed' ? ` (confirmed ${f.lint.rule} @${f.lint.line})` : ''}`)
    .join('; ');
}

interface Outcome {
  name: string;
  found: 'site' | 'lint' | false;
  before: string;
  output: string | undefined;
  outputFindings: number;
}

async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await fn(items[index] as T);
      }
    }),
  );
  return results;
}

describe('the doctor over the runtime-proven fixtures', () => {
  it('there are runtime fixtures, and every known miss names one', () => {
    expect(cases.length).toBeGreaterThan(20);
    const names = new Set(cases.map((c) => `${c.rule}/${c.name}`));
    for (const name of [...Object.keys(KNOWN_MISSES), ...Object.keys(KNOWN_OUTPUT_REPORTS)]) expect(names.has(name), name).toBe(true);
  });

  it('finds the before fixtures at their line with their rule, and reports nothing on the outputs', async () => {
    const outcomes = await pool(cases, 3, async (c): Promise<Outcome> => {
      const contextManager = c.config.settings?.contextManager ?? 'async-local-storage';
      const lines = expectedLines(c);
      const before = await runDoctorOnFixture(c.inputPath, contextManager);
      const atSite = before.report.findings.some((f) => f.rule === c.rule && lines.includes(f.site.line));
      const viaLint = before.report.findings.some(
        (f) => f.lint?.status === 'confirmed' && f.lint.rule === c.rule && lines.includes(f.lint.line ?? -1),
      );
      const after = c.outputPath === undefined ? undefined : await runDoctorOnFixture(c.outputPath, contextManager);
      return {
        name: `${c.rule}/${c.name}`,
        found: atSite ? 'site' : viaLint ? 'lint' : false,
        before: `expected ${c.rule} at ${lines.join(',')}; doctor: ${summary(before.report.findings) || 'nothing'}`,
        output: after && summary(after.report.findings),
        outputFindings: after?.report.findings.length ?? 0,
      };
    });

    const found = outcomes.filter((o) => o.found !== false);
    const rate = found.length / outcomes.length;
    const outputsWithReports = outcomes.filter((o) => o.outputFindings > 0);
    process.stdout.write(
      `doctor over ${outcomes.length} before fixtures: ${found.length} found (${(rate * 100).toFixed(1)}%; ` +
        `${outcomes.filter((o) => o.found === 'site').length} at the runtime site, ${outcomes.filter((o) => o.found === 'lint').length} through the lint link); ` +
        `outputs with reports: ${outputsWithReports.length} of ${outcomes.filter((o) => o.output !== undefined).length}\n`,
    );

    // soft: every list that stopped being true is shown in one run
    const unexpectedMisses = outcomes.filter((o) => o.found === false && !(o.name in KNOWN_MISSES)).map((o) => `${o.name}: ${o.before}`);
    const nowFound = outcomes.filter((o) => o.found !== false && o.name in KNOWN_MISSES).map((o) => `${o.name}: ${o.before}`);
    const unexpectedOutputReports = outputsWithReports.filter((o) => !(o.name in KNOWN_OUTPUT_REPORTS)).map((o) => `${o.name}: ${o.output}`);
    const outputsNowClean = outcomes
      .filter((o) => o.name in KNOWN_OUTPUT_REPORTS && !KNOWN_OUTPUT_REPORTS[o.name]?.startsWith('timing-dependent') && o.outputFindings === 0)
      .map((o) => o.name);
    expect.soft(unexpectedMisses, 'before fixtures the doctor no longer finds').toEqual([]);
    expect.soft(nowFound, 'known misses that are found now: remove them from KNOWN_MISSES and docs/doctor.md').toEqual([]);
    expect.soft(unexpectedOutputReports, 'reports on codemod outputs').toEqual([]);
    expect(outputsNowClean, 'known output reports that are gone: update KNOWN_OUTPUT_REPORTS and docs/doctor.md').toEqual([]);
    expect(found.length).toBeGreaterThanOrEqual(outcomes.length - Object.keys(KNOWN_MISSES).length);
  }, 1_200_000);
});
