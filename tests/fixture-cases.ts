/** Fixture discovery by directory listing (never a hand-kept list). */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ContextManagerName } from '../core/settings.js';

export const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));

export interface RuntimeExpectationConfig {
  expect: Record<string, unknown>[];
}

export interface FixtureConfig {
  settings?: { contextManager?: ContextManagerName; apiModules?: string[]; spanWrappers?: string[] };
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
