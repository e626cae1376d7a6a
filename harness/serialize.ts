/**
 * ReadableSpan (live SDK object) → CapturedSpan (plain data), and the trace built from them.
 */
import type { Attributes, HrTime } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { AttributeValue, CapturedSpan, CapturedTrace, ContextManagerName, SpanKindName, StatusCodeName } from './types.js';

const KINDS: readonly SpanKindName[] = ['INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const STATUS: readonly StatusCodeName[] = ['UNSET', 'OK', 'ERROR'];

/** Where a span stands in the capture's sequence of starts and ends. */
export interface SpanOrder {
  startOrder: number;
  endOrder?: number;
  /** The baggage entries of the context the span started in (its parent context). */
  baggage?: Record<string, string>;
}

const toMs = (t: HrTime): number => t[0] * 1e3 + t[1] / 1e6;

function plainAttributes(attributes: Attributes | undefined): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [key, value] of Object.entries(attributes ?? {})) {
    if (value !== undefined) out[key] = Array.isArray(value) ? [...value] : (value as AttributeValue);
  }
  return out;
}

export function toCapturedSpan(span: ReadableSpan, order: SpanOrder, finished: boolean): CapturedSpan {
  const { traceId, spanId } = span.spanContext();
  // SDK 2.x exposes parentSpanContext; 1.x had parentSpanId.
  const parentSpanId = span.parentSpanContext?.spanId ?? (span as { parentSpanId?: string }).parentSpanId;
  const status: CapturedSpan['status'] = { code: STATUS[span.status.code] ?? 'UNSET' };
  if (span.status.message) status.message = span.status.message;
  const captured: CapturedSpan = {
    name: span.name,
    traceId,
    spanId,
    kind: KINDS[span.kind] ?? 'INTERNAL',
    attributes: plainAttributes(span.attributes),
    status,
    events: span.events.map((e) => ({ name: e.name, attributes: plainAttributes(e.attributes) })),
    links: span.links.map((l) => ({ traceId: l.context.traceId, spanId: l.context.spanId })),
    startTime: toMs(span.startTime),
    startOrder: order.startOrder,
  };
  if (order.baggage !== undefined) captured.baggage = order.baggage;
  if (parentSpanId) captured.parentSpanId = parentSpanId;
  if (parentSpanId && span.parentSpanContext?.isRemote === true) captured.parentIsRemote = true;
  if (finished) {
    captured.endTime = toMs(span.endTime);
    captured.duration = toMs(span.duration);
    if (order.endOrder !== undefined) captured.endOrder = order.endOrder;
  }
  return captured;
}

/** Builds the CapturedTrace from every span started in the capture and the finished ones. */
export function buildTrace(
  started: ReadonlyMap<ReadableSpan, SpanOrder>,
  finished: ReadonlySet<ReadableSpan>,
  extra: {
    unhandledRejections: string[];
    timedOut: boolean;
    contextManager: ContextManagerName;
    scenarioEndOrder?: number;
    pendingAtTimeout?: string[];
  },
): CapturedTrace {
  const spans: CapturedSpan[] = [];
  const unfinished: CapturedSpan[] = [];
  for (const [span, order] of started) {
    const isFinished = finished.has(span);
    (isFinished ? spans : unfinished).push(toCapturedSpan(span, order, isFinished));
  }
  const byStart = (a: CapturedSpan, b: CapturedSpan): number => a.startOrder - b.startOrder;
  spans.sort(byStart);
  unfinished.sort(byStart);
  const ids = new Set([...spans, ...unfinished].map((s) => s.spanId));
  const roots = spans.filter((s) => s.parentSpanId === undefined || !ids.has(s.parentSpanId));
  return { spans, unfinished, roots, ...extra };
}
