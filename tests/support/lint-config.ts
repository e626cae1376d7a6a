/**
 * Flat configs for linting arbitrary files with this plugin the way the codemod does
 * (codemods/fix-with-rule.ts buildConfig): the TypeScript parser, `.cjs`/`.cts` as CommonJS,
 * JSX everywhere except `.ts`/`.mts`/`.cts`.
 */
import { extname } from 'node:path';
import * as tsParser from '@typescript-eslint/parser';
import type { ESLint, Linter } from 'eslint';
import plugin from '../../index.js';
import { LINTED_FILES } from '../../configs/index.js';
import { SETTINGS_KEY } from '../../core/settings.js';
import { hasCodemod, syntacticRuleNames as syntacticRuleNames_ } from '../../rule-meta.js';
import type { ContextManagerName } from '../../core/settings.js';

export const PREFIX = 'otel-context/';

/** Every rule of the plugin that runs without type information (rule-meta.ts). */
export function syntacticRuleNames(): string[] {
  return syntacticRuleNames_();
}

/** The syntactic rules a codemod acts on (a fix or suggestions). */
export function syntacticCodemodRuleNames(): string[] {
  return syntacticRuleNames_().filter(hasCodemod);
}

const JSX_OFF = new Set(['.ts', '.mts', '.cts']);
const COMMONJS = new Set(['.cjs', '.cts']);

/** The parser setup of a file kind: `module`/`commonjs` × JSX on/off. */
export function fileKind(filename: string): string {
  const ext = extname(filename).toLowerCase();
  return `${COMMONJS.has(ext) ? 'commonjs' : 'module'}:${JSX_OFF.has(ext) ? 'nojsx' : 'jsx'}`;
}

/**
 * Verify options as the codemod's: inline `/* eslint rule: .. *\/` comments cannot switch on other
 * rules (the corpus configures rules of plugins that are not loaded here). Inline disable
 * directives are honoured, as by eslint and the codemod.
 */
export function verifyOptions(filename: string): Linter.LintOptions & { filename: string; ruleFilter: (rule: { ruleId: string }) => boolean } {
  // `ruleFilter` is not in ESLint's LintOptions type yet (codemods/fix-with-rule.ts passes it the same way).
  return { filename, ruleFilter: ({ ruleId }) => ruleId.startsWith(PREFIX) };
}

const cache = new Map<string, Linter.Config[]>();

/** A config enabling `ruleList` (names without prefix) under `manager`, for files of `filename`'s kind. Memoised. */
export function lintConfig(filename: string, ruleList: readonly string[], manager: ContextManagerName): Linter.Config[] {
  const kind = fileKind(filename);
  const key = `${kind}|${manager}|${ruleList.join(',')}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const [sourceType, jsx] = kind.split(':');
  const config: Linter.Config[] = [
    {
      files: LINTED_FILES,
      plugins: { 'otel-context': plugin as unknown as ESLint.Plugin },
      languageOptions: {
        parser: tsParser as unknown as Linter.Parser,
        parserOptions: { ecmaVersion: 'latest', sourceType: sourceType as 'module' | 'commonjs', ecmaFeatures: { jsx: jsx === 'jsx' } },
      },
      linterOptions: { reportUnusedDisableDirectives: 'off', reportUnusedInlineConfigs: 'off' },
      settings: { [SETTINGS_KEY]: { contextManager: manager } },
      rules: Object.fromEntries(ruleList.map((rule) => [`${PREFIX}${rule}`, 'error' as const])),
    },
  ];
  cache.set(key, config);
  return config;
}
