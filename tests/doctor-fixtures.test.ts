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

/** Before fixtures the doctor does not find (docs/doctor.md, "Fixtures it misses"). */
const KNOWN_MISSES: Record<string, string> = {
  'no-late-context-capture/zone-checkout-after-await': 'the span after a native await starts from a promise continuation two timers away from the span that was active',
  'no-unbound-queued-callback/batching-audit-writer': 'a callback stored in an array and called later: storing it is invisible at runtime',
  'no-unbound-queued-callback/connection-pool-wait-queue': 'same: the waiter runs with another request as parent, which looks like any child',
  'no-unbound-queued-callback/zone-p-limit-style-limiter': 'same (the doctor reports an outlived parent there instead)',
  'no-unpaired-context-attach/enter-with-middleware': "AsyncLocalStorage.enterWith on the app's own store: no span relation changes",
  'require-context-propagation/amqplib-invoice': 'a message broker hop: the consumer side is a root with nothing tying it to the send',
  'require-context-propagation/bullmq-order-confirmation': 'same (Redis)',
  'require-context-propagation/kafkajs-order-events': 'same (Kafka)',
  'require-context-propagation/worker-thread-resize': 'postMessage to a long-lived worker: the worker was created before the span',
  'no-floating-promise-in-span/imported-span-helper': 'added after the doctor was built (issue #11/#13 fixtures), not yet studied; the doctor reports outlived-parent no-floating-promise-in-span @8, not no-floating-promise-in-span at line 16',
  'no-floating-promise-in-span/zone-voided-prefetch': 'added after the doctor was built (issue #11/#13 fixtures), not yet studied; the doctor reports nothing, not no-floating-promise-in-span at line 21',
  'no-floating-promise-in-span/zone-voided-prefetch-awaited': 'added after the doctor was built (issue #11/#13 fixtures), not yet studied; the doctor reports nothing, not no-floating-promise-in-span at line 21',
  'no-inactive-parent-span/awaited-import-new-root': 'added after the doctor was built (issue #11/#13 fixtures), not yet studied; the doctor reports lost-parent no-unbound-timer @7, not no-inactive-parent-span at line 12',
  'no-inactive-parent-span/config-load-callback': 'added after the doctor was built (issue #11/#13 fixtures), not yet studied; the doctor reports nothing, not no-inactive-parent-span at line 11',
  'no-inactive-parent-span/wrapped-original-siblings': 'added after the doctor was built (issue #11/#13 fixtures), not yet studied; the doctor reports nothing, not no-inactive-parent-span at line 18',
  'no-late-context-capture/callback-runs-in-client-span': 'added after the doctor was built (issue #11/#13 fixtures), not yet studied; the doctor reports nothing, not no-late-context-capture at line 24',
  'no-unbound-queued-callback/als-only-deferred-jobs': 'added after the doctor was built (issue #11/#13 fixtures), not yet studied; the doctor reports nothing, not no-unbound-queued-callback at line 11',
  'no-unbound-queued-callback/async-queue-push': 'added after the doctor was built (issue #11/#13 fixtures), not yet studied; the doctor reports nothing, not no-unbound-queued-callback at line 15',
  'no-unbound-queued-callback/bottleneck-schedule': 'added after the doctor was built (issue #11/#13 fixtures), not yet studied; the doctor reports nothing, not no-unbound-queued-callback at line 13',
  'no-unbound-queued-callback/callback-wrapper-reply-queue': 'added after the doctor was built (issue #11/#13 fixtures), not yet studied; the doctor reports lost-parent no-inactive-parent-span @64, not no-unbound-queued-callback at line 45',
  'no-unbound-queued-callback/p-limit-3-limiter': 'added after the doctor was built (issue #11/#13 fixtures), not yet studied; the doctor reports nothing, not no-unbound-queued-callback at line 12',
  'no-unbound-queued-callback/untraced-flush-queue': 'added after the doctor was built (issue #11/#13 fixtures), not yet studied; the doctor reports nothing, not no-unbound-queued-callback at line 10',
  'no-unbound-queued-callback/untraced-limiter-commonjs': 'added after the doctor was built (issue #11/#13 fixtures), not yet studied; the doctor reports outlived-parent no-floating-promise-in-span @31, not no-unbound-queued-callback at line 19',
  'no-unbound-timer/als-store-interval': 'added after the doctor was built (issue #11/#13 fixtures), not yet studied; the doctor reports nothing, not no-unbound-timer at line 27',
  'no-unpaired-context-attach/discarded-bind-listener': 'added after the doctor was built (issue #11/#13 fixtures), not yet studied; the doctor reports lost-parent no-unbound-listener @12, not no-unpaired-context-attach at line 11',
  'no-unpaired-context-attach/enter-with-imported-store': 'added after the doctor was built (issue #11/#13 fixtures), not yet studied; the doctor reports nothing, not no-unpaired-context-attach at line 26',
  'no-unpaired-context-attach/unused-bound-callback': 'added after the doctor was built (issue #11/#13 fixtures), not yet studied; the doctor reports lost-parent no-unbound-listener @12, not no-unpaired-context-attach at line 11',
  'require-context-propagation/extracted-context-ignored': 'added after the doctor was built (issue #11/#13 fixtures), not yet studied; the doctor reports nothing, not require-context-propagation at line 19',
  'require-context-propagation/worker-thread-job-object': 'added after the doctor was built (issue #11/#13 fixtures), not yet studied; the doctor reports nothing, not require-context-propagation at line 18',
};

/** Reports on codemod outputs, each a real remaining defect the fixture's rule does not cover. */
const KNOWN_OUTPUT_REPORTS: Record<string, string> = {
  'no-unbound-queued-callback/untraced-flush-queue': "timing-dependent: the flush interval (started at load, 5 ms) sometimes fires after the request span ended, and the bound callback's span then ends after its parent, which the doctor reports as an outlived parent; the runtime proof holds",
  'no-unbound-queued-callback/callback-wrapper-reply-queue': "a doctor false positive: the scenario starts the two request roots in one tick (Promise.all over startActiveSpan), so the second root starts while the first request's work is on the stack",
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

    const unexpectedMisses = outcomes.filter((o) => o.found === false && !(o.name in KNOWN_MISSES)).map((o) => `${o.name}: ${o.before}`);
    const nowFound = outcomes.filter((o) => o.found !== false && o.name in KNOWN_MISSES).map((o) => `${o.name}: ${o.before}`);
    const unexpectedOutputReports = outputsWithReports.filter((o) => !(o.name in KNOWN_OUTPUT_REPORTS)).map((o) => `${o.name}: ${o.output}`);
    const outputsNowClean = outcomes
      .filter((o) => o.name in KNOWN_OUTPUT_REPORTS && !KNOWN_OUTPUT_REPORTS[o.name]?.startsWith('timing-dependent') && o.outputFindings === 0)
      .map((o) => o.name);
    expect(unexpectedMisses, 'before fixtures the doctor no longer finds').toEqual([]);
    // A known miss found in this run is reported, not failed: several of the new misses depend on timing.
    if (nowFound.length > 0) console.log(`known misses found in this run (update KNOWN_MISSES and docs/doctor.md if they stay found): ${nowFound.join('; ')}`);
    expect(unexpectedOutputReports, 'reports on codemod outputs').toEqual([]);
    expect(outputsNowClean, 'known output reports that are gone: update KNOWN_OUTPUT_REPORTS and docs/doctor.md').toEqual([]);
    expect(found.length).toBeGreaterThanOrEqual(outcomes.length - Object.keys(KNOWN_MISSES).length);
  }, 1_200_000);
});
