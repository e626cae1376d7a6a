/**
 * What every rule must have, as one function over a directory tree, so that the same checks run
 * on the repository (tests/plugin.test.ts) and on a scaffolded copy (tests/new-rule.test.ts):
 * registry and trigger entries, a detector named as the rule, a RuleTester file, a real doc page
 * and real fixtures (no `TODO(new-rule)` template left), a runtime proof and a codemod exactly
 * when the rule has a fix or suggestions.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const TODO_MARKER = 'TODO(new-rule)';

const pascal = (name: string) => name.replace(/(^|-)([a-z0-9])/g, (_m, _d: string, c: string) => c.toUpperCase());

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

export function listRuleFiles(root: string): string[] {
  return readdirSync(join(root, 'rules'))
    .filter((f) => f.endsWith('.ts') && f !== 'index.ts' && f !== 'create-rule.ts' )
    .map((f) => f.slice(0, -3))
    .sort();
}

/** Problems of rule `name` under `root`, one sentence each; empty when the rule is complete. */
export function checkRuleFiles(root: string, name: string): string[] {
  const problems: string[] = [];
  const read = (path: string) => (existsSync(join(root, path)) ? readFileSync(join(root, path), 'utf8') : undefined);
  const ruleText = read(`rules/${name}.ts`) ?? '';
  const hasFix = /fixable: 'code'|hasSuggestions: true/.test(ruleText);

  if (!read('rules/index.ts')?.includes(`'${name}': `)) problems.push(`rules/index.ts does not register ${name}`);
  if (!read('core/triggers.ts')?.includes(`'${name}': `)) problems.push(`core/triggers.ts has no RULE_TRIGGERS entry for ${name}`);
  const detector = read(`core/detectors/${name}.ts`);
  if (detector === undefined) problems.push(`core/detectors/${name}.ts is missing`);
  else if (!detector.includes(`export function create${pascal(name)}Detector(`)) problems.push(`core/detectors/${name}.ts does not export create${pascal(name)}Detector`);
  if (read(`tests/rules/${name}.test.ts`) === undefined) problems.push(`tests/rules/${name}.test.ts is missing`);

  const doc = read(`docs/rules/${name}.md`);
  if (doc === undefined) problems.push(`docs/rules/${name}.md is missing`);
  else {
    if (doc.includes(TODO_MARKER)) problems.push(`docs/rules/${name}.md is still the template (${TODO_MARKER})`);
    if (!doc.includes('<!-- end auto-generated rule header -->')) problems.push(`docs/rules/${name}.md has no generated header`);
    if (!/^```\w+ incorrect/m.test(doc) || !/^```\w+ correct/m.test(doc)) problems.push(`docs/rules/${name}.md needs an incorrect and a correct example`);
    if (/^## Codemod$/m.test(doc) !== hasFix) problems.push(`docs/rules/${name}.md must have a ## Codemod section exactly when the rule has a fix or suggestions`);
  }

  const fixtureDir = join(root, 'fixtures', name);
  const fixtureFiles = filesUnder(fixtureDir).map((path) => path.slice(fixtureDir.length + 1).split('\\').join('/'));
  const cases = fixtureFiles.map((f) => /^([^/]+)\.input\.[a-z]+$/.exec(f)?.[1]).filter((c): c is string => c !== undefined);
  if (fixtureFiles.length === 0) problems.push(`fixtures/${name}/ is missing`);
  else {
    const templates = fixtureFiles.filter((f) => readFileSync(join(fixtureDir, f), 'utf8').includes(TODO_MARKER));
    if (templates.length > 0) problems.push(`fixtures/${name}/ still holds templates: ${templates.join(', ')}`);
    if (cases.length === 0) problems.push(`fixtures/${name}/ has no <case>.input.* file`);
    for (const c of cases) if (!fixtureFiles.includes(`${c}.lint.txt`)) problems.push(`fixtures/${name}/${c}.lint.txt is missing (run the fixtures test to write it)`);
    if (!fixtureFiles.some((f) => f.startsWith('valid/') && !f.endsWith('.json'))) problems.push(`fixtures/${name}/valid/ has no near miss`);
    if (hasFix) {
      const runtime = fixtureFiles.filter((f) => f.endsWith('.json') && (JSON.parse(readFileSync(join(fixtureDir, f), 'utf8')) as { runtime?: unknown }).runtime !== undefined);
      if (runtime.length === 0) problems.push(`fixtures/${name}/ has no runtime proof (a <case>.json with "runtime")`);
    }
  }

  const codemod = read(`codemods/${name}.ts`) !== undefined;
  if (codemod !== hasFix) problems.push(hasFix ? `codemods/${name}.ts is missing` : `codemods/${name}.ts exists but the rule has no fix`);
  return problems;
}
