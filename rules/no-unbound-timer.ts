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
        'The {{ timer }} callback runs outside the active context under the stack context manager, so spans it starts become new roots.',
      timerExpectsInactiveSpan:
        "The {{ timer }} callback does traced work but '{{ span }}' was never made active, so its spans become new roots.",
      recurringTimerInTrace:
        'This {{ timer }} starts recurring work inside traced code, so every tick joins this trace forever.',
      recurringTimerInStore:
        'This {{ timer }} starts recurring work inside {{ store }}.run(..), so every tick carries that store forever.',
    },
  },
  create(context) {
    return createNoUnboundTimerDetector(context, (finding) => reportFinding(context, finding));
  },
});
