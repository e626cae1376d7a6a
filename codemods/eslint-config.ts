/**
 * Each file's settings and rule options, read from the user's own ESLint flat config through
 * ESLint's API (`ESLint#calculateConfigForFile`), so that what `eslint` flags is what the codemod
 * rewrites without repeating the config as flags. Flags override what the config says.
 */
import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { SETTINGS_KEY } from '../core/settings.js';
import type { OtelContextSettings } from '../core/settings.js';
import { isRuleName } from '../rule-meta.js';
import type { RuleName } from '../rule-meta.js';
import type { CodemodPlan } from './plan.js';

const PREFIX = 'otel-context/';

/** What the codemod runs on one file. */
export interface FileSetup {
  rules: RuleName[];
  settings: Partial<OtelContextSettings>;
  ruleOptions: Partial<Record<RuleName, readonly unknown[]>>;
  /** Rules of the plan that the file's config turns off (not run on it). */
  off: RuleName[];
  /** The config's type-information parser options (`project`, `projectService`, `tsconfigRootDir`), so type-aware options get their types. */
  typeInformation?: Record<string, unknown>;
}

/** The file is ignored by the ESLint config (or matched by none of its `files`): eslint does not lint it. */
export class IgnoredByConfig {
  constructor(readonly configFile: string | undefined) {}
}

type Severity = 0 | 1 | 2 | 'off' | 'warn' | 'error';

function severityOf(entry: unknown): Severity | undefined {
  const value = Array.isArray(entry) ? (entry as unknown[])[0] : entry;
  return value === 0 || value === 1 || value === 2 || value === 'off' || value === 'warn' || value === 'error' ? value : undefined;
}

export interface ConfigReader {
  /** The config file in use, when one is (for the summary). */
  describe(): Promise<string | undefined>;
  forFile(path: string): Promise<FileSetup | IgnoredByConfig>;
}

/** Merges the plan's flag overrides onto a file's configured settings and rule options. */
type Calculated = { settings?: Record<string, unknown>; rules?: Record<string, unknown>; languageOptions?: { parserOptions?: Record<string, unknown> } };

const TYPE_INFORMATION_KEYS = ['project', 'projectService', 'tsconfigRootDir'];

function merge(plan: CodemodPlan, configured: Calculated | undefined): FileSetup {
  const settingsFromConfig = (configured?.settings?.[SETTINGS_KEY] ?? {}) as Partial<OtelContextSettings>;
  const settings: Partial<OtelContextSettings> = { ...settingsFromConfig, ...plan.settings };
  const ruleOptions: Partial<Record<RuleName, readonly unknown[]>> = {};
  const off: RuleName[] = [];
  const configuredRules = Object.entries(configured?.rules ?? {}).filter(([id]) => id.startsWith(PREFIX));
  const enabled = new Set<string>();
  for (const [id, entry] of configuredRules) {
    const name = id.slice(PREFIX.length);
    if (!isRuleName(name)) continue;
    const severity = severityOf(entry);
    if (severity === 0 || severity === 'off') continue;
    enabled.add(name);
    const options = Array.isArray(entry) ? (entry as unknown[]).slice(1) : [];
    if (options.length > 0) ruleOptions[name] = options;
  }
  let rules = plan.rules;
  // A config that enables some of this plugin's rules for the file decides which of them run
  // (`all` on a browser folder leaves out what the browser preset leaves out).
  if (enabled.size > 0) {
    off.push(...rules.filter((rule) => !enabled.has(rule)));
    rules = rules.filter((rule) => enabled.has(rule));
  }
  for (const [rule, overrides] of Object.entries(plan.ruleOptions) as Array<[RuleName, Record<string, unknown>]>) {
    const base = ruleOptions[rule]?.[0];
    ruleOptions[rule] = [{ ...(base && typeof base === 'object' ? base : {}), ...overrides }, ...(ruleOptions[rule]?.slice(1) ?? [])];
  }
  const parserOptions = configured?.languageOptions?.parserOptions ?? {};
  const typeInformation = Object.fromEntries(TYPE_INFORMATION_KEYS.filter((key) => parserOptions[key] !== undefined).map((key) => [key, parserOptions[key]]));
  const typed = typeInformation.project !== undefined && typeInformation.project !== false && typeInformation.project !== null;
  const service = typeInformation.projectService !== undefined && typeInformation.projectService !== false;
  return { rules, settings, ruleOptions, off, ...(typed || service ? { typeInformation } : {}) };
}

/** Reads each file's setup from the plan's config source (`auto`: the flat config ESLint would use). */
export function createConfigReader(plan: CodemodPlan, cwd: string): ConfigReader {
  if (plan.config.kind === 'none') {
    return { describe: () => Promise.resolve(undefined), forFile: () => Promise.resolve(merge(plan, undefined)) };
  }
  const overrideConfigFile = plan.config.kind === 'file' ? resolve(cwd, plan.config.path) : undefined;
  const eslint = new ESLint({ cwd, ...(overrideConfigFile !== undefined ? { overrideConfigFile } : {}) });
  let missing = false;
  return {
    describe: async () => (missing ? undefined : await eslint.findConfigFile()),
    async forFile(path) {
      if (missing) return merge(plan, undefined);
      let config: Calculated | undefined;
      try {
        config = (await eslint.calculateConfigForFile(path)) as typeof config;
      } catch (error) {
        // No eslint.config.* anywhere: the defaults, and the flags.
        if ((error as { messageTemplate?: string }).messageTemplate === 'config-file-missing' && plan.config.kind === 'auto') {
          missing = true;
          return merge(plan, undefined);
        }
        throw new ConfigError(error instanceof Error ? error.message : String(error));
      }
      if (config === undefined) return new IgnoredByConfig(await eslint.findConfigFile(path));
      return merge(plan, config);
    },
  };
}

/** The ESLint config could not be loaded: a usage problem, not a file's. */
export class ConfigError extends Error {}
