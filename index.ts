import type { TSESLint } from '@typescript-eslint/utils';
import { buildConfigs } from './configs/index.js';
import type { PresetName } from './configs/index.js';
import { readPackageJson } from './package-info.js';
import { rules } from './rules/index.js';

const pkg = readPackageJson();

const plugin = {
  meta: { name: pkg.name, version: pkg.version, namespace: 'otel-context' },
  rules,
  configs: {} as Record<PresetName, TSESLint.FlatConfig.Config>,
};

Object.assign(plugin.configs, buildConfigs(plugin));

export type { OtelContextSettings, ContextManagerName } from './core/settings.js';
export { rules };
export const configs = plugin.configs;
export default plugin;
