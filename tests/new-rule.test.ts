/**
 * The new-rule scaffold (scripts/new-rule.mjs) on a copy of the repository's rule files: the
 * scaffolded rule fails the rule-file checks (tests/support/rule-files.ts, which
 * tests/plugin.test.ts runs on the repository) until its doc and fixtures are real, and passes them
 * once they are. The scaffold leaves the other rules' files as they were.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, unlinkSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { checkRuleFiles, listRuleFiles } from './support/rule-files.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const COPIED = ['rules', 'core/triggers.ts', 'core/detectors', 'docs/rules', 'fixtures', 'tests/rules', 'codemods'];

function copyRepository(): string {
  const dir = mkdtempSync(join(tmpdir(), 'otel-new-rule-'));
  for (const path of COPIED) cpSync(join(ROOT, path), join(dir, path), { recursive: true });
  return dir;
}

describe('npm run new-rule', async () => {
  const { scaffoldRule } = await import('../scripts/new-rule.mjs');
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it.each([false, true])('a scaffolded rule (fixable: %s) fails the checks until its doc and fixtures are real', (fixable) => {
    const dir = copyRepository();
    dirs.push(dir);
    const name = 'no-example-defect';
    const before = listRuleFiles(dir);
    scaffoldRule(dir, name, { fixable });
    expect(listRuleFiles(dir)).toEqual([...before, name].sort());
    for (const rule of before) expect(checkRuleFiles(dir, rule), rule).toEqual([]);

    const problems = checkRuleFiles(dir, name);
    expect(problems.some((p) => p.startsWith(`docs/rules/${name}.md is still the template`))).toBe(true);
    expect(problems.some((p) => p.startsWith(`fixtures/${name}/ still holds templates`))).toBe(true);
    // registry, triggers, detector, test file (and codemod) are there from the start
    expect(problems.filter((p) => !p.startsWith('docs/') && !p.startsWith('fixtures/'))).toEqual([]);

    // The contributor writes the doc and the fixtures …
    const fixtures = join(dir, 'fixtures', name);
    for (const file of readdirSync(fixtures)) if (file.endsWith('.ts')) unlinkSync(join(fixtures, file));
    for (const file of readdirSync(join(fixtures, 'valid'))) unlinkSync(join(fixtures, 'valid', file));
    writeFileSync(join(fixtures, 'timer-in-span.input.ts'), 'export async function scenario() {}\n');
    expect(checkRuleFiles(dir, name)).toContain(`fixtures/${name}/timer-in-span.lint.txt is missing (run the fixtures test to write it)`);
    writeFileSync(join(fixtures, 'timer-in-span.lint.txt'), 'rendered\n');
    mkdirSync(join(fixtures, 'valid'), { recursive: true });
    writeFileSync(join(fixtures, 'valid', 'bound-timer.ts'), 'export {};\n');
    if (fixable) {
      expect(checkRuleFiles(dir, name)).toContain(`fixtures/${name}/ has no runtime proof (a <case>.json with "runtime")`);
      writeFileSync(join(fixtures, 'timer-in-span.json'), JSON.stringify({ runtime: { expect: [{ span: 'child', parent: 'job' }] } }));
    }
    const doc = join(dir, 'docs', 'rules', `${name}.md`);
    writeFileSync(doc, readFileSync(doc, 'utf8').replace(/TODO\(new-rule\)[^\n]*/g, 'Written.'));
    // … and only then does the rule pass.
    expect(checkRuleFiles(dir, name)).toEqual([]);
  });

  it('refuses a name that is not a rule name, and a rule that exists', () => {
    const dir = copyRepository();
    dirs.push(dir);
    expect(() => scaffoldRule(dir, 'Example')).toThrow(/kebab-case/);
    expect(() => scaffoldRule(dir, 'no-unbound-timer')).toThrow(/exists already/);
  });
});
