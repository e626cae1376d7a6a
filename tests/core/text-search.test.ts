/**
 * The per-file text gates answer exactly what the plain tests they replace answer
 * (core/analysis/text-search.ts: `includes` searched through a needle's rarest characters). Checked on
 * every fixture, test and core source of this repository, with every gate needle and with needles
 * cut from the texts themselves (so that many are present, at the start, the end and overlapping).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { textIncludes, textIncludesAny } from '../../core/analysis/text-search.js';
import { TRACED_CODE_TRIGGERS } from '../../core/analysis/otel-api.js';
import { RULE_TRIGGERS, STANDALONE_TRIGGERS } from '../../core/triggers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : /\.[cm]?[jt]sx?$/.test(name) ? [path] : [];
  });
}

const texts = ['fixtures', 'tests', 'core'].flatMap((dir) => listFiles(join(ROOT, dir))).map((path) => readFileSync(path, 'utf8'));
const GATE_NEEDLES = [
  ...TRACED_CODE_TRIGGERS,
  ...Object.values(RULE_TRIGGERS).flat(),
  ...Object.values(STANDALONE_TRIGGERS).flatMap((list) => list ?? []),
  '.push(', '.unshift(', '.enqueue(', '.shift(', '.dequeue(', '.splice(', 'length = 0', '.pop(', '.add(', '.clear()',
  '.set(', '.delete(', 'constructor', 'runInAsyncScope(', '.bind(', 'bind', 'Bind', 'timers', 'Generator', 'Iterable', 'Iterator',
  'Zz~', '~', 'a', '', 'QQQQ absent QQQQ',
];

describe('textIncludes', () => {
  it('answers exactly text.includes(needle) for every gate needle on every source text', () => {
    expect(texts.length).toBeGreaterThan(100);
    let present = 0;
    for (const text of texts) {
      for (const needle of GATE_NEEDLES) {
        const expected = text.includes(needle);
        if (expected) present++;
        expect(textIncludes(text, needle), needle).toBe(expected);
      }
      expect(textIncludesAny(text, GATE_NEEDLES.slice(0, 12))).toBe(GATE_NEEDLES.slice(0, 12).some((needle) => text.includes(needle)));
    }
    expect(present).toBeGreaterThan(texts.length);
  });

  it('answers exactly text.includes(needle) for needles cut from the texts and near misses of them', () => {
    let checked = 0;
    for (const [i, text] of texts.entries()) {
      const other = texts[(i + 1) % texts.length] ?? '';
      for (let at = 0; at < text.length; at += 997) {
        for (const length of [1, 3, 5, 9, 17]) {
          const needle = text.slice(at, at + length);
          const miss = `${needle.slice(0, -1)}\u0001`;
          for (const candidate of [needle, miss, needle.toUpperCase()]) {
            expect(textIncludes(text, candidate)).toBe(text.includes(candidate));
            expect(textIncludes(other, candidate)).toBe(other.includes(candidate));
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('finds a needle at the very start and the very end, and one whose anchor occurs only before it', () => {
    expect(textIncludes('enterWith(x)', 'enterWith')).toBe(true);
    expect(textIncludes('x.enterWith', 'enterWith')).toBe(true);
    expect(textIncludes('With enterWit enterWith', 'enterWith')).toBe(true);
    expect(textIncludes('Withe enterWit', 'enterWith')).toBe(false);
    expect(textIncludes('Span', 'startSpan')).toBe(false);
  });
});
