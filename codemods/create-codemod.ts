/**
 * `createCodemod('<rule>' | 'all')` returns a jscodeshift transform that runs the rule's own fixes
 * through ESLint's `Linter` (see fix-with-rule.ts). jscodeshift's AST API is not used: it only
 * walks files and collects stats and reports, so jscodeshift is needed only to run these
 * transforms with jscodeshift's own CLI (`otel-context-codemod` does not load it).
 *
 * The transform's options are the codemod's flags (see plan.ts and `otel-context-codemod --help`),
 * kebab-case or camelCase, repeatable values also comma-separated. Run this way, settings and
 * rule options come from the flags only: following the ESLint config is `otel-context-codemod`'s.
 */
import type { API, FileInfo, Options } from 'jscodeshift';
import { mayContainFinding } from '../core/triggers.js';
import { importGuardFor } from './dependency-guard.js';
import type { FileSetup } from './eslint-config.js';
import { fixWithRules } from './fix-with-rule.js';
import type { FixResult } from './fix-with-rule.js';
import { buildPlan, resolveCodemodRules } from './plan.js';
import type { CodemodPlan } from './plan.js';

export { resolveCodemodRules } from './plan.js';

/** A jscodeshift transform (synchronous: ESLint's Linter is). */
export type Codemod = (file: FileInfo, api: Pick<API, 'stats' | 'report'> & Partial<API>, options?: Options) => string | undefined;

/** A file's setup from the flags alone (no ESLint config). */
export function setupFromPlan(plan: CodemodPlan): FileSetup {
  const ruleOptions: FileSetup['ruleOptions'] = {};
  for (const [rule, options] of Object.entries(plan.ruleOptions)) ruleOptions[rule as keyof typeof ruleOptions] = [options];
  return { rules: plan.rules, settings: plan.settings, ruleOptions, off: [] };
}

/** A fatal result (the file does not parse, or a fix would break it) as an Error naming file and line. */
export class FileError extends Error {}

/**
 * Runs `setup.rules`' fixes on one file. Returns undefined when no rule can report on it (a cheap
 * textual test); throws a FileError naming file and line when it does not parse.
 */
export function fixFile(path: string, source: string, plan: CodemodPlan, setup: FileSetup): FixResult | undefined {
  if (setup.rules.length === 0 || !mayContainFinding(source, setup.rules, setup.settings)) return undefined;
  const result = fixWithRules(source, path, {
    rules: setup.rules,
    settings: setup.settings,
    unsafe: plan.unsafe,
    ruleOptions: setup.ruleOptions as Record<string, readonly unknown[]>,
    importGuard: importGuardFor(path, source),
    ...(plan.tsconfig !== undefined ? { tsconfig: plan.tsconfig } : {}),
    ...(setup.typeInformation !== undefined ? { typeInformation: setup.typeInformation } : {}),
  });
  if (result.fatal) {
    const { line, column, message } = result.fatal;
    throw new FileError(line > 0 ? `${path}:${line}:${column} ${message}` : `${path}: ${message}`);
  }
  return result;
}

export function createCodemod(target: string): Codemod {
  resolveCodemodRules(target); // fail at load time for an unknown rule
  // Parsed once per options object (jscodeshift hands the same one to every file).
  const plans = new WeakMap<object, CodemodPlan>();
  return function transform(file, api, options = {}) {
    let plan = plans.get(options);
    if (plan === undefined) {
      plan = buildPlan(target, options);
      plans.set(options, plan);
    }
    const result = fixFile(file.path, file.source, plan, setupFromPlan(plan));
    if (result === undefined) return undefined;
    for (const [messageId, count] of Object.entries(result.fixed)) api.stats(messageId, count);
    for (const finding of result.remaining) {
      api.report(`${file.path}:${finding.line}:${finding.column} ${finding.message}${finding.reason ? ` (not fixed: ${finding.reason})` : ''}`);
    }
    return result.changed ? result.output : undefined;
  };
}
