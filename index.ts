import { buildConfigs } from './configs/index.js';
import type { OtelContextConfig, PresetName } from './configs/index.js';
import { readPackageJson } from './package-info.js';
import { rules } from './rules/index.js';
import type { RuleName } from './rules/index.js';

const pkg = readPackageJson();

/**
 * A rule as the plugin object exposes it: loose, like typescript-eslint's `LooseRuleDefinition`,
 * because ESLint's `RuleDefinition` and typescript-eslint's `RuleModule` type `create`'s context
 * differently and a config must be assignable to both. The exact types are on the `rules` export.
 */
export interface LooseRuleDefinition {
  meta?: object;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the loose type both ESLint and typescript-eslint accept
  create: (...args: any[]) => any;
}

/** The plugin object without its presets (what a preset's `plugins` holds). */
export interface OtelContextPluginBase {
  meta: { name: string; version: string; namespace: string };
  rules: Record<RuleName, LooseRuleDefinition>;
}

/** The plugin: assignable to ESLint's `ESLint.Plugin` and to typescript-eslint's `FlatConfig.Plugin`. */
export interface OtelContextPlugin extends OtelContextPluginBase {
  configs: Record<PresetName, OtelContextConfig<OtelContextPluginBase>>;
}

const plugin: OtelContextPlugin = {
  meta: { name: pkg.name, version: pkg.version, namespace: 'otel-context' },
  rules,
  configs: {} as OtelContextPlugin['configs'],
};

Object.assign(plugin.configs, buildConfigs<OtelContextPluginBase>(plugin, rules));

export type { OtelContextSettings, ContextManagerName } from './core/settings.js';
export type { OtelContextConfig, PresetName, RuleEntry } from './configs/index.js';
export { rules };
export const configs = plugin.configs;
export default plugin;
