import { createSpanEndDetector } from '../core/span-end.js';
import type { SpanEndMessageId } from '../core/span-end.js';
import { createRule, reportFinding } from './create-rule.js';

export type Options = [];
export type MessageId = SpanEndMessageId;

export default createRule<Options, MessageId>({
  name: 'require-span-end',
  meta: {
    type: 'problem',
    docs: {
      description: 'Require every span to be ended on every path, exceptions included',
      recommended: true,
      browser: true,
    },
    hasSuggestions: true,
    schema: [],
    messages: {
      spanNeverEnded:
        "Span '{{ span }}' is never ended, so it is never exported and the spans under it hang from a parent that never finishes.",
      spanNotEndedOnEveryPath:
        "Span '{{ span }}' is not ended on every path: {{ exit }} leaves it open, so it is never exported.",
      spanNotEndedOnException:
        "Span '{{ span }}' is not ended when '{{ call }}' throws or rejects, so it is never exported.",
      spanDiscarded:
        'The span started here is thrown away, so nothing can end it and it is never exported.',
      activeSpanUnreachable:
        'This startActiveSpan callback never reads its span, so nothing ends the span and it is never exported.',
      endSpanInFinally: "Wrap the rest of the block in try { .. } finally { {{ span }}.end(); }.",
    },
  },
  create(context) {
    return createSpanEndDetector(context, (finding) => reportFinding(context, finding));
  },
});
