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
import { listCases, listFixtureRules } from './fixture-cases.js';
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
};

/** Reports on codemod outputs, each a real remaining defect the fixture's rule does not cover. */
const KNOWN_OUTPUT_REPORTS: Record<string, string> = {
  'no-unpaired-context-attach/undisposed-on-throw': 'never-ended require-span-end: the output disposes the token but the span is still not ended when parseOrder throws (lint confirms require-span-end)',
};

const cases = listFixtureRules().flatMap((rule) => listCases(rule).filter((c) => c.config.runtime !== undefined));

function expectedLines(c: FixtureCase): number[] {
  const messages = lintWithRules(readFileSync(c.inputPath, 'utf8'), c.inputPath, { rules: [c.rule], settings: c.config.settings ?? {} });
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
    const outputsNowClean = outcomes.filter((o) => o.name in KNOWN_OUTPUT_REPORTS && o.outputFindings === 0).map((o) => o.name);
    expect(unexpectedMisses, 'before fixtures the doctor no longer finds').toEqual([]);
    expect(nowFound, 'known misses that are found now: update KNOWN_MISSES and docs/doctor.md').toEqual([]);
    expect(unexpectedOutputReports, 'reports on codemod outputs').toEqual([]);
    expect(outputsNowClean, 'known output reports that are gone: update KNOWN_OUTPUT_REPORTS and docs/doctor.md').toEqual([]);
    expect(found.length).toBe(outcomes.length - Object.keys(KNOWN_MISSES).length);
  }, 1_200_000);
});
