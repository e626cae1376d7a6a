import { createRequireContextPropagationDetector } from '../core/detectors/require-context-propagation.js';
import type { RequireContextPropagationMessageId } from '../core/detectors/require-context-propagation.js';
import { INSTRUMENTABLE_TRANSPORTS } from '../core/transports/records.js';
import type { InstrumentableTransport } from '../core/transports/records.js';
import { createRule, reportFinding } from './create-rule.js';

export type Options = [{ checkAllProducers?: boolean; instrumentedTransports?: InstrumentableTransport[] }];
export type MessageId = RequireContextPropagationMessageId;

export default createRule<Options, MessageId>({
  name: 'require-context-propagation',
  meta: {
    type: 'problem',
    docs: {
      description: 'Require trace context to be injected and extracted across threads, processes and message brokers',
      recommended: true,
      strictOptions: [{ checkAllProducers: true }],
    },
    fixable: 'code',
    hasSuggestions: true,
    schema: [
      {
        type: 'object',
        properties: {
          checkAllProducers: {
            type: 'boolean',
            description:
              'Also report sends outside lexically traced code (code that auto-instrumentation runs inside a span, like HTTP handlers).',
          },
          instrumentedTransports: {
            type: 'array',
            items: { type: 'string', enum: [...INSTRUMENTABLE_TRANSPORTS] },
            uniqueItems: true,
            description:
              "Brokers whose context is propagated by an instrumentation registered elsewhere (usually the SDK setup file): 'kafkajs' (@opentelemetry/instrumentation-kafkajs), 'amqplib' (@opentelemetry/instrumentation-amqplib), 'bullmq' (BullMQ's telemetry option set where the rule cannot see it, or a BullMQ instrumentation). Their producers and consumers are not reported.",
          },
        },
        additionalProperties: false,
      },
    ],
    defaultOptions: [{ checkAllProducers: false, instrumentedTransports: [] }],
    messages: {
      sendWithoutContext:
        'What {{ transport }} sends carries no trace context, so the work on the other side starts a new trace. Inject it into {{ slot }}: propagation.inject(context.active(), carrier).',
      handlerWithoutContext:
        'This {{ transport }} handler starts spans or reads the active context without propagation.extract, so it runs outside the sender\'s trace: every message starts a new trace. Extract the sender\'s context from {{ slot }} and run the handler under context.with(extracted, ..).',
      batchHandlerWithoutContext:
        'This {{ transport }} handler starts spans or reads the active context without propagation.extract, so every batch starts a new trace unrelated to its messages. Extract each message\'s context from {{ slot }} and add it to the batch span as a span link.',
      mergeCarrierIntoPayload:
        'Spread a propagation.inject carrier into {{ slot }} (the receiver sees two more keys: traceparent, tracestate).',
    },
  },
  create(context, [options]) {
    return createRequireContextPropagationDetector(
      context,
      { checkAllProducers: options.checkAllProducers === true, instrumentedTransports: options.instrumentedTransports ?? [] },
      (finding) => reportFinding(context, finding),
    );
  },
});
