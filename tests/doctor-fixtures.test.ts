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
  'require-context-propagation/amqplib-invoice':
    "not at runtime without the client library: a broker hop. The consumer's span is a root; what ties it to the send (the message on the broker) is only visible inside the client (amqplib's channel and its consume callback), and the doctor instruments no client library",
  'require-context-propagation/bullmq-order-confirmation':
    "the same broker hop (BullMQ over a real Redis): the producer's add() and the processor run in one process here, but the job that links them is only visible inside BullMQ's Queue and Worker; nothing the doctor patches (timers, emitters, workers, the API) carries it",
  'require-context-propagation/kafkajs-order-events': 'the same broker hop (Kafka wire protocol in the test support): the link is inside the client',
  'require-context-propagation/extracted-context-ignored':
    'not a span relation: every span has the right parent; only the baggage of the extracted context is lost, and the doctor does not look at baggage',
  'no-unbound-queued-callback/generic-pool-2-acquire':
    "a hand-off inside a library: request B's acquire callback waits in generic-pool's own queue and runs from release(), called from a timer request A's callback started; nothing the doctor patches (timers, emitters, workers, the API) shows that the callback was B's, so B's span is an ordinary-looking child of A's request and the doctor reports nothing",
  'no-unbound-queued-callback/async-subpath-queue':
    "the same hand-off inside a library as generic-pool-2-acquire: request B's push callback waits in async's queue and runs when the worker finishes request A's task (a timer A's task started); nothing the doctor patches shows that the callback was B's",
  'no-unbound-queued-callback/als-only-deferred-jobs':
    "the late span is started with an explicit ROOT_CONTEXT when the app's own store is empty: a deliberate-looking root, nothing ties it to the request",
};

/**
 * Before fixtures the doctor finds in some runs only: neither required nor a failure when found.
 * None now. Until session 7 `untraced-flush-queue` (2 of 6 runs) and `untraced-handler-object` (4
 * of 6) were here or needed retries; the cause was the runner, not the doctor: their queue is
 * drained by an unref'd interval, and when nothing else held the event loop open the runner's
 * process ended with exit code 13 (unsettled top-level await) before the callback ran. The runner
 * now keeps the process alive until scenario() settles, and a run that does not settle fails the test.
 */
const KNOWN_TIMING_DEPENDENT: Record<string, string> = {};

/** Reports on codemod outputs the test tolerates, each with why (docs/doctor.md). */
const KNOWN_OUTPUT_REPORTS: Record<string, string> = {
  'no-unbound-queued-callback/untraced-stored-callback':
    "outlived-parent, true of the scenario, not of the fix: deferFromRequests ends each request span right after handing over its callback (fire-and-forget), and the fixed callback's span is the request's child, so it ends after its parent; the drain is a socket 'data' listener registered outside any span, which the doctor does not track (untraced-handler-object's setInterval drain is exempt as a timer)",
};

/**
 * Runs of a before fixture: a second run only when the first finds nothing (a check that reads
 * timing on a loaded machine: kept-too-long's --kept-ms, the spans just ended near a root). The
 * runs it took are printed.
 */
const MAX_RUNS = 2;

/**
 * A report on an output that the fixture itself documents: a span never ended that the fixture's
 * runtime proof allows to stay unfinished, by name (`runtime.allow.unfinished`: the output fixes the
 * fixture's rule and leaves another rule's defect, which the doctor rightly reports as never-ended).
 */
function documentedByFixture(c: FixtureCase, finding: DoctorFindingLike & { span?: string }): boolean {
  const unfinished = (c.config.runtime as { allow?: { unfinished?: string } } | undefined)?.allow?.unfinished;
  return finding.kind === 'never-ended' && typeof unfinished === 'string' && finding.span !== undefined && unfinished.includes(finding.span);
}

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
  /** How many runs of the before fixture it took (up to MAX_RUNS when the first misses). */
  runs: number;
  found: 'site' | 'lint' | false;
  before: string;
  output: string | undefined;
  outputFindings: number;
  /** Reports on the output that the fixture documents (see documentedByFixture). */
  documented: number;
  /** Runs whose scenario did not settle: Node's 13 (unsettled top-level await) or the runner's 3 (timeout). */
  unsettled: string[];
}

/** Exit statuses of the scenario runner that say the scenario never settled (tests/support/doctor-fixtures.ts). */
const UNSETTLED = new Set([3, 13]);

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
    for (const name of [...Object.keys(KNOWN_MISSES), ...Object.keys(KNOWN_TIMING_DEPENDENT), ...Object.keys(KNOWN_OUTPUT_REPORTS)]) expect(names.has(name), name).toBe(true);
  });

  it('finds the before fixtures at their line with their rule, and reports nothing on the outputs', async () => {
    const outcomes = await pool(cases, 3, async (c): Promise<Outcome> => {
      const contextManager = c.config.settings?.contextManager ?? 'async-local-storage';
      const lines = expectedLines(c);
      // A before fixture counts as found when one of up to MAX_RUNS runs finds it. The outputs get
      // one run each and no retry: a report there fails.
      let before = await runDoctorOnFixture(c.inputPath, contextManager);
      const isFound = (findings: typeof before.report.findings) => ({
        atSite: findings.some((f) => f.rule === c.rule && lines.includes(f.site.line)),
        viaLint: findings.some((f) => f.lint?.status === 'confirmed' && f.lint.rule === c.rule && lines.includes(f.lint.line ?? -1)),
      });
      let { atSite, viaLint } = isFound(before.report.findings);
      let runs = 1;
      const unsettled: string[] = [];
      if (UNSETTLED.has(before.commandExit)) unsettled.push(`before run 1: exit ${before.commandExit}`);
      while (!atSite && !viaLint && runs < MAX_RUNS && !(`${c.rule}/${c.name}` in KNOWN_MISSES)) {
        before = await runDoctorOnFixture(c.inputPath, contextManager);
        ({ atSite, viaLint } = isFound(before.report.findings));
        runs++;
        if (UNSETTLED.has(before.commandExit)) unsettled.push(`before run ${runs}: exit ${before.commandExit}`);
      }
      const after = c.outputPath === undefined ? undefined : await runDoctorOnFixture(c.outputPath, contextManager);
      if (after && UNSETTLED.has(after.commandExit)) unsettled.push(`output: exit ${after.commandExit}`);
      const undocumented = after?.report.findings.filter((f) => !documentedByFixture(c, f)) ?? [];
      return {
        name: `${c.rule}/${c.name}`,
        runs,
        found: atSite ? 'site' : viaLint ? 'lint' : false,
        before: `expected ${c.rule} at ${lines.join(',')}; doctor: ${summary(before.report.findings) || 'nothing'}`,
        output: after && summary(after.report.findings),
        outputFindings: undocumented.length,
        documented: (after?.report.findings.length ?? 0) - undocumented.length,
        unsettled,
      };
    });

    const found = outcomes.filter((o) => o.found !== false);
    const rate = found.length / outcomes.length;
    const outputsWithReports = outcomes.filter((o) => o.outputFindings > 0);
    process.stdout.write(
      `doctor over ${outcomes.length} before fixtures: ${found.length} found (${(rate * 100).toFixed(1)}%; ` +
        `${outcomes.filter((o) => o.found === 'site').length} at the runtime site, ${outcomes.filter((o) => o.found === 'lint').length} through the lint link); ` +
        `outputs with reports: ${outputsWithReports.length} of ${outcomes.filter((o) => o.output !== undefined).length}` +
        ` (and ${outcomes.filter((o) => o.documented > 0).length} with a report the fixture documents: ${outcomes.filter((o) => o.documented > 0).map((o) => `${o.name}: ${o.output}`).join('; ') || 'none'})` +
        `; found only on a later run: ${outcomes.filter((o) => o.runs > 1 && o.found !== false).map((o) => `${o.name} (${o.runs} runs)`).join(', ') || 'none'}` +
        `; timing-dependent (not required): ${Object.keys(KNOWN_TIMING_DEPENDENT).map((name) => `${name} ${outcomes.find((o) => o.name === name)?.found === false ? 'missed' : 'found'}`).join(', ') || 'none'}\n`,
    );

    // soft: every list that stopped being true is shown in one run
    const unexpectedMisses = outcomes
      .filter((o) => o.found === false && !(o.name in KNOWN_MISSES) && !(o.name in KNOWN_TIMING_DEPENDENT))
      .map((o) => `${o.name}: ${o.before}`);
    const nowFound = outcomes.filter((o) => o.found !== false && o.name in KNOWN_MISSES).map((o) => `${o.name}: ${o.before}`);
    const unexpectedOutputReports = outputsWithReports.filter((o) => !(o.name in KNOWN_OUTPUT_REPORTS)).map((o) => `${o.name}: ${o.output}`);
    const outputsNowClean = outcomes
      .filter((o) => o.name in KNOWN_OUTPUT_REPORTS && !KNOWN_OUTPUT_REPORTS[o.name]?.startsWith('timing-dependent') && o.outputFindings === 0)
      .map((o) => o.name);
    // a run whose scenario never settled judged a partial run (the work it waited for never ran)
    expect.soft(outcomes.filter((o) => o.unsettled.length > 0).map((o) => `${o.name}: ${o.unsettled.join(', ')}`), 'scenarios that did not settle').toEqual([]);
    expect.soft(unexpectedMisses, 'before fixtures the doctor no longer finds').toEqual([]);
    expect.soft(nowFound, 'known misses that are found now: remove them from KNOWN_MISSES and docs/doctor.md').toEqual([]);
    expect.soft(unexpectedOutputReports, 'reports on codemod outputs').toEqual([]);
    expect(outputsNowClean, 'known output reports that are gone: update KNOWN_OUTPUT_REPORTS and docs/doctor.md').toEqual([]);
    const required = outcomes.filter((o) => !(o.name in KNOWN_MISSES) && !(o.name in KNOWN_TIMING_DEPENDENT));
    expect(required.filter((o) => o.found !== false).length).toBe(required.length);
    // the issue's goal, counting only what is found in every run of this test
    expect(required.length / outcomes.length).toBeGreaterThanOrEqual(0.9);
  }, 1_200_000);
});
