/**
 * Detector for `no-unbound-timer`: timer callbacks that will run in the wrong context.
 *
 * 1. `stack`: every one-shot timer scheduled in traced code (1a–1e: orphaned) →
 *    `context.bind(context.active(), cb)`.
 * 2. every manager: a timer scheduled while a `startSpan` span is in play but was never made
 *    active, whose callback does traced work (2b: orphaned) →
 *    `context.bind(trace.setSpan(context.active(), span), cb)`.
 * 3. every manager but `stack`: recurring work (`setInterval`, a self-rescheduling timer) started
 *    in traced code: every tick joins the trace forever (6b, 12g) → `context.bind(ROOT_CONTEXT, cb)`.
 *    Under `stack` ticks are already roots, and binding them would create that very bug.
 * 4. ALS-only code (no OpenTelemetry import): recurring work started inside `als.run(store, ..)`
 *    carries the store forever → `als.exit(() => setInterval(..))`.
 *
 * Out of scope: timers in functions that are called from traced code but are not lexically
 * inside it; `node:timers/promises` (no callback: what follows the `await` is the late-capture
 * rule's business).
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { getBindableCallbacks } from '../analysis/bindable-callbacks.js';
import type { TimerCallback } from '../analysis/bindable-callbacks.js';
import { mergeListeners, useFileAnalysis } from '../analysis/file-analysis.js';
import { fileMayContainTracedCode } from '../analysis/otel-api.js';
import { ensureApiMembers } from '../edits/api-imports.js';
import { surround, wrapInBind } from '../edits/wrap.js';
import type { Edit, Finding } from '../findings.js';

export type NoUnboundTimerMessageId = TimerCallback['verdict']['messageId'];

export function createNoUnboundTimerDetector(
  context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>,
  onFinding: (finding: Finding<NoUnboundTimerMessageId>) => void,
): TSESLint.RuleListener {
  if (!fileMayContainTracedCode(context)) return {};
  const { analysis, listeners } = useFileAnalysis(context);
  const { sourceCode, api } = analysis;

  function bindFix(callback: TSESTree.Node, members: Parameters<typeof ensureApiMembers>[2], ctx: (names: Record<string, string>) => string): Edit[] {
    const refs = ensureApiMembers(sourceCode, api, members);
    return [...refs.edits, ...wrapInBind(callback, `${refs.names.context}.bind`, ctx(refs.names))];
  }

  function report({ timer, callback, verdict }: TimerCallback): void {
    const data = { timer: timer.name };
    const node = timer.call.callee;
    switch (verdict.messageId) {
      case 'recurringTimerInStore':
        onFinding({
          messageId: verdict.messageId,
          data: { ...data, store: verdict.store ?? 'the store' },
          node,
          ...(verdict.fixable ? { fix: surround(timer.call, `${verdict.store}.exit(() => `, ')') } : {}),
        });
        return;
      case 'recurringTimerInTrace':
        onFinding({ messageId: verdict.messageId, data, node, fix: bindFix(callback, ['context', 'ROOT_CONTEXT'], (n) => n.ROOT_CONTEXT ?? 'ROOT_CONTEXT') });
        return;
      case 'timerExpectsInactiveSpan': {
        const span = verdict.span.name;
        onFinding({
          messageId: verdict.messageId,
          data: { ...data, span },
          node,
          ...(verdict.spanVisible ? { fix: bindFix(callback, ['context', 'trace'], (n) => `${n.trace}.setSpan(${n.context}.active(), ${span})`) } : {}),
        });
        return;
      }
      case 'timerLosesContext':
        onFinding({ messageId: verdict.messageId, data, node, fix: bindFix(callback, ['context'], (n) => `${n.context}.active()`) });
    }
  }

  return mergeListeners(listeners, {
    'Program:exit'() {
      for (const record of getBindableCallbacks(analysis)) if (record.owner === 'no-unbound-timer') report(record);
    },
  });
}
