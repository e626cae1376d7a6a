import { readFileSync } from 'node:fs';
import tsParser from '@typescript-eslint/parser';
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import plugin from '../index.js';
import { parseDocBlocks } from './docs-blocks.js';

const REQUIRED_HEADINGS = ['## Examples', '## Options', '## When Not To Use It', '## Out of Scope'];
const linter = new Linter({ configType: 'flat' });

describe.each(Object.keys(plugin.rules))('docs/rules/%s.md', (name) => {
  const markdown = readFileSync(new URL(`../docs/rules/${name}.md`, import.meta.url), 'utf8');
  const blocks = parseDocBlocks(markdown);

  it('has the generated header and the required sections', () => {
    expect(markdown).toContain('<!-- end auto-generated rule header -->');
    for (const heading of REQUIRED_HEADINGS) expect(markdown).toMatch(new RegExp(`^${heading}$`, 'm'));
  });

  it('has at least one incorrect and one correct example', () => {
    expect(blocks.some((b) => b.kind === 'incorrect')).toBe(true);
    expect(blocks.some((b) => b.kind === 'correct')).toBe(true);
  });

  it.each(blocks.map((b) => [`${b.kind} block at line ${b.line}`, b] as const))('%s', (_label, block) => {
    const filename = `example.${block.lang === 'js' ? 'js' : block.lang === 'tsx' ? 'tsx' : 'ts'}`;
    const messages = linter.verify(
      block.code,
      [
        {
          files: ['**/*.{ts,tsx,js}'],
          languageOptions: { parser: tsParser, parserOptions: { ecmaFeatures: { jsx: filename.endsWith('x') } } },
          plugins: { 'otel-context': plugin },
          rules: { [`otel-context/${name}`]: ['error', ...(block.options ?? [])] },
          ...(block.settings ? { settings: { 'otel-context': block.settings } } : {}),
        },
      ] as unknown as Linter.Config[],
      filename,
    );
    const fatal = messages.filter((m) => m.fatal);
    expect(fatal, 'the example must parse').toEqual([]);
    if (block.kind === 'incorrect') expect(messages.length, 'an incorrect example must report').toBeGreaterThan(0);
    else expect(messages.map((m) => m.message), 'a correct example must not report').toEqual([]);
  });
});
