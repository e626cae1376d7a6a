/**
 * Installs the doctor in this process (idempotent; kept on globalThis).
 *
 * How spans are observed without changing what the app exports:
 * - The OpenTelemetry API keeps its globals on `globalThis[Symbol.for('opentelemetry.js.api.1')]`
 *   (every copy of @opentelemetry/api 1.x, ESM or CommonJS). The doctor creates that object with
 *   accessors for `trace`, `context` and `propagation`:
 *   - when the app registers its own tracer provider (NodeSDK, NodeTracerProvider.register(),
 *     trace.setGlobalTracerProvider), the value stored is the API's ProxyTracerProvider; the doctor
 *     patches that one instance's `getDelegateTracer` so that every tracer it hands out (also to
 *     ProxyTracers fetched before the registration) is wrapped: `startSpan` calls the real tracer,
 *     records the start and wraps that span's `end`. Spans, processors and exporters are the app's;
 *   - while the app has registered nothing, reads fall back to the doctor's own real SDK (a
 *     BasicTracerProvider with no exporter), the chosen context manager and a W3C propagator. The
 *     app's registration still succeeds: `registerGlobal` assigns the global object before its
 *     duplicate check, and the accessor answers that check with the app's own value.
 * - Timers and EventEmitter listeners registered while a span is active are wrapped so that a span
 *   started inside them knows where they were registered (a stack kept unformatted).
 * - child_process spawns and worker_threads Workers started while a span is active carry the
 *   active trace id and the call site to the other side (an environment variable).
 */
import { readFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context, ContextManager, Span, SpanOptions, TextMapPropagator, Tracer, TracerProvider } from '@opentelemetry/api';
import { context as contextApi, trace as traceApi } from '@opentelemetry/api';
import { Observer } from './observer.js';
import type { AttachRec, Registration, RegistrationKind } from './observer.js';
import { captureStack, REGISTRATION_STACK_LIMIT, userFrame } from './stack.js';
import type { StackHolder } from './stack.js';
import { DEFAULT_OPTIONS, ENV_SPAWN } from './types.js';
import type { DoctorOptions } from './types.js';

const API_KEY = Symbol.for('opentelemetry.js.api.1');
const STATE_KEY = Symbol.for('eslint-plugin-otel-context.doctor');
const WRAPPED = Symbol('otel-context-doctor.wrapped');

export interface DoctorState {
  observer: Observer;
  options: DoctorOptions;
  /** Whether the app registered a tracer provider of its own. */
  appProvider(): boolean;
}

type Fallback = { provider: TracerProvider; manager: ContextManager; propagator: TextMapPropagator };

export function getDoctorState(): DoctorState | undefined {
  return (globalThis as Record<symbol, DoctorState | undefined>)[STATE_KEY];
}

/** The version of @opentelemetry/api the app resolves from `cwd` (the global object must carry it). */
function appApiVersion(cwd: string): string | undefined {
  try {
    const require = createRequire(join(cwd, 'noop.js'));
    const entry = require.resolve('@opentelemetry/api');
    let dir = entry;
    for (let i = 0; i < 6; i++) {
      dir = join(dir, '..');
      try {
        const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
        if (manifest.name === '@opentelemetry/api') return manifest.version;
      } catch {
        // keep walking up
      }
    }
  } catch {
    // not resolvable from cwd
  }
  return undefined;
}

async function createFallback(options: DoctorOptions): Promise<Fallback> {
  const { BasicTracerProvider } = await import('@opentelemetry/sdk-trace-base');
  const { W3CTraceContextPropagator } = await import('@opentelemetry/core');
  let manager: ContextManager;
  switch (options.contextManager) {
    case 'async-local-storage': {
      const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
      manager = new AsyncLocalStorageContextManager();
      break;
    }
    case 'async-hooks': {
      const { AsyncHooksContextManager } = await import('@opentelemetry/context-async-hooks');
      manager = new AsyncHooksContextManager();
      break;
    }
    case 'stack': {
      const { StackContextManager } = await import('@opentelemetry/sdk-trace-web');
      manager = new StackContextManager();
      break;
    }
    case 'zone': {
      const zone = 'zone.js/node';
      await import(zone);
      const { ZoneContextManager } = await import('@opentelemetry/context-zone-peer-dep');
      manager = new ZoneContextManager();
      break;
    }
  }
  return { provider: new BasicTracerProvider(), manager: manager.enable(), propagator: new W3CTraceContextPropagator() };
}

/** Span classes whose prototype `end` tells the observer (observeEnd). */
const endPatched = new WeakSet<object>();
let lastEndProto: object | undefined;

/**
 * Tells the observer when `span` ends. A span class's `end` is wrapped once, on its prototype (no
 * closure and no own property per span: docs/doctor.md, Cost); the observer ignores spans it did not
 * see start and every end after the first (it finds the span among the open ones by id). A span
 * with an own `end`, or whose class has none, gets its own wrapper.
 */
function observeEnd(span: Span, observer: Observer): void {
  const proto = Object.getPrototypeOf(span) as Record<string, unknown> | null;
  const ownEnd = Object.prototype.hasOwnProperty.call(span, 'end');
  if (proto === lastEndProto && !ownEnd) return;
  if (proto !== null && proto !== Object.prototype && typeof proto.end === 'function' && !ownEnd) {
    lastEndProto = proto;
    if (endPatched.has(proto)) return;
    endPatched.add(proto);
    const end = proto.end as (...args: unknown[]) => unknown;
    proto.end = function doctorEnd(this: Span, ...args: unknown[]): unknown {
      observer.endedSpan(this);
      return end.apply(this, args);
    };
    return;
  }
  const end = span.end;
  if (typeof end !== 'function') return;
  span.end = function doctorEnd(this: Span, ...args: Parameters<Span['end']>) {
    observer.endedSpan(span);
    return end.apply(this, args);
  };
}

/** A generator object (sync or async) that has not necessarily started: `steps()` of a `function*`. */
function isGeneratorObject(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const tag = Object.prototype.toString.call(value);
  return tag === '[object Generator]' || tag === '[object AsyncGenerator]';
}

function wrapTracer(tracer: Tracer, observer: Observer): Tracer {
  if ((tracer as unknown as Record<symbol, unknown>)[WRAPPED]) return tracer;
  const wrapped = Object.create(tracer) as Tracer & Record<symbol, unknown>;
  wrapped[WRAPPED] = true;
  const startSpan = tracer.startSpan;
  wrapped.startSpan = function doctorStartSpan(this: Tracer, name: string, options?: SpanOptions, ctx?: Context): Span {
    const activeStart = observer.activeStart;
    // startActiveSpan passes the active context on: explicit only when its caller passed one. The
    // active context itself, passed on (a consumer's extract onto context.active() that found no
    // carrier returns it unchanged), chooses no parent: it is judged like an implicit start.
    const explicit = activeStart ? observer.activeExplicit : ctx !== undefined && ctx !== contextApi.active();
    observer.activeStart = false; // only the span startActiveSpan itself starts
    const span = startSpan.call(this, name, options, ctx);
    const parentContext = options?.root ? undefined : (ctx ?? contextApi.active());
    observer.started(span, name, parentContext, doctorStartSpan, explicit && !options?.root, activeStart, options?.root === true);
    observeEnd(span, observer);
    return span;
  };
  const startActiveSpan = tracer.startActiveSpan;
  if (typeof startActiveSpan === 'function') {
    // spans started here are made active for the callback (never "never made active")
    wrapped.startActiveSpan = function doctorStartActiveSpan(this: Tracer, ...args: unknown[]): unknown {
      const previous = observer.activeStart;
      const previousExplicit = observer.activeExplicit;
      observer.activeStart = true;
      // (name, fn), (name, options, fn) or (name, options, context, fn)
      observer.activeExplicit = args.length >= 4 && args[2] !== undefined;
      let result: unknown;
      try {
        result = Reflect.apply(startActiveSpan, this, args) as unknown;
      } finally {
        observer.activeStart = previous;
        observer.activeExplicit = previousExplicit;
      }
      // a generator handed out of the span's callback runs later, outside it (a promise is not
      // inspected: a handler on it would change whether its rejection counts as unhandled)
      if (isGeneratorObject(result)) observer.generatorReturned(String(args[0]), captureStack(doctorStartActiveSpan));
      return result;
    } as Tracer['startActiveSpan'];
  }
  return wrapped;
}

interface ProxyProviderLike extends TracerProvider {
  getDelegateTracer?(name: string, version?: string, options?: unknown): Tracer | undefined;
}

function observeProvider(provider: ProxyProviderLike, observer: Observer): void {
  if ((provider as unknown as Record<symbol, unknown>)[WRAPPED]) return;
  (provider as unknown as Record<symbol, unknown>)[WRAPPED] = true;
  if (typeof provider.getDelegateTracer === 'function') {
    const original = provider.getDelegateTracer;
    provider.getDelegateTracer = function (this: ProxyProviderLike, name, version, options) {
      const tracer = original.call(this, name, version, options);
      return tracer && wrapTracer(tracer, observer);
    };
  } else {
    const original = provider.getTracer;
    provider.getTracer = function (this: TracerProvider, ...args: Parameters<TracerProvider['getTracer']>) {
      return wrapTracer(original.apply(this, args), observer);
    };
  }
}

/** The global object of @opentelemetry/api 1.x, with the doctor's accessors. */
function installGlobals(fallback: Fallback, observer: Observer, version: string): () => boolean {
  const g = globalThis as unknown as Record<symbol, Record<string, unknown> | undefined>;
  const existing = g[API_KEY];
  const registry: Record<string, unknown> = existing ?? {};
  const app: Record<string, unknown> = {};
  let registering = false;
  const fallbackProvider: TracerProvider = {
    getTracer: (name, ver, options) => {
      // Resolve per start: if the app registers later, its provider takes over.
      const own = wrapTracer(fallback.provider.getTracer(name, ver, options), observer);
      const current = (): Tracer => {
        const appProvider = app.trace as TracerProvider | undefined;
        return appProvider ? appProvider.getTracer(name, ver, options) : own;
      };
      return {
        startSpan: (n: string, o?: SpanOptions, c?: Context) => current().startSpan(n, o, c),
        startActiveSpan(...args: unknown[]) {
          const tracer = current();
          return Reflect.apply(tracer.startActiveSpan, tracer, args) as unknown;
        },
      } as Tracer;
    },
  };
  const fallbacks: Record<string, unknown> = {
    trace: fallbackProvider,
    context: fallback.manager,
    propagation: fallback.propagator,
  };
  for (const type of ['trace', 'context', 'propagation']) {
    if (registry[type] !== undefined) app[type] = registry[type];
    if (type === 'trace' && app.trace) observeProvider(app.trace as ProxyProviderLike, observer);
    if (type === 'context' && app.context) observeAttach(app.context as ContextManager, observer);
    Object.defineProperty(registry, type, {
      configurable: true,
      enumerable: true,
      get() {
        if (registering) {
          registering = false;
          return app[type];
        }
        return app[type] ?? fallbacks[type];
      },
      set(value: unknown) {
        app[type] = value;
        if (type === 'trace' && value) observeProvider(value as ProxyProviderLike, observer);
        if (type === 'context' && value) observeAttach(value as ContextManager, observer);
      },
    });
  }
  if (!existing) {
    let stored = version;
    Object.defineProperty(registry, 'version', {
      configurable: false,
      enumerable: true,
      get() {
        registering = false;
        return stored;
      },
      set(value: string) {
        stored = value;
      },
    });
  }
  Object.defineProperty(globalThis, API_KEY, {
    configurable: true,
    enumerable: false,
    get: () => registry,
    // registerGlobal() assigns the global object right before its duplicate check.
    set: (value: unknown) => {
      if (value === registry) registering = true;
    },
  });
  return () => app.trace !== undefined;
}

interface RegistrationIds {
  traceId: string;
  spanId: string;
  inactive?: boolean;
  origin?: Registration;
}

/**
 * The span a callback registered now belongs to: the active one, or else an open span started in
 * this same run that never became a parent (never made active). Undefined: nothing to track.
 */
function registrationIds(observer: Observer): RegistrationIds | undefined {
  const span = traceApi.getSpan(contextApi.active());
  if (!span) {
    // inside (or in a promise continuation of) a tracked callback whose context is gone: same work
    // (not when the callback was entered with a span and the code itself switched to none: context.bind(ROOT_CONTEXT, ..))
    const from = observer.current ? (observer.currentEntrySpanId === undefined ? observer.current : undefined) : observer.lingering?.reg;
    if (from && from.spanId !== '') return { traceId: from.traceId, spanId: from.spanId, origin: from.origin ?? from, ...(from.inactive ? { inactive: true } : {}) };
    const inactive = observer.openInactiveInRun();
    return inactive ? { ...inactive, inactive: true } : undefined;
  }
  const { traceId, spanId } = span.spanContext();
  const current = observer.current;
  // registered from a callback that runs under the span it was registered under: same work, rescheduled
  if (current && current.spanId === spanId) return { traceId, spanId, origin: current.origin ?? current };
  return { traceId, spanId };
}

type AnyFn = (...args: unknown[]) => unknown;

/** A callback registered as-is although it was given to context.bind() and the bound function never ran. */
function unusedBind(observer: Observer, callback: unknown): { boundAt?: StackHolder } {
  const record = typeof callback === 'function' ? observer.binds.get(callback) : undefined;
  return record && !record.used ? { boundAt: record.stack } : {};
}

function runRegistered(observer: Observer, reg: Registration, fn: AnyFn, self: unknown, args: unknown[]): unknown {
  const previous = observer.current;
  const previousEntry = observer.currentEntrySpanId;
  observer.current = reg;
  observer.currentEntrySpanId = traceApi.getSpan(contextApi.active())?.spanContext().spanId;
  const entrySpanId = observer.currentEntrySpanId;
  try {
    return fn.apply(self, args);
  } finally {
    observer.current = previous;
    observer.currentEntrySpanId = previousEntry;
    const lingering = { reg, entrySpanId };
    observer.lingering = lingering;
    queueMicrotask(() => {
      if (observer.lingering === lingering) observer.lingering = undefined;
    });
  }
}

/**
 * Registrations are sampled once warm (docs/doctor.md, Cost): of each key (a one-shot timer's kind;
 * a listener's emitter class and event), all of the first REGISTRATIONS_FULL are tracked, then one
 * in REGISTRATIONS_SAMPLE. Work registered per request recurs, so a sampled one still shows.
 * A listener key none of whose first REGISTRATIONS_FULL tracked registrations has a user frame
 * (Node's own listeners, e.g. the `IncomingMessage` 'end' listener the HTTP server adds under the
 * request's span, or a library's) is "internal" once warm: then one in REGISTRATIONS_INTERNAL is
 * tracked, and the first of those that has a user frame makes the key ordinary again.
 */
const REGISTRATIONS_FULL = 64;
const REGISTRATIONS_SAMPLE = 32;
const REGISTRATIONS_INTERNAL = 256;

interface KeyState {
  seen: number;
  /** The tracked registrations of the warm-up (listener keys only), judged once when it ends. */
  warm: Registration[] | undefined;
  internal: boolean;
}
/** Per key class (a timer kind, an emitter's class name) and event: no key string is built per call. */
const registrationKeys = new Map<string, Map<unknown, KeyState>>();
let registrationKeyCount = 0;

function keyState(kindOrClass: string, type: unknown, listener: boolean): KeyState {
  let byType = registrationKeys.get(kindOrClass);
  if (byType === undefined) {
    byType = new Map();
    registrationKeys.set(kindOrClass, byType);
  }
  let state = byType.get(type);
  if (state === undefined) {
    if (++registrationKeyCount > 1_000) {
      // event names that carry ids: forget, rather than grow without bound
      registrationKeys.clear();
      registrationKeyCount = 1;
      byType = new Map();
      registrationKeys.set(kindOrClass, byType);
    }
    state = { seen: 0, warm: listener ? [] : undefined, internal: false };
    byType.set(type, state);
  }
  return state;
}

function hasUserFrame(reg: Registration): boolean {
  if (reg.site === undefined) reg.site = userFrame(reg.stack) ?? null;
  return reg.site !== null;
}

/** Whether this registration (one with a span to follow) of the key is tracked. */
function tracked(state: KeyState): boolean {
  const seen = ++state.seen;
  if (seen <= REGISTRATIONS_FULL) return true;
  if (state.warm) {
    // the warm-up ended: a listener key with no user frame in any of it is Node's or a library's own
    state.internal = !state.warm.some(hasUserFrame);
    state.warm = undefined;
  }
  return seen % (state.internal ? REGISTRATIONS_INTERNAL : REGISTRATIONS_SAMPLE) === 0;
}

/** Called with each tracked listener registration of a key (the warm-up is kept; an internal key is re-checked). */
function noteTracked(state: KeyState, reg: Registration): void {
  if (state.warm) state.warm.push(reg);
  else if (state.internal && hasUserFrame(reg)) state.internal = false;
}

function listenerClass(target: unknown): string {
  const name = (target as { constructor?: { name?: unknown } } | null)?.constructor?.name;
  return typeof name === 'string' ? name : '?';
}

function patchTimers(observer: Observer): void {
  const require = createRequire(import.meta.url);
  const timers = require('node:timers') as Record<string, AnyFn>;
  const kinds: RegistrationKind[] = ['setInterval', 'setTimeout', 'setImmediate'];
  for (const kind of kinds) {
    const original = (globalThis as unknown as Record<string, AnyFn>)[kind];
    if (typeof original !== 'function') continue;
    const patched = function (this: unknown, callback: unknown, ...rest: unknown[]): unknown {
      // intervals are rare and recur: tracked even with no span active (its runs may carry an app's own store)
      const ids = typeof callback === 'function' ? (registrationIds(observer) ?? (kind === 'setInterval' ? { traceId: '', spanId: '' } : undefined)) : undefined;
      if (!ids) return original.call(this, callback, ...rest);
      // an interval recurs by itself: always tracked; a one-shot timer is sampled once warm
      if (kind !== 'setInterval' && !tracked(keyState(kind, undefined, false))) return original.call(this, callback, ...rest);
      const reg: Registration = { kind, api: kind, stack: captureStack(patched, REGISTRATION_STACK_LIMIT), keptHits: 0, ...ids, ...unusedBind(observer, callback) };
      const fn = callback as AnyFn;
      return original.call(this, function (this: unknown, ...args: unknown[]) {
        return runRegistered(observer, reg, fn, this, args);
      }, ...rest);
    };
    Object.defineProperty(patched, 'name', { value: original.name });
    // util.promisify(setTimeout) keeps working
    for (const key of Reflect.ownKeys(original)) {
      if (key === 'length' || key === 'name' || key === 'prototype') continue;
      const descriptor = Object.getOwnPropertyDescriptor(original, key);
      if (descriptor) Object.defineProperty(patched, key, descriptor);
    }
    (globalThis as unknown as Record<string, unknown>)[kind] = patched;
    if (timers[kind] === original) timers[kind] = patched;
  }
}

function patchEmitters(observer: Observer): void {
  const require = createRequire(import.meta.url);
  const { EventEmitter } = require('node:events') as typeof import('node:events');
  const proto = EventEmitter.prototype as unknown as Record<string, AnyFn>;
  const wrap = (api: string, listener: AnyFn, ids: RegistrationIds, below: AnyFn, state: KeyState, once?: { emitter: unknown; type: unknown }) => {
    const reg: Registration = { kind: 'listener', api, stack: captureStack(below, REGISTRATION_STACK_LIMIT), keptHits: 0, ...ids, ...unusedBind(observer, listener) };
    noteTracked(state, reg);
    const wrapped = function (this: unknown, ...args: unknown[]): unknown {
      if (once) (proto.removeListener as AnyFn).call(once.emitter, once.type, wrapped);
      return runRegistered(observer, reg, listener, this, args);
    };
    (wrapped as unknown as { listener: AnyFn }).listener = listener;
    return wrapped;
  };
  // set while our once() adds its wrapper through the emitter's own on()/prependListener()
  // (streams override on() to resume on 'data'), so that the patched on() does not wrap it again
  let passThrough = false;
  for (const name of ['on', 'addListener', 'prependListener'] as const) {
    const original = proto[name] as AnyFn;
    const patched = function (this: unknown, type: unknown, listener: unknown): unknown {
      if (passThrough) {
        passThrough = false;
        return original.call(this, type, listener);
      }
      if (typeof listener !== 'function') return original.call(this, type, listener);
      const ids = registrationIds(observer);
      if (!ids) return original.call(this, type, listener);
      const state = keyState(listenerClass(this), type, true);
      if (!tracked(state)) return original.call(this, type, listener);
      return original.call(this, type, wrap(name, listener as AnyFn, ids, patched, state));
    };
    proto[name] = patched;
  }
  for (const [name, base] of [['once', 'on'], ['prependOnceListener', 'prependListener']] as const) {
    const original = proto[name] as AnyFn;
    const patched = function (this: Record<string, AnyFn>, type: unknown, listener: unknown): unknown {
      const ids = typeof listener === 'function' ? registrationIds(observer) : undefined;
      if (!ids) return original.call(this, type, listener);
      const state = keyState(listenerClass(this), type, true);
      if (!tracked(state)) return original.call(this, type, listener);
      // our own once wrapper: `.listener` is the user's function, so removeListener(type, fn) works
      const wrapped = wrap(name, listener as AnyFn, ids, patched as AnyFn, state, { emitter: this, type });
      passThrough = true;
      try {
        return (this[base] as AnyFn).call(this, type, wrapped);
      } finally {
        passThrough = false;
      }
    };
    proto[name] = patched as AnyFn;
  }
}

function patchEventTargets(observer: Observer): void {
  const proto = globalThis.EventTarget?.prototype as unknown as Record<string, AnyFn> | undefined;
  if (!proto) return;
  const add = proto.addEventListener as AnyFn;
  const remove = proto.removeEventListener as AnyFn;
  // the wrapper per listener function, so removeEventListener(type, fn) still finds it
  const wrappers = new WeakMap<object, AnyFn>();
  proto.addEventListener = function patchedAdd(this: unknown, type: unknown, listener: unknown, options?: unknown): unknown {
    const ids = typeof listener === 'function' ? registrationIds(observer) : undefined;
    const state = ids && !wrappers.has(listener as object) ? keyState(listenerClass(this), type, true) : undefined;
    if (!ids || !state || !tracked(state)) return add.call(this, type, wrappers.get(listener as object) ?? listener, options);
    const fn = listener as AnyFn;
    const reg: Registration = { kind: 'listener', api: 'addEventListener', stack: captureStack(patchedAdd as AnyFn, REGISTRATION_STACK_LIMIT), keptHits: 0, ...ids, ...unusedBind(observer, fn) };
    noteTracked(state, reg);
    const wrapped = function (this: unknown, ...args: unknown[]): unknown {
      return runRegistered(observer, reg, fn, this, args);
    };
    wrappers.set(fn, wrapped);
    return add.call(this, type, wrapped, options);
  };
  proto.removeEventListener = function (this: unknown, type: unknown, listener: unknown, options?: unknown): unknown {
    const wrapped = typeof listener === 'function' ? wrappers.get(listener) : undefined;
    if (wrapped) remove.call(this, type, wrapped, options);
    return remove.call(this, type, listener, options);
  };
}

/** Wraps a context manager's attach(): each token is tracked until it is disposed. */
function observeAttach(manager: ContextManager | undefined, observer: Observer): void {
  const target = manager as (ContextManager & { attach?: (ctx: Context) => { dispose(): void }; [WRAPPED]?: boolean }) | undefined;
  if (!target || target[WRAPPED]) return;
  if (typeof target.bind === 'function') {
    // context.bind(ctx, fn): remember fn until the bound function runs (an unused bind leaves fn unbound)
    const bind = target.bind;
    target.bind = function patchedBind<T>(this: ContextManager, ctx: Context, fn: T): T {
      const bound = bind.call(this, ctx, fn) as T;
      if (typeof fn !== 'function' || typeof bound !== 'function' || traceApi.getSpan(ctx) === undefined) return bound;
      const record = { stack: captureStack(patchedBind as AnyFn, REGISTRATION_STACK_LIMIT), used: false };
      observer.binds.set(fn as object, record);
      const call = bound as unknown as AnyFn;
      const wrapper = function (this: unknown, ...args: unknown[]): unknown {
        record.used = true;
        return call.apply(this, args);
      };
      Object.defineProperty(wrapper, 'length', { value: call.length });
      return wrapper as unknown as T;
    } as ContextManager['bind'];
  }
  if (typeof target.attach !== 'function') {
    target[WRAPPED] = true;
    return;
  }
  target[WRAPPED] = true;
  const attach = target.attach;
  target.attach = function patchedAttach(this: ContextManager, ctx: Context) {
    const inAttach = observer.inAttach;
    observer.inAttach = true;
    let token: { dispose(): void };
    try {
      token = attach.call(this, ctx);
    } finally {
      observer.inAttach = inAttach;
    }
    const record: AttachRec = {
      stack: captureStack(patchedAttach as AnyFn),
      spanId: traceApi.getSpan(ctx)?.spanContext().spanId,
      disposed: false,
      reported: false,
    };
    if (record.spanId === undefined) return token;
    observer.attaches.add(record);
    const dispose = token.dispose;
    token.dispose = function () {
      record.disposed = true;
      observer.attaches.delete(record);
      const inAttach = observer.inAttach;
      observer.inAttach = true;
      try {
        return dispose.call(this);
      } finally {
        observer.inAttach = inAttach;
      }
    };
    return token;
  };
}

/** The span an AsyncLocalStorage store holds: a Context, or a Map or plain object with a span among its values. */
function spanInStore(store: unknown): Span | undefined {
  if (store === null || typeof store !== 'object') return undefined;
  if (typeof (store as { getValue?: unknown }).getValue === 'function') return traceApi.getSpan(store as Context);
  const values = store instanceof Map ? [...store.values()] : Object.values(store as Record<string, unknown>);
  for (const value of values.slice(0, 16)) {
    if (value !== null && typeof value === 'object' && typeof (value as { spanContext?: unknown }).spanContext === 'function') return value as Span;
  }
  return undefined;
}

/** AsyncLocalStorage.prototype.enterWith: a store that holds a span is remembered with where it was entered. */
function patchEnterWith(observer: Observer): void {
  const require = createRequire(import.meta.url);
  const { AsyncLocalStorage } = require('node:async_hooks') as typeof import('node:async_hooks');
  const proto = AsyncLocalStorage.prototype as unknown as Record<string, AnyFn>;
  const enterWith = proto.enterWith;
  if (typeof enterWith !== 'function') return;
  // Node 24's AsyncLocalStorage (AsyncContextFrame) implements run() with enterWith(): an
  // enterWith made while run() is entering its store, before the callback starts, is run()'s own.
  let enteringRun = 0;
  const run = proto.run;
  // Only where run() does call enterWith() (Node 24): elsewhere run() needs no wrapper (cost).
  let runEnters = false;
  if (typeof run === 'function') {
    const probe = new AsyncLocalStorage();
    const own = (probe as unknown as Record<string, AnyFn>).enterWith;
    Object.defineProperty(probe, 'enterWith', {
      configurable: true,
      value(this: unknown, ...args: unknown[]) {
        runEnters = true;
        return own?.apply(this, args);
      },
    });
    try {
      probe.run({}, () => undefined);
    } catch {
      runEnters = true;
    }
    probe.disable();
  }
  if (typeof run === 'function' && runEnters) {
    proto.run = function patchedRun(this: unknown, store: unknown, fn: unknown, ...args: unknown[]): unknown {
      if (typeof fn !== 'function') return run.call(this, store, fn, ...args);
      let started = false;
      enteringRun++;
      try {
        return run.call(
          this,
          store,
          function runCallback(this: unknown, ...inner: unknown[]): unknown {
            if (!started) {
              started = true;
              enteringRun--;
            }
            return (fn as AnyFn).apply(this, inner);
          },
          ...args,
        );
      } finally {
        if (!started) enteringRun--;
      }
    };
  }
  proto.enterWith = function patchedEnterWith(this: unknown, store: unknown): unknown {
    if (!observer.inAttach && enteringRun === 0) {
      const span = spanInStore(store);
      if (span) {
        if (observer.enteredWith.size > 1_000) observer.enteredWith.clear();
        observer.enteredWith.set(span.spanContext().spanId, { stack: captureStack(patchedEnterWith as AnyFn, REGISTRATION_STACK_LIMIT), reported: false });
      }
    }
    return enterWith.call(this, store);
  };
}

function spawnPayload(api: string, below: AnyFn): string | undefined {
  const span = traceApi.getSpan(contextApi.active());
  const ids = span?.spanContext();
  if (!ids) return undefined;
  const frame = userFrame(captureStack(below));
  if (!frame) return undefined;
  return JSON.stringify({ traceId: ids.traceId, api, site: { file: frame.file, line: frame.line, column: frame.column } });
}

function patchProcesses(observer: Observer): void {
  const require = createRequire(import.meta.url);
  const childProcess = require('node:child_process') as { ChildProcess: { prototype: Record<string, AnyFn> } };
  const proto = childProcess.ChildProcess.prototype;
  const spawn = proto.spawn as AnyFn;
  proto.spawn = function patchedSpawn(this: unknown, ...args: unknown[]): unknown {
    const options = args[0] as { envPairs?: string[] } | undefined;
    const payload = spawnPayload('child process spawn', patchedSpawn as AnyFn);
    if (payload !== undefined && options && Array.isArray(options.envPairs)) {
      options.envPairs = [...options.envPairs.filter((pair) => !pair.startsWith(`${ENV_SPAWN}=`)), `${ENV_SPAWN}=${payload}`];
    }
    return spawn.call(this, options);
  };
  const threads = require('node:worker_threads') as { Worker: new (...args: unknown[]) => unknown };
  const OriginalWorker = threads.Worker;
  const PatchedWorker = class Worker extends (OriginalWorker as new (...args: unknown[]) => object) {
    constructor(filename: unknown, options: { env?: unknown } = {}) {
      const payload = spawnPayload('Worker', PatchedWorker as unknown as AnyFn);
      if (payload !== undefined) {
        const base = options.env === undefined || typeof options.env !== 'object' ? process.env : (options.env as Record<string, string>);
        options = { ...options, env: { ...base, [ENV_SPAWN]: payload } };
      }
      super(filename, options);
    }
  };
  threads.Worker = PatchedWorker as unknown as typeof threads.Worker;
  followWorkerMessages(observer, OriginalWorker as unknown as { prototype: unknown });
}

/** The channel a worker thread tells its parent on which message it started a new trace. */
const WORKER_ROOTS = 'otel-context-doctor:worker-roots';

interface WorkerRootNotice {
  threadId: number;
  seq: number;
  shape: string;
  name: string;
  traceId: string;
}

/** A cheap shape of a message, the same on both sides of a structured clone: the sanity check that both sides count the same message. */
function messageShape(value: unknown): string {
  if (value === null || typeof value !== 'object') return typeof value;
  if (Array.isArray(value)) return `array:${value.length}`;
  return Object.keys(value).slice(0, 16).sort().join(',');
}

/** Whether a message carries a W3C trace context (a traceparent key, at the top or one level down). */
function carriesContext(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const record = value as Record<string, unknown>;
  if ('traceparent' in record) return true;
  return Object.values(record)
    .slice(0, 16)
    .some((inner) => inner !== null && typeof inner === 'object' && !Array.isArray(inner) && 'traceparent' in (inner as Record<string, unknown>));
}

/**
 * Messages to workers (docs/doctor.md, new-trace). The sending side counts each Worker's
 * postMessage calls and, for those made while a span is active, keeps the trace, the span's name
 * and the call's stack. A worker thread counts the messages it handles from its parent; a root
 * started while one is handled (in the listener or in what it continues), from a message with no
 * trace context, is told to the parent on a BroadcastChannel (unref'd: it never keeps a process
 * alive). The parent matches the message by its number and shape and reports the postMessage call.
 */
function followWorkerMessages(observer: Observer, OriginalWorker: { prototype: unknown }): void {
  const require = createRequire(import.meta.url);
  const threads = require('node:worker_threads') as typeof import('node:worker_threads');
  const { AsyncLocalStorage } = require('node:async_hooks') as typeof import('node:async_hooks');
  // the sending side
  interface Post {
    traceId: string;
    spanName: string | undefined;
    stack: StackHolder;
    shape: string;
  }
  const perWorker = new Map<number, { count: number; posts: Map<number, Post> }>();
  let listening: InstanceType<typeof threads.BroadcastChannel> | undefined;
  const listen = (): void => {
    if (listening) return;
    const channel = new threads.BroadcastChannel(WORKER_ROOTS);
    listening = channel;
    const handle = (notice: WorkerRootNotice | undefined): void => {
      if (!notice || typeof notice.seq !== 'number') return;
      const posts = perWorker.get(notice.threadId)?.posts;
      const post = posts?.get(notice.seq);
      if (!post) return;
      posts?.delete(notice.seq);
      if (post.shape === notice.shape) observer.postedWithoutContext(post, notice);
    };
    channel.onmessage = (event: unknown) => handle((event as { data?: WorkerRootNotice }).data);
    channel.unref();
    // a notice already queued on the channel but not dispatched yet when the process reports
    // (it exits right after the worker's reply): read synchronously
    // (Node's receiveMessageOnPort takes a BroadcastChannel too since 15.12; its types say MessagePort)
    const port = channel as unknown as import('node:worker_threads').MessagePort;
    observer.beforeReport.push(() => {
      for (let received = threads.receiveMessageOnPort(port); received !== undefined; received = threads.receiveMessageOnPort(port)) {
        handle(received.message as WorkerRootNotice | undefined);
      }
    });
  };
  const proto = OriginalWorker.prototype as Record<string, AnyFn>;
  const post = proto.postMessage;
  if (typeof post === 'function') {
    proto.postMessage = function patchedPostMessage(this: { threadId?: number }, value: unknown, ...rest: unknown[]): unknown {
      const threadId = this.threadId;
      if (typeof threadId === 'number' && threadId >= 0) {
        let worker = perWorker.get(threadId);
        if (!worker) {
          if (perWorker.size > 256) perWorker.clear();
          worker = { count: 0, posts: new Map() };
          perWorker.set(threadId, worker);
        }
        const seq = worker.count++;
        const span = traceApi.getSpan(contextApi.active());
        if (span) {
          const { traceId, spanId } = span.spanContext();
          if (worker.posts.size >= 1_000) worker.posts.delete(worker.posts.keys().next().value as number);
          worker.posts.set(seq, { traceId, spanName: observer.spanName(spanId), stack: captureStack(patchedPostMessage as AnyFn, REGISTRATION_STACK_LIMIT), shape: messageShape(value) });
          listen();
        }
      }
      return post.call(this, value, ...rest);
    };
  }
  // the worker side: number the parent's messages as they are handled
  const port = threads.parentPort as unknown as Record<string, AnyFn> | null;
  if (threads.isMainThread || !port) return;
  const handling = new AsyncLocalStorage<{ seq: number; data: unknown; told: boolean }>();
  let seq = -1;
  let current: { seq: number; data: unknown; told: boolean } | undefined;
  const add = port.addEventListener as AnyFn;
  const remove = port.removeEventListener as AnyFn;
  const wrappers = new WeakMap<object, AnyFn>();
  const MessageEventClass = (globalThis as { MessageEvent?: new (...args: never[]) => { data: unknown } }).MessageEvent;
  port.addEventListener = function (this: unknown, type: unknown, listener: unknown, options?: unknown): unknown {
    if (type !== 'message' || typeof listener !== 'function') return add.call(this, type, listener, options);
    let wrapped = wrappers.get(listener);
    if (!wrapped) {
      const fn = listener as AnyFn;
      wrapped = function (this: unknown, ...args: unknown[]): unknown {
        // every listener of one message runs before the microtasks that follow it: one number per message
        if (current === undefined) {
          const arg = args[0];
          current = { seq: ++seq, data: MessageEventClass && arg instanceof MessageEventClass ? arg.data : arg, told: false };
          queueMicrotask(() => {
            current = undefined;
          });
        }
        return handling.run(current, () => fn.apply(this, args));
      };
      wrappers.set(listener, wrapped);
    }
    return add.call(this, type, wrapped, options);
  };
  port.removeEventListener = function (this: unknown, type: unknown, listener: unknown, options?: unknown): unknown {
    return remove.call(this, type, (typeof listener === 'function' && wrappers.get(listener)) || listener, options);
  };
  let telling: InstanceType<typeof threads.BroadcastChannel> | undefined;
  observer.onWorkerRoot = (name, traceId) => {
    const message = handling.getStore();
    if (!message || message.told) return;
    message.told = true;
    if (carriesContext(message.data)) return;
    if (!telling) {
      telling = new threads.BroadcastChannel(WORKER_ROOTS);
      telling.unref();
    }
    const notice: WorkerRootNotice = { threadId: threads.threadId, seq: message.seq, shape: messageShape(message.data), name, traceId };
    telling.postMessage(notice);
  };
}

function readSpawn(): Observer['spawnedFrom'] {
  const raw = process.env[ENV_SPAWN];
  if (!raw) return undefined;
  delete process.env[ENV_SPAWN];
  try {
    const parsed = JSON.parse(raw) as { traceId: string; api: string; site: { file: string; line: number; column: number } };
    return { traceId: parsed.traceId, api: parsed.api, site: parsed.site };
  } catch {
    return undefined;
  }
}

/** Installs the doctor once per process (or worker) and returns its state. */
export async function installDoctor(options: Partial<DoctorOptions> = {}): Promise<DoctorState> {
  const existing = getDoctorState();
  if (existing) return existing;
  const merged: DoctorOptions = { ...DEFAULT_OPTIONS, ...options };
  process.setSourceMapsEnabled(true);
  const observer = new Observer(merged);
  observer.spawnedFrom = readSpawn();
  const fallback = await createFallback(merged);
  const version = appApiVersion(process.cwd()) ?? appApiVersion(dirname(fileURLToPath(import.meta.url))) ?? '1.10.0';
  const appProvider = installGlobals(fallback, observer, version);
  patchTimers(observer);
  patchEmitters(observer);
  patchEventTargets(observer);
  patchProcesses(observer);
  patchEnterWith(observer);
  observeAttach(fallback.manager, observer);
  // a monitor: it sees unhandled rejections without changing what happens to them
  process.on('uncaughtExceptionMonitor', (error, origin) => {
    if (origin === 'unhandledRejection') observer.rejected(error);
  });
  syncBuiltinESMExports();
  const state: DoctorState = { observer, options: merged, appProvider };
  (globalThis as Record<symbol, DoctorState | undefined>)[STATE_KEY] = state;
  return state;
}
