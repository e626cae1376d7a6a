import { createNoUnpairedContextAttachDetector } from '../core/detectors/no-unpaired-context-attach.js';
import type { NoUnpairedContextAttachMessageId } from '../core/detectors/no-unpaired-context-attach.js';
import { createRule, reportFinding } from './create-rule.js';

export type Options = [];
export type MessageId = NoUnpairedContextAttachMessageId;

export default createRule<Options, MessageId>({
  name: 'no-unpaired-context-attach',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow context attaches, AsyncLocalStorage enterWith and withScope calls that are not undone on every path, and binds whose result is thrown away',
      recommended: true,
      browser: true,
    },
    fixable: 'code',
    hasSuggestions: true,
    schema: [],
    messages: {
      attachNotImplemented:
        'The call context.attach() does nothing under the {{ manager }} context manager: it does not implement attach(), so the context is never made active and spans started here become new roots (the API only logs a diag warning). Use context.with(ctx, () => ..) instead.',
      attachBeforeAwait:
        'The call {{ call }} runs before the first await of this async function, so the attached context leaks into its caller, even when it is disposed in finally: dispose() runs in a later continuation and restores only that one. Use {{ alternative }} instead.',
      discardedToken:
        'The token returned by {{ call }} is thrown away, so the attached context is never restored and leaks into whatever runs next in this tick (the next request, the caller\'s timers). Keep the token and dispose it in finally: try { .. } finally { token.dispose(); }.',
      undisposedToken:
        "The token '{{ token }}' from {{ call }} is not disposed {{ when }}, so the attached context stays active for whatever runs next in this tick (the next request, the caller's timers). Dispose it in finally: try { .. } finally { {{ token }}.dispose(); }.",
      tokenDisposedTwice:
        "The token '{{ token }}' is disposed a second time on some path: the first dispose() already restored the previous context, so the pairing is not what it seems. Dispose it exactly once, in finally.",
      escapingToken:
        'The token from {{ call }} {{ how }}, where this rule cannot follow it: unless it is disposed on every path, the attached context leaks into whatever runs next. Dispose it in finally in the function that attached it, or use {{ alternative }}.',
      nonDisposableToken:
        'The token from {{ call }} has no Symbol.dispose under the AsyncLocalStorage manager on Node versions without AsyncLocalStorage.withScope (Node 20 and 22), so this using declaration throws a TypeError there. Dispose it in finally instead.',
      enterWithLeak:
        "Calling {{ store }}.enterWith() leaves the store active for the rest of this synchronous run and for everything scheduled from it afterwards: the next request handled in this tick, the caller's timers, and the caller itself when it runs before the first await of an async function. Use {{ store }}.run(store, fn) instead.",
      discardedBind:
        "The function {{ call }} returns is thrown away, so nothing is bound: '{{ target }}' still runs in whatever context calls it. Use the bound function it returns.",
      unusedBind:
        "'{{ bound }}' is never used while '{{ target }}' is passed on unbound, so the binding has no effect: '{{ target }}' runs in whatever context calls it. Pass '{{ bound }}' instead.",
      assignBound: 'Keep the bound function: {{ target }} = ...',
      passBound: "Pass '{{ bound }}' instead of '{{ target }}'.",
      useContextWith: 'Run the code that follows inside {{ head }} instead of attaching.',
      useAlsRun: 'Run the code that follows inside {{ head }} instead.',
    },
  },
  create(context) {
    return createNoUnpairedContextAttachDetector(context, (finding) => reportFinding(context, finding));
  },
});
