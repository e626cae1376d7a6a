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
        "This '{{ event }}' listener is added to {{ emitter }}, {{ lifetime }} that outlives this trace, so it runs in the context of whoever emits.",
      persistentListenerKeepsRequest:
        "This '{{ event }}' listener stays on {{ emitter }} after this request, so later events of other requests run it with this request's {{ name }}.",
      listenerRunsCallerCallback:
        "This '{{ event }}' listener on {{ emitter }}, an emitter {{ how }}, calls the caller's '{{ callback }}', which then runs in the async context of whoever feeds the emitter, not its caller's.",
      listenerLosesContext:
        "This '{{ event }}' listener on {{ emitter }} runs in the context active when it emits: under the stack context manager, usually none.",
    },
  },
  create(context) {
    return createNoUnboundListenerDetector(context, (finding) => reportFinding(context, finding));
  },
});
