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
  'no-unbound-queued-callback/als-only-deferred-jobs':
    "the late span is started with an explicit ROOT_CONTEXT when the app's own store is empty: a deliberate-looking root, nothing ties it to the request",
};

/** Reports on codemod outputs the test tolerates, each with why (docs/doctor.md). */
/**
 * Before fixtures the doctor finds in some runs only, with no load on the machine: neither required
 * nor a failure when found. Measured on 2026-12-07 at a load average under 2, six runs each:
 * `untraced-flush-queue` 2 of 6 (the interval that drains the queue fires every 5 ms, and whether a
 * request's work is still in flight when it does decides the lost-parent check); for comparison
 * `untraced-handler-object` 4 of 6, which the up-to-five runs below cover.
 */
const KNOWN_TIMING_DEPENDENT: Record<string, string> = {
  'no-unbound-queued-callback/untraced-flush-queue':
    'found in 2 of 6 runs: the lost-parent check needs a request still in flight when the 5 ms drain timer fires',
};

const KNOWN_OUTPUT_REPORTS: Record<string, string> = {
  'no-unbound-queued-callback/untraced-flush-queue': "timing-dependent: the flush interval (started at load, 5 ms) sometimes fires after the request span ended, and the bound callback's span then ends after its parent, which the doctor reports as an outlived parent; the runtime proof holds",
};

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
  /** How many runs of the before fixture it took (up to three when the first misses). */
  runs: number;
  found: 'site' | 'lint' | false;
  before: string;
  output: string | undefined;
  outputFindings: number;
  /** Reports on the output that the fixture documents (see documentedByFixture). */
  documented: number;
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
    for (const name of [...Object.keys(KNOWN_MISSES), ...Object.keys(KNOWN_TIMING_DEPENDENT), ...Object.keys(KNOWN_OUTPUT_REPORTS)]) expect(names.has(name), name).toBe(true);
  });

  it('finds the before fixtures at their line with their rule, and reports nothing on the outputs', async () => {
    const outcomes = await pool(cases, 3, async (c): Promise<Outcome> => {
      const contextManager = c.config.settings?.contextManager ?? 'async-local-storage';
      const lines = expectedLines(c);
      // The doctor's checks read timing (a root started while another trace's work runs, spans
      // that keep starting under an ended parent): on a loaded machine a run can miss a defect that
      // the next run shows. A before fixture counts as found when one of up to three runs finds it;
      // the runs it took are printed. The outputs get one run each and no retry: a report there fails.
      // (Up to five runs: untraced-handler-object is found in about two runs of three.)
      let before = await runDoctorOnFixture(c.inputPath, contextManager);
      const isFound = (findings: typeof before.report.findings) => ({
        atSite: findings.some((f) => f.rule === c.rule && lines.includes(f.site.line)),
        viaLint: findings.some((f) => f.lint?.status === 'confirmed' && f.lint.rule === c.rule && lines.includes(f.lint.line ?? -1)),
      });
      let { atSite, viaLint } = isFound(before.report.findings);
      let runs = 1;
      while (!atSite && !viaLint && runs < 5 && !(`${c.rule}/${c.name}` in KNOWN_MISSES)) {
        before = await runDoctorOnFixture(c.inputPath, contextManager);
        ({ atSite, viaLint } = isFound(before.report.findings));
        runs++;
      }
      const after = c.outputPath === undefined ? undefined : await runDoctorOnFixture(c.outputPath, contextManager);
      const undocumented = after?.report.findings.filter((f) => !documentedByFixture(c, f)) ?? [];
      return {
        name: `${c.rule}/${c.name}`,
        runs,
        found: atSite ? 'site' : viaLint ? 'lint' : false,
        before: `expected ${c.rule} at ${lines.join(',')}; doctor: ${summary(before.report.findings) || 'nothing'}`,
        output: after && summary(after.report.findings),
        outputFindings: undocumented.length,
        documented: (after?.report.findings.length ?? 0) - undocumented.length,
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
        `; timing-dependent (not required): ${Object.keys(KNOWN_TIMING_DEPENDENT).map((name) => `${name} ${outcomes.find((o) => o.name === name)?.found === false ? 'missed' : 'found'}`).join(', ')}\n`,
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
