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
        'What {{ transport }} sends carries no trace context, so the work on the other side starts a new trace.',
      handlerWithoutContext:
        'This {{ transport }} handler starts spans or reads the context without propagation.extract: each message starts a new trace.',
      batchHandlerWithoutContext:
        'This {{ transport }} handler starts spans or reads the context without propagation.extract: each batch starts a new trace.',
      extractedContextIgnored:
        "This context is built from context.active(), not from the extracted {{ extracted }}, so the producer's baggage is lost.",
      extractOntoAmbientContext:
        "The context of {{ where }} is extracted onto {{ ambient }}: at delivery that is the context the consumer, its connection or its loop was started in, so a message without trace headers gets that span as its parent. Extract onto {{ root }}.",
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
