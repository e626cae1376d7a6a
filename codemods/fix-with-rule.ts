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
import { isRuleName, requiresTypeChecking, ruleMeta, ruleNames } from '../rule-meta.js';
import { moduleSpecifiers } from './dependency-guard.js';
import type { ImportGuard } from './dependency-guard.js';

export { codemodRuleNames, requiresTypeChecking, ruleNames } from '../rule-meta.js';

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
  /** Type-information parser options from the user's ESLint config (`projectService`, `project`, `tsconfigRootDir`); `tsconfig` wins. */
  typeInformation?: Readonly<Record<string, unknown>>;
  /** Rule options by rule name (without the prefix), as in an ESLint config: they replace the defaults. */
  ruleOptions?: Readonly<Record<string, readonly unknown[]>>;
  /**
   * Called for every module a fix (or, with `unsafe`, a suggestion) would newly import; returns
   * why that is refused, or undefined. A refused fix is replaced by one of the rule's
   * `meta.docs.dependencyFreeFixes` suggestions when one applies, else left unfixed with the reason.
   */
  importGuard?: ImportGuard;
}

export interface RemainingFinding {
  line: number;
  column: number;
  ruleId: string;
  messageId: string;
  message: string;
  /** Why its fix was not applied (the import guard refused it), when that is the reason. */
  reason?: string;
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
  /** Fixed findings per rule name (without the prefix). */
  fixedByRule?: Record<string, number>;
  /** Findings still present in the output (or in the input when nothing could be fixed), positioned in the output. */
  remaining: RemainingFinding[];
  /** The findings in the input, positioned in the input (for reporting positions in a file that was not written). */
  initial?: RemainingFinding[];
  /** The input does not parse, or a fix would have produced code that does not parse. */
  fatal?: FatalError;
}

/**
 * A rule runs with the options given for it; otherwise, with type information, with its
 * `meta.docs.typeCheckedOptions` (as in `recommended-type-checked`).
 */
function ruleEntry(rule: string, typed: boolean, given: FixWithRulesOptions['ruleOptions']): Linter.RuleEntry {
  const options = given?.[rule] ?? (typed ? ruleMeta(rule).docs.typeCheckedOptions : undefined);
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
    ...(tsconfig !== undefined ? { project: tsconfig, tsconfigRootDir: dirname(tsconfig) } : (options.typeInformation ?? {})),
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
    if (!isRuleName(rule)) {
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

function toRemaining(message: Linter.LintMessage, reason?: string): RemainingFinding {
  return {
    ...(reason !== undefined ? { reason } : {}),
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

type Fix = { range: readonly [number, number]; text: string };

function ruleNameOf(message: Linter.LintMessage): string {
  return (message.ruleId ?? '').slice(PLUGIN_PREFIX.length);
}

/**
 * The import guard applied to one message: its fix when that adds no refused import; else the first
 * of the rule's `dependencyFreeFixes` suggestions that adds none; else the reason it is refused.
 */
function guardedFix(message: Linter.LintMessage, text: string, guard: ImportGuard, useSuggestion: boolean): Fix | string | undefined {
  const existing = moduleSpecifiers(text);
  const refusal = (fix: Fix) => {
    for (const specifier of moduleSpecifiers(fix.text)) {
      if (existing.has(specifier)) continue;
      const reason = guard(specifier);
      if (reason !== undefined) return reason;
    }
    return undefined;
  };
  const primary = useSuggestion ? message.suggestions?.[0]?.fix : message.fix;
  if (primary === undefined) return undefined;
  const reason = refusal(primary);
  if (reason === undefined) return primary;
  const rule = ruleNameOf(message);
  const alternatives = isRuleName(rule) ? (ruleMeta(rule).docs.dependencyFreeFixes ?? []) : [];
  for (const suggestion of message.suggestions ?? []) {
    if (suggestion.messageId !== undefined && alternatives.includes(suggestion.messageId) && refusal(suggestion.fix) === undefined) {
      return suggestion.fix;
    }
  }
  return reason;
}

function findingIdentity(message: Linter.LintMessage): string {
  return `${message.ruleId ?? ''}|${message.messageId ?? ''}|${message.message}`;
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
  const initialFindings = before.map((m) => toRemaining(m));
  const actionable = (m: Linter.LintMessage) => m.fix !== undefined || (options.unsafe === true && (m.suggestions?.length ?? 0) > 0);
  if (!before.some(actionable)) {
    return { output: source, changed: false, fixedCount: 0, fixed: {}, remaining: initialFindings, initial: initialFindings };
  }

  const fixFatal = (fatal: Linter.LintMessage): FixResult => ({
    changed: false,
    fixedCount: 0,
    fixed: {},
    remaining: initialFindings,
    initial: initialFindings,
    fatal: { ...toFatal(fatal), message: `a fix would produce code that does not parse: ${fatal.message}` },
  });

  const guard = options.importGuard;
  const refused = new Map<string, string>();
  /** One pass of guarded edits over `text` (fixes, or first suggestions); undefined when nothing applies. */
  const guardedPass = (text: string, messages: readonly Linter.LintMessage[], useSuggestion: boolean): string | undefined => {
    const edits: Fix[] = [];
    for (const message of messages) {
      const fix = guard ? guardedFix(message, text, guard, useSuggestion) : useSuggestion ? message.suggestions?.[0]?.fix : message.fix;
      if (typeof fix === 'string') refused.set(findingIdentity(message), fix);
      else if (fix !== undefined) edits.push(fix);
    }
    if (edits.length === 0) return undefined;
    const next = applyNonOverlapping(text, edits);
    return next.applied === 0 || next.output === text ? undefined : next.output;
  };

  // ESLint applies the fixes in passes (at most 10), re-linting after each.
  let text: string;
  let after: Linter.LintMessage[];
  const first = linter.verifyAndFix(source, config, { ...verifyOptions, fix: true });
  const firstFatal = fatalOf(first.messages);
  if (firstFatal) return fixFatal(firstFatal);
  const addsRefusedImport =
    guard !== undefined && [...moduleSpecifiers(first.output)].some((s) => !moduleSpecifiers(source).has(s) && guard(s) !== undefined);
  if (!addsRefusedImport) {
    text = first.output;
    after = ours(first.messages);
  } else {
    // The same passes as ESLint's, with each fix checked by the guard.
    text = source;
    after = before;
    for (let pass = 0; pass < MAX_SUGGESTION_PASSES; pass++) {
      const next = guardedPass(text, after, false);
      if (next === undefined) break;
      const result = linter.verify(next, config, verifyOptions);
      if (fatalOf(result)) return fixFatal(fatalOf(result) as Linter.LintMessage);
      text = next;
      after = ours(result);
    }
  }

  // `unsafe`: the first suggestion of each remaining finding, in passes; each pass is followed by
  // the fixes it makes possible. A pass that would break the syntax is dropped, and stops the loop.
  for (let pass = 0; options.unsafe === true && pass < MAX_SUGGESTION_PASSES; pass++) {
    const next = guardedPass(text, after, true);
    if (next === undefined) break;
    const result = linter.verifyAndFix(next, config, { ...verifyOptions, fix: true });
    if (fatalOf(result.messages)) break;
    if (guard !== undefined && [...moduleSpecifiers(result.output)].some((s) => !moduleSpecifiers(text).has(s) && guard(s) !== undefined)) break;
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
  const fixedByRule: Record<string, number> = {};
  const countRules = (messages: readonly Linter.LintMessage[]) => {
    const counts = new Map<string, number>();
    for (const m of messages) counts.set(ruleNameOf(m), (counts.get(ruleNameOf(m)) ?? 0) + 1);
    return counts;
  };
  const afterRules = countRules(after);
  for (const [rule, count] of countRules(before)) {
    const n = Math.max(0, count - (afterRules.get(rule) ?? 0));
    if (n > 0) fixedByRule[rule] = n;
  }
  return {
    output: text,
    changed,
    fixedCount,
    fixed,
    fixedByRule,
    remaining: after.map((m) => toRemaining(m, refused.get(findingIdentity(m)))),
    initial: initialFindings,
  };
}
