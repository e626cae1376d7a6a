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
 * No fix when the listener is also removed by reference (`off`, `removeListener`): the bound
 * wrapper would no longer match.
 *
 * Out of scope: listeners registered in a function called from traced code but not written in
 * it; `this.on(..)` on the instance itself; listener objects (`{ handleEvent }`).
 */
import type { TSESLint } from '@typescript-eslint/utils';
import { getBindableCallbacks } from '../analysis/bindable-callbacks.js';
import type { ListenerCallback } from '../analysis/bindable-callbacks.js';
import { mergeListeners, useFileAnalysis } from '../analysis/file-analysis.js';
import { getRemovedListenerTexts, LIFETIME_TEXT } from '../analysis/listeners.js';
import { fileMayContainTracedCode } from '../analysis/otel-api.js';
import { bindToCurrentContext } from '../edits/wrap.js';
import type { Finding } from '../findings.js';

export type NoUnboundListenerMessageId = ListenerCallback['messageId'];

export function createNoUnboundListenerDetector(
  context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>,
  onFinding: (finding: Finding<NoUnboundListenerMessageId>) => void,
): TSESLint.RuleListener {
  if (!fileMayContainTracedCode(context)) return {};
  const { analysis, listeners } = useFileAnalysis(context);
  const { sourceCode, api } = analysis;
  let removed: Set<string> | undefined;

  function report({ registration, messageId, lifetime }: ListenerCallback): void {
    const { listener, emitter } = registration;
    removed ??= getRemovedListenerTexts(sourceCode);
    const fix = removed.has(sourceCode.getText(listener)) ? undefined : bindToCurrentContext(sourceCode, api, listener);
    const emitterText = sourceCode.getText(emitter);
    onFinding({
      messageId,
      data: {
        event: registration.event,
        emitter: emitterText.length > 40 ? `${emitterText.slice(0, 37)}...` : emitterText,
        lifetime: lifetime === undefined ? 'an emitter' : LIFETIME_TEXT[lifetime],
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
