import { createNoLateContextCaptureDetector } from '../core/detectors/no-late-context-capture.js';
import type { NoLateContextCaptureMessageId } from '../core/detectors/no-late-context-capture.js';
import { createRule, reportFinding } from './create-rule.js';

export type Options = [];
export type MessageId = NoLateContextCaptureMessageId;

export default createRule<Options, MessageId>({
  name: 'no-late-context-capture',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow reading the active context in code that runs after the caller\'s context is gone',
      recommended: true,
      browser: true,
    },
    fixable: 'code',
    schema: [],
    messages: {
      lateContextRead:
        "This read of the active context ({{ read }}) runs {{ boundary }}, where the {{ manager }} context manager no longer has the caller's context, so it returns another context or none. Capture the context before the boundary: const ctx = context.active().",
      lateImplicitParent:
        "This span start ({{ read }}) takes its parent from the active context {{ boundary }}, where the {{ manager }} context manager no longer has the caller's context, so the span becomes a new root. Capture the context before the boundary and pass it explicitly.",
      callbackInEndedSpan:
        "The caller's callback '{{ callback }}' runs inside '{{ span }}' after it ended, so its spans become children of a finished span. Capture the context before the span and run it there: context.with(parentContext, () => ..).",
    },
  },
  create(context) {
    return createNoLateContextCaptureDetector(context, (finding) => reportFinding(context, finding));
  },
});
