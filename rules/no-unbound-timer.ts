import { createNoUnboundTimerDetector } from '../core/detectors/no-unbound-timer.js';
import type { NoUnboundTimerMessageId } from '../core/detectors/no-unbound-timer.js';
import { createRule, reportFinding } from './create-rule.js';

export type Options = [];
export type MessageId = NoUnboundTimerMessageId;

export default createRule<Options, MessageId>({
  name: 'no-unbound-timer',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow timer callbacks that run in the wrong trace context',
      recommended: true,
      browser: true,
    },
    fixable: 'code',
    schema: [],
    messages: {
      timerLosesContext:
        'The {{ timer }} callback runs outside the active context under the stack context manager, so spans it starts become new roots. Bind it: context.bind(context.active(), callback).',
      timerExpectsInactiveSpan:
        "The {{ timer }} callback does traced work but '{{ span }}' was never made active, so its spans become new roots. Bind it to the span: context.bind(trace.setSpan(context.active(), {{ span }}), callback).",
      recurringTimerInTrace:
        'This {{ timer }} starts recurring work inside traced code, so every tick joins this trace forever. Start it from the root context: context.bind(ROOT_CONTEXT, callback), and link back to the trace with a span link if needed.',
      recurringTimerInStore:
        'This {{ timer }} starts recurring work inside {{ store }}.run(..), so every tick carries that store forever. Start it outside the store: {{ store }}.exit(() => {{ timer }}(..)).',
    },
  },
  create(context) {
    return createNoUnboundTimerDetector(context, (finding) => reportFinding(context, finding));
  },
});
