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
        "This {{ method }} runs while '{{ span }}' was never made active, so the span it starts becomes a new root instead of a child of '{{ span }}'. Pass the parent explicitly: trace.setSpan(context.active(), {{ span }}) as its context argument.",
      tracedCallWithoutParent:
        "'{{ callee }}' starts spans while '{{ span }}' was never made active, so they become new roots instead of children of '{{ span }}'. Run it under the span: context.with(trace.setSpan(context.active(), {{ span }}), () => ..).",
      callbackWithoutParent:
        "This callback, handed to '{{ callee }}', does traced work while '{{ span }}' was never made active, so its spans become new roots. Bind it to the span: context.bind(trace.setSpan(context.active(), {{ span }}), callback).",
      opaqueCallWithoutParent:
        "'{{ callee }}' may start spans while '{{ span }}' was never made active, so they would not be its children. Run it under the span: context.with(trace.setSpan(context.active(), {{ span }}), () => ..).",
    },
  },
  create(context) {
    return createNoInactiveParentSpanDetector(context, (finding) => reportFinding(context, finding));
  },
});
