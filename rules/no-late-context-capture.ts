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
        "This read of the active context ({{ read }}) runs {{ boundary }}, where the {{ manager }} context manager no longer has the caller's context.",
      lateImplicitParent:
        "This span start ({{ read }}) runs {{ boundary }}, where the {{ manager }} context manager no longer has the caller's context: it becomes a new root.",
      callbackInEndedSpan:
        "The caller's callback '{{ callback }}' runs inside '{{ span }}' after it ended, so its spans hang from a finished span.",
      continuationInStaleContext:
        "'{{ callback }}' runs in '{{ captured }}', the context captured before this layer ran, so what the layer put into the active context (baggage, store values) is lost for the rest of the chain.",
    },
  },
  create(context) {
    return createNoLateContextCaptureDetector(context, (finding) => reportFinding(context, finding));
  },
});
