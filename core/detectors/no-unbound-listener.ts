/**
 * Detector for `no-unbound-listener`: a listener registered in traced code on an emitter that
 * outlives the traced scope. An emitter calls its listeners synchronously from `emit()`, so under
 * AsyncLocalStorage, async-hooks and stack the listener runs in the context of whoever emits:
 * another request's span (5a, 5e) or none (5b, 12e).
 *
 * - `async-local-storage` / `async-hooks`: flagged when the emitter is long-lived — `process`, a
 *   module-level or imported binding, a class member (`this.socket`), a binding of an enclosing
 *   function (a client made by a factory), or a connection taken from a pool. Emitters created
 *   in the same scope or received as a parameter (`req`, `res`, a stream opened here) emit in the
 *   right context (12d) and are not flagged.
 * - `stack`: every listener registered in traced code (the emit comes later, from a task that has
 *   no context: 12d is orphaned there too).
 * - `zone`: not flagged: zone.js patches `EventEmitter` and the DOM `EventTarget`, so listeners run
 *   in their registration zone (5a, 5b).
 *
 * Fix: bind the listener, `emitter.on('x', context.bind(context.active(), listener))` (in
 * ALS-only code, `AsyncLocalStorage.bind(listener)`). Never the emitter: `context.bind(ctx, ee)`
 * only covers listeners added afterwards and mis-parents other requests' listeners (5a-after-bind-ee-late, 5f).
 * A listener also removed by reference (`off`, `removeListener`) is bound where it is declared
 * (`const onReply = context.bind(..)`), so the removal still matches; else it gets no fix.
 *
 * Persistent listeners (issue 11, family 12; core/analysis/listeners.ts): binding fixes one-shot
 * waits (`once`, `{ once: true }`, an event named for the request, an `on` removed when its result
 * arrives). A persistent `on` on a long-lived emitter runs for every later event in the emitter's
 * context, like a startup listener; bound, it would pin other requests' events to this request's
 * ended trace (three-request proof: fixtures/no-unbound-listener/valid/persistent-audit-listener).
 * It is reported, without a fix, only when it uses the request's own state.
 *
 * Files with no tracing (issue 11, listener family; no-unbound-listener/stream-callbacks.ts): a
 * listener that calls a caller's callback (`next`, `done`), registered on an emitter the function
 * received or piped a received stream into, runs that callback in the feeding socket's context
 * under the AsyncLocalStorage managers; fixed with `AsyncResource.bind(listener)`.
 *
 * Out of scope: listeners registered in a function called from traced code but not written in
 * it; `this.on(..)` on the instance itself; listener objects (`{ handleEvent }`).
 */
import type { TSESLint } from '@typescript-eslint/utils';
import { getBindableCallbacks } from '../analysis/bindable-callbacks.js';
import type { ListenerCallback } from '../analysis/bindable-callbacks.js';
import { mergeListeners, useFileAnalysis } from '../analysis/file-analysis.js';
import { getListenerDeclaration, getRemovedListenerTexts, LIFETIME_TEXT } from '../analysis/listeners.js';
import { fileMayContainTracedCode } from '../analysis/otel-api.js';
import { bindToCurrentContext } from '../edits/wrap.js';
import type { Edit, Finding } from '../findings.js';
import { createStreamCallbackListeners } from './no-unbound-listener/stream-callbacks.js';
import type { StreamCallbackMessageId } from './no-unbound-listener/stream-callbacks.js';

export type NoUnboundListenerMessageId = ListenerCallback['messageId'] | StreamCallbackMessageId;

export function createNoUnboundListenerDetector(
  context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>,
  onFinding: (finding: Finding<NoUnboundListenerMessageId>) => void,
): TSESLint.RuleListener {
  // a file with no tracing: only a caller's callback run from a received or piped stream's listeners
  if (!fileMayContainTracedCode(context)) return createStreamCallbackListeners(context, onFinding);
  const { analysis, listeners } = useFileAnalysis(context);
  const { sourceCode, api } = analysis;
  let removed: Set<string> | undefined;

  function report({ registration, messageId, lifetime, state }: ListenerCallback): void {
    const { listener, emitter } = registration;
    let fix: Edit[] | undefined;
    if (messageId !== 'persistentListenerKeepsRequest') {
      removed ??= getRemovedListenerTexts(sourceCode);
      // A listener also removed by reference is bound where it is declared, so `off` still matches.
      const declaration = removed.has(sourceCode.getText(listener)) ? getListenerDeclaration(sourceCode, registration) : listener;
      fix = declaration && bindToCurrentContext(sourceCode, api, declaration);
    }
    const emitterText = sourceCode.getText(emitter);
    onFinding({
      messageId,
      data: {
        event: registration.event,
        emitter: emitterText.length > 40 ? `${emitterText.slice(0, 37)}...` : emitterText,
        lifetime: lifetime === undefined ? 'an emitter' : LIFETIME_TEXT[lifetime],
        ...(state === undefined ? {} : { name: state }),
      },
      node: listener,
      ...(fix ? { fix } : {}),
    });
  }

  return mergeListeners(listeners, {
    'Program:exit'() {
      for (const record of getBindableCallbacks(analysis)) if (record.owner === 'no-unbound-listener') report(record);
    },
  });
}
