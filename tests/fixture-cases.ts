/** Fixture discovery by directory listing (never a hand-kept list). */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FixWithRulesOptions } from '../codemods/fix-with-rule.js';
import type { ContextManagerName } from '../core/settings.js';

export const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));

export interface RuntimeExpectationConfig {
  expect: Record<string, unknown>[];
}

export interface FixtureConfig {
  settings?: { contextManager?: ContextManagerName; apiModules?: string[]; spanWrappers?: string[] };
  /** The rule's options, as in an ESLint config (`["error", ...options]`): `[{ "checkVoid": true }]`. */
  options?: unknown[];
  unsafe?: boolean;
  runtime?: RuntimeExpectationConfig;
}

export interface FixtureCase {
  rule: string;
  name: string;
  inputPath: string;
  outputPath: string | undefined;
  config: FixtureConfig;
}

export interface ValidFixture {
  rule: string;
  name: string;
  path: string;
  config: FixtureConfig;
}

const SOURCE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;

function readConfig(path: string): FixtureConfig {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as FixtureConfig) : {};
}

export function listFixtureRules(): string[] {
  return readdirSync(FIXTURES_DIR)
    .filter((name) => statSync(join(FIXTURES_DIR, name)).isDirectory())
    .sort();
}

export function listCases(rule: string): FixtureCase[] {
  const dir = join(FIXTURES_DIR, rule);
  const files = readdirSync(dir);
  return files
    .map((file) => /^(.*)\.input\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/.exec(file))
    .filter((match): match is RegExpExecArray => match !== null)
    .map(([file = '', name = '', ext = '']) => {
      const output = `${name}.output.${ext}`;
      return {
        rule,
        name,
        inputPath: join(dir, file),
        outputPath: files.includes(output) ? join(dir, output) : undefined,
        config: readConfig(join(dir, `${name}.json`)),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function listValid(rule: string): ValidFixture[] {
  const dir = join(FIXTURES_DIR, rule, 'valid');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => SOURCE.test(file))
    .map((file) => {
      const name = file.replace(SOURCE, '');
      return { rule, name, path: join(dir, file), config: readConfig(join(dir, `${name}.json`)) };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * How a fixture is linted and fixed: its rule, with the sidecar's `settings` and rule `options`.
 * The fixture test (lint rendering and codemod output), the runtime proofs and the fix-kind check
 * all lint through this, so that they judge the same findings.
 */
export function lintOptionsOf(rule: string, config: FixtureConfig): FixWithRulesOptions {
  return {
    rules: [rule],
    settings: config.settings ?? {},
    ...(config.options !== undefined ? { ruleOptions: { [rule]: config.options } } : {}),
  };
}

/**
 * The options a jscodeshift transform of the rule gets for a fixture: the settings as flags, and
 * the rule's options as flags named by the option (`checkVoid`, as `--check-void` would set it).
 * A rule's options are one object: a sidecar that lists more is an error.
 */
export function codemodOptionsOf(config: FixtureConfig): Record<string, unknown> {
  const ruleOptions = config.options ?? [];
  if (ruleOptions.length > 1 || (ruleOptions.length === 1 && (typeof ruleOptions[0] !== 'object' || ruleOptions[0] === null))) {
    throw new Error(`fixture options must be [ { ...one object } ], got ${JSON.stringify(ruleOptions)}`);
  }
  return {
    ...(config.settings?.contextManager ? { contextManager: config.settings.contextManager } : {}),
    ...(config.settings?.apiModules ? { apiModules: config.settings.apiModules } : {}),
    ...(config.settings?.spanWrappers ? { spanWrappers: config.settings.spanWrappers } : {}),
    ...(ruleOptions[0] as Record<string, unknown> | undefined),
    ...(config.unsafe ? { unsafe: true } : {}),
  };
}
