/**
 * Issue #11, families 1, 2, 3 and 8 across the syntax real code uses: every variant of
 * tests/support/span-family-variants.ts linted with the `recommended` preset, the way a user runs
 * it. A variant of a family's bug gets that family's finding (or, for a gap kept on purpose, not);
 * a near miss gets none from the family's rule. The rule tests hold the same shapes with their
 * fixes (tests/rules/*.test.ts, "spelling" cases).
 */
import * as tsParser from '@typescript-eslint/parser';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import plugin from '../index.js';
import { variants } from './support/span-family-variants.js';

const FAMILY_RULE: Record<string, string> = {
  f1: 'require-context-propagation',
  f2: 'no-inactive-parent-span',
  f3: 'no-late-context-capture',
  f8: 'no-floating-promise-in-span',
};

const recommended = plugin.configs.recommended;
const eslint = new ESLint({
  overrideConfigFile: true,
  overrideConfig: [...(Array.isArray(recommended) ? recommended : [recommended]), { files: ['**/*.ts'], languageOptions: { parser: tsParser } }],
});

async function findings(code: string, file: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: file });
  const messages = result?.messages ?? [];
  expect(messages.filter((message) => message.fatal === true || message.ruleId === null)).toEqual([]);
  return messages.map((message) => `${(message.ruleId ?? '').replace(/^otel-context\//, '')}:${message.messageId ?? ''}`);
}

describe('span families across spellings (recommended)', () => {
  it('the matrix covers every family with bugs, near misses and no duplicate names', () => {
    const names = variants.map((variant) => variant.name);
    expect(new Set(names).size).toBe(names.length);
    for (const family of Object.keys(FAMILY_RULE)) {
      expect(variants.filter((variant) => variant.name.startsWith(`${family} `) && variant.want && !variant.gap).length).toBeGreaterThan(4);
      expect(variants.filter((variant) => variant.name.startsWith(`${family} `) && !variant.want).length).toBeGreaterThan(0);
    }
  });
  for (const variant of variants) {
    const family = variant.name.split(' ')[0] ?? '';
    const file = `tests/span-matrix-virtual/${variant.name.replace(/[^a-z0-9]+/gi, '-')}.${variant.ts ? 'ts' : variant.cjs ? 'cjs' : 'mjs'}`;
    it(`${variant.name}${variant.want ? (variant.gap ? ' (gap kept)' : '') : ' (near miss)'}`, async () => {
      const got = await findings(variant.code, file);
      if (variant.want && !variant.gap) expect(got).toContain(variant.want);
      else if (variant.want) expect(got).not.toContain(variant.want);
      else expect(got.filter((id) => id.startsWith(`${FAMILY_RULE[family]}:`))).toEqual([]);
    });
  }
});
