/**
 * Detector for `no-unbound-queued-callback`: a callback stored for later in a work queue runs in
 * the context of whoever drains the queue — a timer started at module load (6a: orphaned), the
 * request that first created the drainer (6b: wrong parent), the socket that delivers a reply.
 * Under every manager: none of them can see through a user-land queue.
 *
 * A work queue is a long-lived collection (module-level, a class member, or kept by an enclosing
 * function) into which a callback is stored (`push`, `unshift`, `add`, `enqueue`, `set`) and that
 * the same file both drains (`shift`, `pop`, `dequeue`, `splice`, `delete` after `set`, `clear`,
 * `length = 0`, reassignment to an empty collection) and runs the entries of (calls an entry
 * taken from it, or hands it on). Calls listed in the `additionalQueueFunctions` option (pools,
 * limiters) store their callback argument too.
 *
 * Not a work queue: a registry that is iterated and never drained (middleware, plugin hooks,
 * event handler lists, `splice(indexOf(fn), 1)` to unsubscribe, `set.delete(fn)`). Binding its
 * entries at registration would tie every later call to the startup context — a new bug.
 * Not flagged: promise resolvers and callbacks that call nothing else (a promise continuation
 * follows the `await`, not the resolver); callbacks already bound.
 *
 * Fix: `context.bind(context.active(), cb)` at the storing site; in ALS-only code (no
 * OpenTelemetry import, an `AsyncLocalStorage` of its own) `AsyncLocalStorage.bind(cb)`.
 */
import type { TSESLint } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { getBindableCallbacks } from '../analysis/bindable-callbacks.js';
import type { QueuedCallbackRecord } from '../analysis/bindable-callbacks.js';
import { isAsyncLocalStorageOnly } from '../analysis/callbacks.js';
import { mergeListeners, useFileAnalysis } from '../analysis/file-analysis.js';
import { fileMayContainTracedCode } from '../analysis/otel-api.js';
import { bindToCurrentContext } from '../edits/wrap.js';
import type { Finding } from '../findings.js';

export type NoUnboundQueuedCallbackMessageId = 'queuedCallbackLosesContext' | 'queuedCallbackLosesStore';

export interface NoUnboundQueuedCallbackOptions {
  /** Functions and methods that store their callback argument to run it later. */
  additionalQueueFunctions: readonly string[];
}

export function createNoUnboundQueuedCallbackDetector(
  context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>,
  options: NoUnboundQueuedCallbackOptions,
  onFinding: (finding: Finding<NoUnboundQueuedCallbackMessageId>) => void,
): TSESLint.RuleListener {
  // A queue in a file with no tracing (no API import, no span, no AsyncLocalStorage of its own) is a
  // library's business: binding there would add an OpenTelemetry import to code that does not use it.
  if (!fileMayContainTracedCode(context)) return {};
  const { analysis, listeners } = useFileAnalysis(context);
  // Registered before any query (queries start at Program:exit), so callback ownership sees the
  // user's queue functions too.
  analysis.queueFunctions = options.additionalQueueFunctions;
  const { sourceCode, api } = analysis;
  const messageId: NoUnboundQueuedCallbackMessageId = isAsyncLocalStorageOnly(api) ? 'queuedCallbackLosesStore' : 'queuedCallbackLosesContext';

  function report({ callback, queue }: QueuedCallbackRecord): void {
    const target = callback.type === AST_NODE_TYPES.Property ? callback.value : callback;
    let fix = bindToCurrentContext(sourceCode, api, target);
    if (fix && callback.type === AST_NODE_TYPES.Property) {
      // `{ done }` → `{ done: context.bind(context.active(), done) }`
      const key = sourceCode.getText(callback.key);
      const start = fix.findIndex((edit) => edit.range[0] === target.range[0] && edit.range[1] === target.range[0]);
      fix = fix.map((edit, index) => (index === start ? { ...edit, text: `${key}: ${edit.text}` } : edit));
    }
    onFinding({ messageId, data: { queue }, node: callback, ...(fix ? { fix } : {}) });
  }

  return mergeListeners(listeners, {
    'Program:exit'() {
      for (const record of getBindableCallbacks(analysis)) if (record.owner === 'no-unbound-queued-callback') report(record);
    },
  });
}
