import { createNoFloatingPromiseInSpanDetector } from '../core/detectors/no-floating-promise-in-span.js';
import type { NoFloatingPromiseInSpanMessageId } from '../core/detectors/no-floating-promise-in-span.js';
import { createRule, reportFinding } from './create-rule.js';

export type Options = [{ checkTypes?: boolean; checkVoid?: boolean }];
export type MessageId = NoFloatingPromiseInSpanMessageId;

export default createRule<Options, MessageId>({
  name: 'no-floating-promise-in-span',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow promises started in traced code that outlive their span unawaited and unhandled',
      recommended: true,
      browser: true,
      strictOptions: [{ checkVoid: true }],
      typeCheckedOptions: [{ checkTypes: true }],
    },
    hasSuggestions: true,
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          checkTypes: {
            type: 'boolean',
            description:
              'Use the TypeScript type checker: report any expression statement in traced code whose type is a native Promise. Needs type information; the rule refuses to run without it.',
          },
          checkVoid: {
            type: 'boolean',
            description:
              "Also report 'void promise' under async-local-storage and async-hooks, where it is a visible, deliberate detach (under zone and stack it is always reported).",
          },
        },
      },
    ],
    defaultOptions: [{ checkTypes: false, checkVoid: false }],
    messages: {
      floatingPromiseInSpan:
        'This promise is started inside {{ scope }} but neither awaited, returned nor handled: it outlives the span, and if it rejects the error is recorded on no span and surfaces as an unhandledRejection, which ends a Node 20 process by default. Await it, or detach it in a span of its own.',
      floatingPromiseOrphaned:
        'This promise is started inside {{ scope }} but neither awaited, returned nor handled: it outlives the span, its rejection is recorded on no span, and under the {{ manager }} context manager whatever it does after its first await becomes a new root. Detach it in a span of its own, or await it and pass the context explicitly.',
      voidedPromiseInSpan:
        "'void' detaches this promise from {{ scope }}: it outlives the span and its rejection is recorded on no span (an unhandledRejection ends a Node 20 process by default). Detach it in a span of its own that records the error, or await it.",
      voidedPromiseOrphaned:
        "'void' does not detach this promise cleanly under the {{ manager }} context manager: whatever it does after its first await becomes a new root, it outlives {{ scope }}, and its rejection is recorded on no span. Detach it in a span of its own, or await it.",
      awaitPromise: 'Await the promise, so that the span ends after it and its rejection reaches the caller.',
      detachInOwnSpan: 'Detach it explicitly: run it in a span of its own that records its rejection and ends when it settles.',
    },
  },
  create(context, [options]) {
    return createNoFloatingPromiseInSpanDetector(
      context,
      { checkTypes: options.checkTypes === true, checkVoid: options.checkVoid === true },
      (finding) => reportFinding(context, finding),
    );
  },
});
