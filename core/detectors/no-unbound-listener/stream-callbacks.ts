/**
 * no-unbound-listener in files with no tracing (issue 11, listener family): a listener that runs a
 * caller's callback, registered on an emitter the function received or piped a received stream
 * into (core/analysis/stream-callbacks.ts). Under the AsyncLocalStorage managers the listener runs
 * in the context of whoever feeds the emitter (an HTTP request's socket), so the callback loses its
 * caller's store. Fix: `AsyncResource.bind(listener)` from `node:async_hooks` (what multer shipped),
 * which adds no OpenTelemetry dependency; a listener also removed by reference gets no fix (the
 * removal would no longer match).
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { isEsmModule } from '../../analysis/caller-callbacks.js';
import { getRemovedListenerTexts } from '../../analysis/listeners.js';
import { getOtelApi } from '../../analysis/otel-api.js';
import { getPlatformEvidence } from '../../analysis/platform.js';
import { getStreamCallbackListener, mayHoldStreamCallback } from '../../analysis/stream-callbacks.js';
import { ensureAsyncResource } from '../../edits/async-hooks-imports.js';
import { surround } from '../../edits/wrap.js';
import type { Edit, Finding } from '../../findings.js';
import { getSettings } from '../../settings.js';

export type StreamCallbackMessageId = 'listenerRunsCallerCallback';

export function createStreamCallbackListeners(
  context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>,
  onFinding: (finding: Finding<StreamCallbackMessageId>) => void,
): TSESLint.RuleListener {
  const { sourceCode } = context;
  if (!mayHoldStreamCallback(sourceCode.text, getSettings(context.settings).contextManager)) return {};
  const platform = getPlatformEvidence(sourceCode);
  if (platform.browser && !platform.node) return {};
  const api = getOtelApi(context);
  let removed: Set<string> | undefined;
  let asyncResource: { name: string; edits: Edit[] } | undefined;
  return {
    CallExpression(node: TSESTree.CallExpression) {
      const found = getStreamCallbackListener(sourceCode, api, context.filename, node);
      if (!found) return;
      const { listener, emitter, event } = found.registration;
      removed ??= getRemovedListenerTexts(sourceCode);
      let fix: Edit[] | undefined;
      if (!removed.has(sourceCode.getText(listener))) {
        asyncResource ??= ensureAsyncResource(sourceCode, isEsmModule(sourceCode));
        fix = [...asyncResource.edits, ...surround(listener, `${asyncResource.name}.bind(`, ')')];
      }
      const emitterText = sourceCode.getText(emitter);
      onFinding({
        messageId: 'listenerRunsCallerCallback',
        data: { event, emitter: emitterText.length > 40 ? `${emitterText.slice(0, 37)}...` : emitterText, callback: found.callback, how: found.emitterKind === 'received' ? 'that this function received' : 'that a received stream is piped into' },
        node: listener,
        ...(fix ? { fix } : {}),
      });
    },
  };
}
