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
        'This callback is stored in {{ queue }} and runs later in the context of whatever drains it, so its spans join another trace or become new roots. Bind it where it is stored: context.bind(context.active(), callback).',
      queuedCallbackLosesStore:
        'This callback is stored in {{ queue }} and runs later with the store of whatever drains it, so it reads another request\'s store or none. Bind it where it is stored: AsyncLocalStorage.bind(callback).',
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
