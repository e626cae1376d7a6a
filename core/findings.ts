import type { TSESTree } from '@typescript-eslint/utils';

/** One text edit: replace `range` of the original source with `text`. */
export interface Edit {
  range: readonly [number, number];
  text: string;
}

/** A plain, serialisable list of edits. Rules turn it into fixer calls; nothing else does. */
export type EditPlan = readonly Edit[];

export interface FindingSuggestion<MessageId extends string> {
  messageId: MessageId;
  data?: Record<string, string>;
  fix: EditPlan;
}

/** What a detector in core/ produces; a rule turns each into one `context.report`. */
export interface Finding<MessageId extends string> {
  messageId: MessageId;
  data: Record<string, string>;
  node: TSESTree.Node | TSESTree.Token;
  fix?: EditPlan;
  suggestions?: FindingSuggestion<MessageId>[];
}
