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
 * Files with no tracing at all (issue 11, family 5: library and utility queues, the p-limit
 * shape) are looked at under `async-local-storage`/`async-hooks` only, for callbacks a caller
 * handed in (core/analysis/caller-callbacks.ts); iterated registries stay unreported there too.
 *
 * Callback wrappers (family 4, core/analysis/callback-wrappers.ts): a function made to end a span
 * and run its caller's callback, handed to a library that calls it back from its reply or wait
 * queue. This rule owns them because it is the same defect — a callback run later by whoever
 * drains a queue — with the same fix at the same place: bind where the callback is handed over.
 *
 * Partial binding (family 4, core/analysis/partial-binding.ts): a file that binds its caller's
 * callback on some paths and not on another (an `AsyncResource` subclass calling directly what it
 * runs through `runInAsyncScope` elsewhere; a callback handed raw to a receiver the file's other
 * calls bind for) is reported at the forgotten path, fixed with the file's own mechanism.
 *
 * Fix: `context.bind(context.active(), cb)` at the storing site (or where the wrapper is made); in
 * ALS-only code (no OpenTelemetry import, an `AsyncLocalStorage` of its own)
 * `AsyncLocalStorage.bind(cb)`; in code with no tracing `AsyncResource.bind(cb)` from
 * `node:async_hooks` (added to the file's imports or requires).
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { getBindableCallbacks } from '../analysis/bindable-callbacks.js';
import type { QueuedCallbackRecord } from '../analysis/bindable-callbacks.js';
import { isAsyncLocalStorageOnly } from '../analysis/callbacks.js';
import { mergeListeners, useFileAnalysis } from '../analysis/file-analysis.js';
import { fileMayContainTracedCode } from '../analysis/otel-api.js';
import { isEsmModule } from '../analysis/caller-callbacks.js';
import { ensureAsyncResource } from '../edits/async-hooks-imports.js';
import { getPlatformEvidence } from '../analysis/platform.js';
import { bindToCurrentContext, surround } from '../edits/wrap.js';
import type { Edit, Finding } from '../findings.js';
import { fileMayHoldUntracedQueue } from '../triggers.js';
import { createPartialBindingListeners } from './no-unbound-queued-callback/partial-binding.js';
import type { PartialBindingMessageId } from './no-unbound-queued-callback/partial-binding.js';

export type NoUnboundQueuedCallbackMessageId =
  | PartialBindingMessageId
  | 'queuedCallbackLosesContext'
  | 'queuedCallbackLosesStore'
  | 'queuedCallbackLosesCaller'
  | 'callbackWrapperLosesCaller';

export interface NoUnboundQueuedCallbackOptions {
  /** Functions and methods that store their callback argument to run it later. */
  additionalQueueFunctions: readonly string[];
}

export function createNoUnboundQueuedCallbackDetector(
  context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>,
  options: NoUnboundQueuedCallbackOptions,
  onFinding: (finding: Finding<NoUnboundQueuedCallbackMessageId>) => void,
): TSESLint.RuleListener {
  // A file with no tracing (no API import, no span, no AsyncLocalStorage of its own) is looked at
  // only under the AsyncLocalStorage managers and only when its text can hold a queue (a store and a
  // drain): there a callback handed in by a caller is bound with `AsyncResource.bind`, which adds no
  // OpenTelemetry dependency (under zone and stack it would do nothing, 6a-after-asyncresource).
  const untraced = !fileMayContainTracedCode(context);
  if (untraced && !fileMayHoldUntracedQueue(context)) return {};
  // Partial binding (family 4, "one path forgot"): with or without tracing, its own text gate
  // (part of fileMayHoldUntracedQueue's, so the codemod's file filter sees it too).
  const reported = new Set<TSESTree.Node>();
  const { analysis, listeners } = useFileAnalysis(context);
  const partial = createPartialBindingListeners(context, analysis.callsAndAssignments, reported, onFinding);
  // Registered before any query (queries start at Program:exit), so callback ownership sees the
  // user's queue functions too.
  analysis.queueFunctions = options.additionalQueueFunctions;
  const { sourceCode, api } = analysis;
  const messageId: NoUnboundQueuedCallbackMessageId = untraced
    ? 'queuedCallbackLosesCaller'
    : isAsyncLocalStorageOnly(api)
      ? 'queuedCallbackLosesStore'
      : 'queuedCallbackLosesContext';
  let asyncResource: { name: string; edits: Edit[] } | undefined;

  // A file with no tracing that reads browser globals and nothing of Node runs where there is no
  // AsyncLocalStorage, and the fix's node:async_hooks import would break its bundle (the settings
  // say Node for the rest: the AsyncLocalStorage managers).
  const platform = untraced ? getPlatformEvidence(sourceCode) : undefined;
  if (platform?.browser && !platform.node) return mergeListeners(listeners, partial);

  function bind(target: TSESTree.Node): Edit[] | undefined {
    if (!untraced) return bindToCurrentContext(sourceCode, api, target);
    asyncResource ??= ensureAsyncResource(sourceCode, isEsmModule(sourceCode));
    return [...asyncResource.edits, ...surround(target, `${asyncResource.name}.bind(`, ')')];
  }

  function report({ callback, queue, wrapper, noFix }: QueuedCallbackRecord): void {
    const target = callback.type === AST_NODE_TYPES.Property ? callback.value : callback;
    let fix = noFix ? undefined : bind(target);
    if (fix && callback.type === AST_NODE_TYPES.Property) {
      // `{ done }` → `{ done: context.bind(context.active(), done) }`
      const key = sourceCode.getText(callback.key);
      const start = fix.findIndex((edit) => edit.range[0] === target.range[0] && edit.range[1] === target.range[0]);
      fix = fix.map((edit, index) => (index === start ? { ...edit, text: `${key}: ${edit.text}` } : edit));
    }
    reported.add(target);
    onFinding({ messageId: wrapper ? 'callbackWrapperLosesCaller' : messageId, data: { queue }, node: callback, ...(fix ? { fix } : {}) });
  }

  return mergeListeners(listeners, {
    'Program:exit'() {
      for (const record of getBindableCallbacks(analysis)) if (record.owner === 'no-unbound-queued-callback') report(record);
    },
  }, partial);
}
