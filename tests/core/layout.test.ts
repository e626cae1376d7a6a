/**
 * The shape of core/ (docs/architecture.md, CONTRIBUTING.md): one detector per rule, named as the
 * rule; detectors never import each other (what two rules share lives in core/analysis or
 * core/edits); the shared layers never import a detector; no file grows past ~400 lines.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CORE = join(ROOT, 'core');
const MAX_LINES = 400;

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : name.endsWith('.ts') ? [path] : [];
  });
}

/** Repository-relative paths (posix) of the modules `file` imports by a relative specifier. */
export function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const dir = posix.dirname(relative(ROOT, file).split('\\').join('/'));
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.\.?\/[^']+)\.js'/g)].map((m) => posix.join(dir, `${m[1] ?? ''}.ts`));
}

/** The rule a core/detectors path belongs to (`core/detectors/<rule>.ts` or `core/detectors/<rule>/..`). */
function detectorRule(path: string): string | undefined {
  const match = /^core\/detectors\/([^/.]+)(?:\.ts|\/)/.exec(path);
  return match?.[1];
}

const ruleNames = readdirSync(join(ROOT, 'rules'))
  .filter((name) => name.endsWith('.ts') && name !== 'index.ts' && name !== 'create-rule.ts' )
  .map((name) => name.slice(0, -3))
  .sort();
const coreFiles = listFiles(CORE).map((file) => relative(ROOT, file).split('\\').join('/'));

const pascal = (rule: string) => rule.replace(/(^|-)([a-z])/g, (_m, _d: string, c: string) => c.toUpperCase());

describe('core/ layout', () => {
  it('has one detector per rule, named as the rule, exporting create<Rule>Detector', () => {
    for (const rule of ruleNames) {
      const path = join(CORE, 'detectors', `${rule}.ts`);
      expect(existsSync(path), `core/detectors/${rule}.ts`).toBe(true);
      expect(readFileSync(path, 'utf8'), rule).toContain(`export function create${pascal(rule)}Detector(`);
    }
  });

  it('has nothing under core/detectors that is not named after a rule', () => {
    const strays = coreFiles.filter((path) => path.startsWith('core/detectors/') && !ruleNames.includes(detectorRule(path) ?? ''));
    expect(strays).toEqual([]);
  });

  it('detectors never import another rule\'s detector', () => {
    const crossings: string[] = [];
    for (const path of coreFiles) {
      const own = detectorRule(path);
      if (own === undefined) continue;
      for (const target of relativeImports(join(ROOT, path))) {
        const other = detectorRule(target);
        if (other !== undefined && other !== own) crossings.push(`${path} -> ${target}`);
      }
    }
    expect(crossings).toEqual([]);
  });

  it('the shared layers (analysis, edits, transports, core root) never import a detector', () => {
    const upward = coreFiles
      .filter((path) => detectorRule(path) === undefined)
      .flatMap((path) => relativeImports(join(ROOT, path)).filter((target) => target.startsWith('core/detectors/')).map((target) => `${path} -> ${target}`));
    expect(upward).toEqual([]);
  });

  it('every relative import resolves to a file (the checks above cannot pass on a misspelt path)', () => {
    const missing = coreFiles.flatMap((path) => relativeImports(join(ROOT, path)).filter((target) => !existsSync(join(ROOT, target))));
    expect(missing).toEqual([]);
    expect(coreFiles.flatMap((path) => relativeImports(join(ROOT, path))).length).toBeGreaterThan(50);
  });

  it(`has no file over ${MAX_LINES} lines`, () => {
    const long = coreFiles
      .map((path) => [path, readFileSync(join(ROOT, path), 'utf8').split('\n').length] as const)
      .filter(([, lines]) => lines > MAX_LINES);
    expect(long).toEqual([]);
  });
});
