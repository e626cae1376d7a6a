// Runtime proofs (docs/architecture.md, "Fixture format"): every fixture case with `runtime`
// runs its input, and the codemod's actual output, in a fresh Node process under the case's context
// manager with the real SDK. The input must break at least one expectation (the defect is real);
// the output must hold every one of them (the fix works at runtime, not just on paper).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixWithRules } from '../codemods/fix-with-rule.js';
import { checkExpectations, renderWaterfall, runFixture } from '../harness/index.js';
import type { CapturedTrace, ContextManagerName, Expectation } from '../harness/index.js';
import { listCases, listFixtureRules, listValid } from './fixture-cases.js';
import type { FixtureCase } from './fixture-cases.js';

const proofs = listFixtureRules().flatMap((rule) => listCases(rule).filter((c) => c.config.runtime !== undefined));
const validProofs = listFixtureRules().flatMap((rule) => listValid(rule).filter((v) => v.config.runtime !== undefined));

function report(trace: CapturedTrace, failures: readonly string[]): string {
  return `${failures.length > 0 ? `${failures.join('\n')}\n\n` : ''}${renderWaterfall(trace)}`;
}

function setup(c: FixtureCase): { contextManager: ContextManagerName; expectations: Expectation[] } {
  return {
    contextManager: c.config.settings?.contextManager ?? 'async-local-storage',
    expectations: (c.config.runtime?.expect ?? []) as unknown as Expectation[],
  };
}

describe('runtime proofs', () => {
  it('there are fixtures with runtime expectations', () => {
    expect(proofs.length).toBeGreaterThan(0);
  });

  describe.each(proofs.map((c) => [`${c.rule}/${c.name}`, c] as const))('%s', (_name, c) => {
    const { contextManager, expectations } = setup(c);

    it(`the input breaks an expectation under ${contextManager}`, async () => {
      expect(expectations.length).toBeGreaterThan(0);
      const trace = await runFixture(c.inputPath, { contextManager });
      const result = checkExpectations(trace, expectations);
      expect(result.ok, `every expectation holds for the input, so it shows no defect:\n${report(trace, [])}`).toBe(false);
    });

    // The codemod's actual output (the rule's fixes, plus suggestions with `unsafe`). A case it leaves
    // unchanged is flagged with no rewrite: there is no output to run.
    const fixed = fixWithRules(readFileSync(c.inputPath, 'utf8'), c.inputPath, {
      rules: [c.rule],
      settings: c.config.settings ?? {},
      unsafe: c.config.unsafe === true,
    });

    if (c.outputPath !== undefined) {
      it('the codemod rewrites the input (there is an .output file)', () => {
        expect(fixed.changed).toBe(true);
      });
    }

    it.runIf(fixed.changed)(`the codemod output holds every expectation under ${contextManager}`, async () => {
      const trace = await runFixture({ code: fixed.output ?? '', filename: c.inputPath }, { contextManager });
      const result = checkExpectations(trace, expectations);
      expect(result.ok, report(trace, result.failures)).toBe(true);
    });
  });
});

// Valid fixtures with `runtime` are the near misses the rules must not flag: they prove that the
// runtime keeps the context there as written (e.g. the seed articles' one-shot timer under ALS).
describe('runtime proofs of valid fixtures (linked as written)', () => {
  describe.each(validProofs.map((v) => [`${v.rule}/valid/${v.name}`, v] as const))('%s', (_name, v) => {
    const contextManager = v.config.settings?.contextManager ?? 'async-local-storage';
    it(`holds every expectation under ${contextManager}`, async () => {
      const expectations = (v.config.runtime?.expect ?? []) as unknown as Expectation[];
      expect(expectations.length).toBeGreaterThan(0);
      const trace = await runFixture(v.path, { contextManager });
      const result = checkExpectations(trace, expectations);
      expect(result.ok, report(trace, result.failures)).toBe(true);
    });
  });
});
