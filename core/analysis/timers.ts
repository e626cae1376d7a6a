/**
 * Which calls defer a callback. Timers are recognised only when they resolve to the real
 * globals (`setTimeout`, `globalThis.setTimeout`, `window.setTimeout`, `process.nextTick`) or to
 * `node:timers` / `node:timers/promises` / `node:process` — a local function called
 * `setTimeout` is not a timer.
 */
import { textIncludes } from './text-search.js';
import type { TSESTree } from '@typescript-eslint/utils';
import type { BindingResolver } from './import-bindings.js';

export type TimerName =
  | 'setTimeout'
  | 'setInterval'
  | 'setImmediate'
  | 'queueMicrotask'
  | 'process.nextTick'
  | 'requestAnimationFrame'
  | 'requestIdleCallback';

export interface TimerCall {
  name: TimerName;
  /** `callback`: takes a callback (argument 0). `promise`: `node:timers/promises`, returns a promise or an async iterator. */
  kind: 'callback' | 'promise';
  /** `setInterval` (either kind) repeats by itself. */
  repeats: boolean;
  call: TSESTree.CallExpression;
}

const CALLBACK_TIMERS: Readonly<Record<string, TimerName>> = {
  'global:setTimeout': 'setTimeout',
  'global:setInterval': 'setInterval',
  'global:setImmediate': 'setImmediate',
  'global:queueMicrotask': 'queueMicrotask',
  'global:requestAnimationFrame': 'requestAnimationFrame',
  'global:requestIdleCallback': 'requestIdleCallback',
  'global:process.nextTick': 'process.nextTick',
  'node:process:nextTick': 'process.nextTick',
  'node:timers:setTimeout': 'setTimeout',
  'node:timers:setInterval': 'setInterval',
  'node:timers:setImmediate': 'setImmediate',
};

const PROMISE_TIMERS: Readonly<Record<string, TimerName>> = {
  'node:timers/promises:setTimeout': 'setTimeout',
  'node:timers/promises:setInterval': 'setInterval',
  'node:timers/promises:setImmediate': 'setImmediate',
  'node:timers:promises.setTimeout': 'setTimeout',
  'node:timers:promises.setInterval': 'setInterval',
  'node:timers:promises.setImmediate': 'setImmediate',
};

/** Cheap pre-check on the callee's last name before resolving scopes. */
const TIMER_CALLEE_NAMES = new Set(['setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask', 'nextTick', 'requestAnimationFrame', 'requestIdleCallback']);

/**
 * The timer `call` is, if any. Identifiers with a timer's name are resolved; other identifiers
 * only when `mayAlias` says the file imports from `node:timers` (an alias like `setImmediate as later`).
 */
export function getTimerCall(resolver: BindingResolver, call: TSESTree.CallExpression, mayAlias = false): TimerCall | undefined {
  const callee = call.callee;
  const lastName =
    callee.type === 'Identifier'
      ? callee.name
      : callee.type === 'MemberExpression' && callee.property.type === 'Identifier'
        ? callee.property.name
        : undefined;
  if (lastName === undefined) return undefined;
  if (!TIMER_CALLEE_NAMES.has(lastName) && !(mayAlias && callee.type === 'Identifier')) return undefined;
  const path = resolver.pathOf(callee);
  if (path === undefined) return undefined;
  const callbackName = CALLBACK_TIMERS[path];
  if (callbackName) return { name: callbackName, kind: 'callback', repeats: callbackName === 'setInterval', call };
  const promiseName = PROMISE_TIMERS[path];
  if (promiseName) return { name: promiseName, kind: 'promise', repeats: promiseName === 'setInterval', call };
  return undefined;
}

/** Whether the file imports timers under names of its own (cheap text check, once per file). */
export function mayAliasTimers(text: string): boolean {
  return textIncludes(text, 'timers');
}
