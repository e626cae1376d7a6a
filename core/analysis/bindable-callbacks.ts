/**
 * The bindable callbacks of a file, and "one defect, one finding": which binding rule owns a
 * callback.
 *
 * A bindable callback is one a binding rule (`no-unbound-timer`, `no-unbound-listener`,
 * `no-unbound-queued-callback`) reports: a record `{ callback, boundary, owner }` plus what the
 * rule's message and fix need. The binding detectors report exactly these records, and
 * `no-late-context-capture` asks `getCallbackOwner` whether a late read is late only because of
 * such a callback (binding it makes every read inside it correct). Both read the same list,
 * computed once per file from the file analysis — ownership is "the binding rule reports it",
 * never a second copy of its logic, and no detector runs twice.
 */
import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, ASTUtils } from '@typescript-eslint/utils';
import type { FunctionNode } from './ast.js';
import { getEnclosingFunction, unwrapTypeScriptExpression } from './ast.js';
import { getCallbackShape, isContextBound, isContextFreeCallback, isOwnedByInactiveParentSpan } from './callbacks.js';
import { derive } from './file-analysis.js';
import type { FileAnalysis } from './file-analysis.js';
import { getEmitterLifetime, getListenerRegistration, getRequestStateUsed, isBoundEmitter, isOneShotRegistration } from './listeners.js';
import type { EmitterLifetime, ListenerRegistration } from './listeners.js';
import { indexCalls, isUnboundCallbackWrapper } from './callback-wrappers.js';
import { getOriginalCallOf, isParameterOriginal } from './wrapper-hand-over.js';
import { carriesCallerCallback } from './caller-callbacks.js';
import { getLibraryQueueCallback, loadsLibraryQueue } from './library-queues.js';
import { findHandlerObjectCallbacks } from './handler-objects.js';
import { findStoredCallbacks } from './stored-callbacks.js';
import { findQueuedCallbacks, getQueueFunctionCallback } from './queues.js';
import { findQueuedCommandCallbacks } from './queued-commands.js';
import { isRescheduleInsideItself, reschedulesItself } from './recurring-timers.js';
import { getTimerCall, mayAliasTimers } from './timers.js';
import type { TimerCall } from './timers.js';
import { doesTracedWork, resolveFunction } from './traced-code.js';
import type { InactiveSpan } from './traced-code.js';

export type BindingRuleName = 'no-unbound-timer' | 'no-unbound-listener' | 'no-unbound-queued-callback';

interface BindableCallbackBase {
  /** The callback expression as written (for a queued object property, the `Property`). */
  callback: TSESTree.Node;
  /** What hands the callback over: the timer, the `on(..)`, the storing call (a wrapper: itself). */
  boundary: TSESTree.Node;
}

export type TimerVerdict =
  | { messageId: 'recurringTimerInStore'; store: string | undefined; fixable: boolean }
  | { messageId: 'recurringTimerInTrace' }
  | { messageId: 'timerExpectsInactiveSpan'; span: InactiveSpan; spanVisible: boolean }
  | { messageId: 'timerLosesContext' };

export interface TimerCallback extends BindableCallbackBase {
  owner: 'no-unbound-timer';
  timer: TimerCall;
  verdict: TimerVerdict;
}

export interface ListenerCallback extends BindableCallbackBase {
  owner: 'no-unbound-listener';
  registration: ListenerRegistration;
  messageId: 'listenerRunsInEmitterContext' | 'listenerLosesContext' | 'persistentListenerKeepsRequest';
  lifetime: EmitterLifetime | undefined;
  /** For `persistentListenerKeepsRequest`: the request's binding the listener uses. */
  state?: string;
}

export interface QueuedCallbackRecord extends BindableCallbackBase {
  owner: 'no-unbound-queued-callback';
  queue: string;
  /** A callback wrapper handed to a library (family 4), rather than a callback stored in a queue. */
  wrapper?: boolean;
  /** Kept in a queued object that may hold no callback (core/analysis/queued-commands.ts): no fix. */
  noFix?: boolean;
}

export type BindableCallback = TimerCallback | ListenerCallback | QueuedCallbackRecord;

/** Every bindable callback of the file, in traversal order (query from `Program:exit` on). */
export function getBindableCallbacks(analysis: FileAnalysis): readonly BindableCallback[] {
  // keyed by the queue functions: a SourceCode linted again with other options gets its own records
  return derive(analysis, `bindable-callbacks:${analysis.queueFunctions.join('\n')}`, () => findBindableCallbacks(analysis));
}

/** The binding rule that reports `fn` (query from `Program:exit` on). */
export function getCallbackOwner(analysis: FileAnalysis, fn: FunctionNode): BindingRuleName | undefined {
  const owners = derive(analysis, `callback-owners:${analysis.queueFunctions.join('\n')}`, () => {
    const owned = new Map<TSESTree.Node, BindingRuleName>();
    for (const record of getBindableCallbacks(analysis)) {
      const node = record.callback.type === AST_NODE_TYPES.Property ? record.callback.value : record.callback;
      owned.set(unwrapTypeScriptExpression(node), record.owner);
    }
    const byFunction = new Map<FunctionNode, BindingRuleName>();
    for (const [node, rule] of owned) {
      const target = resolveFunction(analysis.sourceCode, node);
      if (target && !byFunction.has(target)) byFunction.set(target, rule);
    }
    return byFunction;
  });
  return owners.get(fn);
}

function findBindableCallbacks(analysis: FileAnalysis): BindableCallback[] {
  const { sourceCode, api, regions } = analysis;
  const manager = api.settings.contextManager;
  const mayAlias = mayAliasTimers(sourceCode.text);
  const records: BindableCallback[] = [];
  const seenQueued = new Set<TSESTree.Node>();

  function timerVerdict(timer: TimerCall): TimerVerdict | undefined {
    if (timer.kind !== 'callback') return undefined;
    const callback = timer.call.arguments[0];
    if (!callback || callback.type === AST_NODE_TYPES.SpreadElement) return undefined;
    const scope = regions.getTraceScope(timer.call);
    if (!scope) return undefined;
    if (isContextBound(sourceCode, api, callback)) return undefined;
    if (isRescheduleInsideItself(sourceCode, callback, timer.call)) return undefined;
    const recurring = timer.repeats || reschedulesItself(sourceCode, api, timer);
    if (scope.kind === 'als.run') {
      if (!recurring) return undefined;
      const receiver = unwrapTypeScriptExpression(scope.call.callee);
      const store = receiver.type === AST_NODE_TYPES.MemberExpression ? sourceCode.getText(receiver.object) : undefined;
      const usesThis = store?.startsWith('this.') === true;
      return { messageId: 'recurringTimerInStore', store, fixable: store !== undefined && (!usesThis || sameThis(scope.fn, timer.call)) };
    }
    if (recurring) return manager === 'stack' ? undefined : { messageId: 'recurringTimerInTrace' };
    if (scope.kind === 'inactive-span') {
      const fn = resolveFunction(sourceCode, callback);
      if (fn && doesTracedWork(sourceCode, api, fn)) {
        return { messageId: 'timerExpectsInactiveSpan', span: scope, spanVisible: ASTUtils.findVariable(sourceCode.getScope(timer.call), scope.name) === scope.variable };
      }
    }
    return manager === 'stack' ? { messageId: 'timerLosesContext' } : undefined;
  }

  function listenerRecord(registration: ListenerRegistration): ListenerCallback | undefined {
    const { listener, emitter } = registration;
    // outside traced code first: the cheapest of these independent tests (a cached region lookup),
    // and most registrations of a file are not in a trace scope
    const scope = regions.getTraceScope(registration.call);
    if (!scope) return undefined;
    if (getCallbackShape(sourceCode, listener).kind === 'not-a-function') return undefined;
    if (isContextBound(sourceCode, api, listener) || isContextFreeCallback(sourceCode, api, listener) || isBoundEmitter(sourceCode, api, registration)) return undefined;
    if (isOwnedByInactiveParentSpan(sourceCode, api, scope, listener)) return undefined;
    const lifetime = getEmitterLifetime(sourceCode, api, emitter);
    let messageId: ListenerCallback['messageId'];
    if (manager === 'stack') messageId = 'listenerLosesContext';
    else if (manager !== 'zone' && lifetime !== undefined) messageId = 'listenerRunsInEmitterContext';
    else return undefined;
    // A persistent listener on an emitter that outlives the request runs for every later event,
    // other requests' included, in the emitter's context — as one added at startup does (5d).
    // Binding it would pin them all to this request's ended trace: never a bind, and reported
    // (without a fix) only when it uses this request's own state.
    if (lifetime !== undefined && !isOneShotRegistration(sourceCode, registration)) {
      const requestFn = scope.kind === 'inactive-span' ? getEnclosingFunction(scope.declarator) : (getEnclosingFunction(scope.call) ?? scope.fn);
      const state = requestFn && getRequestStateUsed(sourceCode, listener, requestFn, emitter);
      if (state === undefined) return undefined;
      return { owner: 'no-unbound-listener', callback: listener, boundary: registration.call, registration, messageId: 'persistentListenerKeepsRequest', lifetime, state };
    }
    return { owner: 'no-unbound-listener', callback: listener, boundary: registration.call, registration, messageId, lifetime };
  }

  function queued(entry: { node: TSESTree.Node; queue: string; call: TSESTree.CallExpression; shared?: boolean; noFix?: boolean }): void {
    if (seenQueued.has(entry.node)) return;
    seenQueued.add(entry.node);
    const target = entry.node.type === AST_NODE_TYPES.Property ? entry.node.value : entry.node;
    if (isOwnedByInactiveParentSpan(sourceCode, api, regions.getTraceScope(entry.node), target)) return;
    // With no tracing in the file, the only context worth keeping is the caller's (family 5): a
    // callback it handed in, or any work queued from its call into a library queue every caller shares.
    if (analysis.untraced && !entry.shared && !carriesCallerCallback(sourceCode, entry.node)) return;
    records.push({ owner: 'no-unbound-queued-callback', callback: entry.node, boundary: entry.call, queue: entry.queue, ...(entry.noFix ? { noFix: true } : {}) });
  }

  const mayUseLibraryQueue = loadsLibraryQueue(analysis.loadedModules);
  for (const node of analysis.callsAndAssignments) {
    if (node.type !== AST_NODE_TYPES.CallExpression) continue;
    const timer = getTimerCall(api.resolver, node, mayAlias);
    const verdict = timer && timerVerdict(timer);
    if (timer && verdict) records.push({ owner: 'no-unbound-timer', callback: node.arguments[0] as TSESTree.Node, boundary: node, timer, verdict });
    const registration = getListenerRegistration(sourceCode, node);
    const listener = registration && listenerRecord(registration);
    if (listener) records.push(listener);
    // Family 9: a well-known library queue, recognised by import (core/analysis/library-queues.ts).
    // Handed over from traced code (where there is a caller's context to lose), or in code with no
    // tracing (a library's own module) under the rules of `queued`.
    const library = mayUseLibraryQueue && (analysis.untraced || regions.getTraceScope(node)) ? getLibraryQueueCallback(sourceCode, api, node, analysis.filename, analysis.untraced) : undefined;
    if (library && !isContextBound(sourceCode, api, library.node) && !isContextFreeCallback(sourceCode, api, library.node)) queued(library);
    const entry = getQueueFunctionCallback(sourceCode, node, analysis.queueFunctions);
    if (entry && !isContextBound(sourceCode, api, entry.node) && !isContextFreeCallback(sourceCode, api, entry.node)) queued(entry);
  }
  const { stored, drained } = analysis.queueNames;
  if ([...stored].some((name) => drained.has(name))) {
    for (const entry of findQueuedCallbacks(sourceCode, api, analysis.callsAndAssignments)) queued(entry);
    for (const entry of findQueuedCommandCallbacks(sourceCode, api, analysis.callsAndAssignments)) queued(entry);
  }
  // Family 4: a caller's callback kept by a handler object whose event methods a dispatcher calls.
  for (const entry of findHandlerObjectCallbacks(sourceCode, analysis.classes)) {
    if (seenQueued.has(entry.node) || isContextBound(sourceCode, api, entry.node)) continue;
    if (isOwnedByInactiveParentSpan(sourceCode, api, regions.getTraceScope(entry.node), entry.node)) continue;
    seenQueued.add(entry.node);
    records.push({ owner: 'no-unbound-queued-callback', callback: entry.node, boundary: entry.assignment, queue: entry.queue });
  }
  // Families 4/5 in code with no tracing: a caller's callback a per-call object stores and another method runs (stored-callbacks.ts).
  if (analysis.untraced) {
    for (const entry of findStoredCallbacks(sourceCode, analysis.callsAndAssignments)) {
      // already reported where it is handed in (a queued command object: queued-commands.ts)
      if (seenQueued.has(entry.node) || entry.handedIn.some((node) => seenQueued.has(node)) || isContextBound(sourceCode, api, entry.node)) continue;
      seenQueued.add(entry.node);
      records.push({ owner: 'no-unbound-queued-callback', callback: entry.node, boundary: entry.assignment, queue: entry.queue });
    }
  }
  // Family 4: callback wrappers handed to a library, made where no span is active (made inside an
  // active span, binding would run the caller's callback inside it: family 3's business).
  if (!analysis.untraced && analysis.handedOnFunctions.length > 0) {
    const index = indexCalls(analysis.callsAndAssignments);
    for (const fn of analysis.handedOnFunctions) {
      if (seenQueued.has(fn) || !isUnboundCallbackWrapper(sourceCode, api, fn, index)) continue;
      const scope = regions.getTraceScope(fn);
      if (scope !== undefined && scope.kind !== 'inactive-span') continue;
      // handed to an original that runs inside an active span: family 3's (wrapper-hand-over.ts)
      const original = getOriginalCallOf(sourceCode, fn);
      const originalScope = original && regions.getTraceScope(original);
      if (originalScope !== undefined && originalScope.kind !== 'inactive-span') continue;
      if (original && isParameterOriginal(sourceCode, original)) continue;
      seenQueued.add(fn);
      records.push({ owner: 'no-unbound-queued-callback', callback: fn, boundary: fn, queue: 'a library', wrapper: true });
    }
  }
  return records;
}

/** Arrow functions keep `this`; a `function` between the store's `run` callback and the timer does not. */
function sameThis(outer: FunctionNode, node: TSESTree.Node): boolean {
  for (let fn = getEnclosingFunction(node); fn && fn !== outer; fn = getEnclosingFunction(fn)) {
    if (fn.type !== AST_NODE_TYPES.ArrowFunctionExpression) return false;
  }
  return outer.type === AST_NODE_TYPES.ArrowFunctionExpression;
}
