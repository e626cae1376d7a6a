/**
 * `createCodemod('<rule>' | 'all')` returns a jscodeshift transform that runs the rule's own fixes
 * through ESLint's `Linter` (see fix-with-rule.ts). jscodeshift's AST API is not used: it only
 * walks files and collects stats and reports.
 *
 * Options (jscodeshift passes unknown CLI flags through, kebab-case or camelCase):
 *   --context-manager NAME   settings['otel-context'].contextManager
 *   --api-module M           settings['otel-context'].apiModules (repeatable or comma-separated)
 *   --span-wrapper W         settings['otel-context'].spanWrappers (repeatable or comma-separated)
 *   --unsafe                 also apply each remaining finding's first suggestion
 *   --tsconfig FILE          type information (required by type-aware rules)
 *   --queue-function F       no-unbound-queued-callback's additionalQueueFunctions (repeatable or
 *                            comma-separated), as configured for the lint
 *   --instrumented-transport T  require-context-propagation's instrumentedTransports (repeatable)
 */
import type { API, FileInfo, Options } from 'jscodeshift';
import { CONTEXT_MANAGERS, isContextManagerName } from '../core/settings.js';
import type { ContextManagerName, OtelContextSettings } from '../core/settings.js';
import { INSTRUMENTABLE_TRANSPORTS } from '../core/transports/records.js';
import { mayContainFinding } from '../core/triggers.js';
import { codemodRuleNames, fixWithRules, requiresTypeChecking, ruleNames } from './fix-with-rule.js';

/** A jscodeshift transform (synchronous: ESLint's Linter is). */
export type Codemod = (file: FileInfo, api: Pick<API, 'stats' | 'report'> & Partial<API>, options?: Options) => string | undefined;

function option(options: Options, camel: string, kebab: string): unknown {
  return options[camel] ?? options[kebab];
}

function stringList(value: unknown, flag: string): string[] {
  if (value === undefined || value === null || value === false) return [];
  const values = Array.isArray(value) ? value : [value];
  return values.flatMap((v) => {
    if (typeof v !== 'string') throw new Error(`--${flag} expects a name (got ${JSON.stringify(v)})`);
    return v.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  });
}

function flag(value: unknown): boolean {
  return value === true || value === 'true' || value === 1 || value === '1';
}

export interface CodemodOptions {
  settings: Partial<OtelContextSettings>;
  unsafe: boolean;
  tsconfig?: string;
  ruleOptions?: Record<string, readonly unknown[]>;
}

/** Reads the transform options given by jscodeshift (or our CLI); throws on bad values. */
export function readCodemodOptions(options: Options = {}): CodemodOptions {
  const settings: { -readonly [K in keyof OtelContextSettings]?: OtelContextSettings[K] } = {};
  const manager = option(options, 'contextManager', 'context-manager');
  if (manager !== undefined) {
    if (!isContextManagerName(manager)) {
      throw new Error(`--context-manager must be one of ${CONTEXT_MANAGERS.join(', ')} (got ${JSON.stringify(manager)})`);
    }
    settings.contextManager = manager satisfies ContextManagerName;
  }
  const apiModules = stringList(option(options, 'apiModules', 'api-module') ?? options.apiModule, 'api-module');
  if (apiModules.length > 0) settings.apiModules = apiModules;
  const spanWrappers = stringList(option(options, 'spanWrappers', 'span-wrapper') ?? options.spanWrapper, 'span-wrapper');
  if (spanWrappers.length > 0) settings.spanWrappers = spanWrappers;
  const tsconfig = options.tsconfig;
  if (tsconfig !== undefined && typeof tsconfig !== 'string') throw new Error('--tsconfig expects a file name');
  const ruleOptions: Record<string, readonly unknown[]> = {};
  const queueFunctions = stringList(option(options, 'queueFunctions', 'queue-function') ?? options.queueFunction, 'queue-function');
  if (queueFunctions.length > 0) ruleOptions['no-unbound-queued-callback'] = [{ additionalQueueFunctions: queueFunctions }];
  const instrumented = stringList(option(options, 'instrumentedTransports', 'instrumented-transport') ?? options.instrumentedTransport, 'instrumented-transport');
  const unknownTransport = instrumented.find((name) => !(INSTRUMENTABLE_TRANSPORTS as readonly string[]).includes(name));
  if (unknownTransport !== undefined) {
    throw new Error(`--instrumented-transport must be one of ${INSTRUMENTABLE_TRANSPORTS.join(', ')} (got ${JSON.stringify(unknownTransport)})`);
  }
  if (instrumented.length > 0) ruleOptions['require-context-propagation'] = [{ instrumentedTransports: instrumented }];
  return {
    settings,
    unsafe: flag(options.unsafe),
    ...(tsconfig !== undefined ? { tsconfig } : {}),
    ...(Object.keys(ruleOptions).length > 0 ? { ruleOptions } : {}),
  };
}

/**
 * The rules run by the codemod named `ruleOrAll`; throws for an unknown rule or one without fixes.
 * `all` leaves out type-aware rules unless `typed` (a tsconfig is given); a type-aware rule named
 * on its own refuses to run without one (fixWithRules throws).
 */
export function resolveCodemodRules(ruleOrAll: string, { typed = true }: { typed?: boolean } = {}): string[] {
  const fixable = codemodRuleNames();
  if (ruleOrAll === 'all') return typed ? fixable : fixable.filter((rule) => !requiresTypeChecking(rule));
  if (fixable.includes(ruleOrAll)) return [ruleOrAll];
  if (ruleNames().includes(ruleOrAll)) throw new Error(`Rule '${ruleOrAll}' only reports: it has no fix, so no codemod`);
  throw new Error(`Unknown rule '${ruleOrAll}' (codemods: ${[...fixable, 'all'].join(', ')})`);
}

export function createCodemod(ruleOrAll: string): Codemod {
  resolveCodemodRules(ruleOrAll); // fail at load time for an unknown rule
  return function transform(file, api, options = {}) {
    const { settings, unsafe, tsconfig, ruleOptions } = readCodemodOptions(options);
    const rules = resolveCodemodRules(ruleOrAll, { typed: tsconfig !== undefined });
    if (rules.length === 0 || !mayContainFinding(file.source, rules, settings)) return undefined;
    const result = fixWithRules(file.source, file.path, {
      rules,
      settings,
      unsafe,
      ...(tsconfig !== undefined ? { tsconfig } : {}),
      ...(ruleOptions !== undefined ? { ruleOptions } : {}),
    });
    if (result.fatal) {
      const { line, column, message } = result.fatal;
      throw new Error(line > 0 ? `${file.path}:${line}:${column} ${message}` : `${file.path}: ${message}`);
    }
    for (const [messageId, count] of Object.entries(result.fixed)) api.stats(messageId, count);
    for (const finding of result.remaining) {
      api.report(`${file.path}:${finding.line}:${finding.column} ${finding.message}`);
    }
    return result.changed ? result.output : undefined;
  };
}
