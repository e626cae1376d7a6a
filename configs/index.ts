/**
 * The presets, computed from rule metadata (never hand-written lists).
 */
import type { TSESLint } from '@typescript-eslint/utils';
import type { OtelContextSettings } from '../core/settings.js';
import { SETTINGS_KEY } from '../core/settings.js';
import type { OtelContextRuleDocs } from '../rules/create-rule.js';

export const PRESET_NAMES = ['recommended', 'recommended-type-checked', 'browser', 'strict', 'all'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/** The file types every preset covers (a flat config without `files` covers only .js/.mjs/.cjs). */
export const LINTED_FILES = ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'];

interface RuleLike {
  meta: { docs?: OtelContextRuleDocs & { description?: string } };
}

interface PluginLike {
  rules: Record<string, RuleLike>;
}

type Settings = Partial<OtelContextSettings>;

const PRESETS: Record<PresetName, { settings?: Settings; include(docs: OtelContextRuleDocs): boolean; options(docs: OtelContextRuleDocs): readonly unknown[] | undefined }> = {
  recommended: {
    settings: { contextManager: 'async-local-storage' },
    include: (docs) => docs.recommended === true && docs.requiresTypeChecking !== true,
    options: () => undefined,
  },
  'recommended-type-checked': {
    settings: { contextManager: 'async-local-storage' },
    include: (docs) => docs.recommended === true,
    // a rule recommended syntactically turns its type-aware mode on here
    options: (docs) => docs.typeCheckedOptions,
  },
  browser: {
    settings: { contextManager: 'zone' },
    include: (docs) => docs.browser === true && docs.requiresTypeChecking !== true,
    options: () => undefined,
  },
  strict: {
    include: (docs) => docs.requiresTypeChecking !== true,
    options: (docs) => docs.strictOptions,
  },
  all: {
    include: () => true,
    options: () => undefined,
  },
};

export function buildConfigs(plugin: PluginLike & object): Record<PresetName, TSESLint.FlatConfig.Config> {
  const configs = {} as Record<PresetName, TSESLint.FlatConfig.Config>;
  for (const name of PRESET_NAMES) {
    const preset = PRESETS[name];
    const rules: TSESLint.FlatConfig.Rules = {};
    for (const [ruleName, rule] of Object.entries(plugin.rules).sort(([a], [b]) => a.localeCompare(b))) {
      const docs = rule.meta.docs ?? {};
      if (!preset.include(docs)) continue;
      const options = preset.options(docs);
      rules[`otel-context/${ruleName}`] = options && options.length > 0 ? ['error', ...options] : 'error';
    }
    configs[name] = {
      name: `otel-context/${name}`,
      files: LINTED_FILES,
      plugins: { 'otel-context': plugin as unknown as TSESLint.FlatConfig.Plugin },
      rules,
      ...(preset.settings ? { settings: { [SETTINGS_KEY]: preset.settings } } : {}),
    };
  }
  return configs;
}
