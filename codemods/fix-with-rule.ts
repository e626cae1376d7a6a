/**
 * The only bridge between the rules and the codemods: runs ESLint's own `Linter` with this plugin
 * and only the chosen rules, so a codemod rewrites exactly what `eslint --fix` would (house style
 * §8.5). With `unsafe`, each remaining finding's first suggestion is applied too, in passes, the
 * way ESLint applies fixes: sorted by range, overlapping edits deferred, re-linted until nothing
 * changes.
 *
 * Nothing here knows what loses context; that is `core/`'s business.
 */
import { dirname, extname, resolve } from 'node:path';
import * as tsParser from '@typescript-eslint/parser';
import { Linter } from 'eslint';
import type { ESLint } from 'eslint';
import plugin from '../index.js';
import type { OtelContextSettings } from '../core/settings.js';
import { SETTINGS_KEY } from '../core/settings.js';
import { LINTED_FILES } from '../configs/index.js';

export const PLUGIN_PREFIX = 'otel-context/';

/** How many suggestion passes `unsafe` makes at most (ESLint makes at most 10 fix passes). */
const MAX_SUGGESTION_PASSES = 10;

export interface FixWithRulesOptions {
  /** Rule names without the `otel-context/` prefix. */
  rules: readonly string[];
  /** `settings['otel-context']`. */
  settings?: Partial<OtelContextSettings>;
  /** Also apply each remaining finding's first suggestion. */
  unsafe?: boolean;
  /** A tsconfig file: enables type information (required by type-aware rules). */
  tsconfig?: string;
  /** Rule options by rule name (without the prefix), as in an ESLint config: they replace the defaults. */
  ruleOptions?: Readonly<Record<string, readonly unknown[]>>;
}

export interface RemainingFinding {
  line: number;
  column: number;
  ruleId: string;
  messageId: string;
  message: string;
}

export interface FatalError {
  /** 1-based; 0 when the error has no location. */
  line: number;
  column: number;
  message: string;
}

export interface FixResult {
  /** The rewritten source (equal to the input when nothing changed); absent when `fatal`. */
  output?: string;
  changed: boolean;
  /** Findings fixed: findings before minus findings after, per messageId, summed. */
  fixedCount: number;
  /** Fixed findings per messageId (never negative). */
  fixed: Record<string, number>;
  /** Findings still present in the output (or in the input when nothing could be fixed). */
  remaining: RemainingFinding[];
  /** The input does not parse, or a fix would have produced code that does not parse. */
  fatal?: FatalError;
}

interface RuleMetaLike {
  fixable?: string;
  hasSuggestions?: boolean;
  docs?: { requiresTypeChecking?: boolean; typeCheckedOptions?: readonly unknown[] };
}

const pluginRules = plugin.rules as unknown as Record<string, { meta?: RuleMetaLike }>;

/** Every rule of the plugin. */
export function ruleNames(): string[] {
  return Object.keys(pluginRules).sort();
}

/** The rules a codemod can act on: those with `meta.fixable` or `meta.hasSuggestions`. */
export function codemodRuleNames(): string[] {
  return ruleNames().filter((name) => {
    const meta = pluginRules[name]?.meta;
    return meta?.fixable !== undefined || meta?.hasSuggestions === true;
  });
}

export function requiresTypeChecking(rule: string): boolean {
  return pluginRules[rule]?.meta?.docs?.requiresTypeChecking === true;
}

/**
 * A rule runs with the options given for it; otherwise, with type information, with its
 * `meta.docs.typeCheckedOptions` (as in `recommended-type-checked`).
 */
function ruleEntry(rule: string, typed: boolean, given: FixWithRulesOptions['ruleOptions']): Linter.RuleEntry {
  const options = given?.[rule] ?? (typed ? pluginRules[rule]?.meta?.docs?.typeCheckedOptions : undefined);
  return options && options.length > 0 ? ['error', ...options] : 'error';
}

const JSX_OFF = new Set(['.ts', '.mts', '.cts']);
const COMMONJS = new Set(['.cjs', '.cts']);

function buildConfig(filename: string, options: FixWithRulesOptions, rules: readonly string[]): Linter.Config[] {
  const ext = extname(filename).toLowerCase();
  const tsconfig = options.tsconfig === undefined ? undefined : resolve(options.tsconfig);
  const parserOptions: Linter.ParserOptions = {
    ecmaVersion: 'latest',
    sourceType: COMMONJS.has(ext) ? 'commonjs' : 'module',
    // `.ts` cannot have JSX (`<T>x` is a cast); JS files may, and parse the same without it.
    ecmaFeatures: { jsx: !JSX_OFF.has(ext) },
    ...(tsconfig !== undefined ? { project: tsconfig, tsconfigRootDir: dirname(tsconfig) } : {}),
  };
  return [
    {
      files: LINTED_FILES,
      plugins: { 'otel-context': plugin as unknown as ESLint.Plugin },
      languageOptions: { parser: tsParser as unknown as Linter.Parser, parserOptions },
      linterOptions: { reportUnusedDisableDirectives: 'off', reportUnusedInlineConfigs: 'off' },
      settings: { [SETTINGS_KEY]: { ...options.settings } },
      rules: Object.fromEntries(rules.map((rule) => [`${PLUGIN_PREFIX}${rule}`, ruleEntry(rule, tsconfig !== undefined, options.ruleOptions)])),
    },
  ];
}

function checkRules(options: FixWithRulesOptions): readonly string[] {
  if (options.rules.length === 0) throw new Error('fixWithRules: no rule given');
  for (const rule of options.rules) {
    if (!(rule in pluginRules)) {
      throw new Error(`Unknown rule '${rule}' (known rules: ${ruleNames().join(', ')})`);
    }
    if (requiresTypeChecking(rule) && options.tsconfig === undefined) {
      throw new Error(`Rule '${rule}' needs type information: pass a tsconfig (--tsconfig FILE)`);
    }
  }
  return options.rules;
}

/** Parse errors have a location; some (a file outside the tsconfig) have none: line and column 0. */
function toFatal(message: Linter.LintMessage): FatalError {
  return { line: message.line ?? 0, column: message.column ?? 0, message: message.message };
}

function findingKey(message: Linter.LintMessage): string {
  return message.messageId ?? message.ruleId ?? 'unknown';
}

function countByMessageId(messages: readonly Linter.LintMessage[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const message of messages) counts.set(findingKey(message), (counts.get(findingKey(message)) ?? 0) + 1);
  return counts;
}

function toRemaining(message: Linter.LintMessage): RemainingFinding {
  return {
    line: message.line,
    column: message.column,
    ruleId: message.ruleId ?? '',
    messageId: message.messageId ?? '',
    message: message.message,
  };
}

type TextEdit = { range: readonly [number, number]; text: string };

/**
 * Applies edits the way ESLint's `SourceCodeFixer` does: sorted by range, an edit that overlaps (or
 * touches) one already taken is deferred to the next pass. Returns the new text and how many were applied.
 */
export function applyNonOverlapping(text: string, edits: readonly TextEdit[]): { output: string; applied: number } {
  const sorted = [...edits].sort((a, b) => a.range[0] - b.range[0] || a.range[1] - b.range[1]);
  let output = '';
  let lastEnd = Number.NEGATIVE_INFINITY;
  let cursor = 0;
  let applied = 0;
  for (const edit of sorted) {
    const [start, end] = edit.range;
    if (start <= lastEnd || start < 0 || end > text.length || end < start) continue;
    output += text.slice(cursor, start) + edit.text;
    cursor = end;
    lastEnd = end;
    applied++;
  }
  return { output: output + text.slice(cursor), applied };
}

/** Lints `source` as `filename` with only `options.rules` enabled, with the codemod's own config (no fixing). */
export function lintWithRules(source: string, filename: string, options: FixWithRulesOptions): Linter.LintMessage[] {
  const rules = checkRules(options);
  const absolute = resolve(filename);
  const selected = new Set(rules.map((rule) => `${PLUGIN_PREFIX}${rule}`));
  const verifyOptions = { filename: absolute, ruleFilter: ({ ruleId }: { ruleId: string }) => selected.has(ruleId) };
  return new Linter({ cwd: dirname(absolute) }).verify(source, buildConfig(absolute, options, rules), verifyOptions);
}

/**
 * Lints `source` as `filename` with only `options.rules` enabled, applies their fixes (and, with
 * `unsafe`, their first suggestions), and reports what was fixed and what is left.
 */
export function fixWithRules(source: string, filename: string, options: FixWithRulesOptions): FixResult {
  const rules = checkRules(options);
  const absolute = resolve(filename);
  // The config's `files` globs are resolved against the Linter's cwd: use the file's own directory
  // so that files outside process.cwd() are linted too.
  const linter = new Linter({ cwd: dirname(absolute) });
  const config = buildConfig(absolute, options, rules);
  const selected = new Set(rules.map((rule) => `${PLUGIN_PREFIX}${rule}`));
  // Inline `/* eslint some-rule: error */` comments must not switch on (and fix with) other rules.
  const verifyOptions = { filename: absolute, ruleFilter: ({ ruleId }: { ruleId: string }) => selected.has(ruleId) };
  const ours = (messages: readonly Linter.LintMessage[]) =>
    messages.filter((m) => m.fatal !== true && m.ruleId !== null && selected.has(m.ruleId));
  const fatalOf = (messages: readonly Linter.LintMessage[]) => messages.find((m) => m.fatal === true);

  const initial = linter.verify(source, config, verifyOptions);
  const initialFatal = fatalOf(initial);
  if (initialFatal) return { changed: false, fixedCount: 0, fixed: {}, remaining: [], fatal: toFatal(initialFatal) };
  const before = ours(initial);
  const actionable = (m: Linter.LintMessage) => m.fix !== undefined || (options.unsafe === true && (m.suggestions?.length ?? 0) > 0);
  if (!before.some(actionable)) {
    return { output: source, changed: false, fixedCount: 0, fixed: {}, remaining: before.map(toRemaining) };
  }

  const fixFatal = (fatal: Linter.LintMessage): FixResult => ({
    changed: false,
    fixedCount: 0,
    fixed: {},
    remaining: before.map(toRemaining),
    fatal: { ...toFatal(fatal), message: `a fix would produce code that does not parse: ${fatal.message}` },
  });

  // ESLint applies the fixes in passes (at most 10), re-linting after each.
  const first = linter.verifyAndFix(source, config, { ...verifyOptions, fix: true });
  const firstFatal = fatalOf(first.messages);
  if (firstFatal) return fixFatal(firstFatal);
  let text = first.output;
  let after = ours(first.messages);

  // `unsafe`: the first suggestion of each remaining finding, in passes; each pass is followed by
  // the fixes it makes possible. A pass that would break the syntax is dropped, and stops the loop.
  for (let pass = 0; options.unsafe === true && pass < MAX_SUGGESTION_PASSES; pass++) {
    const edits = after.flatMap((m) => {
      const fix = m.suggestions?.[0]?.fix;
      return fix ? [fix] : [];
    });
    if (edits.length === 0) break;
    const next = applyNonOverlapping(text, edits);
    if (next.applied === 0 || next.output === text) break;
    const result = linter.verifyAndFix(next.output, config, { ...verifyOptions, fix: true });
    if (fatalOf(result.messages)) break;
    text = result.output;
    after = ours(result.messages);
  }

  const changed = text !== source;
  if (changed) {
    // The output must parse on its own (no rule involved).
    const check = linter.verify(text, buildConfig(absolute, options, []), { filename: absolute });
    const fatal = fatalOf(check);
    if (fatal) return fixFatal(fatal);
  }

  const beforeCounts = countByMessageId(before);
  const afterCounts = countByMessageId(after);
  const fixed: Record<string, number> = {};
  let fixedCount = 0;
  for (const [key, count] of beforeCounts) {
    const n = Math.max(0, count - (afterCounts.get(key) ?? 0));
    if (n > 0) {
      fixed[key] = n;
      fixedCount += n;
    }
  }
  return { output: text, changed, fixedCount, fixed, remaining: after.map(toRemaining) };
}
