// Runtime proofs (docs/architecture.md, "Fixture format"; tests/runtime-proofs.ts for the format):
// every fixture case with `runtime` runs its input, and the codemod's actual output, in a fresh
// Node process under the case's context manager with the real SDK. The input must break exactly
// the expectations marked `breaks`, each on its relation (every span it names was captured); the
// output must hold all of them, with no timeout, unhandled rejection, unfinished or late span
// unless the fixture's `allow` says why.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixWithRules, lintWithRules } from '../codemods/fix-with-rule.js';
import { checkExpectation, checkExpectations, findSpans, renderWaterfall, runFixture } from '../harness/index.js';
import type { CapturedTrace, ContextManagerName } from '../harness/index.js';
import { lintOptionsOf, listCases, listFixtureRules, listValid } from './fixture-cases.js';
import { asRuntimeSection, BREAKABLE_RELATIONS, hygieneFailures, namesIn, proofOutput, relationOf, stripMarker } from './runtime-proofs.js';

const proofs = listFixtureRules().flatMap((rule) => listCases(rule).filter((c) => c.config.runtime !== undefined));
const validProofs = listFixtureRules().flatMap((rule) => listValid(rule).filter((v) => v.config.runtime !== undefined));

function report(trace: CapturedTrace, failures: readonly string[]): string {
  return `${failures.length > 0 ? `${failures.join('\n')}\n\n` : ''}${renderWaterfall(trace)}`;
}

describe('runtime proofs', () => {
  it('there are fixtures with runtime expectations', () => {
    expect(proofs.length).toBeGreaterThan(0);
  });

  describe.each(proofs.map((c) => [`${c.rule}/${c.name}`, c] as const))('%s', (_name, c) => {
    const contextManager: ContextManagerName = c.config.settings?.contextManager ?? 'async-local-storage';
    const runtime = asRuntimeSection(c.config.runtime);
    const expectations = runtime.expect;
    const breaking = expectations.filter((e) => e.breaks === true);

    it('names the expectations the defect breaks, at least one on a relation (parent, root, endsBefore, ended)', () => {
      expect(expectations.length).toBeGreaterThan(0);
      expect(breaking.map(relationOf).some((r) => (BREAKABLE_RELATIONS as readonly string[]).includes(r)), JSON.stringify(expectations)).toBe(true);
    });

    it(`the input breaks exactly the marked expectations, on their relation, under ${contextManager}`, async () => {
      const trace = await runFixture(c.inputPath, { contextManager });
      const problems: string[] = [];
      for (const e of expectations) {
        const failures = checkExpectation(trace, stripMarker(e));
        const label = JSON.stringify(stripMarker(e));
        if (e.breaks !== true) {
          if (failures.length > 0) problems.push(`${label} is not marked "breaks" but fails for the input: ${failures.join('; ')}`);
          continue;
        }
        if (failures.length === 0) problems.push(`${label} is marked "breaks" but holds for the input`);
        const absent = namesIn(e).filter((name) => findSpans(trace, name).length === 0);
        if (absent.length > 0) problems.push(`${label} fails for the input only because no span named ${absent.join(', ')} was captured`);
      }
      expect(problems, report(trace, problems)).toEqual([]);
    });

    // The codemod's actual output (or the chosen suggestion's). A case it leaves unchanged is
    // flagged with no rewrite: there is no output to run. Computed inside the tests (not while
    // collecting them), so that a mutation-testing run sees which test ran which fix code.
    if (c.outputPath !== undefined && runtime.suggestion === undefined) {
      it('the codemod rewrites the input (there is an .output file)', () => {
        expect(proofOutput(c).changed).toBe(true);
      });
    }

    it(`the output holds every expectation under ${contextManager}, with no timeout, rejection, unfinished or late span`, async (ctx) => {
      const fixed = proofOutput(c);
      if (!fixed.changed) {
        ctx.skip('the rule flags this case without a rewrite: no output to run');
        return;
      }
      const trace = await runFixture({ code: fixed.output, filename: c.inputPath }, { contextManager });
      const failures = [...checkExpectations(trace, expectations.map(stripMarker)).failures, ...hygieneFailures(trace, runtime.allow)];
      expect(failures, report(trace, failures)).toEqual([]);
    });
  });
});

// Valid fixtures with `runtime` are the near misses the rules must not flag: they prove that the
// runtime keeps the context there as written (e.g. a one-shot timer under AsyncLocalStorage).
describe('runtime proofs of valid fixtures (linked as written)', () => {
  describe.each(validProofs.map((v) => [`${v.rule}/valid/${v.name}`, v] as const))('%s', (_name, v) => {
    const contextManager = v.config.settings?.contextManager ?? 'async-local-storage';
    // What the runtime shows to be right as written must not be reported or rewritten: a rule (or
    // a fix) that fires here is a false positive, even when its rewrite would change nothing at runtime.
    it('the rule reports nothing and the codemod (with suggestions) leaves it untouched', () => {
      const source = readFileSync(v.path, 'utf8');
      const lintOptions = lintOptionsOf(v.rule, v.config);
      expect(lintWithRules(source, v.path, lintOptions).map((m) => m.message)).toEqual([]);
      expect(fixWithRules(source, v.path, { ...lintOptions, unsafe: true }).changed).toBe(false);
    });
    it(`holds every expectation under ${contextManager}, with no timeout, rejection, unfinished or late span`, async () => {
      const runtime = asRuntimeSection(v.config.runtime);
      expect(runtime.expect.length).toBeGreaterThan(0);
      const trace = await runFixture(v.path, { contextManager });
      const failures = [...checkExpectations(trace, runtime.expect.map(stripMarker)).failures, ...hygieneFailures(trace, runtime.allow)];
      expect(failures, report(trace, failures)).toEqual([]);
    });
  });
});
