/**
 * Plain, serialisable data shapes of the runtime harness. A CapturedTrace crosses a process
 * boundary (captureTraceIsolated), so nothing here holds a live SDK object.
 */
import type { ContextManagerName } from '../core/settings.js';

export type { ContextManagerName };

export type SpanKindName = 'INTERNAL' | 'SERVER' | 'CLIENT' | 'PRODUCER' | 'CONSUMER';
export type StatusCodeName = 'UNSET' | 'OK' | 'ERROR';
export type AttributeValue = string | number | boolean | ReadonlyArray<string | number | boolean | null | undefined>;

/** One span as recorded by the harness: a plain object (JSON-safe). */
export interface CapturedSpan {
  name: string;
  traceId: string;
  spanId: string;
  /** The parent's span id; absent for a span that started a new trace. */
  parentSpanId?: string;
  /** True when the parent came from another process (extracted from a carrier), not from this capture. */
  parentIsRemote?: boolean;
  kind: SpanKindName;
  attributes: Record<string, AttributeValue>;
  status: { code: StatusCodeName; message?: string };
  events: Array<{ name: string; attributes: Record<string, AttributeValue> }>;
  links: Array<{ traceId: string; spanId: string }>;
  /** Epoch milliseconds (fractional). Timestamps jitter below 1 ms: order spans by startOrder/endOrder. */
  startTime: number;
  endTime?: number;
  duration?: number;
  /** Position of this span's start among all starts and ends of the capture (0, 1, 2, …). */
  startOrder: number;
  /** The baggage entries (key → value) of the context the span started in; absent when it had none. */
  baggage?: Record<string, string>;
  /** Position of this span's end in the same sequence; absent for an unfinished span. */
  endOrder?: number;
}

/** Everything one capture recorded. */
export interface CapturedTrace {
  /** Finished spans, in start order. */
  spans: CapturedSpan[];
  /** Spans started during the capture and never ended, in start order. */
  unfinished: CapturedSpan[];
  /** Finished spans whose parent is not a span of this capture (new traces and orphans). */
  roots: CapturedSpan[];
  /** `String(reason)` of every unhandled promise rejection seen during the capture. */
  unhandledRejections: string[];
  /**
   * True when the work did not finish within `timeoutMs`: the scenario did not settle, or
   * something it started (e.g. a recurring interval) was still pending. The assert* helpers fail
   * on a timed-out capture unless given `{ allowTimedOut: true }`.
   */
  timedOut: boolean;
  /** On a timed-out capture: the kinds of async work still pending at the timeout (`Timeout`, `TCPWRAP x2`). */
  pendingAtTimeout?: string[];
  /**
   * The position in the start/end sequence at which the scenario's own promise settled; a span
   * that starts or ends at or after it was late (work that outlived the scenario). Absent when
   * the scenario never settled.
   */
  scenarioEndOrder?: number;
  contextManager: ContextManagerName;
}

export interface CaptureOptions {
  /** The context manager installed for the capture. Default `'async-local-storage'` (Node's default). */
  contextManager?: ContextManagerName;
  /**
   * Quiet period after the tracked work finished: the capture ends once nothing the scenario
   * started is pending and no span started or ended for this long (for work the async hook cannot
   * see, such as another process reporting back). Default 20.
   */
  settleMs?: number;
  /** Upper bound for the whole capture (scenario + its async work). Default 5000. */
  timeoutMs?: number;
}

export interface IsolatedCaptureOptions extends CaptureOptions {
  /** The module's export to call. Default `'scenario'` (a named export, or a property of `default`). */
  exportName?: string;
  /** Node flags for the child process (e.g. `['--import', 'tsx']` to load TypeScript). Default none. */
  execArgv?: string[];
  /** Extra environment variables for the child process. */
  env?: Record<string, string>;
  /** The `node` binary for the child process (e.g. another Node version). Default: this process's. */
  execPath?: string;
}

/**
 * Picks spans: a name (every span of that name), or `{ name, nth }` (the n-th span of that name
 * in start order, 1-based), or a CapturedSpan of the trace itself.
 */
export type SpanSelector = string | { name: string; nth?: number } | CapturedSpan;

/** Options of the assert* helpers. */
export interface AssertOptions {
  /** Accept a capture that timed out (by default every assertion fails on one). */
  allowTimedOut?: boolean;
}

export type ExpectationSpan = string | { name: string; nth?: number };

/** A runtime expectation of a fixture's `runtime.expect` list (span fields name a span or `{ name, nth }`). */
export type Expectation =
  | { span: ExpectationSpan; parent: ExpectationSpan }
  | { span: ExpectationSpan; root: true }
  | { span: ExpectationSpan; endsBefore: ExpectationSpan }
  | { span: ExpectationSpan; endsBeforeParent: true }
  | { span: ExpectationSpan; ended: boolean }
  | { span: ExpectationSpan; status: StatusCodeName }
  | { span: ExpectationSpan; baggage: Record<string, string> }
  | { noUnhandledRejections: true }
  | { noOrphans: true };

export interface ExpectationResult {
  ok: boolean;
  failures: string[];
}
