/**
 * The codemod's options, parsed once into a typed plan. The flags come from two places: the shared
 * settings (`settings['otel-context']`) and each rule's own options, derived from the rule's
 * `meta.schema` (a boolean option `checkVoid` is `--check-void`; a string list
 * `additionalQueueFunctions` is the repeatable `--queue-function`). The same definitions read the
 * CLI's arguments and the options jscodeshift passes to a transform (kebab-case or camelCase).
 */
import { CONTEXT_MANAGERS, isContextManagerName } from '../core/settings.js';
import type { ContextManagerName, OtelContextSettings } from '../core/settings.js';
import { didYouMean } from '../core/settings.js';
import { codemodRuleNames, isRuleName, requiresTypeChecking, ruleNames, ruleOptions } from '../rule-meta.js';
import type { RuleName, RuleOption } from '../rule-meta.js';

/** A value given for an option: what node:util parseArgs or jscodeshift hands over. */
type Given = unknown;

export { didYouMean } from '../core/settings.js';

export interface Flag {
  /** Without the leading `--`. */
  name: string;
  type: 'string' | 'boolean';
  multiple: boolean;
  /** The value's placeholder in --help. */
  value?: string;
  help: string;
  /** The rule options it sets, when it comes from rules' schemas (one flag per name: a boolean shared by two rules sets both). */
  options?: RuleOption[];
}

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** `additionalQueueFunctions` → `queue-function`; `checkVoid` → `check-void`. */
export function flagNameOf(option: RuleOption): string {
  if (option.kind === 'boolean') return kebab(option.name);
  return kebab(option.name.replace(/^additional(?=[A-Z])/, '').replace(/s$/, '')).replace(/^-/, '');
}

/** The settings flags: one per key of `settings['otel-context']`. */
export const SETTINGS_FLAGS: readonly Flag[] = [
  { name: 'context-manager', type: 'string', multiple: false, value: 'NAME', help: `${CONTEXT_MANAGERS.join(' | ')}: the contextManager setting` },
  { name: 'api-module', type: 'string', multiple: true, value: 'M', help: 'a module re-exporting @opentelemetry/api: the apiModules setting (repeatable)' },
  { name: 'span-wrapper', type: 'string', multiple: true, value: 'W', help: 'a helper that runs a callback in an active span: the spanWrappers setting (repeatable)' },
];

/** The rule-option flags, derived from every codemod rule's `meta.schema`; a name used by two rules sets both. */
let cachedFlags: Flag[] | undefined;

export function ruleOptionFlags(): Flag[] {
  cachedFlags ??= deriveRuleOptionFlags();
  return cachedFlags;
}

function deriveRuleOptionFlags(): Flag[] {
  const flags = new Map<string, Flag>();
  for (const rule of codemodRuleNames()) {
    for (const option of ruleOptions(rule)) {
      const name = flagNameOf(option);
      const shared = flags.get(name);
      // the same boolean in two rules (`checkTests`) is one flag that sets both; anything else is a clash
      if (shared?.options?.every((other) => other.kind === 'boolean' && other.name === option.name) && option.kind === 'boolean') {
        shared.options.push(option);
        shared.help = `${shared.options.map((o) => o.rule).join("'s and ")}'s ${option.name}: ${shared.help.slice(shared.help.indexOf(': ') + 2)}`;
        continue;
      }
      if (shared || SETTINGS_FLAGS.some((f) => f.name === name)) {
        throw new Error(`codemod flag --${name} would mean two options (${rule}.${option.name}); rename one`);
      }
      const firstSentence = option.description.split(/(?<=\.)\s/)[0] ?? option.description;
      flags.set(name, {
        name,
        type: option.kind === 'boolean' ? 'boolean' : 'string',
        multiple: option.kind === 'string-list',
        ...(option.kind === 'string-list' ? { value: option.choices ? option.choices.join('|') : 'NAME' } : {}),
        help: `${rule}'s ${option.name}${option.kind === 'string-list' ? ' (repeatable)' : ''}: ${firstSentence}`,
        options: [option],
      });
    }
  }
  return [...flags.values()];
}

export type RuleOptionOverrides = Partial<Record<RuleName, Record<string, unknown>>>;

/** Where each file's settings and rule options come from before the flags override them. */
export type ConfigSource = { kind: 'auto' } | { kind: 'file'; path: string } | { kind: 'none' };

export interface CodemodPlan {
  /** The rule named on the command line, or `all`. */
  target: string;
  /** The rules that run (for `all` without --tsconfig: the syntactic ones). */
  rules: RuleName[];
  /** Type-aware rules that `all` leaves out for want of --tsconfig. */
  skippedTypeAware: RuleName[];
  /** Settings given by flags: they override the ESLint config's. */
  settings: Partial<OtelContextSettings>;
  /** Rule options given by flags, per rule: they override the ESLint config's, property by property. */
  ruleOptions: RuleOptionOverrides;
  unsafe: boolean;
  tsconfig?: string;
  config: ConfigSource;
}

/**
 * The rules run by the codemod named `target`; throws for an unknown rule (with a "did you mean")
 * or one without fixes. `all` leaves out type-aware rules unless `typed`.
 */
export function resolveCodemodRules(target: string, { typed = true }: { typed?: boolean } = {}): RuleName[] {
  const fixable = codemodRuleNames();
  if (target === 'all') return typed ? fixable : fixable.filter((rule) => !requiresTypeChecking(rule));
  if (isRuleName(target) && fixable.includes(target)) return [target];
  if (isRuleName(target)) throw new Error(`Rule '${target}' only reports: it has no fix, so no codemod`);
  const bare = target.replace(/^otel-context\//, '');
  const guess = bare !== target && (fixable as string[]).includes(bare) ? bare : didYouMean(target, [...ruleNames(), 'all']);
  throw new Error(`Unknown rule '${target}'${guess ? `; did you mean '${guess}'?` : ''} (codemods: ${[...fixable, 'all'].join(', ')})`);
}

function read(options: Readonly<Record<string, Given>>, flag: string): Given {
  const camel = flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  return options[flag] ?? options[camel];
}

function stringList(value: Given, flag: string): string[] {
  if (value === undefined || value === null || value === false) return [];
  const values = Array.isArray(value) ? value : [value];
  return values.flatMap((v: unknown) => {
    if (typeof v !== 'string') throw new Error(`--${flag} expects a name (got ${JSON.stringify(v)})`);
    return v.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  });
}

function bool(value: Given): boolean {
  return value === true || value === 'true' || value === 1 || value === '1';
}

/**
 * Builds the plan from parsed options: the CLI's (kebab-case keys) or jscodeshift's (either case;
 * repeatable values may also be comma-separated). Throws an Error with a user-facing message.
 */
export function buildPlan(target: string, options: Readonly<Record<string, Given>>): CodemodPlan {
  const settings: { -readonly [K in keyof OtelContextSettings]?: OtelContextSettings[K] } = {};
  const manager = read(options, 'context-manager');
  if (manager !== undefined) {
    if (!isContextManagerName(manager)) {
      const guess = typeof manager === 'string' ? didYouMean(manager, CONTEXT_MANAGERS) : undefined;
      throw new Error(`--context-manager must be one of ${CONTEXT_MANAGERS.join(', ')} (got ${JSON.stringify(manager)}${guess ? `; did you mean '${guess}'?` : ''})`);
    }
    settings.contextManager = manager satisfies ContextManagerName;
  }
  const apiModules = stringList(read(options, 'api-module') ?? options.apiModules, 'api-module');
  if (apiModules.length > 0) settings.apiModules = apiModules;
  const spanWrappers = stringList(read(options, 'span-wrapper') ?? options.spanWrappers, 'span-wrapper');
  if (spanWrappers.length > 0) settings.spanWrappers = spanWrappers;

  const ruleOptionValues: RuleOptionOverrides = {};
  for (const flag of ruleOptionFlags()) {
    for (const option of flag.options ?? []) readRuleOption(flag, option);
  }

  function readRuleOption(flag: Flag, option: RuleOption): void {
    const raw = read(options, flag.name) ?? options[option.name];
    let value: unknown;
    if (option.kind === 'boolean') {
      if (raw === undefined) return;
      value = bool(raw);
    } else {
      const list = stringList(raw, flag.name);
      if (list.length === 0) return;
      const unknown = option.choices ? list.find((name) => !option.choices?.includes(name)) : undefined;
      if (unknown !== undefined && option.choices) {
        const guess = didYouMean(unknown, option.choices);
        throw new Error(`--${flag.name} must be one of ${option.choices.join(', ')} (got ${JSON.stringify(unknown)}${guess ? `; did you mean '${guess}'?` : ''})`);
      }
      value = list;
    }
    ruleOptionValues[option.rule] = { ...ruleOptionValues[option.rule], [option.name]: value };
  }

  const tsconfig = read(options, 'tsconfig');
  if (tsconfig !== undefined && typeof tsconfig !== 'string') throw new Error('--tsconfig expects a file name');
  const configFile = read(options, 'config');
  if (configFile !== undefined && typeof configFile !== 'string') throw new Error('--config expects a file name');
  const config: ConfigSource = bool(read(options, 'no-config'))
    ? { kind: 'none' }
    : configFile !== undefined
      ? { kind: 'file', path: configFile }
      : { kind: 'auto' };

  const all = resolveCodemodRules(target);
  const rules = resolveCodemodRules(target, { typed: tsconfig !== undefined });
  if (target !== 'all' && tsconfig === undefined) {
    const typed = all.filter(requiresTypeChecking);
    if (typed.length > 0) throw new Error(`${typed.join(', ')} needs type information: pass --tsconfig FILE`);
  }
  return {
    target,
    rules,
    skippedTypeAware: all.filter((rule) => !rules.includes(rule)),
    settings,
    ruleOptions: ruleOptionValues,
    unsafe: bool(options.unsafe),
    ...(tsconfig !== undefined ? { tsconfig } : {}),
    config,
  };
}
