import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import plugin from '../index.js';
import { PRESET_NAMES } from '../configs/index.js';
import { checkRuleFiles } from './support/rule-files.js';
import { hasCodemod, ruleMeta } from '../rule-meta.js';

const root = new URL('../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');
const list = (dir: string): string[] => (existsSync(new URL(dir, root)) ? readdirSync(new URL(dir, root)) : []);
const sorted = (names: Iterable<string>): string[] => [...names].sort();

const ruleNames = sorted(Object.keys(plugin.rules));
const rules = Object.fromEntries(ruleNames.map((name) => [name, { meta: ruleMeta(name) }]));

describe('one name, five places', () => {
  it('the registry equals the rule files', () => {
    const files = list('rules/').filter((f) => f.endsWith('.ts') && f !== 'index.ts' && f !== 'create-rule.ts' );
    expect(sorted(files.map((f) => f.replace(/\.ts$/, '')))).toEqual(ruleNames);
  });
  it('the registry is sorted', () => {
    expect(Object.keys(plugin.rules)).toEqual(ruleNames);
  });
  it('every rule has a doc, a fixture folder and a test', () => {
    expect(sorted(list('docs/rules/').map((f) => f.replace(/\.md$/, '')))).toEqual(ruleNames);
    expect(sorted(list('fixtures/').filter((f) => !f.includes('.')))).toEqual(ruleNames);
    expect(sorted(list('tests/rules/').map((f) => f.replace(/\.test\.ts$/, '')))).toEqual(ruleNames);
  });
  it('exactly the rules with a fix or suggestions have a codemod', () => {
    const codemods = list('codemods/')
      .filter((f) => f.endsWith('.ts'))
      .map((f) => f.replace(/\.ts$/, ''))
      .filter((n) => n in plugin.rules);
    expect(sorted(codemods)).toEqual(ruleNames.filter(hasCodemod));
  });
  it('every rule with a codemod has at least one runtime fixture', () => {
    for (const name of ruleNames.filter(hasCodemod)) {
      const runtime = list(`fixtures/${name}/`).filter(
        (f) => f.endsWith('.json') && (JSON.parse(read(`fixtures/${name}/${f}`)) as { runtime?: unknown }).runtime !== undefined,
      );
      expect(runtime.length, name).toBeGreaterThan(0);
    }
  });
  it('every rule passes the rule-file checks that a scaffolded rule fails (tests/new-rule.test.ts)', () => {
    for (const name of ruleNames) expect(checkRuleFiles(fileURLToPath(root), name), name).toEqual([]);
  });
  it('a rule doc has a ## Codemod section exactly when the rule has a codemod', () => {
    for (const name of ruleNames) {
      expect(/^## Codemod$/m.test(read(`docs/rules/${name}.md`)), name).toBe(hasCodemod(name));
    }
  });
});

describe('meta', () => {
  const pkg = JSON.parse(read('package.json')) as { name: string; version: string };
  it('name and version come from package.json', () => {
    expect(plugin.meta).toEqual({ name: pkg.name, version: pkg.version, namespace: 'otel-context' });
  });
  it('every rule links its doc and describes itself in the ESLint form', () => {
    for (const name of ruleNames) {
      const docs = ruleMeta(name).docs;
      expect(docs.url, name).toMatch(new RegExp(`/docs/rules/${name}\\.md$`));
      expect(docs.description, name).toMatch(/^(Disallow|Require|Enforce) [^.]*[^.]$/);
    }
  });
  it('messages are full sentences', () => {
    for (const name of ruleNames) {
      for (const message of Object.values(rules[name]?.meta.messages ?? {})) {
        expect(message, name).toMatch(/^[A-Z'].*\.$/s);
      }
    }
  });
  it('a rule uses parser services exactly when it requires type checking or has a type-checked mode', () => {
    // Follows the rule's imports into core/ transitively.
    const sourcesOf = (file: string, seen = new Set<string>()): string => {
      if (seen.has(file)) return '';
      seen.add(file);
      const text = read(file);
      const imports = [...text.matchAll(/from '(\.\.?\/[^']+)\.js'/g)]
        .map((m) => posix.join(posix.dirname(file), `${m[1] ?? ''}.ts`))
        .filter((path) => path.startsWith('core/') && existsSync(new URL(path, root)));
      return text + imports.map((path) => sourcesOf(path, seen)).join('\n');
    };
    for (const name of ruleNames) {
      const docs = ruleMeta(name).docs;
      const typed = docs.requiresTypeChecking === true || Array.isArray(docs.typeCheckedOptions);
      expect(/getParserServices/.test(sourcesOf(`rules/${name}.ts`)), name).toBe(typed);
    }
  });
});

describe('presets', () => {
  const docsOf = (name: string) => ruleMeta(name).docs;
  const entry = (name: string, options: unknown): unknown =>
    Array.isArray(options) && options.length > 0 ? ['error', ...(options as unknown[])] : 'error';
  const expected: Record<string, { rules: string[]; contextManager?: string; options?: (name: string) => unknown; files?: string[] | undefined; entry?: (name: string) => unknown }> = {
    recommended: {
      rules: ruleNames.filter((n) => docsOf(n).recommended === true && docsOf(n).requiresTypeChecking !== true),
      contextManager: 'async-local-storage',
    },
    'recommended-type-checked': {
      rules: ruleNames.filter((n) => docsOf(n).recommended === true),
      contextManager: 'async-local-storage',
      options: (n) => docsOf(n).typeCheckedOptions,
      // TypeScript files only: a type-aware option on a .cjs without type information would stop the run
      files: ['**/*.{ts,tsx,mts,cts}'],
    },
    browser: {
      rules: ruleNames.filter((n) => docsOf(n).browser === true && docsOf(n).requiresTypeChecking !== true),
      contextManager: 'zone',
    },
    strict: { rules: ruleNames.filter((n) => docsOf(n).requiresTypeChecking !== true), options: (n) => docsOf(n).strictOptions },
    all: { rules: ruleNames },
    'disable-type-checked': {
      rules: ruleNames.filter((n) => docsOf(n).requiresTypeChecking === true || docsOf(n).typeCheckedOptions !== undefined),
      files: undefined,
      entry: (n) =>
        docsOf(n).requiresTypeChecking === true
          ? 'off'
          : ['error', ...(docsOf(n).typeCheckedOptions ?? []).map((o) => Object.fromEntries(Object.entries(o as object).map(([k, v]) => [k, v === true ? false : v])))],
    },
  };
  it('are exactly the six presets', () => {
    expect(sorted(Object.keys(plugin.configs))).toEqual(sorted(PRESET_NAMES));
  });
  for (const [name, want] of Object.entries(expected)) {
    it(`${name} equals its recomputation from rule metadata`, () => {
      const config = plugin.configs[name as keyof typeof plugin.configs];
      expect(config.name).toBe(`otel-context/${name}`);
      expect(config.plugins?.['otel-context']).toBe(plugin);
      expect(sorted(Object.keys(config.rules ?? {}))).toEqual(want.rules.map((r) => `otel-context/${r}`));
      for (const r of want.rules) {
        expect(config.rules?.[`otel-context/${r}`], r).toEqual(want.entry ? want.entry(r) : entry(r, want.options?.(r)));
      }
      expect((config.settings?.['otel-context'] as { contextManager?: string } | undefined)?.contextManager).toBe(want.contextManager);
      expect(config.files).toEqual('files' in want ? want.files : ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}']);
    });
  }
});

describe('codemod pre-filter', () => {
  it('every rule has trigger strings, so `otel-context-codemod all` can skip files without parsing them', async () => {
    const { RULE_TRIGGERS } = await import('../core/triggers.js');
    expect(sorted(Object.keys(RULE_TRIGGERS))).toEqual(ruleNames);
  });
});

describe('rule options', () => {
  it('are merged with the defaults once per configuration: each configuration gets its own, and user config objects are never frozen', async () => {
    const { Linter } = await import('eslint');
    const tsParser = (await import('@typescript-eslint/parser')).default;
    const code = `import { trace } from '@opentelemetry/api';
declare const limit: <T>(fn: () => Promise<T>) => Promise<T>;
export const tracer = trace.getTracer('x');
export function fetchAll(urls: string[]) { return urls.map((u) => limit(() => fetch(u))); }`;
    const linter = new Linter({ configType: 'flat' });
    const lint = (options: object) =>
      linter.verify(code, [{ files: ['**/*.ts'], languageOptions: { parser: tsParser as never }, plugins: { 'otel-context': plugin as never }, rules: { 'otel-context/no-unbound-queued-callback': ['error', options] } }], { filename: 'x.ts' });
    const withLimit = { additionalQueueFunctions: ['limit'] };
    for (let i = 0; i < 2; i++) {
      expect(lint(withLimit).map((m) => m.messageId)).toEqual(['queuedCallbackLosesContext']);
      expect(lint({ additionalQueueFunctions: [] })).toEqual([]);
      expect(lint({})).toEqual([]);
    }
    expect(Object.isFrozen(withLimit)).toBe(false);
    expect(Object.isFrozen(withLimit.additionalQueueFunctions)).toBe(false);
  });
});
