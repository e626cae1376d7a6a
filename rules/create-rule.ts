import type { TSESLint } from '@typescript-eslint/utils';
import { ESLintUtils } from '@typescript-eslint/utils';
import type { Finding } from '../core/findings.js';
import { getSettings } from '../core/settings.js';

export const REPOSITORY_URL = 'https://github.com/eslint-plugin-otel-context/eslint-plugin-otel-context';

/** Extra `meta.docs` fields of this plugin; the presets are computed from them. */
export interface OtelContextRuleDocs {
  /** In `recommended` (and so in `recommended-type-checked`). */
  recommended?: boolean;
  /** Needs type information: only in `recommended-type-checked` and `all`. */
  requiresTypeChecking?: boolean;
  /** In the `browser` preset. */
  browser?: boolean;
  /** Options used by the `strict` preset (wider heuristics). */
  strictOptions?: readonly unknown[];
  /**
   * Options used by the `recommended-type-checked` preset: for a rule that is recommended
   * syntactically and has a type-aware mode behind an option (its name is final, so it cannot be
   * split into a second, `requiresTypeChecking` rule).
   */
  typeCheckedOptions?: readonly unknown[];
  /**
   * Suggestion messageIds that make the same change as the rule's fix without importing a module
   * the file does not import yet (for example `AsyncResource.bind` instead of `context.bind`). The
   * codemod uses one when it may not add the fix's import (see codemods/dependency-guard.ts).
   */
  dependencyFreeFixes?: readonly string[];
}

const createNamedRule = ESLintUtils.RuleCreator<OtelContextRuleDocs>(
  (name) => `${REPOSITORY_URL}/blob/main/docs/rules/${name}.md`,
);

/**
 * typescript-eslint's `RuleCreator` (docs URL, typing), except that the options with defaults are
 * computed once per distinct options value instead of on every file: its `create` deep-clones
 * the defaults (`structuredClone`) for every rule on every file, which on the benchmark corpus
 * was about half of this plugin's measured rule time (~100 ms of ~210 ms over 2,866 files),
 * almost all of it on files that cannot contain a finding. The merged options are frozen, since
 * every file of a run shares them.
 */
export function createRule<Options extends readonly unknown[], MessageId extends string>(
  rule: Readonly<ESLintUtils.RuleWithMetaAndName<Options, MessageId, OtelContextRuleDocs>>,
): ReturnType<typeof createNamedRule<Options, MessageId>> {
  const named = createNamedRule<Options, MessageId>(rule);
  const defaults = (rule.meta.defaultOptions ?? []) as Options;
  const byKey = new Map<string, Readonly<Options>>();
  // ESLint gives each file a fresh options array holding the config's own option objects, so the
  // first option object identifies a configuration without serialising it.
  const byObject = new WeakMap<object, Readonly<Options>>();
  const optionsFor = (userOptions: Options): Readonly<Options> => {
    const first: unknown = userOptions[0];
    const identity = userOptions.length === 1 && typeof first === 'object' && first !== null ? first : undefined;
    const key = identity === undefined ? (userOptions.length === 0 ? '' : JSON.stringify(userOptions)) : '';
    const cached = identity === undefined ? byKey.get(key) : byObject.get(identity);
    if (cached !== undefined) return cached;
    // cloned (once per configuration) so that freezing never reaches the user's own config objects
    const withDefaults: Readonly<Options> = deepFreeze(structuredClone(ESLintUtils.applyDefault<Options, Options>(defaults, userOptions)));
    if (identity === undefined) byKey.set(key, withDefaults);
    else byObject.set(identity, withDefaults);
    return withDefaults;
  };
  return {
    ...named,
    create: (context) => {
      // an unknown or mistyped settings key is an error naming it, checked before any detector runs
      getSettings(context.settings);
      return rule.create(context, optionsFor(context.options));
    },
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** The only place where a core `Finding` becomes a report: every `EditPlan` becomes fixer calls. */
export function reportFinding<MessageId extends string>(
  context: Readonly<TSESLint.RuleContext<MessageId, readonly unknown[]>>,
  finding: Finding<MessageId>,
): void {
  const { fix, suggestions } = finding;
  context.report({
    messageId: finding.messageId,
    data: finding.data,
    loc: finding.node.loc,
    ...(fix ? { fix: (fixer) => fix.map((edit) => fixer.replaceTextRange(edit.range, edit.text)) } : {}),
    ...(suggestions
      ? {
          suggest: suggestions.map((suggestion) => ({
            messageId: suggestion.messageId,
            ...(suggestion.data ? { data: suggestion.data } : {}),
            fix: (fixer: TSESLint.RuleFixer) => suggestion.fix.map((edit) => fixer.replaceTextRange(edit.range, edit.text)),
          })),
        }
      : {}),
  });
}
