import { createNoInactiveParentSpanDetector } from '../core/detectors/no-inactive-parent-span.js';
import type { NoInactiveParentSpanMessageId } from '../core/detectors/no-inactive-parent-span.js';
import { createRule, reportFinding } from './create-rule.js';

export type Options = [];
export type MessageId = NoInactiveParentSpanMessageId;

export default createRule<Options, MessageId>({
  name: 'no-inactive-parent-span',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow work that expects a span started with startSpan as its parent while that span was never made active',
      recommended: true,
      browser: true,
    },
    fixable: 'code',
    schema: [],
    messages: {
      childSpanWithoutParent:
        "'{{ span }}' was never made active, so the span this {{ method }} starts becomes a new root, not its child.",
      tracedCallWithoutParent:
        "'{{ callee }}' starts spans while '{{ span }}' was never made active, so they become new roots, not its children.",
      callbackWithoutParent:
        "This callback to '{{ callee }}' does traced work while '{{ span }}' was never made active, so its spans become new roots.",
      opaqueCallWithoutParent:
        "'{{ callee }}' may start spans while '{{ span }}' was never made active, so they would not be its children.",
    },
  },
  create(context) {
    return createNoInactiveParentSpanDetector(context, (finding) => reportFinding(context, finding));
  },
});
