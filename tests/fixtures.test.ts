/**
 * Every fixture case, found by directory listing: the lint rendering matches `<case>.lint.txt`,
 * the codemod's output equals `<case>.output.*` exactly, a second run changes nothing, the output
 * has no fixable finding left, and `valid/*` fixtures produce no finding and are left untouched.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import jscodeshift from 'jscodeshift';
import { describe, expect, it } from 'vitest';
import { createCodemod } from '../codemods/create-codemod.js';
import { lintWithRules } from '../codemods/fix-with-rule.js';
import { codemodOptionsOf, FIXTURES_DIR, lintOptionsOf, listCases, listFixtureRules, listValid } from './fixture-cases.js';
import type { FixtureConfig } from './fixture-cases.js';
import { renderLintResults } from './render-lint.js';

const j = jscodeshift.withParser('tsx');

/** Runs a codemod transform the way jscodeshift does, with a real api object. */
function runCodemod(rule: string, path: string, source: string, config: FixtureConfig): string | undefined {
  const transform = createCodemod(rule);
  const stats: Record<string, number> = {};
  return transform(
    { path, source },
    { jscodeshift: j, j, stats: (name: string, n = 1) => { stats[name] = (stats[name] ?? 0) + n; }, report: () => {} },
    codemodOptionsOf(config) as Parameters<typeof transform>[2],
  );
}

function lint(rule: string, path: string, source: string, config: FixtureConfig) {
  return lintWithRules(source, path, lintOptionsOf(rule, config));
}

const hasCodemod = (rule: string): boolean => {
  try {
    createCodemod(rule);
    return true;
  } catch {
    return false;
  }
};

describe.each(listFixtureRules())('fixtures/%s', (rule) => {
  const cases = listCases(rule);
  const valid = listValid(rule);

  it('has cases and valid near misses', () => {
    expect(cases.length).toBeGreaterThan(0);
    expect(valid.length).toBeGreaterThan(0);
  });

  describe.each(cases.map((c) => [c.name, c] as const))('%s', (_name, fixture) => {
    const input = readFileSync(fixture.inputPath, 'utf8');
    const messages = lint(rule, fixture.inputPath, input, fixture.config);

    it('is flagged, and the rendering matches <case>.lint.txt', async () => {
      expect(messages.filter((m) => m.fatal)).toEqual([]);
      expect(messages.length).toBeGreaterThan(0);
      await expect(renderLintResults(input, messages)).toMatchFileSnapshot(join(FIXTURES_DIR, rule, `${fixture.name}.lint.txt`));
    });

    if (!hasCodemod(rule)) return;

    it('the codemod output equals <case>.output exactly, or the codemod leaves it when there is no output file', () => {
      const output = runCodemod(rule, fixture.inputPath, input, fixture.config);
      if (fixture.outputPath === undefined) expect(output).toBeUndefined();
      else expect(output).toBe(readFileSync(fixture.outputPath, 'utf8'));
    });

    if (fixture.outputPath === undefined) return;
    const outputPath = fixture.outputPath;
    const expected = readFileSync(outputPath, 'utf8');

    it('is idempotent: the codemod changes nothing in its own output', () => {
      expect(runCodemod(rule, outputPath, expected, fixture.config)).toBeUndefined();
    });

    it('leaves no fixable finding in its output', () => {
      const left = lint(rule, outputPath, expected, fixture.config);
      expect(left.filter((m) => m.fatal)).toEqual([]);
      expect(left.filter((m) => m.fix !== undefined || (fixture.config.unsafe && m.suggestions?.length))).toEqual([]);
    });
  });

  describe.each(valid.map((v) => [v.name, v] as const))('valid/%s', (_name, fixture) => {
    const source = readFileSync(fixture.path, 'utf8');
    it('produces no finding', () => {
      expect(lint(rule, fixture.path, source, fixture.config).map((m) => `${m.line}:${m.column} ${m.message}`)).toEqual([]);
    });
    if (hasCodemod(rule)) {
      it('is left untouched by the codemod', () => {
        expect(runCodemod(rule, fixture.path, source, fixture.config)).toBeUndefined();
      });
    }
  });
});
