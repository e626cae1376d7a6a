import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import rule from '../../rules/no-unbound-queued-callback.js';
import { createRuleTester, under } from '../rule-tester.js';

// A checkout with no node_modules whose package.json declares p-limit 6 (which binds with
// AsyncResource itself) or 3: the declared major decides, as the installed one would.
const DECLARED = mkdtempSync(join(tmpdir(), 'otel-context-declared-'));
for (const [dir, range] of [['p-limit-6', '^6.2.0'], ['p-limit-3', '3.1.0']] as const) {
  mkdirSync(join(DECLARED, dir, 'src'), { recursive: true });
  writeFileSync(join(DECLARED, dir, 'package.json'), JSON.stringify({ name: dir, dependencies: { 'p-limit': range } }));
}
const SHARED_LIMITER = `
import pLimit from 'p-limit';
const limit = pLimit(4);
export async function readAll(read: () => Promise<string>) {
  return limit(() => read());
}`;

const ruleTester = createRuleTester();

const LOSES = 'queuedCallbackLosesContext' as const;
const CALLER = 'queuedCallbackLosesCaller' as const;
const WRAPPER = 'callbackWrapperLosesCaller' as const;

// A mysql2-style connection (pre-class): each command method wraps the caller's callback in a
// command object and hands it to addCommand, which queues it; the reply handler shifts the next.
const COMMAND_QUEUE = (query: string): string => `
const Commands = require('./commands');
function Connection() {
  this._commands = [];
  this._command = null;
}
Connection.prototype.addCommand = function (cmd) {
  if (!this._command) {
    this._command = cmd;
    this.write(cmd);
  } else {
    this._commands.push(cmd);
  }
  return cmd;
};
Connection.prototype.handleReply = function (packet) {
  if (this._command.execute(packet, this)) this._command = this._commands.shift();
};
Connection.prototype.query = function (sql, cb) {
  ${query}
};
module.exports = Connection;`;
const SCOPE = 'resourceCallOutsideScope' as const;
const UNBOUND = 'callbackHandedOnUnbound' as const;

// Partial binding (family 4, "one path forgot"): a mysql-style connection whose commands bind the
// caller's callback through the file's helper before handing it to the protocol queue.
const BINDER_SIBLINGS = (connect: string): string => `
const { AsyncResource } = require('node:async_hooks');
function bindToCaller(callback) {
  return callback ? AsyncResource.bind(callback) : callback;
}
function Connection(protocol) {
  this._protocol = protocol;
}
Connection.prototype.ping = function (cb) {
  this._protocol.ping(bindToCaller(cb));
};
Connection.prototype.connect = function (cb) {
  ${connect}
};
module.exports = Connection;`;

ruleTester.run('no-unbound-queued-callback', rule, {
  valid: [
    {
      name: 'command queue (mysql2 shape): the caller\'s callback bound before it is wrapped in the command',
      code: COMMAND_QUEUE(`return this.addCommand(new Commands.Query(sql, cb && AsyncResource.bind(cb)));`).replace("const Commands", "const { AsyncResource } = require('node:async_hooks');\nconst Commands"),
    },
    {
      name: 'command queue (mysql2 shape): an argument that is not named as a callback (options) is not the caller\'s callback',
      code: COMMAND_QUEUE(`return this.addCommand(new Commands.Query(sql, options));`).replace('function (sql, cb)', 'function (sql, options)'),
    },
    {
      name: 'command queue: a command handed to a method that stores it in a collection the file never drains (a registry)',
      code: `
class Registry {
  private commands: object[] = [];
  register(command: object) { this.commands.push(command); }
  add(name: string, cb: () => void) { this.register(new Command(name, cb)); }
  list() { return this.commands.map((c) => c); }
}
class Command { constructor(readonly name: string, readonly cb: () => void) {} }`,
    },
    {
      name: 'no tracing, family 9: p-limit declared as ^6 in the nearest package.json (nothing installed): it binds its tasks itself',
      filename: join(DECLARED, 'p-limit-6', 'src', 'limiter.ts'),
      code: SHARED_LIMITER,
    },
    {
      name: 'no tracing, family 9: a fastq queue in a field that the owner fills and forgets (a directory walker): nobody waits for the work',
      code: `
import fastq from 'fastq';
export class Walker {
  private _queue = fastq((item: string, done: (err: Error | null) => void) => done(null), 4);
  push(directory: string) {
    this._queue.push(directory, (error) => { if (error !== null) this._handleError(error); });
  }
  private _handleError(error: Error) {}
}`,
    },
    {
      name: 'no tracing, family 9: a pool in a test file serves the test itself',
      filename: 'test/pool.test.js',
      code: `
const mysql = require('mysql');
const pool = mysql.createPool({});
exports.withConnection = function (cb) { pool.getConnection(function (err, conn) { cb(err, conn); }); };`,
    },
    {
      name: 'no tracing, family 9: a fastq queue made for one call\'s own batch: every task is that caller\'s, nothing to bind',
      code: `
import fastq from 'fastq';
export function runBatch(tasks: Array<() => Promise<void>>) {
  const queue = fastq.promise((job: () => Promise<void>) => job(), 1);
  return Promise.all(tasks.map((task) => queue.push(() => run(task))));
}
async function run(task: () => Promise<void>) { await task(); }`,
    },
    {
      name: 'no tracing, family 9: a shared fastq queue filled at module load (no caller to lose)',
      code: `
import fastq from 'fastq';
const queue = fastq.promise((job: () => Promise<void>) => job(), 1);
queue.push(() => warmUp());
async function warmUp() {}`,
    },
    {
      name: 'no tracing, family 9: a shared generic-pool 2 pool under zone (no AsyncLocalStorage to keep)',
      settings: under('zone'),
      code: `
const genericPool = require('generic-pool');
const pool = genericPool.Pool({ create(cb) { cb(null, {}); }, destroy() {}, max: 1 });
exports.connect = function (cb) { pool.acquire(function (err, client) { cb(err, client); }); };`,
    },
    {
      name: 'no tracing, family 9: a fastq queue whose holder is written from two different libraries is not resolved',
      code: `
import fastq from 'fastq';
import Queue from 'yocto-queue';
export class Parser {
  private queue: any;
  constructor(sequential: boolean) {
    this.queue = sequential ? fastq.promise((job: () => Promise<void>) => job(), 1) : new Queue();
  }
  parse(file: string) { return this.queue.push(() => read(file)); }
}
async function read(file: string) {}`,
    },
    {
      name: 'no tracing, browser code (reads window and nothing of Node): no AsyncLocalStorage there, and node:async_hooks would break the bundle',
      code: `
const queue: Array<() => void> = [];
setInterval(() => {
  const job = queue.shift();
  job?.();
  window.dispatchEvent(new Event('drained'));
}, 10);
export function later(job: () => void) {
  queue.push(job);
}`,
    },
    {
      name: 'a listener registry reset by length = 0 or clear() in a method that does not read it (the entries are iterated, never taken out)',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('hooks');
export class Hooks {
  private onCancel: Array<() => Promise<void>> = [];
  private byEvent = new Map<string, () => void>();
  reset(): void {
    this.onCancel.length = 0;
    this.byEvent.clear();
  }
  register(listener: () => Promise<void>): void {
    this.onCancel.push(listener);
  }
  on(event: string, listener: () => void): void {
    this.byEvent.set(event, listener);
  }
  async cancel(): Promise<void> {
    await tracer.startActiveSpan('cancel', async (span) => {
      await Promise.allSettled(this.onCancel.map((listener) => listener()));
      span.end();
    });
  }
  emit(event: string): void {
    this.byEvent.get(event)?.();
  }
}`,
    },
    {
      name: 'a collection set to a new empty one without reading the old (a test hook that starts a fresh map) is not a drain',
      code: `
import { trace } from '@opentelemetry/api';
import { beforeEach, it } from 'vitest';
const tracer = trace.getTracer('test');
let handlers: Map<string, (payload: unknown) => void>;
let rc: { setHandler(product: string, handler: (payload: unknown) => void): void };
beforeEach(() => {
  handlers = new Map();
  rc = { setHandler(product, handler) { handlers.set(product, handler); } };
});
it('applies the config', () => {
  rc.setHandler('APM', (payload) => tracer.startSpan('apply').end());
  handlers.get('APM')?.({});
});`,
    },
    {
      name: 'no tracing: near miss of the handler object: the stored callback is called from a method the caller runs itself (not an onX event method)',
      code: `
class Validator {
  constructor(check) { this.check = check; }
  validate(value) { return this.check(value); }
}
module.exports = function validator(check) { return new Validator(check); };`,
    },
    {
      name: 'no tracing: near miss of the handler object: the file never constructs it by name (a zone spec looked up in a registry), so no caller\'s callback is seen reaching it',
      code: `
class TestZoneSpec {
  constructor(finishCallback, failCallback) { this.finishCallback = finishCallback; this.failCallback = failCallback; }
  onHandleError(error) { this.failCallback(error); return false; }
  onHasTask() { this.finishCallback(); }
}
globalThis.specs = { TestZoneSpec };
function asyncTest(done) {
  const Spec = globalThis.specs.TestZoneSpec;
  return new Spec(() => done(), (error) => done(error));
}
module.exports = asyncTest;`,
    },
    {
      name: 'no tracing: near miss of the handler object: the class is an AsyncResource (it runs the callback in its own scope)',
      code: `
const { AsyncResource } = require('node:async_hooks');
class ConnectHandler extends AsyncResource {
  constructor(callback) { super('CONNECT'); this.callback = callback; }
  onUpgrade(res) { this.runInAsyncScope(this.callback, null, null, res); }
}
module.exports = function connect(dispatcher, callback) { dispatcher.dispatch(new ConnectHandler(callback)); };`,
    },
    {
      name: 'partial binding, near miss: the AsyncResource class calls the stored callback inside a function it runs through runInAsyncScope',
      code: `
const { AsyncResource } = require('node:async_hooks');
class ConnectHandler extends AsyncResource {
  constructor(callback) { super('CONNECT'); this.callback = callback; }
  onUpgrade(res) { this.runInAsyncScope(this.callback, null, null, res); }
  onError(err) {
    const { callback } = this;
    this.runInAsyncScope(() => { callback(err); });
  }
}
module.exports = function connect(dispatcher, callback) { dispatcher.dispatch(new ConnectHandler(callback)); };`,
    },
    {
      name: 'partial binding, near miss: a direct call in the constructor runs in the caller\'s own context',
      code: `
const { AsyncResource } = require('node:async_hooks');
class Job extends AsyncResource {
  constructor(callback, fail) {
    super('JOB');
    this.callback = callback;
    if (fail) this.callback(new Error('rejected'));
  }
  onDone(value) { this.runInAsyncScope(this.callback, null, null, value); }
}
module.exports = Job;`,
    },
    {
      name: 'partial binding, near miss: a class that is not an AsyncResource (its runInAsyncScope is its own method)',
      code: `
class Runner {
  constructor(callback) { this.callback = callback; }
  runInAsyncScope(fn, thisArg, ...args) { return fn.apply(thisArg, args); }
  onDone(value) { this.runInAsyncScope(this.callback, null, null, value); }
  fail(err) { this.callback(err); }
}
module.exports = Runner;`,
    },
    {
      name: 'partial binding, near miss: the callback is rebound from the helper before it is handed on',
      code: BINDER_SIBLINGS('cb = bindToCaller(cb); this._protocol.handshake(cb);'),
    },
    {
      name: 'partial binding, near miss: a parameter that is data, not a callback, handed to the same receiver',
      code: BINDER_SIBLINGS('this._protocol.handshake(); };\nConnection.prototype.write = function (data) { this._protocol.write(data);'),
    },
    {
      name: 'partial binding, near miss: the raw callback goes to another receiver (the socket), not the one the file binds for',
      code: BINDER_SIBLINGS('this._socket.end(cb);'),
    },
    {
      name: 'partial binding, near miss: the raw callback goes to a method of this object (the file shows what it does)',
      code: BINDER_SIBLINGS('this._enqueue(cb);'),
    },
    {
      name: 'partial binding, under zone: AsyncResource carries no zone, nothing is reported',
      code: BINDER_SIBLINGS('this._protocol.handshake(cb);'),
      settings: under('zone'),
    },
    {
      name: 'no tracing: near miss of the handler object: the callback is bound where it is stored',
      code: `
const { AsyncResource } = require('node:async_hooks');
class ConnectHandler {
  constructor(callback) { this.callback = AsyncResource.bind(callback); }
  onError(err) { this.callback(err); }
}
module.exports = function connect(dispatcher, callback) { dispatcher.dispatch(new ConnectHandler(callback)); };`,
    },
    {
      name: 'a registry whose entries are removed by a lookup through a helper method (splice(idx, 1) unregisters, it takes nothing)',
      code: `
import { trace } from '@opentelemetry/api';
export const tracer = trace.getTracer('metrics');
type Callback = (result: number[]) => void;
export class Registry {
  private callbacks: Array<{ callback: Callback; name: string }> = [];
  add(callback: Callback, name: string) {
    if (this.find(callback, name) >= 0) return;
    this.callbacks.push({ callback, name });
  }
  remove(callback: Callback, name: string) {
    const idx = this.find(callback, name);
    if (idx < 0) return;
    this.callbacks.splice(idx, 1);
  }
  collect() { return this.callbacks.map(({ callback }) => { const out: number[] = []; callback(out); return out; }); }
  private find(callback: Callback, name: string) {
    return this.callbacks.findIndex((record) => record.callback === callback && record.name === name);
  }
}`,
    },
    {
      name: 'stored unsubscribe functions (chosen in two branches) only take a subscriber off a channel: they read no context',
      code: `
import { trace } from '@opentelemetry/api';
import * as diagch from 'node:diagnostics_channel';
export const tracer = trace.getTracer('http');
export class Subscriptions {
  private subs: Array<{ name: string; unsubscribe: () => void }> = [];
  subscribe(name: string, onMessage: (message: unknown) => void, modern: boolean) {
    let unsubscribe: () => void;
    if (modern) {
      diagch.subscribe(name, onMessage);
      unsubscribe = () => diagch.unsubscribe(name, onMessage);
    } else {
      const channel = diagch.channel(name);
      channel.subscribe(onMessage);
      unsubscribe = () => channel.unsubscribe(onMessage);
    }
    this.subs.push({ name, unsubscribe });
  }
  disable() {
    this.subs.forEach((sub) => sub.unsubscribe());
    this.subs.length = 0;
  }
}`,
    },
    {
      name: 'no tracing, under zone: the fix would need OpenTelemetry (AsyncResource.bind does nothing there), so nothing is reported',
      settings: under('zone'),
      code: `
const waiters: Array<(err?: Error) => void> = [];
export function whenReady(callback: (err?: Error) => void) { waiters.push(callback); }
export function ready() { while (waiters.length) waiters.shift()?.(); }`,
    },
    {
      name: 'no tracing: a hook registry that is iterated and never drained stays unreported',
      code: `
const hooks = [];
export function onClose(hook) { hooks.push(hook); }
export function close() { for (const hook of hooks) hook(); }`,
    },
    {
      name: 'no tracing: callbacks queued at module load have no caller whose context could be lost',
      code: `
const startup = [];
startup.push(() => loadConfig());
startup.push(() => openLog());
export function boot() { while (startup.length) startup.shift()(); }`,
    },
    {
      name: 'no tracing: internal work that runs no code of the caller (a key is data, not a callback)',
      code: `
export class Compactor {
  private tasks: Array<() => void> = [];
  schedule(key: string) { this.tasks.push(() => this.compact(key)); }
  tick() { const task = this.tasks.shift(); if (task) task(); }
  private compact(key: string) { return key; }
}`,
    },
    {
      name: 'no tracing: promise resolvers parked by a semaphore (the await resumes in its own context)',
      code: `
const waiting: Array<() => void> = [];
export function acquire() { return new Promise<void>((resolve) => { waiting.push(resolve); }); }
export function release() { waiting.shift()?.(); }`,
    },
    {
      name: 'in a never-activated span region, a queued callback that does traced work belongs to no-inactive-parent-span',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
const queue: Array<() => void> = [];
setInterval(() => { while (queue.length) queue.shift()?.(); }, 10);
export function handle() {
  const span = tracer.startSpan('parent');
  queue.push(() => tracer.startSpan('child').end());
  span.end();
}`,
    },
    {
      name: 'a registry that is iterated and never drained (middleware): binding would tie every call to startup',
      code: `
type Middleware = (req: unknown, next: () => void) => void;
const middlewares: Middleware[] = [];
export function use(fn: Middleware) { middlewares.push(fn); }
export function run(req: unknown) { for (const m of middlewares) m(req, () => undefined); }`,
    },
    {
      name: 'event handler set with unsubscribe by value (delete(fn)) is a registry',
      code: `
const listeners = new Set<(value: number) => void>();
export function subscribe(fn: (value: number) => void) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
export function publish(value: number) { for (const l of listeners) l(value); }`,
    },
    {
      name: 'array registry with splice(indexOf(fn), 1) to unsubscribe',
      code: `
const hooks: Array<() => void> = [];
export function onReady(fn: () => void) {
  hooks.push(fn);
  return () => { const i = hooks.indexOf(fn); if (i >= 0) hooks.splice(i, 1); };
}
export function ready() { hooks.forEach((h) => h()); }`,
    },
    {
      name: 'teardown callbacks (a collection named for cleanup, dispose, exit) run once at shutdown: binding would run shutdown work in a request\'s trace',
      code: `
const CLEANUP_STEPS = new Set<() => void>();
export function cleanup(): void {
  for (const step of CLEANUP_STEPS) step();
  CLEANUP_STEPS.clear();
}
export function startServer(close: () => void) { CLEANUP_STEPS.add(() => close()); }
export class Client {
  private _disposeCallbacks: (() => void)[] = [];
  registerCleanup(callback: () => void) { this._disposeCallbacks.push(callback); }
  dispose() {
    for (const callback of this._disposeCallbacks) callback();
    this._disposeCallbacks.length = 0;
  }
}`,
    },
    {
      name: 'a registry created where it is missing (if (!handlers) handlers = []) and unsubscribed through a guarded lookup (handlers ? handlers.indexOf(cb) : -1)',
      code: `
type Handler = () => void;
let handlers: undefined | Handler[];
export function onOpen(cb: Handler): () => void {
  if (!handlers) {
    handlers = [];
  }
  handlers.push(cb);
  return () => {
    const pos = handlers ? handlers.indexOf(cb) : -1;
    if (pos > -1) (handlers as Handler[]).splice(pos, 1);
  };
}
export function open(): void { handlers?.forEach((handler) => handler()); }`,
    },
    {
      name: 'promise resolvers parked in a wait queue: the continuation follows the await',
      code: `
export class Semaphore {
  private waiters: Array<() => void> = [];
  acquire(): Promise<void> { return new Promise((resolve) => this.waiters.push(resolve)); }
  release(): void { this.waiters.shift()?.(); }
}`,
    },
    {
      name: 'a waiter parked as { predicate, resolve }: the awaiting code resumes in its own context, the predicate only tests the value (tests/queue-waiters.test.ts)',
      code: `
import { trace } from '@opentelemetry/api';
const waiters: { predicate: (e: string) => boolean; resolve: (e: string) => void }[] = [];
export function onEvent(event: string) {
  for (let i = waiters.length - 1; i >= 0; i--) {
    const w = waiters[i]!;
    if (w.predicate(event)) { waiters.splice(i, 1); w.resolve(event); }
  }
}
export function waitFor(predicate: (e: string) => boolean): Promise<string> {
  trace.getActiveSpan()?.addEvent('wait');
  return new Promise<string>((resolve) => { waiters.push({ predicate, resolve }); });
}`,
    },
    {
      name: 'a waiter parked as { pred, resolve } (the abbreviation; vercel/ai harness bridge test): a predicate, not work to run',
      code: `
import { trace } from '@opentelemetry/api';
const waiters: { pred: (e: string) => boolean; resolve: (e: string) => void }[] = [];
export function onFrame(frame: string) {
  for (let i = waiters.length - 1; i >= 0; i--) {
    const w = waiters[i]!;
    if (w.pred(frame)) { waiters.splice(i, 1); w.resolve(frame); }
  }
}
export function waitFor(pred: (e: string) => boolean): Promise<string> {
  trace.getActiveSpan()?.addEvent('wait');
  return new Promise<string>((resolve) => { waiters.push({ pred, resolve }); });
}`,
    },
    {
      name: 'already bound callback',
      code: `
import { context } from '@opentelemetry/api';
const jobs: Array<() => void> = [];
export function later(fn: () => void) { jobs.push(context.bind(context.active(), fn)); }
setInterval(() => { while (jobs.length) jobs.shift()?.(); }, 10);`,
    },
    {
      name: 'a map of handlers read by key but never taken (get and delete in different functions) is a registry',
      code: `
const consumers = new Map<string, (msg: string) => void>();
export function consume(tag: string, handler: (msg: string) => void) { consumers.set(tag, handler); }
export function cancel(tag: string) { consumers.delete(tag); }
export function dispatch(tag: string, msg: string) { consumers.get(tag)?.(msg); }`,
    },
    {
      name: 'a local queue filled and drained in the same call runs in that call',
      code: `
export function runAll(tasks: Array<() => void>) {
  const queue: Array<() => void> = [];
  for (const t of tasks) queue.push(t);
  while (queue.length) queue.shift()?.();
}`,
    },
    {
      name: 'a queue of data (entries are never called)',
      code: `
const pending: string[] = [];
export function log(line: string) { pending.push(line); }
setInterval(() => { process.stdout.write(pending.splice(0).join('\\n')); }, 1000);`,
    },
    {
      name: 'an option-listed limiter with an already bound callback',
      options: [{ additionalQueueFunctions: ['limit'] }],
      code: `
import { context } from '@opentelemetry/api';
declare const limit: <T>(fn: () => Promise<T>) => Promise<T>;
export function fetchAll(urls: string[]) { return urls.map((u) => limit(context.bind(context.active(), () => fetch(u)))); }`,
    },
    {
      name: 'family 4 near miss: a wrapper made inside an active span (running the callback inside it is family 3\'s business)',
      code: `
import { context, trace } from '@opentelemetry/api';
export function patch(original: Function) {
  return function (this: unknown, key: string, cb: (err: unknown) => void) {
    return trace.getTracer('x').startActiveSpan('cmd', (span) => original.call(this, key, function (err: unknown) { span.end(); cb(err); }));
  };
}`,
    },
    {
      name: 'family 4 near miss: a patched method calling its original (it runs in its caller\'s call), and a wrapper that restores a context itself',
      code: `
import { context, trace } from '@opentelemetry/api';
export function patchQuery(original: Function) {
  return function (this: unknown, ...args: unknown[]) {
    const span = trace.getTracer('db').startSpan('query');
    try { return original.apply(this, args); } finally { span.end(); }
  };
}
export function wrapReply(args: unknown[], span: { end(): void }, cb: (err: unknown) => void) {
  const parent = context.active();
  args[args.length - 1] = function (this: unknown, err: unknown) { span.end(); return context.with(parent, cb, this, err); };
}`,
    },
    {
      name: 'family 4 near miss: a wrapper restores the span captured at wrap time through a helper, and calls the callback raw only when none was captured',
      code: `
import { trace } from '@opentelemetry/api';
declare function withActiveSpan<T>(span: unknown, fn: () => T): T;
export function patchRead(original: (...args: unknown[]) => unknown) {
  return function (this: unknown, ...args: unknown[]) {
    const cb = args[args.length - 1] as (...a: unknown[]) => unknown;
    const span = trace.getTracer('fs').startSpan('fs.read');
    const parentSpan = trace.getActiveSpan();
    args[args.length - 1] = function (this: unknown, ...cbArgs: unknown[]) {
      span.end();
      if (parentSpan) {
        return withActiveSpan(parentSpan, () => cb.apply(this, cbArgs));
      }
      return cb.apply(this, cbArgs);
    };
    return original.apply(this, args);
  };
}`,
    },
    {
      name: 'family 4 near miss: an exported wrapper factory the file never calls (its callers may bind it), and one bound at the call site',
      code: `
import { context, trace } from '@opentelemetry/api';
type Cb = (err: Error | null, res?: unknown) => void;
export function patchCallback(span: { end(): void }, cb: Cb): Cb {
  return function patchedCallback(this: unknown, err: Error | null, res?: unknown) { span.end(); cb.call(this, err, res); };
}
function patchConnectCallback(span: { end(): void }, cb: Cb): Cb {
  return function (this: unknown, err: Error | null) { span.end(); cb.call(this, err); };
}
export function connect(original: Function, callback: Cb) {
  const span = trace.getTracer('pg').startSpan('connect');
  let wrapped = patchConnectCallback(span, callback);
  wrapped = context.bind(context.active(), wrapped);
  return original(wrapped);
}`,
    },
    {
      name: 'family 9 near misses: a pool used with promises (the await resumes in its own context), unlisted libraries that keep the context (p-queue, generic-pool 3), a local schedule()',
      code: `
import { trace } from '@opentelemetry/api';
import { Pool } from 'pg';
import PQueue from 'p-queue';
import genericPool from 'generic-pool';
const pool = new Pool();
const queue = new PQueue({ concurrency: 1 });
const resources = genericPool.createPool({ create: async () => ({}), destroy: async () => {} });
const limiter = { schedule: (fn: () => void) => fn() };
export async function handle() {
  const client = await pool.connect();
  await queue.add(() => trace.getTracer('a').startSpan('job').end());
  resources.acquire().then(() => trace.getTracer('a').startSpan('use').end());
  limiter.schedule(() => trace.getTracer('a').startSpan('now').end());
  client.release();
}`,
    },
    // Stored callbacks (core/analysis/stored-callbacks.ts): near misses of the per-call object.
    {
      name: 'stored callback, near miss: the constructing code runs the calling method itself, on the new object or a local holding it (a visitor)',
      code: `
class Walker {
  constructor(visitor) { this.visitor = visitor; }
  walk(node) { this.visit(node); }
  visit(node) { this.visitor(node); for (const child of node.children) this.visit(child); }
}
exports.walk = function (ast, visitor) { new Walker(visitor).walk(ast); };
exports.walkAll = function (asts, visitor) { const walker = new Walker(visitor); for (const ast of asts) walker.walk(ast); };`,
    },
    {
      name: 'stored callback, near miss: the constructor starts what calls it (a timer the object starts in its caller\'s context)',
      code: `
class Job {
  constructor(fn) { this.fn = fn; this.start(); }
  start() { setTimeout(() => this.finish(), 1); }
  finish() { this.fn(); }
}
exports.run = function (fn) { new Job(fn); };`,
    },
    {
      name: 'stored callback, near miss: the object itself goes back to the caller, who keeps and drives it (a server\'s request listener)',
      code: `
function Server(listener) { this.listener = listener; }
Server.prototype.dispatch = function (req, res) { this.listener(req, res); };
exports.createServer = function (listener) { return new Server(listener); };`,
    },
    {
      name: 'stored callback, near miss: a setter replaces the field (a listener slot, not a continuation)',
      code: `
class Slot {
  constructor(fn) { this.fn = fn; }
  setHandler(fn) { this.fn = fn; }
  fire() { this.fn(); }
}
exports.make = function (registry, fn) { registry.add(new Slot(fn)); };`,
    },
    {
      name: 'stored callback, near miss: an option bag stored whole, its members read later (not a stored function)',
      code: `
class Client {
  constructor(options) { this.options = options; }
  settle() { this.options.callback(); }
}
exports.make = function (pool, options) { pool.add(new Client(options)); };`,
    },
    {
      name: 'stored callback, near miss: the class already runs it in its own async scope (AsyncResource)',
      code: `
const { AsyncResource } = require('node:async_hooks');
class Pending extends AsyncResource {
  constructor(cb) { super('Pending'); this.cb = cb; }
  settle(line) { this.runInAsyncScope(this.cb, null, null, line); }
}
exports.query = function (client, sql, cb) { client.send(sql, new Pending(cb)); };`,
    },
    {
      name: 'stored callback, near miss: constructed only with a function of the file (no caller\'s callback)',
      code: `
class Pending { constructor(cb) { this.cb = cb; } settle(line) { this.cb(null, line); } }
exports.ping = function (client) { client.send('PING', new Pending(() => console.log('pong'))); };`,
    },
    {
      name: 'stored callback, under zone: AsyncResource carries no zone, nothing is reported in code with no tracing',
      code: `
class Pending { constructor(cb) { this.cb = cb; } settle(line) { this.cb(null, line); } }
exports.query = function (client, sql, cb) { client.send(sql, new Pending(cb)); };`,
      settings: under('zone'),
    },
    {
      name: 'stored callback, near miss: traced code is the other binding rules\' (this shape is looked at in files with no tracing)',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('db');
class Pending { constructor(cb) { this.cb = cb; } settle(line) { tracer.startSpan('settle').end(); this.cb(null, line); } }
export function query(client, sql, cb) { client.send(sql, new Pending(cb)); }`,
    },
    {
      name: 'stored callback, near miss: the constructing code runs an inherited method on the new object (a visitor base class may dispatch to any method)',
      code: `
class PatternVisitor extends BaseVisitor {
  constructor(options, callback) { super(options); this.callback = callback; }
  Identifier(pattern) { this.callback(pattern); }
}
exports.traverse = function (options, pattern, callback) {
  const visitor = new PatternVisitor(options, callback);
  visitor.visit(pattern);
};`,
    },
    {
      name: 'stored callback, near miss: the new object is kept in a collection (a registry run later by its owner, or a queue the queue model owns)',
      code: `
class Task {
  constructor(bench, name, fn) { this.bench = bench; this.name = name; this.fn = fn; }
  async loop() { await this.fn.call(this); }
}
class Bench {
  constructor() { this.tasks = new Map(); }
  add(name, fn) { const task = new Task(this, name, fn); this.tasks.set(name, task); return this; }
  async run() { for (const task of this.tasks.values()) await task.loop(); }
}
module.exports = Bench;`,
    },
  ],
  invalid: [
    {
      name: 'no tracing: a stored callback (bluebird map shape): a constructor function keeps the caller\'s mapper, a prototype method run as each input settles calls it through a wrapper',
      code: `
'use strict';
var util = require('./util');
var tryCatch = util.tryCatch;
function MappingArray(values, fn, limit) {
  this.constructor$(values);
  this._callback = fn;
  this._limit = limit;
}
util.inherits(MappingArray, PromiseArray);
MappingArray.prototype._promiseFulfilled = function (value, index) {
  var callback = this._callback;
  var ret = tryCatch(callback).call(this._promise._boundValue(), value, index, this.length());
  this._values[index] = ret;
};
function map(values, fn, options) {
  return new MappingArray(values, fn, options.concurrency).promise();
}
module.exports = map;`,
      output: `
'use strict';
var util = require('./util');
const { AsyncResource } = require('node:async_hooks');
var tryCatch = util.tryCatch;
function MappingArray(values, fn, limit) {
  this.constructor$(values);
  this._callback = AsyncResource.bind(fn);
  this._limit = limit;
}
util.inherits(MappingArray, PromiseArray);
MappingArray.prototype._promiseFulfilled = function (value, index) {
  var callback = this._callback;
  var ret = tryCatch(callback).call(this._promise._boundValue(), value, index, this.length());
  this._values[index] = ret;
};
function map(values, fn, options) {
  return new MappingArray(values, fn, options.concurrency).promise();
}
module.exports = map;`,
      errors: [{ messageId: CALLER, data: { queue: 'this._callback' }, line: 7, column: 20, endLine: 7, endColumn: 22 }],
    },
    {
      name: 'no tracing: a stored callback under a symbol key, called from a method the connection runs (not an onX name)',
      code: `
const kHandler = Symbol('handler');
class Pending {
  constructor(sql, handler) {
    this.sql = sql;
    this[kHandler] = handler;
  }
  settle(line) {
    this[kHandler](null, line);
  }
}
exports.query = function (client, sql, handler) {
  const pending = new Pending(sql, handler);
  client.send(sql, pending);
};`,
      output: `
const { AsyncResource } = require('node:async_hooks');
const kHandler = Symbol('handler');
class Pending {
  constructor(sql, handler) {
    this.sql = sql;
    this[kHandler] = AsyncResource.bind(handler);
  }
  settle(line) {
    this[kHandler](null, line);
  }
}
exports.query = function (client, sql, handler) {
  const pending = new Pending(sql, handler);
  client.send(sql, pending);
};`,
      errors: [{ messageId: CALLER, data: { queue: 'this[kHandler]' }, line: 6, column: 22, endLine: 6, endColumn: 29 }],
    },
    {
      name: 'no tracing: a stored callback whose object is also queued in the file is reported once, where the queue model reports it',
      code: `
class Pending { constructor(cb) { this.cb = cb; } settle(line) { this.cb(null, line); } }
class Client {
  constructor() { this.waiting = []; }
  query(sql, cb) { this.waiting.push(new Pending(cb)); }
  read(line) { this.waiting.shift().settle(line); }
}
module.exports = Client;`,
      errors: [{ messageId: CALLER, line: 5, column: 50 }],
    },
    {
      name: 'near miss of the waiter: an entry holding work next to its resolvers ({ fn, fulfil, reject }, sveltekit\'s postbuild queue) is a queued task',
      code: `
const tasks = [];
let running = 0;
function dequeue() {
  const task = tasks.shift();
  if (!task) return;
  running += 1;
  Promise.resolve().then(() => task.fn()).then(task.fulfil, task.reject).then(() => { running -= 1; dequeue(); });
}
export function add(fn) {
  const promise = new Promise((fulfil, reject) => {
    tasks.push({ fn, fulfil, reject });
  });
  dequeue();
  return promise;
}`,
      output: `
import { AsyncResource } from 'node:async_hooks';
const tasks = [];
let running = 0;
function dequeue() {
  const task = tasks.shift();
  if (!task) return;
  running += 1;
  Promise.resolve().then(() => task.fn()).then(task.fulfil, task.reject).then(() => { running -= 1; dequeue(); });
}
export function add(fn) {
  const promise = new Promise((fulfil, reject) => {
    tasks.push({ fn: AsyncResource.bind(fn), fulfil, reject });
  });
  dequeue();
  return promise;
}`,
      errors: [{ messageId: 'queuedCallbackLosesCaller', line: 12 }],
    },
    {
      name: 'command queue (mysql2 36cba61 shape): the caller\'s callback wrapped in a command handed to addCommand, which queues it: reported where it is wrapped, no fix (it may be absent)',
      code: COMMAND_QUEUE(`return this.addCommand(new Commands.Query(sql, cb));`),
      output: null,
      errors: [{ messageId: CALLER, data: { queue: 'this._commands (in a Commands.Query)' }, line: 20, column: 50, endLine: 20, endColumn: 52 }],
    },
    {
      name: 'command queue: a class pushing a request object that carries the caller\'s callback straight onto its pending queue',
      code: `
export class Client {
  private pending: Request[] = [];
  send(body: string, callback: (err: Error | null) => void) {
    this.pending.push(new Request(body, callback));
  }
  onData() {
    const request = this.pending.shift();
    request?.callback(null);
  }
}
class Request { constructor(readonly body: string, readonly callback: (err: Error | null) => void) {} }`,
      output: null,
      errors: [{ messageId: CALLER, data: { queue: 'this.pending (in a Request)' }, line: 5, column: 41, endLine: 5, endColumn: 49 }],
    },
    {
      name: 'no tracing, family 9: p-limit declared as 3.1.0 (nothing installed): the awaited task on the shared limiter is bound',
      filename: join(DECLARED, 'p-limit-3', 'src', 'limiter.ts'),
      code: SHARED_LIMITER,
      output: `
import pLimit from 'p-limit';
import { AsyncResource } from 'node:async_hooks';
const limit = pLimit(4);
export async function readAll(read: () => Promise<string>) {
  return limit(AsyncResource.bind(() => read()));
}`,
      errors: [{ messageId: CALLER, data: { queue: 'limit(..) of p-limit' }, line: 5, column: 16, endLine: 5, endColumn: 28 }],
    },
    {
      name: 'no tracing, family 9: a fastq queue held in a field, shared by every caller (the testplane shape): the queued task is bound with AsyncResource',
      code: `
import fastq from 'fastq';
export class SequenceParser {
  private _queue: fastq.queueAsPromised<() => Promise<string[]>, string[]>;
  constructor(private _parser: { parse(file: string): Promise<string[]> }) {
    this._queue = fastq.promise((fn) => fn(), 1);
  }
  async parse(file: string): Promise<string[]> {
    return this._queue.push(() => this._parser.parse(file));
  }
}`,
      output: `
import fastq from 'fastq';
import { AsyncResource } from 'node:async_hooks';
export class SequenceParser {
  private _queue: fastq.queueAsPromised<() => Promise<string[]>, string[]>;
  constructor(private _parser: { parse(file: string): Promise<string[]> }) {
    this._queue = fastq.promise((fn) => fn(), 1);
  }
  async parse(file: string): Promise<string[]> {
    return this._queue.push(AsyncResource.bind(() => this._parser.parse(file)));
  }
}`,
      errors: [{ messageId: CALLER, data: { queue: 'this._queue.push(..) of fastq' }, line: 9, column: 29, endLine: 9, endColumn: 59 }],
    },
    {
      name: 'no tracing, family 9: a generic-pool 2 pool in a var (written from a cache, then made), whose connect() hands acquire a callback that runs the caller\'s (the node-postgres shape)',
      code: `
var genericPool = require('generic-pool');
var pools = { all: {} };
exports.getOrCreate = function (name) {
  var pool = pools.all[name];
  if (pool) return pool;
  pool = genericPool.Pool({ name: name, create: function (cb) { cb(null, {}); }, destroy: function () {} });
  pool.connect = function (cb) {
    pool.acquire(function (err, client) {
      cb(err, client, function () { pool.release(client); });
    });
  };
  return pool;
};`,
      output: `
var genericPool = require('generic-pool');
const { AsyncResource } = require('node:async_hooks');
var pools = { all: {} };
exports.getOrCreate = function (name) {
  var pool = pools.all[name];
  if (pool) return pool;
  pool = genericPool.Pool({ name: name, create: function (cb) { cb(null, {}); }, destroy: function () {} });
  pool.connect = function (cb) {
    pool.acquire(AsyncResource.bind(function (err, client) {
      cb(err, client, function () { pool.release(client); });
    }));
  };
  return pool;
};`,
      errors: [{ messageId: CALLER, data: { queue: 'pool.acquire(..) of generic-pool' }, line: 9, column: 18, endLine: 11, endColumn: 6 }],
    },
    {
      name: 'no tracing, family 9: a module-level fastq queue with a callback-style push under async-hooks: the caller\'s done callback is what waits',
      settings: under('async-hooks'),
      code: `
const fastq = require('fastq');
const writes = fastq(function (file, cb) { setTimeout(cb, 5); }, 1);
module.exports = function write(file, done) {
  writes.push(file, done);
};`,
      output: `
const fastq = require('fastq');
const { AsyncResource } = require('node:async_hooks');
const writes = fastq(function (file, cb) { setTimeout(cb, 5); }, 1);
module.exports = function write(file, done) {
  writes.push(file, AsyncResource.bind(done));
};`,
      errors: [{ messageId: CALLER, data: { queue: 'writes.push(..) of fastq' }, line: 5, column: 21, endLine: 5, endColumn: 25 }],
    },
    {
      name: 'near miss of browser code: the same queue in a file that reads process is Node code, reported and fixed',
      code: `
const queue: Array<() => void> = [];
setInterval(() => {
  const job = queue.shift();
  job?.();
  process.emit('drained');
}, 10);
export function later(job: () => void) {
  queue.push(job);
}`,
      output: `
import { AsyncResource } from 'node:async_hooks';
const queue: Array<() => void> = [];
setInterval(() => {
  const job = queue.shift();
  job?.();
  process.emit('drained');
}, 10);
export function later(job: () => void) {
  queue.push(AsyncResource.bind(job));
}`,
      errors: [{ messageId: 'queuedCallbackLosesCaller', line: 9, column: 14 }],
    },
    {
      name: 'a queue run and then emptied with length = 0 in the same function is drained',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('jobs');
const waiting: Array<() => void> = [];
export function later(job: () => void) {
  waiting.push(job);
}
export function flush() {
  for (const job of waiting) tracer.startActiveSpan('job', (span) => { job(); span.end(); });
  waiting.length = 0;
}`,
      output: `
import { trace, context } from '@opentelemetry/api';
const tracer = trace.getTracer('jobs');
const waiting: Array<() => void> = [];
export function later(job: () => void) {
  waiting.push(context.bind(context.active(), job));
}
export function flush() {
  for (const job of waiting) tracer.startActiveSpan('job', (span) => { job(); span.end(); });
  waiting.length = 0;
}`,
      errors: [{ messageId: 'queuedCallbackLosesContext', line: 6, column: 16 }],
    },
    {
      name: 'a collection swapped out for a new empty one (const jobs = waiting; waiting = []) is drained',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('jobs');
let waiting: Array<() => void> = [];
export function later(job: () => void) {
  waiting.push(job);
}
export function flush() {
  const jobs = waiting;
  waiting = [];
  for (const job of jobs) tracer.startActiveSpan('job', (span) => { job(); span.end(); });
}`,
      output: `
import { trace, context } from '@opentelemetry/api';
const tracer = trace.getTracer('jobs');
let waiting: Array<() => void> = [];
export function later(job: () => void) {
  waiting.push(context.bind(context.active(), job));
}
export function flush() {
  const jobs = waiting;
  waiting = [];
  for (const job of jobs) tracer.startActiveSpan('job', (span) => { job(); span.end(); });
}`,
      errors: [{ messageId: 'queuedCallbackLosesContext', line: 6, column: 16 }],
    },
    {
      name: 'no tracing: a handler object keeps the caller\'s callback and calls it from the event methods a dispatcher runs (onUpgrade, onError)',
      code: `
'use strict';
class ConnectHandler {
  constructor(opts, callback) {
    this.opaque = opts.opaque || null;
    this.callback = callback;
  }
  onUpgrade(statusCode, headers, socket) {
    const { callback, opaque } = this;
    this.callback = null;
    callback(null, { statusCode, headers, socket, opaque });
  }
  onError(err) {
    const { callback, opaque } = this;
    this.callback = null;
    callback(err, { opaque });
  }
}
module.exports = function connect(dispatcher, opts, callback) {
  dispatcher.dispatch(opts, new ConnectHandler(opts, callback));
};`,
      output: `
'use strict';
const { AsyncResource } = require('node:async_hooks');
class ConnectHandler {
  constructor(opts, callback) {
    this.opaque = opts.opaque || null;
    this.callback = AsyncResource.bind(callback);
  }
  onUpgrade(statusCode, headers, socket) {
    const { callback, opaque } = this;
    this.callback = null;
    callback(null, { statusCode, headers, socket, opaque });
  }
  onError(err) {
    const { callback, opaque } = this;
    this.callback = null;
    callback(err, { opaque });
  }
}
module.exports = function connect(dispatcher, opts, callback) {
  dispatcher.dispatch(opts, new ConnectHandler(opts, callback));
};`,
      errors: [{ messageId: CALLER, data: { queue: 'this.callback' }, line: 6, column: 21, endLine: 6, endColumn: 29 }],
    },
    {
      name: 'no tracing: an AsyncResource handler object whose error path calls the stored callback directly, not through runInAsyncScope',
      code: `
const { AsyncResource } = require('async_hooks');
class UpgradeHandler extends AsyncResource {
  constructor(opts, callback) {
    super('UPGRADE');
    this.opaque = opts.opaque || null;
    this.callback = callback;
  }
  onUpgrade(statusCode, headers, socket) {
    const { callback, opaque } = this;
    this.callback = null;
    this.runInAsyncScope(callback, null, null, { headers, socket, opaque });
  }
  onError(err) {
    const { callback, opaque } = this;
    if (callback) {
      this.callback = null;
      callback(err, { opaque });
    }
  }
}
module.exports = function upgrade(dispatcher, opts, callback) {
  dispatcher.dispatch(opts, new UpgradeHandler(opts, callback));
};`,
      output: `
const { AsyncResource } = require('async_hooks');
class UpgradeHandler extends AsyncResource {
  constructor(opts, callback) {
    super('UPGRADE');
    this.opaque = opts.opaque || null;
    this.callback = callback;
  }
  onUpgrade(statusCode, headers, socket) {
    const { callback, opaque } = this;
    this.callback = null;
    this.runInAsyncScope(callback, null, null, { headers, socket, opaque });
  }
  onError(err) {
    const { callback, opaque } = this;
    if (callback) {
      this.callback = null;
      this.runInAsyncScope(callback, null, err, { opaque });
    }
  }
}
module.exports = function upgrade(dispatcher, opts, callback) {
  dispatcher.dispatch(opts, new UpgradeHandler(opts, callback));
};`,
      // reported at the path the fix missed (nodejs/undici b53613db), fixed with the class's own scope
      errors: [{ messageId: SCOPE, data: { name: 'this.callback' }, line: 18, column: 7, endLine: 18, endColumn: 32 }],
    },
    {
      name: 'partial binding: an AsyncResource class calls the stored field directly on one path (this.callback(..)): fixed with runInAsyncScope and this',
      code: `
const { AsyncResource } = require('node:async_hooks');
class Request extends AsyncResource {
  constructor(callback) { super('REQUEST'); this.callback = callback; }
  onComplete(body) { this.runInAsyncScope(this.callback, this, null, body); }
  onAbort(err) { this.callback(err, null); }
}
module.exports = Request;`,
      output: `
const { AsyncResource } = require('node:async_hooks');
class Request extends AsyncResource {
  constructor(callback) { super('REQUEST'); this.callback = callback; }
  onComplete(body) { this.runInAsyncScope(this.callback, this, null, body); }
  onAbort(err) { this.runInAsyncScope(this.callback, this, err, null); }
}
module.exports = Request;`,
      errors: [{ messageId: SCOPE, data: { name: 'this.callback' }, line: 6 }],
    },
    {
      name: 'partial binding: a copy called with .call(thisArg, ..) keeps its this argument; an optional call is reported without a fix',
      code: `
const { AsyncResource } = require('node:async_hooks');
class Tunnel extends AsyncResource {
  constructor(handler) { super('TUNNEL'); this.handler = handler; }
  onData(chunk) { this.runInAsyncScope(this.handler, null, null, chunk); }
  onError(err) {
    const handler = this.handler;
    handler.call(null, err);
  }
  onClose() { this.handler?.(null, null); }
}
module.exports = Tunnel;`,
      output: `
const { AsyncResource } = require('node:async_hooks');
class Tunnel extends AsyncResource {
  constructor(handler) { super('TUNNEL'); this.handler = handler; }
  onData(chunk) { this.runInAsyncScope(this.handler, null, null, chunk); }
  onError(err) {
    const handler = this.handler;
    this.runInAsyncScope(handler, null, err);
  }
  onClose() { this.handler?.(null, null); }
}
module.exports = Tunnel;`,
      errors: [
        { messageId: SCOPE, data: { name: 'this.handler' }, line: 8 },
        { messageId: SCOPE, data: { name: 'this.handler' }, line: 10 },
      ],
    },
    {
      name: 'partial binding: connect() hands its callback to the protocol raw while ping() binds it through the file\'s helper (mysqljs/mysql 98c2b7f)',
      code: BINDER_SIBLINGS('this._protocol.handshake(cb);'),
      output: BINDER_SIBLINGS('this._protocol.handshake(bindToCaller(cb));'),
      errors: [{ messageId: UNBOUND, data: { receiver: 'this._protocol' }, line: 13, column: 28, endLine: 13, endColumn: 30 }],
    },
    {
      name: 'partial binding: the siblings bind through a domain helper (mysqljs/mysql abed142\'s shape): reported without a fix (a domain does not carry AsyncLocalStorage context)',
      code: `
function bindToCurrentDomain(cb) {
  var domain = process.domain;
  return domain ? domain.bind(cb) : cb;
}
function Connection(protocol) { this._protocol = protocol; }
Connection.prototype.ping = function (cb) { this._protocol.ping(bindToCurrentDomain(cb)); };
Connection.prototype.changeUser = function (options, cb) { return this._protocol.changeUser(options, cb); };
module.exports = Connection;`,
      settings: under('async-hooks'),
      errors: [{ messageId: UNBOUND, data: { receiver: 'this._protocol' }, line: 8 }],
    },
    {
      name: 'partial binding: the siblings bind with AsyncResource.bind directly, under async-hooks',
      code: `
import { AsyncResource } from 'node:async_hooks';
export class Client {
  constructor(private readonly commands: { send(name: string, cb: () => void): void }) {}
  ping(cb: () => void): void { this.commands.send('PING', AsyncResource.bind(cb)); }
  quit(callback: () => void): void { this.commands.send('QUIT', callback); }
}`,
      output: `
import { AsyncResource } from 'node:async_hooks';
export class Client {
  constructor(private readonly commands: { send(name: string, cb: () => void): void }) {}
  ping(cb: () => void): void { this.commands.send('PING', AsyncResource.bind(cb)); }
  quit(callback: () => void): void { this.commands.send('QUIT', AsyncResource.bind(callback)); }
}`,
      settings: under('async-hooks'),
      errors: [{ messageId: UNBOUND, data: { receiver: 'this.commands' }, line: 6 }],
    },
    {
      name: 'partial binding, traced code: the siblings bind with context.bind(ctx, cb) (two arguments): reported without a fix',
      code: `
import { context } from '@opentelemetry/api';
export function instrument(client: { get(key: string, cb: () => void): void; set(key: string, cb: () => void): void }) {
  return {
    get(key: string, cb: () => void) { client.get(key, context.bind(context.active(), cb)); },
    set(key: string, cb: () => void) { client.set(key, cb); },
  };
}`,
      errors: [{ messageId: UNBOUND, data: { receiver: 'client' }, line: 6 }],
    },
    {
      name: 'no tracing: a pool (ES5) whose dispenser takes the waiting callback through a this-alias into a variable that starts as null',
      code: `
function Pool(factory) {
  this._factory = factory;
  this._waitingClients = new PriorityQueue(factory.priorityRange);
  this._available = [];
}
Pool.prototype._dispense = function dispense() {
  var self = this;
  var clientCb = null;
  if (self._available.length > 0) {
    clientCb = self._waitingClients.dequeue();
    clientCb(null, self._available.shift());
  }
};
Pool.prototype.acquire = function acquire(callback, priority) {
  this._waitingClients.enqueue(callback, priority);
  this._dispense();
};
module.exports = Pool;`,
      output: `
const { AsyncResource } = require('node:async_hooks');
function Pool(factory) {
  this._factory = factory;
  this._waitingClients = new PriorityQueue(factory.priorityRange);
  this._available = [];
}
Pool.prototype._dispense = function dispense() {
  var self = this;
  var clientCb = null;
  if (self._available.length > 0) {
    clientCb = self._waitingClients.dequeue();
    clientCb(null, self._available.shift());
  }
};
Pool.prototype.acquire = function acquire(callback, priority) {
  this._waitingClients.enqueue(AsyncResource.bind(callback), priority);
  this._dispense();
};
module.exports = Pool;`,
      errors: [{ messageId: CALLER, data: { queue: 'this._waitingClients' }, line: 16 }],
    },
    {
      name: 'traced code: a handler object whose _onHeaders calls the stored handler (this.handler(..)) is bound with the active context',
      code: `
import { trace } from '@opentelemetry/api';
export const tracer = trace.getTracer('pipeline');
export class PipelineHandler {
  private handler: ((data: { statusCode: number }) => unknown) | null;
  constructor(handler: (data: { statusCode: number }) => unknown) {
    this.handler = handler;
  }
  _onHeaders(statusCode: number) {
    return this.handler?.({ statusCode });
  }
}
export function pipeline(handler: (data: { statusCode: number }) => unknown) {
  return new PipelineHandler(handler);
}`,
      output: `
import { trace, context } from '@opentelemetry/api';
export const tracer = trace.getTracer('pipeline');
export class PipelineHandler {
  private handler: ((data: { statusCode: number }) => unknown) | null;
  constructor(handler: (data: { statusCode: number }) => unknown) {
    this.handler = context.bind(context.active(), handler);
  }
  _onHeaders(statusCode: number) {
    return this.handler?.({ statusCode });
  }
}
export function pipeline(handler: (data: { statusCode: number }) => unknown) {
  return new PipelineHandler(handler);
}`,
      errors: [{ messageId: LOSES, data: { queue: 'this.handler' }, line: 7 }],
    },
    {
      name: 'near miss of the unsubscribe registry: one of the stored functions also runs the caller\'s work',
      code: `
import { trace } from '@opentelemetry/api';
export const tracer = trace.getTracer('http');
export class Subscriptions {
  private subs: Array<{ name: string; unsubscribe: () => void }> = [];
  subscribe(name: string, channel: { unsubscribe(cb: () => void): void }, onMessage: () => void, onDone: () => void, modern: boolean) {
    let unsubscribe: () => void;
    if (modern) unsubscribe = () => channel.unsubscribe(onMessage);
    else unsubscribe = () => { channel.unsubscribe(onMessage); onDone(); };
    this.subs.push({ name, unsubscribe });
  }
  disable() {
    this.subs.forEach((sub) => sub.unsubscribe());
    this.subs.length = 0;
  }
}`,
      output: `
import { trace, context } from '@opentelemetry/api';
export const tracer = trace.getTracer('http');
export class Subscriptions {
  private subs: Array<{ name: string; unsubscribe: () => void }> = [];
  subscribe(name: string, channel: { unsubscribe(cb: () => void): void }, onMessage: () => void, onDone: () => void, modern: boolean) {
    let unsubscribe: () => void;
    if (modern) unsubscribe = () => channel.unsubscribe(onMessage);
    else unsubscribe = () => { channel.unsubscribe(onMessage); onDone(); };
    this.subs.push({ name, unsubscribe: context.bind(context.active(), unsubscribe) });
  }
  disable() {
    this.subs.forEach((sub) => sub.unsubscribe());
    this.subs.length = 0;
  }
}`,
      errors: [{ messageId: LOSES, data: { queue: 'this.subs' }, line: 10 }],
    },
    {
      name: 'near miss of the lookup registry: the entry found by the helper is taken out and run (a waiter, not an unregistration)',
      code: `
import { trace } from '@opentelemetry/api';
export const tracer = trace.getTracer('rpc');
type Reply = (value: string) => void;
export class Pending {
  private waiting: Array<{ id: number; reply: Reply }> = [];
  call(id: number, reply: Reply) { this.waiting.push({ id, reply }); }
  answer(id: number, value: string) {
    const [entry] = this.waiting.splice(this.position(id), 1);
    entry?.reply(value);
  }
  private position(id: number) { return this.waiting.findIndex((w) => w.id === id); }
}`,
      output: `
import { trace, context } from '@opentelemetry/api';
export const tracer = trace.getTracer('rpc');
type Reply = (value: string) => void;
export class Pending {
  private waiting: Array<{ id: number; reply: Reply }> = [];
  call(id: number, reply: Reply) { this.waiting.push({ id, reply: context.bind(context.active(), reply) }); }
  answer(id: number, value: string) {
    const [entry] = this.waiting.splice(this.position(id), 1);
    entry?.reply(value);
  }
  private position(id: number) { return this.waiting.findIndex((w) => w.id === id); }
}`,
      errors: [{ messageId: LOSES, data: { queue: 'this.waiting' }, line: 7 }],
    },
    {
      name: 'callback-style pool wait queue drained by release (6a: orphaned or wrong parent)',
      code: `
import { trace } from '@opentelemetry/api';
type Conn = { query(sql: string): void };
type Waiter = (err: Error | null, conn?: Conn) => void;
export class Pool {
  private idle: Conn[] = [];
  private waiters: Waiter[] = [];
  acquire(cb: Waiter): void {
    const conn = this.idle.pop();
    if (conn) cb(null, conn);
    else this.waiters.push(cb);
  }
  release(conn: Conn): void {
    const next = this.waiters.shift();
    if (next) next(null, conn);
    else this.idle.push(conn);
  }
}
export const tracer = trace.getTracer('db');`,
      output: `
import { trace, context } from '@opentelemetry/api';
type Conn = { query(sql: string): void };
type Waiter = (err: Error | null, conn?: Conn) => void;
export class Pool {
  private idle: Conn[] = [];
  private waiters: Waiter[] = [];
  acquire(cb: Waiter): void {
    const conn = this.idle.pop();
    if (conn) cb(null, conn);
    else this.waiters.push(context.bind(context.active(), cb));
  }
  release(conn: Conn): void {
    const next = this.waiters.shift();
    if (next) next(null, conn);
    else this.idle.push(conn);
  }
}
export const tracer = trace.getTracer('db');`,
      errors: [{ messageId: LOSES, data: { queue: 'this.waiters' }, line: 11, column: 28, endLine: 11, endColumn: 30 }],
    },
    {
      name: 'batching writer drained by a timer: the done callback of each entry (shorthand property)',
      code: `
import { context } from '@opentelemetry/api';
type Entry = { line: string; done: (err?: Error) => void };
let batch: Entry[] = [];
export function write(line: string, done: (err?: Error) => void) {
  batch.push({ line, done });
}
setInterval(() => {
  const flushing = batch;
  batch = [];
  for (const entry of flushing) entry.done();
}, 100).unref();`,
      output: `
import { context } from '@opentelemetry/api';
type Entry = { line: string; done: (err?: Error) => void };
let batch: Entry[] = [];
export function write(line: string, done: (err?: Error) => void) {
  batch.push({ line, done: context.bind(context.active(), done) });
}
setInterval(() => {
  const flushing = batch;
  batch = [];
  for (const entry of flushing) entry.done();
}, 100).unref();`,
      errors: [{ messageId: LOSES, data: { queue: 'batch' }, line: 6, column: 22, endLine: 6, endColumn: 26 }],
    },
    {
      name: 'async-hooks: pending replies keyed by id, resolved from a socket listener (set + get + delete)',
      settings: under('async-hooks'),
      code: `
const { context } = require('@opentelemetry/api');
const pending = new Map();
function call(id, payload, cb) {
  pending.set(id, (err, reply) => cb(err, reply));
  socket.write(JSON.stringify({ id, payload }));
}
socket.on('data', (raw) => {
  const { id, reply } = JSON.parse(raw);
  const cb = pending.get(id);
  pending.delete(id);
  cb(null, reply);
});`,
      output: `
const { context } = require('@opentelemetry/api');
const pending = new Map();
function call(id, payload, cb) {
  pending.set(id, context.bind(context.active(), (err, reply) => cb(err, reply)));
  socket.write(JSON.stringify({ id, payload }));
}
socket.on('data', (raw) => {
  const { id, reply } = JSON.parse(raw);
  const cb = pending.get(id);
  pending.delete(id);
  cb(null, reply);
});`,
      errors: [{ messageId: LOSES, data: { queue: 'pending' }, line: 5, column: 19, endLine: 5, endColumn: 49 }],
    },
    {
      name: 'queue kept by a factory closure, drained by its own interval (scenario 6a); zone is broken too',
      settings: under('zone'),
      code: `
import * as otel from '@opentelemetry/api';
export function makeQueue() {
  const queue: Array<() => void> = [];
  const timer = setInterval(() => { while (queue.length) queue.shift()?.(); }, 5);
  return { push: (fn: () => void) => queue.push(fn), stop: () => clearInterval(timer) };
}
export const api = otel;`,
      output: `
import * as otel from '@opentelemetry/api';
export function makeQueue() {
  const queue: Array<() => void> = [];
  const timer = setInterval(() => { while (queue.length) queue.shift()?.(); }, 5);
  return { push: (fn: () => void) => queue.push(otel.context.bind(otel.context.active(), fn)), stop: () => clearInterval(timer) };
}
export const api = otel;`,
      errors: [{ messageId: LOSES, data: { queue: 'queue' }, line: 6, column: 49, endLine: 6, endColumn: 51 }],
    },
    {
      name: 'stack: an inline task pushed to a module-level queue and run by the drainer through a call',
      settings: under('stack'),
      code: `
import { context, trace } from '@opentelemetry/api';
const tasks: Array<() => void> = [];
function runTask(task: () => void) { task(); }
export function schedule() {
  tasks.unshift(() => trace.getTracer('ui').startSpan('render').end());
}
export function tick() { const task = tasks.pop(); if (task) runTask(task); }`,
      output: `
import { context, trace } from '@opentelemetry/api';
const tasks: Array<() => void> = [];
function runTask(task: () => void) { task(); }
export function schedule() {
  tasks.unshift(context.bind(context.active(), () => trace.getTracer('ui').startSpan('render').end()));
}
export function tick() { const task = tasks.pop(); if (task) runTask(task); }`,
      errors: [{ messageId: LOSES, data: { queue: 'tasks' }, line: 6, column: 17, endLine: 6, endColumn: 70 }],
    },
    {
      name: 'a job pushed from traced code into a module-level queue drained by a module-level interval (6a)',
      code: `
import { trace } from '@opentelemetry/api';
const jobs: Array<() => void> = [];
setInterval(() => { while (jobs.length) jobs.shift()?.(); }, 10);
trace.getTracer('a').startActiveSpan('job', (span) => {
  [1, 2].forEach((n) => jobs.push(() => trace.getTracer('a').startSpan(\`step \${n}\`).end()));
  span.end();
});`,
      output: `
import { trace, context } from '@opentelemetry/api';
const jobs: Array<() => void> = [];
setInterval(() => { while (jobs.length) jobs.shift()?.(); }, 10);
trace.getTracer('a').startActiveSpan('job', (span) => {
  [1, 2].forEach((n) => jobs.push(context.bind(context.active(), () => trace.getTracer('a').startSpan(\`step \${n}\`).end())));
  span.end();
});`,
      errors: [{ messageId: LOSES, data: { queue: 'jobs' }, line: 6, column: 35, endLine: 6, endColumn: 90 }],
    },
    {
      name: 'ALS-only code binds with AsyncLocalStorage.bind',
      code: `
import { AsyncLocalStorage } from 'node:async_hooks';
export const requestStore = new AsyncLocalStorage<{ id: string }>();
const jobs: Array<() => void> = [];
export function defer(job: () => void) { jobs.push(job); }
setInterval(() => { for (const job of jobs.splice(0)) job(); }, 10).unref();`,
      output: `
import { AsyncLocalStorage } from 'node:async_hooks';
export const requestStore = new AsyncLocalStorage<{ id: string }>();
const jobs: Array<() => void> = [];
export function defer(job: () => void) { jobs.push(AsyncLocalStorage.bind(job)); }
setInterval(() => { for (const job of jobs.splice(0)) job(); }, 10).unref();`,
      errors: [{ messageId: 'queuedCallbackLosesStore', data: { queue: 'jobs' }, line: 5, column: 52, endLine: 5, endColumn: 55 }],
    },
    {
      name: 'option: a p-limit style limiter and a pool method',
      options: [{ additionalQueueFunctions: ['limit', 'pool.acquire'] }],
      code: `
import { trace } from '@opentelemetry/api';
declare const limit: <T>(fn: () => Promise<T>) => Promise<T>;
declare const pool: { acquire(cb: (conn: unknown) => void): void };
export function fetchAll(urls: string[]) {
  return urls.map((u) => limit(() => fetch(u)));
}
export function withConn(cb: (conn: unknown) => void) { pool.acquire(cb); }
export const tracer = trace.getTracer('x');`,
      output: [
        `
import { trace, context } from '@opentelemetry/api';
declare const limit: <T>(fn: () => Promise<T>) => Promise<T>;
declare const pool: { acquire(cb: (conn: unknown) => void): void };
export function fetchAll(urls: string[]) {
  return urls.map((u) => limit(context.bind(context.active(), () => fetch(u))));
}
export function withConn(cb: (conn: unknown) => void) { pool.acquire(cb); }
export const tracer = trace.getTracer('x');`,
        `
import { trace, context } from '@opentelemetry/api';
declare const limit: <T>(fn: () => Promise<T>) => Promise<T>;
declare const pool: { acquire(cb: (conn: unknown) => void): void };
export function fetchAll(urls: string[]) {
  return urls.map((u) => limit(context.bind(context.active(), () => fetch(u))));
}
export function withConn(cb: (conn: unknown) => void) { pool.acquire(context.bind(context.active(), cb)); }
export const tracer = trace.getTracer('x');`,
      ],
      errors: [
        { messageId: LOSES, data: { queue: 'limit(..)' }, line: 6, column: 32, endLine: 6, endColumn: 46 },
        { messageId: LOSES, data: { queue: 'pool.acquire(..)' }, line: 8, column: 70, endLine: 8, endColumn: 72 },
      ],
    },
    {
      name: 'no tracing (ESM): a module-level queue drained by a timer started at load; AsyncResource.bind and its import are added',
      code: `
type Done = (err: Error | null) => void;
const waiting: Done[] = [];
export function afterFlush(done: Done) { waiting.push(done); }
setInterval(() => { for (const done of waiting.splice(0)) done(null); }, 5).unref();`,
      output: `
import { AsyncResource } from 'node:async_hooks';
type Done = (err: Error | null) => void;
const waiting: Done[] = [];
export function afterFlush(done: Done) { waiting.push(AsyncResource.bind(done)); }
setInterval(() => { for (const done of waiting.splice(0)) done(null); }, 5).unref();`,
      errors: [{ messageId: CALLER, data: { queue: 'waiting' }, line: 4, column: 55, endLine: 4, endColumn: 59 }],
    },
    {
      name: 'no tracing: a wait queue drained by release, under async-hooks; an existing node:async_hooks import is extended',
      settings: under('async-hooks'),
      code: `
import { executionAsyncId } from 'node:async_hooks';
const waiters: Array<(err?: Error) => void> = [];
export function whenReady(callback: (err?: Error) => void) { waiters.push(callback); }
export function ready() { while (waiters.length) waiters.shift()?.(); }
export const id = executionAsyncId();`,
      output: `
import { executionAsyncId, AsyncResource } from 'node:async_hooks';
const waiters: Array<(err?: Error) => void> = [];
export function whenReady(callback: (err?: Error) => void) { waiters.push(AsyncResource.bind(callback)); }
export function ready() { while (waiters.length) waiters.shift()?.(); }
export const id = executionAsyncId();`,
      errors: [{ messageId: CALLER, data: { queue: 'waiters' }, line: 4, column: 75, endLine: 4, endColumn: 83 }],
    },
    {
      name: 'no tracing (CommonJS, pre-class prototype methods): a pool\'s connection queue handed on with bind by release',
      code: `
'use strict';
function Pool(options) {
  this.config = options;
  this._free = [];
  this._connectionQueue = [];
}
Pool.prototype.getConnection = function (cb) {
  if (this._free.length > 0) return process.nextTick(cb, null, this._free.shift());
  this._connectionQueue.push(cb);
};
Pool.prototype.releaseConnection = function (connection) {
  var cb;
  if (this._connectionQueue.length) {
    cb = this._connectionQueue.shift();
    process.nextTick(cb.bind(null, null, connection));
  } else {
    this._free.push(connection);
  }
};
module.exports = Pool;`,
      output: `
'use strict';
const { AsyncResource } = require('node:async_hooks');
function Pool(options) {
  this.config = options;
  this._free = [];
  this._connectionQueue = [];
}
Pool.prototype.getConnection = function (cb) {
  if (this._free.length > 0) return process.nextTick(cb, null, this._free.shift());
  this._connectionQueue.push(AsyncResource.bind(cb));
};
Pool.prototype.releaseConnection = function (connection) {
  var cb;
  if (this._connectionQueue.length) {
    cb = this._connectionQueue.shift();
    process.nextTick(cb.bind(null, null, connection));
  } else {
    this._free.push(connection);
  }
};
module.exports = Pool;`,
      errors: [{ messageId: CALLER, data: { queue: 'this._connectionQueue' }, line: 10, column: 30, endLine: 10, endColumn: 32 }],
    },
    {
      name: 'no tracing: a limiter that parks a bound runner made with the caller\'s task (the p-limit shape), dequeued and called',
      code: `
import Queue from 'yocto-queue';
export default function createLimit(concurrency: number) {
  const queue = new Queue<() => void>();
  let active = 0;
  const next = () => { active--; if (queue.size > 0) queue.dequeue()!(); };
  const run = async (fn: () => unknown, resolve: (v: unknown) => void) => {
    active++;
    const result = (async () => fn())();
    resolve(result);
    try { await result; } catch {}
    next();
  };
  return (fn: () => unknown) => new Promise((resolve) => {
    queue.enqueue(run.bind(undefined, fn, resolve));
    if (active < concurrency) queue.dequeue()!();
  });
}`,
      output: `
import Queue from 'yocto-queue';
import { AsyncResource } from 'node:async_hooks';
export default function createLimit(concurrency: number) {
  const queue = new Queue<() => void>();
  let active = 0;
  const next = () => { active--; if (queue.size > 0) queue.dequeue()!(); };
  const run = async (fn: () => unknown, resolve: (v: unknown) => void) => {
    active++;
    const result = (async () => fn())();
    resolve(result);
    try { await result; } catch {}
    next();
  };
  return (fn: () => unknown) => new Promise((resolve) => {
    queue.enqueue(AsyncResource.bind(run.bind(undefined, fn, resolve)));
    if (active < concurrency) queue.dequeue()!();
  });
}`,
      errors: [{ messageId: CALLER, data: { queue: 'queue' }, line: 15, column: 19, endLine: 15, endColumn: 51 }],
    },
    {
      name: 'no tracing: a stored entry whose callback property the drainer runs, with the name AsyncResource taken',
      code: `
const AsyncResource = 'taken';
const batch: Array<{ line: string; done: () => void }> = [];
export function write(line: string, done: () => void) { batch.push({ line, done }); }
setInterval(() => { for (const entry of batch.splice(0)) entry.done(); }, 10).unref();
export { AsyncResource };`,
      output: `
import { AsyncResource as NodeAsyncResource } from 'node:async_hooks';
const AsyncResource = 'taken';
const batch: Array<{ line: string; done: () => void }> = [];
export function write(line: string, done: () => void) { batch.push({ line, done: NodeAsyncResource.bind(done) }); }
setInterval(() => { for (const entry of batch.splice(0)) entry.done(); }, 10).unref();
export { AsyncResource };`,
      errors: [{ messageId: CALLER, data: { queue: 'batch' }, line: 4, column: 76, endLine: 4, endColumn: 80 }],
    },
    {
      name: 'family 4: a wrapper that ends the command span and applies the original callback, stored for the client\'s reply queue',
      code: `
import { trace } from '@opentelemetry/api';
function endSpan(span: { end(): void }, err?: unknown) { span.end(); }
export function traceSendCommand(original: Function) {
  return function internalSendCommand(this: unknown, cmd: { command: string; callback?: Function }) {
    const span = trace.getTracer('redis').startSpan(cmd.command);
    const originalCallback = arguments[0].callback;
    if (originalCallback) {
      arguments[0].callback = function callback(this: unknown, err: Error | null) {
        endSpan(span, err);
        return originalCallback.apply(this, arguments);
      };
    }
    return original.apply(this, arguments);
  };
}`,
      output: `
import { trace, context } from '@opentelemetry/api';
function endSpan(span: { end(): void }, err?: unknown) { span.end(); }
export function traceSendCommand(original: Function) {
  return function internalSendCommand(this: unknown, cmd: { command: string; callback?: Function }) {
    const span = trace.getTracer('redis').startSpan(cmd.command);
    const originalCallback = arguments[0].callback;
    if (originalCallback) {
      arguments[0].callback = context.bind(context.active(), function callback(this: unknown, err: Error | null) {
        endSpan(span, err);
        return originalCallback.apply(this, arguments);
      });
    }
    return original.apply(this, arguments);
  };
}`,
      errors: [{ messageId: WRAPPER, data: { queue: 'a library' }, line: 9, column: 31, endLine: 12, endColumn: 8 }],
    },
    {
      name: 'family 4: a wrapper factory whose result the file hands to the original getConnection (bound where it is made)',
      code: `
import { trace } from '@opentelemetry/api';
export class PoolInstrumentation {
  patchGetConnection(pool: object, original: Function) {
    const plugin = this;
    return function (this: unknown, callback: Function) {
      const patched = plugin.getConnectionCallbackPatch(callback);
      return original.call(pool, patched);
    };
  }
  private getConnectionCallbackPatch(cb: Function) {
    return function (this: unknown, ...args: unknown[]) {
      if (typeof cb === 'function') cb(...args);
    };
  }
}
export const tracer = trace.getTracer('mysql');`,
      output: `
import { trace, context } from '@opentelemetry/api';
export class PoolInstrumentation {
  patchGetConnection(pool: object, original: Function) {
    const plugin = this;
    return function (this: unknown, callback: Function) {
      const patched = plugin.getConnectionCallbackPatch(callback);
      return original.call(pool, patched);
    };
  }
  private getConnectionCallbackPatch(cb: Function) {
    return context.bind(context.active(), function (this: unknown, ...args: unknown[]) {
      if (typeof cb === 'function') cb(...args);
    });
  }
}
export const tracer = trace.getTracer('mysql');`,
      errors: [{ messageId: WRAPPER, data: { queue: 'a library' }, line: 12, column: 12, endLine: 14, endColumn: 6 }],
    },
    {
      name: 'family 9: well-known library queues recognised by import (bottleneck, p-limit 3, async.queue, mysql and pg pools)',
      code: `
import { context, trace } from '@opentelemetry/api';
import Bottleneck from 'bottleneck';
import pLimit from 'p-limit';
import async from 'async';
import mysql from 'mysql2';
import { Pool } from 'pg';
const limiter = new Bottleneck({ maxConcurrent: 1 });
const limit = pLimit(2);
const writes = async.queue((file: string, done: () => void) => done(), 1);
const mysqlPool = mysql.createPool({});
const pgPool = new Pool();
const work = () => trace.getTracer('a').startSpan('work').end();
export function handle(cb: (err: Error | null) => void) {
  trace.getTracer('a').startActiveSpan('handle', (span) => {
  limiter.schedule(async () => work());
  limit(() => work());
  writes.push('a.bin', () => work());
  mysqlPool.getConnection((err, conn) => { work(); conn.release(); });
  pgPool.connect(cb);
  span.end();
  });
}`,
      output: `
import { context, trace } from '@opentelemetry/api';
import Bottleneck from 'bottleneck';
import pLimit from 'p-limit';
import async from 'async';
import mysql from 'mysql2';
import { Pool } from 'pg';
const limiter = new Bottleneck({ maxConcurrent: 1 });
const limit = pLimit(2);
const writes = async.queue((file: string, done: () => void) => done(), 1);
const mysqlPool = mysql.createPool({});
const pgPool = new Pool();
const work = () => trace.getTracer('a').startSpan('work').end();
export function handle(cb: (err: Error | null) => void) {
  trace.getTracer('a').startActiveSpan('handle', (span) => {
  limiter.schedule(context.bind(context.active(), async () => work()));
  limit(context.bind(context.active(), () => work()));
  writes.push('a.bin', context.bind(context.active(), () => work()));
  mysqlPool.getConnection(context.bind(context.active(), (err, conn) => { work(); conn.release(); }));
  pgPool.connect(context.bind(context.active(), cb));
  span.end();
  });
}`,
      errors: [
        { messageId: LOSES, data: { queue: 'limiter.schedule(..) of bottleneck' }, line: 16, column: 20, endLine: 16, endColumn: 38 },
        { messageId: LOSES, data: { queue: 'limit(..) of p-limit' }, line: 17, column: 9, endLine: 17, endColumn: 21 },
        { messageId: LOSES, data: { queue: 'writes.push(..) of async' }, line: 18, column: 24, endLine: 18, endColumn: 36 },
        { messageId: LOSES, data: { queue: 'mysqlPool.getConnection(..) of mysql2' }, line: 19, column: 27, endLine: 19, endColumn: 69 },
        { messageId: LOSES, data: { queue: 'pgPool.connect(..) of pg' }, line: 20, column: 18, endLine: 20, endColumn: 20 },
      ],
    },
    {
      name: 'family 9 in CommonJS: require(\'bottleneck\') and submit(task, cb): the task is the queued callback',
      code: `
const { trace } = require('@opentelemetry/api');
const Bottleneck = require('bottleneck');
const limiter = new Bottleneck({ maxConcurrent: 1 });
function sync(id, cb) {
  trace.getTracer('a').startActiveSpan('sync', (span) => { limiter.submit((done) => { trace.getTracer('a').startSpan(id).end(); done(); }, cb); span.end(); });
}
module.exports = { sync };`,
      output: `
const { trace, context } = require('@opentelemetry/api');
const Bottleneck = require('bottleneck');
const limiter = new Bottleneck({ maxConcurrent: 1 });
function sync(id, cb) {
  trace.getTracer('a').startActiveSpan('sync', (span) => { limiter.submit(context.bind(context.active(), (done) => { trace.getTracer('a').startSpan(id).end(); done(); }), cb); span.end(); });
}
module.exports = { sync };`,
      errors: [{ messageId: LOSES, data: { queue: 'limiter.submit(..) of bottleneck' }, line: 6, column: 75, endLine: 6, endColumn: 138 }],
    },
    {
      name: 'ALS-only CommonJS code whose AsyncLocalStorage class is reached only as hooks.AsyncLocalStorage: reported, no fix',
      filename: 'jobs.cjs',
      code: `
const hooks = require('node:async_hooks');
const requestStore = new hooks.AsyncLocalStorage();
const jobs = [];
function defer(job) { jobs.push(job); }
setInterval(() => { for (const job of jobs.splice(0)) job(); }, 10).unref();
module.exports = { defer, requestStore };`,
      output: null,
      errors: [{ messageId: 'queuedCallbackLosesStore', data: { queue: 'jobs' }, line: 5, column: 33, endLine: 5, endColumn: 36 }],
    },
  ],
});
