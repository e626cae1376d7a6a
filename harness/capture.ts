/**
 * In-process capture: runs a scenario with the real SDK under a chosen context manager.
 *
 * One BasicTracerProvider + InMemorySpanExporter serve the whole process: module-level
 * `trace.getTracer()` proxies bind to the first provider they see, so the provider is registered
 * once and kept. A sampler and a span processor only record spans started while a capture runs;
 * only the context manager and the propagator are switched per capture, then put back as they
 * were (the caller's manager is never disabled, so its active context survives the capture).
 *
 * The capture waits for the work, not for silence: an async hook records every timer, immediate,
 * I/O request, socket, child process and worker the scenario creates (followed through its own
 * AsyncLocalStorage, so the test runner's resources are not counted), and the capture ends once
 * the scenario settled, none of those is pending any more, and no span started or ended for a
 * short quiet period. A recurring interval stays pending: the capture ends as `timedOut`.
 */
import { AsyncLocalStorage, createHook } from 'node:async_hooks';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { context, propagation, trace } from '@opentelemetry/api';
import type { ContextManager, TextMapPropagator, TracerProvider } from '@opentelemetry/api';
import type { BasicTracerProvider, InMemorySpanExporter, ReadableSpan, Sampler, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createContextManager, DEFAULT_CONTEXT_MANAGER } from './managers.js';
import { importPeer } from './peers.js';
import { buildTrace } from './serialize.js';
import type { SpanOrder } from './serialize.js';
import type { CaptureOptions, CapturedTrace } from './types.js';

export const DEFAULT_SETTLE_MS = 20;
export const DEFAULT_TIMEOUT_MS = 5000;

interface CaptureRun {
  started: Map<ReadableSpan, SpanOrder>;
  order: number;
  lastActivity: number;
}

/**
 * Async resources the scenario created and that have not finished yet, by async id. Promises are
 * not counted (they settle through the resources they wait for, and are destroyed only when
 * collected); an unref'd timer, immediate or handle is not waited for, as it would not keep Node
 * alive either.
 */
interface PendingWork {
  readonly resources: Map<number, { type: string; resource: unknown }>;
  stop(): void;
}

// A DNS channel lives as long as its resolver (the queries it makes are tracked on their own).
const UNTRACKED_TYPES = new Set(['PROMISE', 'PROMISEWRAP', 'DNSCHANNEL']);
const scenarioScope = new AsyncLocalStorage<true>();

function trackScenarioWork(): PendingWork {
  const resources = new Map<number, { type: string; resource: unknown }>();
  const hook = createHook({
    init(asyncId, type, _trigger, resource) {
      if (UNTRACKED_TYPES.has(type) || scenarioScope.getStore() !== true) return;
      resources.set(asyncId, { type, resource });
    },
    // A one-shot request (fs, dns, crypto, a tick) is done once its callback ran, although its
    // destroy may wait for garbage collection; timers and handles (they have hasRef) call back
    // again and are done at destroy.
    after(asyncId) {
      const entry = resources.get(asyncId);
      if (entry && typeof (entry.resource as { hasRef?: unknown }).hasRef !== 'function') resources.delete(asyncId);
    },
    destroy(asyncId) {
      resources.delete(asyncId);
    },
  });
  hook.enable();
  return { resources, stop: () => hook.disable() };
}

/** The handles of process.stdout and process.stderr (created lazily, at the first write): never the scenario's work. */
function isStdioHandle(resource: unknown): boolean {
  for (const stream of [process.stdout, process.stderr]) {
    if ((stream as unknown as { _handle?: unknown })._handle === resource) return true;
  }
  return false;
}

/** Whether a tracked resource still holds work that keeps the process alive. */
function isPending(entry: { type: string; resource: unknown }): boolean {
  if ((entry.type === 'PIPEWRAP' || entry.type === 'TTYWRAP') && isStdioHandle(entry.resource)) return false;
  const resource = entry.resource as { hasRef?: () => boolean; _destroyed?: boolean; _onTimeout?: unknown; ondone?: unknown };
  // A crypto job run synchronously (crypto.randomUUID refilling its cache) has no callback and
  // is destroyed only when collected: nothing to wait for.
  if (entry.type.endsWith('REQUEST') && typeof resource.ondone !== 'function') return false;
  if (entry.type === 'Timeout') {
    if (resource._destroyed === true || resource._onTimeout === null) return false;
    return typeof resource.hasRef === 'function' ? resource.hasRef() : true;
  }
  // Immediates and handles (sockets, pipes, child processes, signals): an unref'd one, such as
  // process.stdout on a pipe or a signal listener, does not keep Node alive and is not waited for.
  if (typeof resource.hasRef === 'function') return resource.hasRef();
  return true;
}

/** The types of what is still pending, for the timed-out message (`Timeout ×1`). */
function describePending(work: PendingWork): string[] {
  const counts = new Map<string, number>();
  for (const entry of work.resources.values()) if (isPending(entry)) counts.set(entry.type, (counts.get(entry.type) ?? 0) + 1);
  return [...counts].map(([type, n]) => (n === 1 ? type : `${type} x${n}`));
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
  const sdk = await importPeer(() => import('@opentelemetry/sdk-trace-base'), 'captureTrace (the tracer provider)');
  const core = await importPeer(() => import('@opentelemetry/core'), 'captureTrace (the W3C propagator)');
  const exporter = new sdk.InMemorySpanExporter();
  const state = { exporter, current: undefined } as HarnessState;
  const touch = (run: CaptureRun): void => {
    run.lastActivity = performance.now();
  };
  const recorder: SpanProcessor = {
    onStart(span, parentContext) {
      const run = state.current;
      if (!run) return;
      const entries = propagation.getBaggage(parentContext)?.getAllEntries() ?? [];
      const order: SpanOrder = { startOrder: run.order++ };
      if (entries.length > 0) order.baggage = Object.fromEntries(entries.map(([key, entry]) => [key, entry.value]));
      run.started.set(span, order);
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

const API_REGISTRY = Symbol.for('opentelemetry.js.api.1');
type ApiRegistry = { context?: ContextManager; propagation?: TextMapPropagator };

/** The API's global registry (shared by its ESM and CJS builds): what is registered right now. */
function registry(): ApiRegistry | undefined {
  return (globalThis as Record<symbol, ApiRegistry | undefined>)[API_REGISTRY];
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

/** Runs `fn` inside the scenario scope (what it creates is tracked); the harness's own timers are outside. */
async function runWithin(fn: () => unknown, ms: number): Promise<Outcome> {
  const work = scenarioScope.run(true, async (): Promise<Outcome> => {
    try {
      await fn();
      return { kind: 'done' };
    } catch (error) {
      return { kind: 'threw', error };
    }
  });
  const abort = new AbortController();
  const timeout = scenarioScope.exit(() => sleep(Math.max(0, ms), { kind: 'timeout' } as Outcome, { signal: abort.signal })).catch(
    (): Outcome => ({ kind: 'timeout' }),
  );
  try {
    return await Promise.race([work, timeout]);
  } finally {
    abort.abort();
  }
}

/**
 * Waits until nothing the scenario started is pending and no span started or ended for
 * `settleMs`; false if `deadline` came first.
 */
async function settle(run: CaptureRun, work: PendingWork, settleMs: number, deadline: number): Promise<boolean> {
  run.lastActivity = Math.max(run.lastActivity, performance.now());
  for (;;) {
    const now = performance.now();
    let busy = false;
    for (const entry of work.resources.values()) {
      if (isPending(entry)) {
        busy = true;
        break;
      }
    }
    if (busy) run.lastActivity = now;
    const quiet = now - run.lastActivity;
    if (!busy && quiet >= settleMs) return true;
    if (now >= deadline) return false;
    await sleep(Math.max(1, Math.min(busy ? 5 : settleMs - quiet, deadline - now)));
  }
}

function setRegistered(key: 'context' | 'propagation', value: ContextManager | TextMapPropagator | undefined): void {
  const holder = registry();
  if (!holder) return;
  if (value === undefined) delete holder[key];
  else (holder as Record<string, unknown>)[key] = value;
}

/**
 * Runs `fn` in this process under `options.contextManager` (default `'async-local-storage'`,
 * Node's default) with the real SDK and returns the spans it produced once its async work
 * finished (see the file comment), at most `timeoutMs` after the start.
 */
export async function captureTrace(fn: () => unknown, options: CaptureOptions = {}): Promise<CapturedTrace> {
  if (typeof fn !== 'function') {
    throw new TypeError(`captureTrace(fn, options): fn must be the scenario function to run, got ${fn === null ? 'null' : typeof fn}`);
  }
  const contextManager = options.contextManager ?? DEFAULT_CONTEXT_MANAGER;
  const settleMs = options.settleMs ?? DEFAULT_SETTLE_MS;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const manager = await createContextManager(contextManager);
  const state = await getState();
  if (state.current) {
    throw new Error('captureTrace: another capture is running in this process. Captures switch the global context manager: await one before starting the next.');
  }
  ensureProvider(state);

  // Swap the registered manager and propagator without disabling the caller's: disabling an
  // AsyncLocalStorage manager would wipe the caller's active context.
  const previousManager = registry()?.context;
  const previousPropagator = registry()?.propagation;
  const enabled = manager.enable();
  if (previousManager) setRegistered('context', enabled);
  else context.setGlobalContextManager(enabled);
  if (previousPropagator) setRegistered('propagation', state.propagator);
  else propagation.setGlobalPropagator(state.propagator);

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
  const work = trackScenarioWork();
  let outcome: Outcome = { kind: 'timeout' };
  let timedOut = true;
  let scenarioEndOrder: number | undefined;
  let pendingAtEnd: string[] = [];
  let finished: ReadonlySet<ReadableSpan> = new Set();
  try {
    const deadline = performance.now() + timeoutMs;
    outcome = await runWithin(fn, timeoutMs);
    if (outcome.kind !== 'timeout') {
      scenarioEndOrder = run.order;
      timedOut = !(await settle(run, work, settleMs, deadline));
    }
    if (timedOut) pendingAtEnd = describePending(work);
  } finally {
    work.stop();
    state.current = undefined;
    finished = new Set(state.exporter.getFinishedSpans());
    state.exporter.reset();
    restoreZoneHook();
    process.removeListener('unhandledRejection', onRejection);
    for (const listener of detached) process.on('unhandledRejection', listener);
    enabled.disable();
    setRegistered('context', previousManager);
    setRegistered('propagation', previousPropagator);
  }
  const captured = buildTrace(run.started, finished, {
    unhandledRejections,
    timedOut,
    contextManager,
    ...(scenarioEndOrder === undefined ? {} : { scenarioEndOrder }),
    ...(timedOut ? { pendingAtTimeout: pendingAtEnd } : {}),
  });
  if (outcome.kind === 'threw') throw new ScenarioError(outcome.error, captured);
  return captured;
}
