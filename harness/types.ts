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
  /** True when the work did not settle within `timeoutMs` (e.g. a recurring interval). */
  timedOut: boolean;
  contextManager: ContextManagerName;
}

export interface CaptureOptions {
  /** The context manager installed for the capture. */
  contextManager: ContextManagerName;
  /** Quiet period: the capture ends once no span started or ended for this long. Default 50. */
  settleMs?: number;
  /** Upper bound for the whole capture (scenario + settling). Default 5000. */
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

/** A runtime expectation of a fixture's `runtime.expect` list. */
export type Expectation =
  | { span: string; parent: string }
  | { span: string; root: true }
  | { span: string; endsBefore: string }
  | { span: string; ended: boolean }
  | { span: string; status: StatusCodeName }
  | { noUnhandledRejections: true };

export interface ExpectationResult {
  ok: boolean;
  failures: string[];
}
