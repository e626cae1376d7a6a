/**
 * In-process capture: runs a scenario with the real SDK under a chosen context manager.
 *
 * One BasicTracerProvider + InMemorySpanExporter serve the whole process: module-level
 * `trace.getTracer()` proxies bind to the first provider they see, so the provider is registered
 * once and kept. A sampler and a span processor only record spans started while a capture runs;
 * only the context manager and the propagator are switched per capture, then restored.
 */
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { context, propagation, trace } from '@opentelemetry/api';
import type { ContextManager, TextMapPropagator, TracerProvider } from '@opentelemetry/api';
import type { BasicTracerProvider, InMemorySpanExporter, ReadableSpan, Sampler, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createContextManager } from './managers.js';
import { buildTrace } from './serialize.js';
import type { SpanOrder } from './serialize.js';
import type { CaptureOptions, CapturedTrace } from './types.js';

export const DEFAULT_SETTLE_MS = 50;
export const DEFAULT_TIMEOUT_MS = 5000;

interface CaptureRun {
  started: Map<ReadableSpan, SpanOrder>;
  order: number;
  lastActivity: number;
}

interface HarnessState {
  provider: BasicTracerProvider;
  exporter: InMemorySpanExporter;
  propagator: TextMapPropagator;
  current: CaptureRun | undefined;
}

// Shared through globalThis so that two copies of this module (sources and dist in one process)
// still use one provider.
const STATE_KEY = Symbol.for('eslint-plugin-otel-context.harness-state');
type StateHolder = { [STATE_KEY]?: Promise<HarnessState> };

function getState(): Promise<HarnessState> {
  const holder = globalThis as StateHolder;
  return (holder[STATE_KEY] ??= createState());
}

async function createState(): Promise<HarnessState> {
  const sdk = await import('@opentelemetry/sdk-trace-base');
  const core = await import('@opentelemetry/core');
  const exporter = new sdk.InMemorySpanExporter();
  const state = { exporter, current: undefined } as HarnessState;
  const touch = (run: CaptureRun): void => {
    run.lastActivity = performance.now();
  };
  const recorder: SpanProcessor = {
    onStart(span) {
      const run = state.current;
      if (!run) return;
      run.started.set(span, { startOrder: run.order++ });
      touch(run);
    },
    onEnd(span) {
      const run = state.current;
      const order = run?.started.get(span);
      if (!run || !order) return; // started outside this capture
      order.endOrder = run.order++;
      touch(run);
      exporter.export([span], () => {});
    },
    forceFlush: async () => {},
    shutdown: async () => {},
  };
  const sampler: Sampler = {
    shouldSample: () => ({
      decision: state.current ? sdk.SamplingDecision.RECORD_AND_SAMPLED : sdk.SamplingDecision.NOT_RECORD,
    }),
    toString: () => 'CaptureWindowSampler',
  };
  state.provider = new sdk.BasicTracerProvider({ sampler, spanProcessors: [recorder] });
  state.propagator = new core.CompositePropagator({
    propagators: [new core.W3CTraceContextPropagator(), new core.W3CBaggagePropagator()],
  });
  return state;
}

/** The API's global registry (shared by its ESM and CJS builds): what is registered right now. */
function registered(): { context?: ContextManager; propagation?: TextMapPropagator } {
  const registry = (globalThis as Record<symbol, unknown>)[Symbol.for('opentelemetry.js.api.1')];
  return (registry ?? {}) as { context?: ContextManager; propagation?: TextMapPropagator };
}

function delegateOf(provider: TracerProvider): TracerProvider {
  const proxy = provider as TracerProvider & { getDelegate?: () => TracerProvider };
  return typeof proxy.getDelegate === 'function' ? proxy.getDelegate() : provider;
}

function ensureProvider(state: HarnessState): void {
  const current = delegateOf(trace.getTracerProvider());
  if (current === state.provider) return;
  if (!trace.setGlobalTracerProvider(state.provider)) {
    const name = (current as { constructor?: { name?: string } }).constructor?.name ?? 'unknown';
    throw new Error(
      `captureTrace: a tracer provider (${name}) is already registered globally. The harness registers its own ` +
        'BasicTracerProvider once per process and cannot record spans of a foreign one. Do not set up an SDK in ' +
        'the test process, or run the scenario in a fresh process with captureTraceIsolated().',
    );
  }
  // The CJS build of @opentelemetry/api keeps its own proxy provider: tracers fetched from it before
  // this registration (a CommonJS module's top-level getTracer()) would otherwise export nowhere.
  try {
    const cjs = createRequire(import.meta.url)('@opentelemetry/api') as { trace?: { _proxyTracerProvider?: { setDelegate?(p: TracerProvider): void } } };
    cjs.trace?._proxyTracerProvider?.setDelegate?.(state.provider);
  } catch {
    // no CJS build reachable: nothing to align
  }
}

function describeReason(reason: unknown): string {
  if (reason instanceof Error) return `${reason.name}: ${reason.message}`;
  return String(reason);
}

type ZoneGlobal = { __symbol__(name: string): string } & Record<string, unknown>;

/**
 * zone.js reports rejections of its own ZoneAwarePromise through a hook that calls the process
 * listeners with `(e.rejection, e.promise)`, which is `undefined` for unwrapped errors (its
 * default). While capturing, take that hook over and record the real reason. Returns the undo.
 */
function interceptZoneRejections(record: (reason: unknown) => void): () => void {
  const zone = (globalThis as { Zone?: ZoneGlobal }).Zone;
  if (!zone || typeof zone.__symbol__ !== 'function') return () => {};
  const key = zone.__symbol__('unhandledPromiseRejectionHandler');
  const previous = zone[key];
  zone[key] = (e: unknown): void => record((e as { rejection?: unknown } | undefined)?.rejection ?? e);
  return () => {
    zone[key] = previous;
  };
}

/** Error thrown by captureTrace when the scenario itself throws; carries what was captured. */
export class ScenarioError extends Error {
  readonly trace: CapturedTrace;
  constructor(cause: unknown, captured: CapturedTrace) {
    super(`The captured scenario threw: ${describeReason(cause)}`, { cause });
    this.name = 'ScenarioError';
    this.trace = captured;
  }
}

type Outcome = { kind: 'done' } | { kind: 'threw'; error: unknown } | { kind: 'timeout' };

async function runWithin(fn: () => unknown, ms: number): Promise<Outcome> {
  const work = (async (): Promise<Outcome> => {
    try {
      await fn();
      return { kind: 'done' };
    } catch (error) {
      return { kind: 'threw', error };
    }
  })();
  const abort = new AbortController();
  const timeout = sleep(Math.max(0, ms), { kind: 'timeout' } as Outcome, { signal: abort.signal }).catch(
    (): Outcome => ({ kind: 'timeout' }),
  );
  try {
    return await Promise.race([work, timeout]);
  } finally {
    abort.abort();
  }
}

/** Waits until no span started or ended for `settleMs`; false if `deadline` came first. */
async function settle(run: CaptureRun, settleMs: number, deadline: number): Promise<boolean> {
  run.lastActivity = Math.max(run.lastActivity, performance.now());
  for (;;) {
    const now = performance.now();
    const quiet = now - run.lastActivity;
    if (quiet >= settleMs) return true;
    if (now >= deadline) return false;
    await sleep(Math.max(1, Math.min(settleMs - quiet, deadline - now)));
  }
}

/**
 * Runs `fn` in this process under `options.contextManager` with the real SDK and returns the
 * spans it produced once its async work settled.
 */
export async function captureTrace(fn: () => unknown, options: CaptureOptions): Promise<CapturedTrace> {
  const settleMs = options.settleMs ?? DEFAULT_SETTLE_MS;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const manager = await createContextManager(options.contextManager);
  const state = await getState();
  if (state.current) {
    throw new Error('captureTrace: another capture is running in this process. Captures switch the global context manager: await one before starting the next.');
  }
  ensureProvider(state);

  const { context: previousManager, propagation: previousPropagator } = registered();
  context.disable();
  context.setGlobalContextManager(manager.enable());
  propagation.disable();
  propagation.setGlobalPropagator(state.propagator);

  const unhandledRejections: string[] = [];
  const onRejection = (reason: unknown): void => {
    unhandledRejections.push(describeReason(reason));
  };
  // While capturing, the rejections are the scenario's: record them instead of letting the test
  // runner (or Node's default) handle them. Other listeners are re-attached afterwards.
  const detached = process.listeners('unhandledRejection');
  process.removeAllListeners('unhandledRejection');
  process.on('unhandledRejection', onRejection);
  const restoreZoneHook = interceptZoneRejections(onRejection);

  const run: CaptureRun = { started: new Map(), order: 0, lastActivity: performance.now() };
  state.exporter.reset();
  state.current = run;
  let outcome: Outcome = { kind: 'timeout' };
  let timedOut = true;
  let finished: ReadonlySet<ReadableSpan> = new Set();
  try {
    const deadline = performance.now() + timeoutMs;
    outcome = await runWithin(fn, timeoutMs);
    if (outcome.kind !== 'timeout') timedOut = !(await settle(run, settleMs, deadline));
  } finally {
    state.current = undefined;
    finished = new Set(state.exporter.getFinishedSpans());
    state.exporter.reset();
    restoreZoneHook();
    process.removeListener('unhandledRejection', onRejection);
    for (const listener of detached) process.on('unhandledRejection', listener);
    context.disable();
    if (previousManager) context.setGlobalContextManager(previousManager.enable());
    propagation.disable();
    if (previousPropagator) propagation.setGlobalPropagator(previousPropagator);
  }
  const captured = buildTrace(run.started, finished, { unhandledRejections, timedOut, contextManager: options.contextManager });
  if (outcome.kind === 'threw') throw new ScenarioError(outcome.error, captured);
  return captured;
}
