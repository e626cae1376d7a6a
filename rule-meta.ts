/**
 * The one place that answers questions about the rules' metadata: names, which have a codemod,
 * which need type information, their options' schema, their descriptions and messages. The
 * presets, the codemods and the tests ask here instead of casting `plugin.rules`.
 */
import type { JSONSchema4 } from '@typescript-eslint/utils/json-schema';
import type { OtelContextRuleDocs } from './rules/create-rule.js';
import { rules } from './rules/index.js';
import type { RuleName } from './rules/index.js';

/** What every rule's `meta` holds, typed once (each rule's own `meta` is narrower). */
export interface RuleMeta {
  readonly type: 'problem' | 'suggestion' | 'layout';
  readonly docs: OtelContextRuleDocs & { readonly description: string; readonly url?: string };
  readonly fixable?: 'code' | 'whitespace';
  readonly hasSuggestions?: boolean;
  readonly schema: JSONSchema4 | readonly JSONSchema4[];
  readonly messages: Readonly<Record<string, string>>;
  readonly defaultOptions?: readonly unknown[];
}

const metaByName: ReadonlyMap<string, RuleMeta> = new Map(
  Object.entries(rules).map(([name, rule]) => [name, rule.meta as RuleMeta]),
);

export type { RuleName };

export function isRuleName(name: string): name is RuleName {
  return metaByName.has(name);
}

/** Every rule of the plugin, sorted. */
export function ruleNames(): RuleName[] {
  return [...metaByName.keys()].sort() as RuleName[];
}

export function ruleMeta(name: string): RuleMeta {
  const meta = metaByName.get(name);
  if (meta === undefined) throw new Error(`Unknown rule '${name}'`);
  return meta;
}

/** A rule with a fix or suggestions: it has a codemod. */
export function hasCodemod(name: string): boolean {
  const meta = ruleMeta(name);
  return meta.fixable !== undefined || meta.hasSuggestions === true;
}

/** The rules a codemod can act on, sorted. */
export function codemodRuleNames(): RuleName[] {
  return ruleNames().filter(hasCodemod);
}

export function requiresTypeChecking(name: string): boolean {
  return ruleMeta(name).docs.requiresTypeChecking === true;
}

/** Every rule that runs without type information, sorted. */
export function syntacticRuleNames(): RuleName[] {
  return ruleNames().filter((name) => !requiresTypeChecking(name));
}

/** The rule's description in plain words for a summary line: "timer callbacks that run in the wrong trace context". */
export function plainDescription(name: string): string {
  const text = ruleMeta(name).docs.description.replace(/^(Disallow|Require|Enforce)\s+/, '');
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** One option of a rule's (single, object) options schema. */
export interface RuleOption {
  rule: RuleName;
  /** The property name in the rule's options object. */
  name: string;
  kind: 'boolean' | 'string-list';
  /** Allowed values of a string list, when the schema says. */
  choices?: readonly string[];
  description: string;
}

/** The options of every rule, read from each rule's `meta.schema` (an array holding one object schema). */
export function ruleOptions(name: string): RuleOption[] {
  const schema = ruleMeta(name).schema;
  const first = Array.isArray(schema) ? (schema as readonly JSONSchema4[])[0] : undefined;
  if (first?.type !== 'object' || first.properties === undefined) return [];
  const options: RuleOption[] = [];
  for (const [property, spec] of Object.entries(first.properties)) {
    const description = typeof spec.description === 'string' ? spec.description : '';
    if (spec.type === 'boolean') {
      options.push({ rule: name as RuleName, name: property, kind: 'boolean', description });
    } else if (spec.type === 'array' && !Array.isArray(spec.items) && spec.items?.type === 'string') {
      const choices = Array.isArray(spec.items.enum) ? spec.items.enum.map(String) : undefined;
      options.push({ rule: name as RuleName, name: property, kind: 'string-list', ...(choices ? { choices } : {}), description });
    } else {
      throw new Error(`rules/meta.ts: option ${name}.${property} has a schema the codemod cannot turn into a flag`);
    }
  }
  return options;
}
