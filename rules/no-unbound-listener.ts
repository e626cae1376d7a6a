import { createNoUnboundListenerDetector } from '../core/detectors/no-unbound-listener.js';
import type { NoUnboundListenerMessageId } from '../core/detectors/no-unbound-listener.js';
import { createRule, reportFinding } from './create-rule.js';

export type Options = [];
export type MessageId = NoUnboundListenerMessageId;

export default createRule<Options, MessageId>({
  name: 'no-unbound-listener',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow listeners added in traced code to emitters that emit in another context',
      recommended: true,
      browser: true,
    },
    fixable: 'code',
    schema: [],
    messages: {
      listenerRunsInEmitterContext:
        "This '{{ event }}' listener is added to {{ emitter }}, {{ lifetime }} that outlives this trace, so it runs in the context of whoever emits: another request's span or none. Bind the listener, not the emitter: context.bind(context.active(), listener).",
      listenerLosesContext:
        "This '{{ event }}' listener on {{ emitter }} runs in whatever context is active when it emits, which under the stack context manager is usually none, so spans it starts become new roots. Bind the listener: context.bind(context.active(), listener).",
    },
  },
  create(context) {
    return createNoUnboundListenerDetector(context, (finding) => reportFinding(context, finding));
  },
});
