import type { TSESLint } from '@typescript-eslint/utils';
import { ESLintUtils } from '@typescript-eslint/utils';
import type { Finding } from '../core/findings.js';

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
}

export const createRule = ESLintUtils.RuleCreator<OtelContextRuleDocs>(
  (name) => `${REPOSITORY_URL}/blob/main/docs/rules/${name}.md`,
);

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
