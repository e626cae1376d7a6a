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
        'This promise outlives {{ scope }}: it is not awaited, returned or handled, so its rejection is recorded on no span.',
      floatingPromiseOrphaned:
        'This promise outlives {{ scope }} unhandled, and under the {{ manager }} context manager its work after its first await becomes a new root.',
      voidedPromiseInSpan:
        "'void' lets this promise outlive {{ scope }}, so its rejection is recorded on no span.",
      voidedPromiseOrphaned:
        "'void' lets this promise outlive {{ scope }}, and under the {{ manager }} context manager its work after its first await becomes a new root.",
      spanEndsBeforeCallbackResult:
        "Span '{{ span }}' ends as soon as '{{ callback }}' returns, but '{{ result }}' goes back to the caller: when the callback is async, its work after the first await runs under an ended span and its rejection is recorded on no span. End the span when the result settles (for a promise, in its finally).",
      awaitPromise: 'Await the promise, so that the span ends after it and its rejection reaches the caller.',
      detachInOwnSpan: 'Detach it explicitly: run it in a span of its own that records its rejection and ends when it settles.',
      generatorOutlivesScope:
        "Nothing of {{ generator }} runs until it is iterated: handed out of {{ scope }}, its body runs after that returned (after the span it was made in may have ended), in the context of whoever iterates it, under every context manager. Consume it inside, or bind each next() to the context captured here.",
      generatorIteratedOutsideScope:
        "'{{ name }}' comes out of {{ scope }}, is tested as a generator and iterated after that returned: the generator's body runs outside it, in the iterating context, under every context manager. Consume it inside, or run each next() in that context again.",
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
