/**
 * Checks on a CapturedTrace. The check* functions are pure and return failure messages; the
 * assert* functions throw a TraceAssertionError whose message ends with the waterfall, so they
 * work in any test runner (vitest, jest, node:test). Order is judged by startOrder/endOrder,
 * never by timestamps (which jitter below a millisecond).
 */
import { renderWaterfall } from './waterfall.js';
import type { CapturedSpan, CapturedTrace, Expectation, ExpectationResult, StatusCodeName } from './types.js';

/** Thrown by the assert* functions; the message includes the rendered waterfall. */
export class TraceAssertionError extends Error {
  readonly trace: CapturedTrace;
  constructor(failures: readonly string[], trace: CapturedTrace) {
    super(`${failures.join('\n')}\n\n${renderWaterfall(trace)}`);
    this.name = 'TraceAssertionError';
    this.trace = trace;
  }
}

const allSpans = (t: CapturedTrace): CapturedSpan[] => [...t.spans, ...t.unfinished];
const isFinished = (s: CapturedSpan): boolean => s.endOrder !== undefined;
const quote = (name: string): string => JSON.stringify(name);

function parentOf(t: CapturedTrace, span: CapturedSpan): CapturedSpan | undefined {
  if (span.parentSpanId === undefined) return undefined;
  return allSpans(t).find((s) => s.spanId === span.parentSpanId && s.traceId === span.traceId);
}

/** Spans named `name` with a label each (`"x"`, or `"x" #2` when there are several). */
function named(t: CapturedTrace, name: string): Array<{ span: CapturedSpan; label: string }> {
  const list = allSpans(t).filter((s) => s.name === name).sort((a, b) => a.startOrder - b.startOrder);
  return list.map((span, i) => ({ span, label: list.length > 1 ? `${quote(name)} #${i + 1}` : quote(name) }));
}

function missing(name: string): string {
  return `no span named ${quote(name)} was captured`;
}

function whereIs(t: CapturedTrace, span: CapturedSpan): string {
  const parent = parentOf(t, span);
  if (parent) return `is a child of ${quote(parent.name)}`;
  return span.parentSpanId === undefined ? 'is the root of its own trace' : 'is an orphan (its parent span was not captured)';
}

export function checkParent(t: CapturedTrace, spanName: string, parentName: string): string[] {
  const spans = named(t, spanName);
  if (spans.length === 0) return [missing(spanName)];
  return spans
    .filter(({ span }) => parentOf(t, span)?.name !== parentName)
    .map(({ span, label }) => `${label} ${whereIs(t, span)}, expected a child of ${quote(parentName)}`);
}

export function checkRoot(t: CapturedTrace, spanName: string): string[] {
  const spans = named(t, spanName);
  if (spans.length === 0) return [missing(spanName)];
  return spans
    .filter(({ span }) => parentOf(t, span) !== undefined)
    .map(({ span, label }) => `${label} ${whereIs(t, span)}, expected a root span`);
}

export function checkEnded(t: CapturedTrace, spanName: string, ended = true): string[] {
  const spans = named(t, spanName);
  if (spans.length === 0) return [missing(spanName)];
  return spans
    .filter(({ span }) => isFinished(span) !== ended)
    .map(({ label }) => (ended ? `${label} was never ended` : `${label} ended, expected it to stay unfinished`));
}

export function checkEndsBefore(t: CapturedTrace, spanName: string, otherName: string): string[] {
  const spans = named(t, spanName);
  const others = named(t, otherName);
  const failures = [...(spans.length === 0 ? [missing(spanName)] : []), ...(others.length === 0 ? [missing(otherName)] : [])];
  if (failures.length > 0) return failures;
  failures.push(...checkEnded(t, spanName), ...checkEnded(t, otherName));
  if (failures.length > 0) return failures;
  for (const { span, label } of spans) {
    for (const { span: other, label: otherLabel } of others) {
      if ((span.endOrder ?? 0) > (other.endOrder ?? 0)) failures.push(`${label} ended after ${otherLabel}, expected it to end before`);
    }
  }
  return failures;
}

export function checkEndedBeforeParent(t: CapturedTrace, spanName: string): string[] {
  const spans = named(t, spanName);
  if (spans.length === 0) return [missing(spanName)];
  const failures: string[] = [];
  for (const { span, label } of spans) {
    const parent = parentOf(t, span);
    if (!parent) failures.push(`${label} ${whereIs(t, span)}, expected it to end before its parent`);
    else if (!isFinished(span)) failures.push(`${label} was never ended`);
    else if (!isFinished(parent)) failures.push(`${label}'s parent ${quote(parent.name)} was never ended`);
    else if ((span.endOrder ?? 0) > (parent.endOrder ?? 0)) failures.push(`${label} ended after its parent ${quote(parent.name)}`);
  }
  return failures;
}

export function checkStatus(t: CapturedTrace, spanName: string, code: StatusCodeName): string[] {
  const spans = named(t, spanName);
  if (spans.length === 0) return [missing(spanName)];
  return spans.flatMap(({ span, label }) => {
    if (!isFinished(span)) return [`${label} was never ended, expected status ${code}`];
    return span.status.code === code ? [] : [`${label} has status ${span.status.code}, expected ${code}`];
  });
}

export function checkNoUnhandledRejections(t: CapturedTrace): string[] {
  return t.unhandledRejections.map((r) => `unhandled rejection during the capture: ${r}`);
}

export function checkSingleTrace(t: CapturedTrace): string[] {
  const spans = allSpans(t);
  if (spans.length === 0) return ['no span was captured'];
  const tops = spans.filter((s) => parentOf(t, s) === undefined);
  if (tops.length === 1) return [];
  const names = tops.map((s) => `${quote(s.name)}${s.parentSpanId === undefined ? '' : ' (orphan)'}`);
  return [`expected a single trace, found ${tops.length} root spans: ${names.join(', ')}`];
}

/** Evaluates a fixture's `runtime.expect` list against a trace. Pure. */
export function checkExpectations(t: CapturedTrace, expectations: readonly Expectation[]): ExpectationResult {
  const failures = expectations.flatMap((e): string[] => {
    const x = e as Partial<Record<string, unknown>>;
    if (x.noUnhandledRejections === true) return checkNoUnhandledRejections(t);
    if (typeof x.span !== 'string') return [`unknown expectation ${JSON.stringify(e)}`];
    if (typeof x.parent === 'string') return checkParent(t, x.span, x.parent);
    if (x.root === true) return checkRoot(t, x.span);
    if (typeof x.endsBefore === 'string') return checkEndsBefore(t, x.span, x.endsBefore);
    if (typeof x.ended === 'boolean') return checkEnded(t, x.span, x.ended);
    if (x.status === 'OK' || x.status === 'ERROR' || x.status === 'UNSET') return checkStatus(t, x.span, x.status);
    return [`unknown expectation ${JSON.stringify(e)}`];
  });
  return { ok: failures.length === 0, failures };
}

function assertNone(failures: string[], t: CapturedTrace): void {
  if (failures.length > 0) throw new TraceAssertionError(failures, t);
}

/** Every span named `spanName` is a child of a span named `parentName` (same trace). */
export function assertParent(t: CapturedTrace, spanName: string, parentName: string): void {
  assertNone(checkParent(t, spanName, parentName), t);
}

/** Every span named `spanName` has no parent inside the capture (it starts its own trace). */
export function assertRoot(t: CapturedTrace, spanName: string): void {
  assertNone(checkRoot(t, spanName), t);
}

/** The capture is exactly one trace: one root span, no orphans, no other roots. */
export function assertSingleTrace(t: CapturedTrace): void {
  assertNone(checkSingleTrace(t), t);
}

/** Every span named `spanName` ended before its parent ended (by end order, not timestamps). */
export function assertEndedBeforeParent(t: CapturedTrace, spanName: string): void {
  assertNone(checkEndedBeforeParent(t, spanName), t);
}

/** No promise rejection went unhandled during the capture. */
export function assertNoUnhandledRejections(t: CapturedTrace): void {
  assertNone(checkNoUnhandledRejections(t), t);
}
