/**
 * Where a file with no tracing runs, from its own text: Node (it imports or requires a Node
 * built-in module, or reads `process`, `Buffer`, `__dirname`, `__filename`, `require`) or a browser
 * (it reads `window`, `document`, `navigator`, .. as globals). The fix of a queue in such a file
 * imports `AsyncResource` from `node:async_hooks`: in browser code that import breaks the bundle,
 * and a browser has no AsyncLocalStorage for the finding to be about.
 */
import { builtinModules } from 'node:module';
import type { TSESLint } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';

const NODE_MODULES = new Set(builtinModules);
const NODE_GLOBALS = new Set(['process', 'Buffer', '__dirname', '__filename', 'require', 'module', 'exports', 'setImmediate']);
const BROWSER_GLOBALS = new Set([
  'window', 'document', 'navigator', 'location', 'history', 'localStorage', 'sessionStorage', 'requestAnimationFrame',
  'HTMLElement', 'customElements', 'XMLHttpRequest',
]);

export interface PlatformEvidence {
  node: boolean;
  browser: boolean;
}

const cache = new WeakMap<object, PlatformEvidence>();

function isNodeModule(source: string): boolean {
  return source.startsWith('node:') || NODE_MODULES.has(source) || NODE_MODULES.has(source.split('/')[0] ?? source);
}

export function getPlatformEvidence(sourceCode: Readonly<TSESLint.SourceCode>): PlatformEvidence {
  const cached = cache.get(sourceCode.ast);
  if (cached) return cached;
  const evidence: PlatformEvidence = { node: false, browser: false };
  for (const statement of sourceCode.ast.body) {
    if (statement.type === AST_NODE_TYPES.ImportDeclaration && isNodeModule(statement.source.value)) evidence.node = true;
  }
  const globalScope = sourceCode.scopeManager?.globalScope;
  const note = (name: string): void => {
    if (NODE_GLOBALS.has(name)) evidence.node = true;
    else if (BROWSER_GLOBALS.has(name)) evidence.browser = true;
  };
  // globals the file reads: unresolved, or resolved to a global the configuration declares
  for (const reference of globalScope?.through ?? []) note(reference.identifier.name);
  for (const variable of globalScope?.variables ?? []) {
    if (variable.defs.length === 0 && variable.references.length > 0) note(variable.name);
  }
  cache.set(sourceCode.ast, evidence);
  return evidence;
}
