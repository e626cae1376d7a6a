import { createRequireSpanEndDetector } from '../core/detectors/require-span-end.js';
import type { RequireSpanEndMessageId } from '../core/detectors/require-span-end.js';
import { createRule, reportFinding } from './create-rule.js';

export type Options = [];
export type MessageId = RequireSpanEndMessageId;

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
        "Span '{{ span }}' is never ended, so it is never exported and the spans under it hang from a parent that never finishes. End it on every path: try { .. } finally { {{ span }}.end(); }.",
      spanNotEndedOnEveryPath:
        "Span '{{ span }}' is not ended on every path: {{ exit }} leaves it open, so it is never exported. End it in a finally block: try { .. } finally { {{ span }}.end(); }.",
      spanNotEndedOnException:
        "Span '{{ span }}' is not ended when '{{ call }}' throws or rejects, so it is never exported and the error is recorded on no span. End it in a finally block: try { .. } finally { {{ span }}.end(); }.",
      spanDiscarded:
        'The span started here is thrown away, so nothing can end it and it is never exported. Keep it in a variable and end it when its work is done.',
      activeSpanUnreachable:
        'This startActiveSpan callback takes no span parameter and never reads the active span, so nothing ends the span it starts and it is never exported. Take the span as the first parameter and end it on every path: (span) => { try { .. } finally { span.end(); } }.',
      endSpanInFinally: "Wrap the rest of the block in try { .. } finally { {{ span }}.end(); }.",
    },
  },
  create(context) {
    return createRequireSpanEndDetector(context, (finding) => reportFinding(context, finding));
  },
});
