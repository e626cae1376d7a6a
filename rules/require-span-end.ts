import { createRequireSpanEndDetector } from '../core/detectors/require-span-end.js';
import type { RequireSpanEndMessageId } from '../core/detectors/require-span-end.js';
import { createRule, reportFinding } from './create-rule.js';

export type Options = [{ checkSyncCalls?: boolean; checkTests?: boolean }];
export type MessageId = RequireSpanEndMessageId;

export default createRule<Options, MessageId>({
  name: 'require-span-end',
  meta: {
    type: 'problem',
    docs: {
      description: 'Require every span to be ended on every path, exceptions included',
      recommended: true,
      browser: true,
      strictOptions: [{ checkSyncCalls: true, checkTests: true }],
    },
    hasSuggestions: true,
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          checkSyncCalls: {
            type: 'boolean',
            description:
              "Also report a synchronous call between the span's start and span.end() that no finally protects (if it throws, the span stays open). Await and yield are always reported.",
          },
          checkTests: {
            type: 'boolean',
            description:
              'Also report, inside the body of a test, a hook or a suite (it, test, beforeEach, describe, ..) or in the script code of a file under a test directory (test/fixtures/*.mjs), a span never ended or thrown away (tests start parent spans only to make a context, and leave them open so that the in-memory exporter they assert on does not see them), and an await or call that may skip span.end() (a rejection fails the test).',
          },
        },
      },
    ],
    defaultOptions: [{ checkSyncCalls: false, checkTests: false }],
    messages: {
      spanNeverEnded:
        "Span '{{ span }}' is never ended, so it is never exported and the spans under it hang from a parent that never finishes.",
      spanNotEndedOnEveryPath:
        "Span '{{ span }}' is not ended on every path: {{ exit }} leaves it open, so it is never exported.",
      spanNotEndedOnException:
        "Span '{{ span }}' stays open if '{{ call }}' {{ how }}: no finally ends it, so it is never exported.",
      spanNotEndedOnThrow:
        "Span '{{ span }}' stays open if '{{ call }}' throws: no finally ends it, so it is never exported.",
      spanDiscarded:
        'The span started here is thrown away, so nothing can end it and it is never exported.',
      activeSpanUnreachable:
        'This startActiveSpan callback never reads its span, so nothing ends the span and it is never exported.',
      spanEndedOnlyInContinuation:
        "Span '{{ span }}' is ended only in the '{{ slot }}' handed to the caller's middleware: a middleware that throws, rejects or answers without calling '{{ slot }}' leaves it open, so it is never exported. End it also when the middleware settles (try/finally around the call).",
      spanHeldByResource:
        "Span '{{ span }}' is ended here only when '{{ resource }}' emits '{{ event }}', and '{{ resource }}' goes to {{ to }}: the span stays open for as long as the caller holds it, and everything done with it nests under it. End it before handing '{{ resource }}' over, as the other paths do.",
      spanEndedOnlyInUnusedFunction:
        "Span '{{ span }}' is ended only in a function kept in '{{ holder }}', which never leaves this function: nothing runs it, so the span is never ended nor exported. Return or register '{{ holder }}', or end the span on this path.",
      spanEndedOnlyInCallbackOnSomePaths:
        "Span '{{ span }}' is ended only in a callback this function makes on some paths: on a path that makes none, {{ exit }} leaves it open, so it is never exported (a call without a callback, such as the promise form). End it on that path too, for example when the returned promise settles.",
      endSpanInFinally: "Wrap the rest of the block in try { .. } finally { {{ span }}.end(); }.",
    },
  },
  create(context, [options]) {
    return createRequireSpanEndDetector(context, { checkSyncCalls: options.checkSyncCalls === true, checkTests: options.checkTests === true }, (finding) => reportFinding(context, finding));
  },
});
