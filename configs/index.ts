/**
 * The presets, computed from rule metadata (never hand-written lists).
 *
 * Their type is this plugin's own plain shape (name, files, plugins, rules, settings, and for
 * `disable-type-checked` parser options): it is assignable both to ESLint's `Linter.Config`
 * (`defineConfig` from `eslint/config`) and to typescript-eslint's `config()`, which disagree
 * on `languageOptions`.
 */
import type { OtelContextSettings } from '../core/settings.js';
import { SETTINGS_KEY } from '../core/settings.js';
import type { OtelContextRuleDocs } from '../rules/create-rule.js';

export const PRESET_NAMES = ['recommended', 'recommended-type-checked', 'browser', 'strict', 'all', 'disable-type-checked'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/** The file types every preset covers (a flat config without `files` covers only .js/.mjs/.cjs). */
export const LINTED_FILES = ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'];

/**
 * The files `recommended-type-checked` covers: TypeScript, which has type information when the
 * parser is set up for it. A type-aware option refuses to run without type information, so a
 * preset that reached `.cjs` files would stop the whole run (use `disable-type-checked` where
 * files have none).
 */
export const TYPE_CHECKED_FILES = ['**/*.{ts,tsx,mts,cts}'];

/** A rule's setting in a preset. */
export type RuleEntry = 'error' | 'off' | ['error', ...unknown[]];

/** One preset: a flat config object. */
export interface OtelContextConfig<Plugin = unknown> {
  name: string;
  files?: string[];
  plugins: { 'otel-context': Plugin };
  languageOptions?: { parserOptions: { project: false; projectService: false; program: null } };
  rules: Record<string, RuleEntry>;
  settings?: { 'otel-context': Partial<OtelContextSettings> };
}

interface RuleLike {
  meta: { docs?: OtelContextRuleDocs & { description?: string } };
}

type Settings = Partial<OtelContextSettings>;

interface Preset {
  settings?: Settings;
  files?: string[];
  include(docs: OtelContextRuleDocs): boolean;
  entry(docs: OtelContextRuleDocs): RuleEntry;
  languageOptions?: OtelContextConfig['languageOptions'];
}

/** `{ checkTypes: true }` → `{ checkTypes: false }`: a type-checked option object with its switches off. */
function switchedOff(option: unknown): unknown {
  if (option === null || typeof option !== 'object') return option;
  return Object.fromEntries(Object.entries(option).map(([key, value]) => [key, value === true ? false : value]));
}

const withOptions = (options: readonly unknown[] | undefined): RuleEntry => (options && options.length > 0 ? ['error', ...options] : 'error');

const PRESETS: Record<PresetName, Preset> = {
  recommended: {
    settings: { contextManager: 'async-local-storage' },
    include: (docs) => docs.recommended === true && docs.requiresTypeChecking !== true,
    entry: () => 'error',
  },
  'recommended-type-checked': {
    settings: { contextManager: 'async-local-storage' },
    files: TYPE_CHECKED_FILES,
    include: (docs) => docs.recommended === true,
    // a rule recommended syntactically turns its type-aware mode on here
    entry: (docs) => withOptions(docs.typeCheckedOptions),
  },
  browser: {
    settings: { contextManager: 'zone' },
    include: (docs) => docs.browser === true && docs.requiresTypeChecking !== true,
    entry: () => 'error',
  },
  strict: {
    include: (docs) => docs.requiresTypeChecking !== true,
    entry: (docs) => withOptions(docs.strictOptions),
  },
  all: {
    include: () => true,
    entry: () => 'error',
  },
  // typescript-eslint's disableTypeChecked: no type information, type-aware rules off, and the
  // type-aware modes of syntactic rules back to their syntactic mode. Give it `files` yourself.
  'disable-type-checked': {
    files: undefined,
    include: (docs) => docs.requiresTypeChecking === true || docs.typeCheckedOptions !== undefined,
    // a severity alone would keep the earlier config's options (ESLint merges them): give the
    // type-aware options explicitly switched off
    entry: (docs) => (docs.requiresTypeChecking === true ? 'off' : withOptions(docs.typeCheckedOptions?.map(switchedOff))),
    languageOptions: { parserOptions: { project: false, projectService: false, program: null } },
  },
};

/** The presets of `plugin`, computed from the metadata of its `rules`. */
export function buildConfigs<Plugin>(plugin: Plugin, ruleModules: Readonly<Record<string, RuleLike>>): Record<PresetName, OtelContextConfig<Plugin>> {
  const configs = {} as Record<PresetName, OtelContextConfig<Plugin>>;
  for (const name of PRESET_NAMES) {
    const preset = PRESETS[name];
    const entries: Record<string, RuleEntry> = {};
    for (const [ruleName, rule] of Object.entries(ruleModules).sort(([a], [b]) => a.localeCompare(b))) {
      const docs = rule.meta.docs ?? {};
      if (preset.include(docs)) entries[`otel-context/${ruleName}`] = preset.entry(docs);
    }
    const files = 'files' in preset ? preset.files : LINTED_FILES;
    configs[name] = {
      name: `otel-context/${name}`,
      ...(files !== undefined ? { files } : {}),
      plugins: { 'otel-context': plugin },
      ...(preset.languageOptions ? { languageOptions: preset.languageOptions } : {}),
      rules: entries,
      ...(preset.settings ? { settings: { [SETTINGS_KEY]: preset.settings } } : {}),
    };
  }
  return configs;
}
