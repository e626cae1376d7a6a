/**
 * Free names for what a fix introduces: one naming scheme (`base`, `base2`, ..), asked of the whole
 * file (`getFreeLocalName`, API aliases), of what is visible at a node (`getFreeNameAt`), or of a
 * function and its nested scopes (`getFreeNameIn`).
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { ASTUtils } from '@typescript-eslint/utils';

const declaredNamesCache = new WeakMap<object, Set<string>>();

/** Every name declared anywhere in the file, plus every unresolved global referenced. */
export function getDeclaredNames(sourceCode: Readonly<TSESLint.SourceCode>): Set<string> {
  const cached = declaredNamesCache.get(sourceCode.ast);
  if (cached) return cached;
  const names = new Set<string>();
  for (const scope of sourceCode.scopeManager?.scopes ?? []) {
    for (const variable of scope.variables) names.add(variable.name);
    for (const reference of scope.through) names.add(reference.identifier.name);
  }
  declaredNamesCache.set(sourceCode.ast, names);
  return names;
}

/**
 * A name for a new local variable that collides with no name declared or referenced in the file,
 * nor with any name in `taken` (names handed out to earlier fixes of the same lint run, which
 * ESLint may apply in the same pass). The chosen name is added to `taken`.
 */
export function getFreeLocalName(sourceCode: Readonly<TSESLint.SourceCode>, base: string, taken: Set<string>): string {
  const declared = getDeclaredNames(sourceCode);
  const name = firstFreeName(base, (candidate) => !declared.has(candidate) && !taken.has(candidate));
  taken.add(name);
  return name;
}

/** The one naming scheme of every fix: `base`, then `base2`, `base3`, .. until `isFree` accepts it. */
export function firstFreeName(base: string, isFree: (name: string) => boolean): string {
  for (let i = 1; ; i++) {
    const candidate = i === 1 ? base : `${base}${i}`;
    if (isFree(candidate)) return candidate;
  }
}

/** `base` when nothing called so is visible at `node` or used in its function; else `base2`, .. */
export function getFreeNameAt(sourceCode: Readonly<TSESLint.SourceCode>, node: TSESTree.Node, base: string): string {
  const scope = sourceCode.getScope(node);
  return firstFreeName(base, (name) => ASTUtils.findVariable(scope, name) === null && !scope.variableScope.through.some((r) => r.identifier.name === name));
}

/** `base` when no name in `fn` (declared or used, nested scopes included) nor visible at it is called so; else `base2`, .. */
export function getFreeNameIn(sourceCode: Readonly<TSESLint.SourceCode>, fn: TSESTree.Node, base: string): string {
  const scope = sourceCode.getScope(fn);
  const used = new Set<string>();
  const visit = (current: TSESLint.Scope.Scope): void => {
    for (const variable of current.variables) used.add(variable.name);
    for (const reference of current.through) used.add(reference.identifier.name);
    current.childScopes.forEach(visit);
  };
  visit(scope);
  return firstFreeName(base, (candidate) => !used.has(candidate) && ASTUtils.findVariable(scope, candidate) === null);
}
