import { createNoUnpairedContextAttachDetector } from '../core/detectors/no-unpaired-context-attach.js';
import type { NoUnpairedContextAttachMessageId } from '../core/detectors/no-unpaired-context-attach.js';
import { createRule, reportFinding } from './create-rule.js';

export type Options = [{ checkTests?: boolean }];
export type MessageId = NoUnpairedContextAttachMessageId;

export default createRule<Options, MessageId>({
  name: 'no-unpaired-context-attach',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow context attaches, AsyncLocalStorage enterWith and withScope calls that are not undone on every path, and binds whose result is thrown away',
      recommended: true,
      browser: true,
      strictOptions: [{ checkTests: true }],
    },
    fixable: 'code',
    hasSuggestions: true,
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          checkTests: {
            type: 'boolean',
            description:
              'Also report an enterWith written inside the body of a test, a hook or a suite (it, test, beforeEach, describe, ..): tests enter a store to give the code under test a context, and whether it reaches later tests depends on the runner (see the rule docs).',
          },
        },
      },
    ],
    defaultOptions: [{ checkTests: false }],
    messages: {
      attachNotImplemented:
        'Calling context.attach() does nothing under the {{ manager }} context manager: the context is never made active.',
      attachBeforeAwait:
        'The call {{ call }} runs before the first await, so the attached context leaks into the caller, even when disposed in finally.',
      discardedToken:
        'The token from {{ call }} is thrown away, so the attached context is never restored and leaks into what runs next.',
      undisposedToken:
        "The token '{{ token }}' from {{ call }} is not disposed {{ when }}, so the attached context leaks into what runs next.",
      tokenDisposedTwice:
        "The token '{{ token }}' is disposed twice on some path: the first dispose() already restored the previous context.",
      escapingToken:
        'The token from {{ call }} {{ how }}, where this rule cannot follow it: the attached context may leak into what runs next.',
      nonDisposableToken:
        'This using declaration throws a TypeError on Node 20 and 22: there, the token from {{ call }} has no Symbol.dispose.',
      enterWithLeak:
        'Calling {{ store }}.enterWith() leaves the store active for the rest of this run and all it schedules, the next request too.',
      discardedBind:
        "The function {{ call }} returns is thrown away, so nothing is bound: '{{ target }}' runs in whatever context calls it.",
      unusedBind:
        "'{{ bound }}' is never used while '{{ target }}' is passed on unbound, so the binding has no effect.",
      assignBound: 'Keep the bound function: {{ target }} = ...',
      passBound: "Pass '{{ bound }}' instead of '{{ target }}'.",
      fieldRestoreSkippedOnThrow:
        "'{{ field }}' is put back only when {{ call }} returns: if it throws, the context set for it stays current for everything that runs next.",
      ambientWriteLeak:
        'Calling {{ call }} makes a context current in place and nothing puts the previous one back with {{ undo }}: it stays current for the rest of this run and all it schedules, the caller\'s next work too.',
      ambientRestoreSkippedOnThrow:
        'The call {{ undo }} runs only when the code after {{ call }} returns: if that code throws, the context {{ call }} made current stays current for everything that runs next.',
      useContextWith: 'Run the code that follows inside {{ head }} instead of attaching.',
      useAlsRun: 'Run the code that follows inside {{ head }} instead.',
    },
  },
  create(context, [options]) {
    return createNoUnpairedContextAttachDetector(context, { checkTests: options.checkTests === true }, (finding) => reportFinding(context, finding));
  },
});
