import { createNoUnboundQueuedCallbackDetector } from '../core/detectors/no-unbound-queued-callback.js';
import type { NoUnboundQueuedCallbackMessageId } from '../core/detectors/no-unbound-queued-callback.js';
import { createRule, reportFinding } from './create-rule.js';

export type Options = [{ additionalQueueFunctions?: string[] }];
export type MessageId = NoUnboundQueuedCallbackMessageId;

export default createRule<Options, MessageId>({
  name: 'no-unbound-queued-callback',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow callbacks stored in a work queue, pool or limiter without binding them to the current context',
      recommended: true,
      browser: true,
    },
    fixable: 'code',
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          additionalQueueFunctions: {
            type: 'array',
            items: { type: 'string' },
            uniqueItems: true,
            description:
              "Functions and methods of pools and limiters that store their callback argument to run it later: a name ('limit', matching `limit(fn)` and `x.limit(fn)`) or a dotted callee ('pool.acquire').",
          },
        },
      },
    ],
    defaultOptions: [{ additionalQueueFunctions: [] }],
    messages: {
      queuedCallbackLosesContext:
        'This callback is stored in {{ queue }} and runs later in the context of whatever drains it, not in this one.',
      queuedCallbackLosesCaller:
        "This callback waits in {{ queue }} and runs in the async context of whatever drains it, not its caller's.",
      callbackWrapperLosesCaller:
        "This wrapper runs its caller's callback when the library calls it back, in the library's context, not the caller's.",
      resourceCallOutsideScope:
        'This calls {{ name }} directly, outside the async scope this resource runs it in on its other paths: it runs in the context of whatever called this method, not its caller\'s.',
      callbackHandedOnUnbound:
        "This caller's callback goes to {{ receiver }} unbound, while this file binds the callbacks it hands to {{ receiver }} elsewhere: it runs in the context of whatever calls it back.",
      queuedCallbackLosesStore:
        'This callback is stored in {{ queue }} and runs later with the store of whatever drains it, not with this one.',
    },
  },
  create(context, [options]) {
    return createNoUnboundQueuedCallbackDetector(
      context,
      { additionalQueueFunctions: options.additionalQueueFunctions ?? [] },
      (finding) => reportFinding(context, finding),
    );
  },
});
