/**
 * "Never add a dependency the file does not have": before the codemod accepts a fix that adds an
 * import of a package, the file's own package (the nearest package.json) must depend on it, and
 * the file must use npm-style specifiers (a Deno module importing from `https:` URLs gets no npm
 * import). Otherwise the finding is left unfixed, with the reason in the summary.
 */
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, parse, relative } from 'node:path';

/** Why adding `specifier` to the file is refused, or undefined when it is fine. */
export type ImportGuard = (specifier: string) => string | undefined;

const SPECIFIER = /\bfrom\s*(['"])([^'"\n]+)\1|\bimport\s*\(\s*(['"])([^'"\n]+)\3\s*\)|\brequire\s*\(\s*(['"])([^'"\n]+)\5\s*\)|^\s*import\s*(['"])([^'"\n]+)\7/gm;

/** The module specifiers a source text imports or requires (a textual scan: good enough to compare before and after). */
export function moduleSpecifiers(source: string): Set<string> {
  const found = new Set<string>();
  for (const match of source.matchAll(SPECIFIER)) {
    const specifier = match[2] ?? match[4] ?? match[6] ?? match[8];
    if (specifier !== undefined) found.add(specifier);
  }
  return found;
}

const BUILTINS = new Set(builtinModules);
const URL_LIKE = /^(?:https?|jsr|npm|file|data):/;

/** The npm package a bare specifier names (`@scope/name/sub` → `@scope/name`), or undefined for relative, absolute, built-in and URL specifiers. */
export function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('#')) return undefined;
  if (specifier.startsWith('node:') || URL_LIKE.test(specifier)) return undefined;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
  return BUILTINS.has(name) ? undefined : name;
}

interface PackageJson {
  path: string;
  name?: string;
  dependencies: Set<string>;
}

const packageCache = new Map<string, PackageJson | null>();

function readPackage(directory: string): PackageJson | null {
  const cached = packageCache.get(directory);
  if (cached !== undefined) return cached;
  let found: PackageJson | null = null;
  const path = join(directory, 'package.json');
  if (existsSync(path)) {
    try {
      const json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
      const dependencies = new Set<string>();
      for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
        const value = json[field];
        if (value && typeof value === 'object') for (const name of Object.keys(value)) dependencies.add(name);
      }
      found = { path, ...(typeof json.name === 'string' ? { name: json.name } : {}), dependencies };
    } catch {
      found = { path, dependencies: new Set() };
    }
  } else {
    const parent = dirname(directory);
    found = parent === directory || directory === parse(directory).root ? null : readPackage(parent);
  }
  packageCache.set(directory, found);
  return found;
}

/** Forgets the package.json files read so far (they may change between runs in one process). */
export function clearPackageCache(): void {
  packageCache.clear();
}

/** The guard for one file: its nearest package.json and the specifiers it already uses. */
export function importGuardFor(filePath: string, source: string, cwd = process.cwd()): ImportGuard {
  const existing = moduleSpecifiers(source);
  const urlImport = [...existing].find((specifier) => /^(?:https?|jsr|npm):/.test(specifier));
  return (specifier) => {
    if (existing.has(specifier)) return undefined;
    const name = packageOf(specifier);
    if (name === undefined) return undefined;
    if (urlImport !== undefined) {
      return `the fix imports ${name}, but this module imports by URL (${urlImport}), not from npm`;
    }
    const pkg = readPackage(dirname(filePath));
    if (pkg === null) return `the fix imports ${name}, but no package.json above the file declares it`;
    if (pkg.name === name || pkg.dependencies.has(name)) return undefined;
    const shown = relative(cwd, pkg.path);
    return `the fix imports ${name}, which ${shown.startsWith('..') || shown === '' ? pkg.path : shown} does not list as a dependency`;
  };
}
