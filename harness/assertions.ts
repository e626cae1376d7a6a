/**
 * Checks on a CapturedTrace. The check* functions are pure and return failure messages; the
 * assert* functions throw a TraceAssertionError whose message ends with the waterfall, so they
 * work in any test runner (vitest, jest, node:test). Order is judged by startOrder/endOrder,
 * never by timestamps (which jitter below a millisecond).
 *
 * Spans are picked by a SpanSelector: a name (every span of that name), `{ name, nth }` (the n-th
 * of that name in start order, 1-based) or a CapturedSpan. Parents are matched by span identity
 * (span id and trace id), never by name: a parent selector that names several spans is an error,
 * so a child under the wrong one of two same-named requests cannot pass.
 *
 * Every assert* helper fails on a capture that timed out, unless given `{ allowTimedOut: true }`.
 */
import { renderWaterfall } from './waterfall.js';
import type { AssertOptions, CapturedSpan, CapturedTrace, Expectation, ExpectationResult, SpanSelector, StatusCodeName } from './types.js';

/** Thrown by the assert* functions; the message includes the rendered waterfall. */
export class TraceAssertionError extends Error {
  readonly trace: CapturedTrace;
  constructor(failures: readonly string[], trace: CapturedTrace) {
    super(`${failures.join('\n')}\n\n${renderWaterfall(trace)}`);
    this.name = 'TraceAssertionError';
    this.trace = trace;
  }
}

interface Picked {
  span: CapturedSpan;
  label: string;
}

const allSpans = (t: CapturedTrace): CapturedSpan[] => [...t.spans, ...t.unfinished].sort((a, b) => a.startOrder - b.startOrder);
const isFinished = (s: CapturedSpan): boolean => s.endOrder !== undefined;
const quote = (name: string): string => JSON.stringify(name);

function parentOf(t: CapturedTrace, span: CapturedSpan): CapturedSpan | undefined {
  if (span.parentSpanId === undefined) return undefined;
  return allSpans(t).find((s) => s.spanId === span.parentSpanId && s.traceId === span.traceId);
}

function isSpan(selector: SpanSelector): selector is CapturedSpan {
  return typeof selector === 'object' && 'spanId' in selector && 'traceId' in selector;
}

/** How a selector reads in a message. */
export function describeSelector(selector: SpanSelector): string {
  if (typeof selector === 'string') return quote(selector);
  if (isSpan(selector)) return quote(selector.name);
  return selector.nth === undefined ? quote(selector.name) : `${quote(selector.name)} #${selector.nth}`;
}

/** Spans named `name` with a label each (`"x"`, or `"x" #2` when there are several). */
function named(t: CapturedTrace, name: string): Picked[] {
  const list = allSpans(t).filter((s) => s.name === name);
  return list.map((span, i) => ({ span, label: list.length > 1 ? `${quote(name)} #${i + 1}` : quote(name) }));
}

/** The spans a selector picks, or the reason it picks none. */
function pick(t: CapturedTrace, selector: SpanSelector): { picked: Picked[]; failure?: string } {
  if (isSpan(selector)) {
    const span = allSpans(t).find((s) => s.spanId === selector.spanId && s.traceId === selector.traceId);
    return span ? { picked: [{ span, label: quote(span.name) }] } : { picked: [], failure: `span ${quote(selector.name)} (${selector.spanId}) is not in this capture` };
  }
  const name = typeof selector === 'string' ? selector : selector.name;
  const all = named(t, name);
  if (all.length === 0) return { picked: [], failure: `no span named ${quote(name)} was captured` };
  const nth = typeof selector === 'string' ? undefined : selector.nth;
  if (nth === undefined) return { picked: all };
  const one = Number.isInteger(nth) && nth >= 1 ? all[nth - 1] : undefined;
  if (!one) return { picked: [], failure: `no span ${quote(name)} #${nth}: ${all.length} span${all.length === 1 ? '' : 's'} of that name captured` };
  return { picked: [{ span: one.span, label: `${quote(name)} #${nth}` }] };
}

/** The spans a selector picks, in start order (empty when it picks none). */
export function findSpans(t: CapturedTrace, selector: SpanSelector): CapturedSpan[] {
  return pick(t, selector).picked.map((p) => p.span);
}

function whereIs(t: CapturedTrace, span: CapturedSpan): string {
  const parent = parentOf(t, span);
  if (parent) {
    const siblings = named(t, parent.name);
    const label = siblings.length > 1 ? `${quote(parent.name)} #${siblings.findIndex((p) => p.span === parent) + 1}` : quote(parent.name);
    return `is a child of ${label}`;
  }
  if (span.parentSpanId === undefined) return 'is the root of its own trace';
  return span.parentIsRemote ? 'is a child of a remote parent (from a carrier)' : 'is an orphan (its parent span was not captured)';
}

export function checkParent(t: CapturedTrace, spanSelector: SpanSelector, parentSelector: SpanSelector): string[] {
  const spans = pick(t, spanSelector);
  const parents = pick(t, parentSelector);
  const failures = [spans.failure, parents.failure].filter((f): f is string => f !== undefined);
  if (failures.length > 0) return failures;
  if (parents.picked.length > 1) {
    return [`${describeSelector(parentSelector)} names ${parents.picked.length} spans: pick the expected parent with { name, nth }`];
  }
  const parent = (parents.picked[0] as Picked).span;
  return spans.picked
    .filter(({ span }) => span.parentSpanId !== parent.spanId || span.traceId !== parent.traceId)
    .map(({ span, label }) => `${label} ${whereIs(t, span)}, expected a child of ${(parents.picked[0] as Picked).label}`);
}

/** A root has no parent at all: a child of a missing or remote parent is not a root. */
export function checkRoot(t: CapturedTrace, spanSelector: SpanSelector): string[] {
  const spans = pick(t, spanSelector);
  if (spans.failure) return [spans.failure];
  return spans.picked
    .filter(({ span }) => span.parentSpanId !== undefined)
    .map(({ span, label }) => `${label} ${whereIs(t, span)}, expected a root span`);
}

export function checkEnded(t: CapturedTrace, spanSelector: SpanSelector, ended = true): string[] {
  const spans = pick(t, spanSelector);
  if (spans.failure) return [spans.failure];
  return spans.picked
    .filter(({ span }) => isFinished(span) !== ended)
    .map(({ label }) => (ended ? `${label} was never ended` : `${label} ended, expected it to stay unfinished`));
}

export function checkEndsBefore(t: CapturedTrace, spanSelector: SpanSelector, otherSelector: SpanSelector): string[] {
  const spans = pick(t, spanSelector);
  const others = pick(t, otherSelector);
  const failures = [spans.failure, others.failure].filter((f): f is string => f !== undefined);
  if (failures.length > 0) return failures;
  failures.push(...checkEnded(t, spanSelector), ...checkEnded(t, otherSelector));
  if (failures.length > 0) return failures;
  for (const { span, label } of spans.picked) {
    for (const { span: other, label: otherLabel } of others.picked) {
      if ((span.endOrder ?? 0) > (other.endOrder ?? 0)) failures.push(`${label} ended after ${otherLabel}, expected it to end before`);
    }
  }
  return failures;
}

export function checkEndedBeforeParent(t: CapturedTrace, spanSelector: SpanSelector): string[] {
  const spans = pick(t, spanSelector);
  if (spans.failure) return [spans.failure];
  const failures: string[] = [];
  for (const { span, label } of spans.picked) {
    const parent = parentOf(t, span);
    if (!parent) failures.push(`${label} ${whereIs(t, span)}, expected it to end before its parent`);
    else if (!isFinished(span)) failures.push(`${label} was never ended`);
    else if (!isFinished(parent)) failures.push(`${label}'s parent ${quote(parent.name)} was never ended`);
    else if ((span.endOrder ?? 0) > (parent.endOrder ?? 0)) failures.push(`${label} ended after its parent ${quote(parent.name)}`);
  }
  return failures;
}

export function checkStatus(t: CapturedTrace, spanSelector: SpanSelector, code: StatusCodeName): string[] {
  const spans = pick(t, spanSelector);
  if (spans.failure) return [spans.failure];
  return spans.picked.flatMap(({ span, label }) => {
    if (!isFinished(span)) return [`${label} was never ended, expected status ${code}`];
    return span.status.code === code ? [] : [`${label} has status ${span.status.code}, expected ${code}`];
  });
}

/** The span started in a context carrying these baggage entries (an extracted context kept, not rebuilt). */
export function checkBaggage(t: CapturedTrace, spanSelector: SpanSelector, expected: Readonly<Record<string, string>>): string[] {
  const spans = pick(t, spanSelector);
  if (spans.failure) return [spans.failure];
  return spans.picked.flatMap(({ span, label }) =>
    Object.entries(expected)
      .filter(([key, value]) => span.baggage?.[key] !== value)
      .map(([key, value]) => `${label} started without baggage ${key}=${value} (it had ${JSON.stringify(span.baggage ?? {})})`),
  );
}

export function checkNoUnhandledRejections(t: CapturedTrace): string[] {
  return t.unhandledRejections.map((r) => `unhandled rejection during the capture: ${r}`);
}

/**
 * No orphans: every span with a local parent has that parent in the capture, and the parent
 * ended. A parent taken from a carrier (remote: another process or a message) is fine.
 */
export function checkNoOrphans(t: CapturedTrace): string[] {
  const failures: string[] = [];
  for (const span of allSpans(t)) {
    if (span.parentSpanId === undefined || span.parentIsRemote === true) continue;
    const label = named(t, span.name).find((p) => p.span === span)?.label ?? quote(span.name);
    const parent = parentOf(t, span);
    if (!parent) failures.push(`${label} is an orphan: its parent span ${span.parentSpanId} is not in the capture`);
    else if (!isFinished(parent)) failures.push(`${label} is a child of ${quote(parent.name)}, which was never ended`);
  }
  return failures;
}

/** A timed-out capture may have missed work: name what was still pending. */
export function checkNotTimedOut(t: CapturedTrace): string[] {
  if (!t.timedOut) return [];
  const pending = t.pendingAtTimeout && t.pendingAtTimeout.length > 0 ? ` (still pending: ${t.pendingAtTimeout.join(', ')})` : '';
  return [`the capture timed out before the scenario's work finished${pending}; pass { allowTimedOut: true } if that is expected`];
}

/** One trace: exactly one span whose parent is not in the capture, and no orphans. */
export function checkSingleTrace(t: CapturedTrace): string[] {
  const spans = allSpans(t);
  if (spans.length === 0) return ['no span was captured'];
  const failures: string[] = [];
  const tops = spans.filter((s) => parentOf(t, s) === undefined);
  if (tops.length !== 1) {
    const names = tops.map((s) => `${quote(s.name)}${s.parentSpanId === undefined ? '' : s.parentIsRemote ? ' (remote parent)' : ' (orphan)'}`);
    failures.push(`expected a single trace, found ${tops.length} root spans: ${names.join(', ')}`);
  }
  return [...failures, ...checkNoOrphans(t)];
}

type ExpectationSelector = string | { name: string; nth?: number };

/** Evaluates one expectation of a fixture's `runtime.expect` list. Pure. */
export function checkExpectation(t: CapturedTrace, e: Expectation): string[] {
  const x = e as Partial<Record<string, unknown>>;
  const selector = (value: unknown): ExpectationSelector | undefined => {
    if (typeof value === 'string') return value;
    if (typeof value === 'object' && value !== null && typeof (value as { name?: unknown }).name === 'string') return value as ExpectationSelector;
    return undefined;
  };
  if (x.noUnhandledRejections === true) return checkNoUnhandledRejections(t);
  if (x.noOrphans === true) return checkNoOrphans(t);
  const span = selector(x.span);
  if (span === undefined) return [`unknown expectation ${JSON.stringify(e)}`];
  const parent = selector(x.parent);
  if (parent !== undefined) return checkParent(t, span, parent);
  if (x.root === true) return checkRoot(t, span);
  const before = selector(x.endsBefore);
  if (before !== undefined) return checkEndsBefore(t, span, before);
  if (x.endsBeforeParent === true) return checkEndedBeforeParent(t, span);
  if (typeof x.ended === 'boolean') return checkEnded(t, span, x.ended);
  if (x.status === 'OK' || x.status === 'ERROR' || x.status === 'UNSET') return checkStatus(t, span, x.status);
  if (typeof x.baggage === 'object' && x.baggage !== null) return checkBaggage(t, span, x.baggage as Record<string, string>);
  return [`unknown expectation ${JSON.stringify(e)}`];
}

/** Evaluates a fixture's `runtime.expect` list against a trace. Pure; does not look at `timedOut`. */
export function checkExpectations(t: CapturedTrace, expectations: readonly Expectation[]): ExpectationResult {
  const failures = expectations.flatMap((e) => checkExpectation(t, e));
  return { ok: failures.length === 0, failures };
}

function assertNone(t: CapturedTrace, options: AssertOptions | undefined, failures: string[]): void {
  const all = [...(options?.allowTimedOut === true ? [] : checkNotTimedOut(t)), ...failures];
  if (all.length > 0) throw new TraceAssertionError(all, t);
}

/** Every span `span` picks is a child of the one span `parent` picks (by span identity). */
export function assertParent(t: CapturedTrace, span: SpanSelector, parent: SpanSelector, options?: AssertOptions): void {
  assertNone(t, options, checkParent(t, span, parent));
}

/** Every span `span` picks has no parent at all (it starts its own trace). */
export function assertRoot(t: CapturedTrace, span: SpanSelector, options?: AssertOptions): void {
  assertNone(t, options, checkRoot(t, span));
}

/** The capture is exactly one trace: one root span, no orphans, no child of a never-ended parent. */
export function assertSingleTrace(t: CapturedTrace, options?: AssertOptions): void {
  assertNone(t, options, checkSingleTrace(t));
}

/** No span has a local parent that is missing from the capture or was never ended (remote parents are fine). */
export function assertNoOrphans(t: CapturedTrace, options?: AssertOptions): void {
  assertNone(t, options, checkNoOrphans(t));
}

/** Every span `span` picks ended (or, with `ended: false`, stayed unfinished). */
export function assertEnded(t: CapturedTrace, span: SpanSelector, ended = true, options?: AssertOptions): void {
  assertNone(t, options, checkEnded(t, span, ended));
}

/** Every span `span` picks ended before its parent ended (by end order, not timestamps). */
export function assertEndedBeforeParent(t: CapturedTrace, span: SpanSelector, options?: AssertOptions): void {
  assertNone(t, options, checkEndedBeforeParent(t, span));
}

/** No promise rejection went unhandled during the capture. */
export function assertNoUnhandledRejections(t: CapturedTrace, options?: AssertOptions): void {
  assertNone(t, options, checkNoUnhandledRejections(t));
}

/** The capture did not time out: the scenario and everything it started finished. */
export function assertNotTimedOut(t: CapturedTrace): void {
  assertNone(t, undefined, []);
}
