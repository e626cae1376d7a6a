/**
 * Per rule: substrings without which a file cannot contain one of its findings. Detection
 * knowledge, so it lives in core: every detector returns no listeners for a file without traced
 * code (TRACED_CODE_TRIGGERS in core/analysis/otel-api.ts, or a configured `apiModules`/`spanWrappers`
 * name), and a detector whose list is narrower also for a file without one of its own; the codemod
 * skips such a file without parsing it (mayContainFinding, the same test). A rule without an entry
 * is never skipped, so a new rule is safe by default.
 */
import type { TSESLint } from '@typescript-eslint/utils';
import { fileMayContainTracedCode, fileMentionsAny, mayContainTracedCode, textMentionsAny, TRACED_CODE_TRIGGERS } from './analysis/otel-api.js';
import { mayHoldHandlerObject } from './analysis/handler-objects.js';
import { mayHoldPartialBinding } from './analysis/partial-binding.js';
import { mayHoldLibraryQueue } from './analysis/library-queues.js';
import { mayHoldStoredCallback } from './analysis/stored-callbacks.js';
import { mayHoldStreamCallback } from './analysis/stream-callbacks.js';
import { getSettings } from './settings.js';
import type { ContextManagerName, OtelContextSettings } from './settings.js';
import { TRANSPORT_TRIGGERS } from './transports/records.js';
import { textIncludes } from './analysis/text-search.js';
import { CONTEXT_API_TRIGGERS } from './analysis/context-apis.js';

/** "Traced code" (core/analysis/traced-code.ts): the API (`context.with`, …), span starts, ALS-only code. */
const TRACED_CODE = TRACED_CODE_TRIGGERS;

export const RULE_TRIGGERS = {
  'no-floating-promise-in-span': TRACED_CODE,
  'no-inactive-parent-span': TRACED_CODE,
  'no-late-context-capture': TRACED_CODE,
  'no-unbound-listener': TRACED_CODE,
  'no-unbound-queued-callback': TRACED_CODE,
  'no-unbound-timer': TRACED_CODE,
  // every finding is a call spelled `.attach(`, `.enterWith(`, `.withScope(` or `.bind(`
  'no-unpaired-context-attach': ['attach', 'enterWith', 'withScope', 'bind'],
  // also a span handed to a callback by a helper no rule knows, recognised by its `end()` (spans.ts)
  'require-span-end': ['startSpan', 'startActiveSpan', 'pan.end(', 'pan?.end('],
  // senders and receivers of the transports it knows (each transport record's trigger words), and
  // any `propagation.extract(..)` (an extracted context the handler never runs in)
  'require-context-propagation': [...TRANSPORT_TRIGGERS, 'extract('],
} as const satisfies Readonly<Record<string, readonly string[]>>;

/**
 * no-unbound-queued-callback also looks at files with no tracing at all (issue 11, family 5: the
 * queues of libraries and utility modules), under the AsyncLocalStorage managers only, when the
 * text can hold a work queue: a store and a drain (core/analysis/queues.ts), or a call of a
 * well-known library queue (core/analysis/library-queues.ts).
 */
export const UNTRACED_QUEUE_RULE = 'no-unbound-queued-callback';
// Array and deque queues (what libraries drain: shift, dequeue, splice, length = 0): the wider
// lists (`set`/`delete`, `pop`, `= []`) let four times as many corpus files through (327 vs 84 of
// 2,662 files with no tracing) and made this rule's time 3 s on the benchmark corpus; the pairs
// below are narrower (both halves must be there).
const QUEUE_STORES = ['.push(', '.unshift(', '.enqueue('];
const QUEUE_DRAINS = ['.shift(', '.dequeue(', '.splice(', 'length = 0'];

/** Cheap text test (no parse): can a file with no tracing hold a queue that loses its caller's context? */
export function mayHoldUntracedQueue(source: string, contextManager: ContextManagerName | undefined): boolean {
  if (contextManager !== undefined && contextManager !== 'async-local-storage' && contextManager !== 'async-hooks') return false;
  return (
    (textMentionsAny(source, QUEUE_DRAINS) && textMentionsAny(source, QUEUE_STORES)) ||
    // a FIFO written the other way round (`unshift` in, `pop` out); `push`/`pop` alone is a stack,
    // mostly of cleanups, and stays out of the gate (see above)
    (textIncludes(source, '.unshift(') && textIncludes(source, '.pop(')) ||
    // waiters kept in a Set (run and cleared) or in a Map by request id (taken and deleted): the
    // queue model's own shapes (queues.ts); measured (session 10) to admit 117 more of
    // node_modules' 11,726 files (362 pass the push/shift pair) with no new finding there, and one
    // on the four whole checkouts measured: dd-trace's debugger keeps remote-config `ack`
    // callbacks in a Map by ack id and runs them from a MessagePort listener (true by mechanism)
    (textIncludes(source, '.add(') && textIncludes(source, '.clear()')) ||
    (textIncludes(source, '.set(') && textIncludes(source, '.delete(')) ||
    mayHoldHandlerObject(source) ||
    mayHoldPartialBinding(source) ||
    // a caller's callback a per-call object stores and calls from another method
    mayHoldStoredCallback(source) ||
    // a well-known library queue (family 9), whose drain is in the library
    mayHoldLibraryQueue(source)
  );
}

const untracedQueueCache = new WeakMap<object, boolean>();

/** For the detector's `create`: the same test on the file being linted (once per file). */
export function fileMayHoldUntracedQueue(context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>): boolean {
  const ast = context.sourceCode.ast;
  let result = untracedQueueCache.get(ast);
  if (result === undefined) {
    result = mayHoldUntracedQueue(context.sourceCode.text, getSettings(context.settings).contextManager);
    untracedQueueCache.set(ast, result);
  }
  return result;
}

const TRIGGERS_BY_NAME: Readonly<Record<string, readonly string[] | undefined>> = RULE_TRIGGERS;

/**
 * Per rule: substrings that let a file hold a finding even without traced code. `enterWith` is
 * AsyncLocalStorage's own method name, called on stores imported from elsewhere; `AsyncResource`
 * binds live in libraries with no tracing at all, and so do tracers' own context APIs (CONTEXT_API_TRIGGERS).
 */
export const STANDALONE_TRIGGERS: Readonly<Record<string, readonly string[] | undefined>> = {
  'no-unpaired-context-attach': ['enterWith', 'AsyncResource', ...CONTEXT_API_TRIGGERS],
};

/**
 * no-unpaired-context-attach's field form (core/detectors/no-unpaired-context-attach/field-swaps.ts):
 * a hand-rolled "current context" field (`currentCtx`, `currentContext`, `_scope`) saved and put
 * back around the work, in tracers' and libraries' own code with no other trigger. Only that
 * check runs on a file this admits alone.
 */
export const FIELD_SWAP_TRIGGERS: readonly string[] = ['ontext', 'Ctx', 'ctx', 'cope'];

export function mayHoldFieldSwap(source: string): boolean {
  return textMentionsAny(source, FIELD_SWAP_TRIGGERS);
}

/**
 * Whether `source` may contain a finding of one of `rules` (cheap text test, no parse): the same
 * test as the detectors' per-file gates — traced code (TRACED_CODE_TRIGGERS or a configured
 * `apiModules`/`spanWrappers` name) and, for a rule with a narrower list, one of its own triggers.
 * (With `checkAllProducers`, which the codemod never sets, require-context-propagation also runs
 * in files without traced code; no-unbound-queued-callback does in files that can hold a queue.)
 */
export function mayContainFinding(source: string, rules: readonly string[], settings: Partial<OtelContextSettings> = {}): boolean {
  const tracedCode = mayContainTracedCode(source, { apiModules: settings.apiModules ?? [], spanWrappers: settings.spanWrappers ?? [] });
  return rules.some((rule) => {
    const triggers = TRIGGERS_BY_NAME[rule];
    if (triggers === undefined) return true;
    // traced code with one of the rule's own triggers first (the usual yes), then what admits a file alone
    if (tracedCode && (triggers === TRACED_CODE || triggers.some((trigger) => textIncludes(source, trigger)))) return true;
    if (STANDALONE_TRIGGERS[rule]?.some((trigger) => textIncludes(source, trigger))) return true;
    if (rule === 'no-unpaired-context-attach' && mayHoldFieldSwap(source)) return true;
    if (!tracedCode) return rule === UNTRACED_QUEUE_RULE ? mayHoldUntracedQueue(source, settings.contextManager) : rule === 'no-unbound-listener' && mayHoldStreamCallback(source, settings.contextManager);
    return false;
  });
}

/** For a detector's `create`: the same test on the file being linted (traced code, then the rule's own list). */
export function fileMayContainFinding(
  context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>,
  rule: keyof typeof RULE_TRIGGERS,
): boolean {
  // traced code with one of the rule's own triggers first (the usual yes), then what admits a file alone
  const triggers: readonly string[] = RULE_TRIGGERS[rule];
  if (fileMayContainTracedCode(context) && (triggers === TRACED_CODE || fileMentionsAny(context, triggers))) return true;
  const standalone = STANDALONE_TRIGGERS[rule];
  return standalone !== undefined && fileMentionsAny(context, standalone);
}
