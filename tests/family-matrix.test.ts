// Issue 11, families 4, 5, 6, 7, 9 and 12 across the spellings real code writes (session 10's
// matrix: ESM and CommonJS, JS and TS, the and FAMILIES.md's shapes and their near misses).
// Each case is named for its family and variant; the near misses are valid.
import { join } from 'node:path';
import noUnboundQueuedCallback from '../rules/no-unbound-queued-callback.js';
import noUnpairedContextAttach from '../rules/no-unpaired-context-attach.js';
import noUnboundListener from '../rules/no-unbound-listener.js';
import { createRuleTester, FIXTURES_DIR } from './rule-tester.js';

const ruleTester = createRuleTester({ contextManager: 'async-local-storage' });
// under the repository, so that the installed versions of the listed libraries are the ones read
const at = (name: string): string => join(FIXTURES_DIR, name);

ruleTester.run('no-unbound-queued-callback (family matrix)', noUnboundQueuedCallback, {
  valid: [
    { name: 'f4-ok-bound', filename: at('f4-ok-bound.js'), code: `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export function patch(original) {
  return function query(sql, cb) {
    const span = tracer.startSpan('query');
    return original.call(this, sql, context.bind(context.active(), function (err, res) { span.end(); cb(err, res); }));
  };
}` },
    { name: 'f4-ok-restores-with', filename: at('f4-ok-restores-with.js'), code: `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export function patch(original) {
  return function query(sql, cb) {
    const parent = context.active();
    const span = tracer.startSpan('query');
    return original.call(this, sql, function (err, res) { span.end(); context.with(parent, () => cb(err, res)); });
  };
}` },
    { name: 'f4-ok-no-span-not-handed', filename: at('f4-ok-no-span-not-handed.js'), code: `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export function run(cb) {
  const done = function (err, res) { cb(err, res); };
  return done;
}` },
    { name: 'f4-ok-const-bound-at-use', filename: at('f4-ok-const-bound-at-use.js'), code: `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export function patch(original) {
  return function query(...args) {
    const span = tracer.startSpan('query');
    const cb = args.pop();
    const wrapped = function (err, res) { span.end(); return cb.apply(this, arguments); };
    return original.call(this, ...args, context.bind(context.active(), wrapped));
  };
}` },
    { name: 'f4-ok-pushed-list-not-original', filename: at('f4-ok-pushed-list-not-original.js'), code: `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export function collect(items, cb) {
  const span = tracer.startSpan('collect');
  const steps = [];
  steps.push(function (err, res) { span.end(); cb(err, res); });
  return steps.length;
}` },
    { name: 'f4-ok-const-to-listener', filename: at('f4-ok-const-to-listener.js'), code: `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export function watch(emitter, cb) {
  const span = tracer.startSpan('watch');
  const onDone = function (err, res) { span.end(); cb(err, res); };
  emitter.once('done', onDone);
}` },
    { name: 'f4-ok-original-in-active-span', filename: at('f4-ok-original-in-active-span.js'), code: `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export function patch(original) {
  return function batch(...args) {
    const span = tracer.startSpan('batch');
    const spanContext = trace.setSpan(context.active(), span);
    const originalCallback = args[args.length - 1];
    const patchedCallback = function (err, res) { span.end(); return originalCallback.apply(this, arguments); };
    args[args.length - 1] = patchedCallback;
    return context.with(spanContext, () => original.apply(this, args));
  };
}` },
    { name: 'f4-ok-original-parameter', filename: at('f4-ok-original-parameter.ts'), code: `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export function handleUnary(span: { end(): void }, call: unknown, callback: (err: Error | null, v?: unknown) => void, original: Function): void {
  const patchedCallback = (err: Error | null, value?: unknown) => {
    span.end();
    return callback(err, value);
  };
  return original.call({}, call, patchedCallback);
}` },
    { name: 'f4-ok-original-parameter-direct', filename: at('f4-ok-original-parameter-direct.ts'), code: `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export function handleUnary(span: { end(): void }, call: unknown, callback: (err: Error | null, v?: unknown) => void, original: Function): void {
  return original.call({}, call, (err: Error | null, value?: unknown) => {
    span.end();
    return callback(err, value);
  });
}` },
    { name: 'f5-ok-promise-resolve', filename: at('f5-ok-promise-resolve.js'), code: `const waiters = [];
let locked = false;
export function acquire() {
  if (!locked) { locked = true; return Promise.resolve(); }
  return new Promise((resolve) => waiters.push(resolve));
}
export function release() {
  const next = waiters.shift();
  if (next) next(); else locked = false;
}` },
    { name: 'f5-ok-hooks-registry', filename: at('f5-ok-hooks-registry.js'), code: `const hooks = [];
export function addHook(fn) { hooks.push(fn); }
export function runHooks(value) {
  for (const hook of hooks) value = hook(value);
  return value;
}` },
    { name: 'f5-ok-middleware-list', filename: at('f5-ok-middleware-list.js'), code: `export class App {
  constructor() { this.stack = []; }
  use(fn) { this.stack.push(fn); return this; }
  handle(req, res) {
    let i = 0;
    const next = () => { const fn = this.stack[i++]; if (fn) fn(req, res, next); };
    next();
  }
}` },
    { name: 'f5-ok-sync-drain', filename: at('f5-ok-sync-drain.js'), code: `export function runAll(tasks) {
  const queue = [];
  for (const t of tasks) queue.push(t);
  while (queue.length) queue.shift()();
}` },
    { name: 'f5-ok-set-registry-no-clear', filename: at('f5-ok-set-registry-no-clear.js'), code: `const hooks = new Set();
export function onChange(fn) { hooks.add(fn); return () => hooks.delete(fn); }
export function emitChange(v) { for (const fn of hooks) fn(v); }` },
    { name: 'f5-ok-map-consumers-registry', filename: at('f5-ok-map-consumers-registry.js'), code: `export class Channel {
  constructor() { this.consumers = new Map(); }
  consume(tag, callback) { this.consumers.set(tag, callback); }
  cancel(tag) { this.consumers.delete(tag); }
  dispatch(tag, msg) { const fn = this.consumers.get(tag); if (fn) fn(msg); }
}` },
    { name: 'f5-disposers-set-cleared', filename: at('f5-disposers-set-cleared.js'), code: `export class Scope {
  constructor() { this._disposers = new Set(); }
  onDispose(fn) { this._disposers.add(fn); }
  dispose() { for (const d of this._disposers) d(); this._disposers.clear(); }
}` },
    { name: 'f9-ok-gp3-createpool', filename: at('f9-ok-gp3-createpool.js'), code: `const genericPool = require('generic-pool');
const pool = genericPool.createPool({ create() {}, destroy() {} });
export function getThing(id, cb) {
  pool.acquire().then((c) => cb(null, c));
}` },
    { name: 'f9-ok-mysql2-promise', filename: at('f9-ok-mysql2-promise.js'), code: `import mysql from 'mysql2/promise';
const pool = mysql.createPool({});
export function getThing(id, cb) {
  pool.getConnection().then((c) => cb(null, c));
}` },
  ],
  invalid: [
    {
      name: 'f4-redis-args0-callback',
      filename: at('f4-redis-args0-callback.js'),
      code: `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export function patch(original) {
  return function send(cmd) {
    const span = tracer.startSpan(cmd.command);
    const originalCallback = arguments[0].callback;
    arguments[0].callback = function (err, reply) { span.end(); return originalCallback.apply(this, arguments); };
    return original.apply(this, arguments);
  };
}`,
      output: `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export function patch(original) {
  return function send(cmd) {
    const span = tracer.startSpan(cmd.command);
    const originalCallback = arguments[0].callback;
    arguments[0].callback = context.bind(context.active(), function (err, reply) { span.end(); return originalCallback.apply(this, arguments); });
    return original.apply(this, arguments);
  };
}`,
      errors: [{ messageId: 'callbackWrapperLosesCaller', line: 7, column: 29 }],
    },
    {
      name: 'f4-last-arg-apply',
      filename: at('f4-last-arg-apply.js'),
      code: `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export function patch(original) {
  return function query(...args) {
    const span = tracer.startSpan('query');
    const cb = args[args.length - 1];
    args[args.length - 1] = function (err, res) { span.end(); return cb.apply(this, arguments); };
    return original.apply(this, args);
  };
}`,
      output: `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export function patch(original) {
  return function query(...args) {
    const span = tracer.startSpan('query');
    const cb = args[args.length - 1];
    args[args.length - 1] = context.bind(context.active(), function (err, res) { span.end(); return cb.apply(this, arguments); });
    return original.apply(this, args);
  };
}`,
      errors: [{ messageId: 'callbackWrapperLosesCaller', line: 7, column: 29 }],
    },
    {
      name: 'f4-last-arg-arrow-rest',
      filename: at('f4-last-arg-arrow-rest.ts'),
      code: `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export function patch(original: Function) {
  return function query(this: unknown, ...args: any[]) {
    const span = tracer.startSpan('query');
    const cb = args[args.length - 1];
    args[args.length - 1] = (...results: unknown[]) => { span.end(); return cb(...results); };
    return original.apply(this, args);
  };
}`,
      output: `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export function patch(original: Function) {
  return function query(this: unknown, ...args: any[]) {
    const span = tracer.startSpan('query');
    const cb = args[args.length - 1];
    args[args.length - 1] = context.bind(context.active(), (...results: unknown[]) => { span.end(); return cb(...results); });
    return original.apply(this, args);
  };
}`,
      errors: [{ messageId: 'callbackWrapperLosesCaller', line: 7, column: 29 }],
    },
    {
      name: 'f4-cb-call-this',
      filename: at('f4-cb-call-this.js'),
      code: `const { context, trace } = require('@opentelemetry/api');
const tracer = trace.getTracer('x');
module.exports = function patch(original) {
  return function query(sql, cb) {
    const span = tracer.startSpan('query');
    return original.call(this, sql, function (err, res) { span.end(); cb.call(this, err, res); });
  };
};`,
      output: `const { context, trace } = require('@opentelemetry/api');
const tracer = trace.getTracer('x');
module.exports = function patch(original) {
  return function query(sql, cb) {
    const span = tracer.startSpan('query');
    return original.call(this, sql, context.bind(context.active(), function (err, res) { span.end(); cb.call(this, err, res); }));
  };
};`,
      errors: [{ messageId: 'callbackWrapperLosesCaller', line: 6, column: 37 }],
    },
    {
      name: 'f4-callback-plain',
      filename: at('f4-callback-plain.js'),
      code: `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export function patch(original) {
  return function query(sql, callback) {
    const span = tracer.startSpan('query');
    return original.call(this, sql, function (err, res) { span.end(); callback(err, res); });
  };
}`,
      output: `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export function patch(original) {
  return function query(sql, callback) {
    const span = tracer.startSpan('query');
    return original.call(this, sql, context.bind(context.active(), function (err, res) { span.end(); callback(err, res); }));
  };
}`,
      errors: [{ messageId: 'callbackWrapperLosesCaller', line: 6, column: 37 }],
    },
    {
      name: 'f4-arguments-i',
      filename: at('f4-arguments-i.js'),
      code: `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export function patch(original) {
  return function query() {
    const span = tracer.startSpan('query');
    const i = arguments.length - 1;
    const callback = arguments[i];
    arguments[i] = function (err, res) { span.end(); return callback.apply(this, arguments); };
    return original.apply(this, arguments);
  };
}`,
      output: `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export function patch(original) {
  return function query() {
    const span = tracer.startSpan('query');
    const i = arguments.length - 1;
    const callback = arguments[i];
    arguments[i] = context.bind(context.active(), function (err, res) { span.end(); return callback.apply(this, arguments); });
    return original.apply(this, arguments);
  };
}`,
      errors: [{ messageId: 'callbackWrapperLosesCaller', line: 8, column: 20 }],
    },
    {
      name: 'f4-opts-callback',
      filename: at('f4-opts-callback.js'),
      code: `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export function patch(original) {
  return function request(opts) {
    const span = tracer.startSpan('request');
    const cb = opts.callback;
    opts.callback = function (err, res) { span.end(); cb(err, res); };
    return original.call(this, opts);
  };
}`,
      output: `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export function patch(original) {
  return function request(opts) {
    const span = tracer.startSpan('request');
    const cb = opts.callback;
    opts.callback = context.bind(context.active(), function (err, res) { span.end(); cb(err, res); });
    return original.call(this, opts);
  };
}`,
      errors: [{ messageId: 'callbackWrapperLosesCaller', line: 7, column: 21 }],
    },
    {
      name: 'f4-this-cb',
      filename: at('f4-this-cb.js'),
      code: `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export class Command {
  constructor(name, callback) {
    const span = tracer.startSpan(name);
    this._cb = function (err, res) { span.end(); callback(err, res); };
  }
  reply(err, res) { this._cb(err, res); }
}`,
      output: `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export class Command {
  constructor(name, callback) {
    const span = tracer.startSpan(name);
    this._cb = context.bind(context.active(), function (err, res) { span.end(); callback(err, res); });
  }
  reply(err, res) { this._cb(err, res); }
}`,
      errors: [{ messageId: 'callbackWrapperLosesCaller', line: 6, column: 16 }],
    },
    {
      name: 'f4-wrapper-in-const',
      filename: at('f4-wrapper-in-const.js'),
      code: `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export function patch(original) {
  return function query(...args) {
    const span = tracer.startSpan('query');
    const cb = args.pop();
    const wrapped = function (err, res) { span.end(); return cb.apply(this, arguments); };
    return original.call(this, ...args, wrapped);
  };
}`,
      output: `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export function patch(original) {
  return function query(...args) {
    const span = tracer.startSpan('query');
    const cb = args.pop();
    const wrapped = context.bind(context.active(), function (err, res) { span.end(); return cb.apply(this, arguments); });
    return original.call(this, ...args, wrapped);
  };
}`,
      errors: [{ messageId: 'callbackWrapperLosesCaller', line: 7, column: 21 }],
    },
    {
      name: 'f4-wrapper-in-array-apply',
      filename: at('f4-wrapper-in-array-apply.js'),
      code: `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export function patch(original) {
  return function query(sql, cb) {
    const span = tracer.startSpan('query');
    return original.apply(this, [sql, function (err, res) { span.end(); cb(err, res); }]);
  };
}`,
      output: `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export function patch(original) {
  return function query(sql, cb) {
    const span = tracer.startSpan('query');
    return original.apply(this, [sql, context.bind(context.active(), function (err, res) { span.end(); cb(err, res); })]);
  };
}`,
      errors: [{ messageId: 'callbackWrapperLosesCaller', line: 6, column: 39 }],
    },
    {
      name: 'f4-args-push',
      filename: at('f4-args-push.js'),
      code: `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export function patch(original) {
  return function query(...args) {
    const span = tracer.startSpan('query');
    const cb = args.pop();
    args.push(function (err, res) { span.end(); return cb.apply(this, arguments); });
    return original.apply(this, args);
  };
}`,
      output: `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export function patch(original) {
  return function query(...args) {
    const span = tracer.startSpan('query');
    const cb = args.pop();
    args.push(context.bind(context.active(), function (err, res) { span.end(); return cb.apply(this, arguments); }));
    return original.apply(this, args);
  };
}`,
      errors: [{ messageId: 'callbackWrapperLosesCaller', line: 7, column: 15 }],
    },
    {
      name: 'f5-array-push-shift',
      filename: at('f5-array-push-shift.js'),
      code: `const queue = [];
let running = 0;
export function schedule(cb) {
  queue.push(cb);
  next();
}
function next() {
  if (running >= 2 || queue.length === 0) return;
  running++;
  const job = queue.shift();
  job(() => { running--; next(); });
}`,
      output: `import { AsyncResource } from 'node:async_hooks';
const queue = [];
let running = 0;
export function schedule(cb) {
  queue.push(AsyncResource.bind(cb));
  next();
}
function next() {
  if (running >= 2 || queue.length === 0) return;
  running++;
  const job = queue.shift();
  job(() => { running--; next(); });
}`,
      errors: [{ messageId: 'queuedCallbackLosesCaller', line: 4, column: 14 }],
    },
    {
      name: 'f5-unshift-pop',
      filename: at('f5-unshift-pop.js'),
      code: `const queue = [];
let busy = false;
export function schedule(cb) {
  queue.unshift(cb);
  if (!busy) drain();
}
function drain() {
  busy = true;
  const job = queue.pop();
  if (!job) { busy = false; return; }
  job(() => drain());
}`,
      output: `import { AsyncResource } from 'node:async_hooks';
const queue = [];
let busy = false;
export function schedule(cb) {
  queue.unshift(AsyncResource.bind(cb));
  if (!busy) drain();
}
function drain() {
  busy = true;
  const job = queue.pop();
  if (!job) { busy = false; return; }
  job(() => drain());
}`,
      errors: [{ messageId: 'queuedCallbackLosesCaller', line: 4, column: 17 }],
    },
    {
      name: 'f5-class-field-private',
      filename: at('f5-class-field-private.ts'),
      code: `export class Mutex {
  #queue: Array<() => void> = [];
  #locked = false;
  lock(cb: () => void): void {
    if (this.#locked) { this.#queue.push(cb); return; }
    this.#locked = true;
    cb();
  }
  unlock(): void {
    const next = this.#queue.shift();
    if (next) next(); else this.#locked = false;
  }
}`,
      output: `import { AsyncResource } from 'node:async_hooks';
export class Mutex {
  #queue: Array<() => void> = [];
  #locked = false;
  lock(cb: () => void): void {
    if (this.#locked) { this.#queue.push(AsyncResource.bind(cb)); return; }
    this.#locked = true;
    cb();
  }
  unlock(): void {
    const next = this.#queue.shift();
    if (next) next(); else this.#locked = false;
  }
}`,
      errors: [{ messageId: 'queuedCallbackLosesCaller', line: 5, column: 42 }],
    },
    {
      name: 'f5-class-field-underscore-cjs',
      filename: at('f5-class-field-underscore-cjs.js'),
      code: `class Mutex {
  constructor() { this._queue = []; this._locked = false; }
  lock(cb) {
    if (this._locked) { this._queue.push(cb); return; }
    this._locked = true;
    cb();
  }
  unlock() {
    const next = this._queue.shift();
    if (next) next(); else this._locked = false;
  }
}
module.exports = Mutex;`,
      output: `const { AsyncResource } = require('node:async_hooks');
class Mutex {
  constructor() { this._queue = []; this._locked = false; }
  lock(cb) {
    if (this._locked) { this._queue.push(AsyncResource.bind(cb)); return; }
    this._locked = true;
    cb();
  }
  unlock() {
    const next = this._queue.shift();
    if (next) next(); else this._locked = false;
  }
}
module.exports = Mutex;`,
      errors: [{ messageId: 'queuedCallbackLosesCaller', line: 4, column: 42 }],
    },
    {
      name: 'f5-splice0-drain',
      filename: at('f5-splice0-drain.js'),
      code: `let pending = [];
let scheduled = false;
export function onReady(cb) {
  pending.push(cb);
  if (!scheduled) { scheduled = true; setTimeout(flush, 10); }
}
function flush() {
  scheduled = false;
  const list = pending.splice(0);
  for (const fn of list) fn();
}`,
      output: `import { AsyncResource } from 'node:async_hooks';
let pending = [];
let scheduled = false;
export function onReady(cb) {
  pending.push(AsyncResource.bind(cb));
  if (!scheduled) { scheduled = true; setTimeout(flush, 10); }
}
function flush() {
  scheduled = false;
  const list = pending.splice(0);
  for (const fn of list) fn();
}`,
      errors: [{ messageId: 'queuedCallbackLosesCaller', line: 4, column: 16 }],
    },
    {
      name: 'f5-timer-at-load',
      filename: at('f5-timer-at-load.js'),
      code: `const queue = [];
export function enqueue(task) {
  queue.push(task);
}
setInterval(() => {
  while (queue.length) queue.shift()();
}, 100);`,
      output: `import { AsyncResource } from 'node:async_hooks';
const queue = [];
export function enqueue(task) {
  queue.push(AsyncResource.bind(task));
}
setInterval(() => {
  while (queue.length) queue.shift()();
}, 100);`,
      errors: [{ messageId: 'queuedCallbackLosesCaller', line: 3, column: 14 }],
    },
    {
      name: 'f5-setimmediate-drain',
      filename: at('f5-setimmediate-drain.js'),
      code: `const queue = [];
let scheduled = false;
export function defer(fn) {
  queue.push(fn);
  if (!scheduled) { scheduled = true; setImmediate(drain); }
}
function drain() {
  scheduled = false;
  while (queue.length > 0) { const fn = queue.shift(); fn(); }
}`,
      output: `import { AsyncResource } from 'node:async_hooks';
const queue = [];
let scheduled = false;
export function defer(fn) {
  queue.push(AsyncResource.bind(fn));
  if (!scheduled) { scheduled = true; setImmediate(drain); }
}
function drain() {
  scheduled = false;
  while (queue.length > 0) { const fn = queue.shift(); fn(); }
}`,
      errors: [{ messageId: 'queuedCallbackLosesCaller', line: 4, column: 14 }],
    },
    {
      name: 'f5-nexttick-drain',
      filename: at('f5-nexttick-drain.js'),
      code: `const queue = [];
let scheduled = false;
export function defer(fn) {
  queue.push(fn);
  if (!scheduled) { scheduled = true; process.nextTick(drain); }
}
function drain() {
  scheduled = false;
  let fn;
  while ((fn = queue.shift())) fn();
}`,
      output: `import { AsyncResource } from 'node:async_hooks';
const queue = [];
let scheduled = false;
export function defer(fn) {
  queue.push(AsyncResource.bind(fn));
  if (!scheduled) { scheduled = true; process.nextTick(drain); }
}
function drain() {
  scheduled = false;
  let fn;
  while ((fn = queue.shift())) fn();
}`,
      errors: [{ messageId: 'queuedCallbackLosesCaller', line: 4, column: 14 }],
    },
    {
      name: 'f5-map-of-waiters',
      filename: at('f5-map-of-waiters.js'),
      code: `export class Client {
  constructor(socket) {
    this._pending = new Map();
    this._id = 0;
    socket.on('data', (msg) => this._onReply(JSON.parse(msg)));
    this._socket = socket;
  }
  call(method, cb) {
    const id = ++this._id;
    this._pending.set(id, cb);
    this._socket.write(JSON.stringify({ id, method }));
  }
  _onReply(reply) {
    const cb = this._pending.get(reply.id);
    this._pending.delete(reply.id);
    if (cb) cb(null, reply.result);
  }
}`,
      output: `import { AsyncResource } from 'node:async_hooks';
export class Client {
  constructor(socket) {
    this._pending = new Map();
    this._id = 0;
    socket.on('data', (msg) => this._onReply(JSON.parse(msg)));
    this._socket = socket;
  }
  call(method, cb) {
    const id = ++this._id;
    this._pending.set(id, AsyncResource.bind(cb));
    this._socket.write(JSON.stringify({ id, method }));
  }
  _onReply(reply) {
    const cb = this._pending.get(reply.id);
    this._pending.delete(reply.id);
    if (cb) cb(null, reply.result);
  }
}`,
      errors: [{ messageId: 'queuedCallbackLosesCaller', line: 10, column: 27 }],
    },
    {
      name: 'f5-map-of-waiters-plain',
      filename: at('f5-map-of-waiters-plain.js'),
      code: `export class Client {
  constructor(socket) {
    this._pending = new Map();
    this._id = 0;
    socket.on('data', (msg) => this.handleReply(JSON.parse(msg)));
    this._socket = socket;
  }
  call(method, cb) {
    const id = ++this._id;
    this._pending.set(id, cb);
    this._socket.write(JSON.stringify({ id, method }));
  }
  handleReply(reply) {
    const cb = this._pending.get(reply.id);
    this._pending.delete(reply.id);
    if (cb) cb(null, reply.result);
  }
}`,
      output: `import { AsyncResource } from 'node:async_hooks';
export class Client {
  constructor(socket) {
    this._pending = new Map();
    this._id = 0;
    socket.on('data', (msg) => this.handleReply(JSON.parse(msg)));
    this._socket = socket;
  }
  call(method, cb) {
    const id = ++this._id;
    this._pending.set(id, AsyncResource.bind(cb));
    this._socket.write(JSON.stringify({ id, method }));
  }
  handleReply(reply) {
    const cb = this._pending.get(reply.id);
    this._pending.delete(reply.id);
    if (cb) cb(null, reply.result);
  }
}`,
      errors: [{ messageId: 'queuedCallbackLosesCaller', line: 10, column: 27 }],
    },
    {
      name: 'f5-set-of-waiters',
      filename: at('f5-set-of-waiters.js'),
      code: `const waiters = new Set();
let ready = false;
export function whenReady(cb) {
  if (ready) return cb();
  waiters.add(cb);
}
export function markReady() {
  ready = true;
  for (const cb of waiters) cb();
  waiters.clear();
}`,
      output: `import { AsyncResource } from 'node:async_hooks';
const waiters = new Set();
let ready = false;
export function whenReady(cb) {
  if (ready) return cb();
  waiters.add(AsyncResource.bind(cb));
}
export function markReady() {
  ready = true;
  for (const cb of waiters) cb();
  waiters.clear();
}`,
      errors: [{ messageId: 'queuedCallbackLosesCaller', line: 5, column: 15 }],
    },
    {
      name: 'f9t-mysql2-cjs-destr',
      filename: at('f9t-mysql2-cjs-destr.js'),
      code: `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
const { createPool } = require('mysql2');
const pool = createPool({});
export function handler(req, cb) {
  return tracer.startActiveSpan('h', (span) => {
    pool.getConnection((err, conn) => cb(err, conn));
    span.end();
  });
}`,
      output: `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
const { createPool } = require('mysql2');
const pool = createPool({});
export function handler(req, cb) {
  return tracer.startActiveSpan('h', (span) => {
    pool.getConnection(context.bind(context.active(), (err, conn) => cb(err, conn)));
    span.end();
  });
}`,
      errors: [{ messageId: 'queuedCallbackLosesContext', line: 7, column: 24 }],
    },
    {
      name: 'f9t-pg-pool-default',
      filename: at('f9t-pg-pool-default.js'),
      code: `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
import Pool from 'pg-pool';
const pool = new Pool();
export function handler(req, cb) {
  return tracer.startActiveSpan('h', (span) => {
    pool.connect((err, client, done) => cb(err, client, done));
    span.end();
  });
}`,
      output: `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
import Pool from 'pg-pool';
const pool = new Pool();
export function handler(req, cb) {
  return tracer.startActiveSpan('h', (span) => {
    pool.connect(context.bind(context.active(), (err, client, done) => cb(err, client, done)));
    span.end();
  });
}`,
      errors: [{ messageId: 'queuedCallbackLosesContext', line: 7, column: 18 }],
    },
    {
      name: 'f9t-async-cargo-default',
      filename: at('f9t-async-cargo-default.js'),
      code: `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
import async from 'async';
const q = async.cargo((t, done) => done(), 1);
export function handler(req, cb) {
  return tracer.startActiveSpan('h', (span) => {
    q.push({}, (err) => cb(err));
    span.end();
  });
}`,
      output: `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
import async from 'async';
const q = async.cargo((t, done) => done(), 1);
export function handler(req, cb) {
  return tracer.startActiveSpan('h', (span) => {
    q.push({}, context.bind(context.active(), (err) => cb(err)));
    span.end();
  });
}`,
      errors: [{ messageId: 'queuedCallbackLosesContext', line: 7, column: 16 }],
    },
    {
      name: 'f9t-async-subpath-esm',
      filename: at('f9t-async-subpath-esm.js'),
      code: `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
import queue from 'async/queue';
const q = queue((t, done) => done(), 1);
export function handler(req, cb) {
  return tracer.startActiveSpan('h', (span) => {
    q.push({}, (err) => cb(err));
    span.end();
  });
}`,
      output: `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
import queue from 'async/queue';
const q = queue((t, done) => done(), 1);
export function handler(req, cb) {
  return tracer.startActiveSpan('h', (span) => {
    q.push({}, context.bind(context.active(), (err) => cb(err)));
    span.end();
  });
}`,
      errors: [{ messageId: 'queuedCallbackLosesContext', line: 7, column: 16 }],
    },
    {
      name: 'f9t-plimit-cjs',
      filename: at('f9t-plimit-cjs.js'),
      code: `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
const pLimit = require('p-limit');
const limit = pLimit(2);
export function handler(req, cb) {
  return tracer.startActiveSpan('h', (span) => {
    return limit(() => cb());
    span.end();
  });
}`,
      output: `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
const pLimit = require('p-limit');
const limit = pLimit(2);
export function handler(req, cb) {
  return tracer.startActiveSpan('h', (span) => {
    return limit(context.bind(context.active(), () => cb()));
    span.end();
  });
}`,
      errors: [{ messageId: 'queuedCallbackLosesContext', line: 7, column: 18 }],
    },
    {
      name: 'f9u-mysql-esm-default',
      filename: at('f9u-mysql-esm-default.js'),
      code: `import mysql from 'mysql';
const pool = mysql.createPool({});
export function getThing(id, cb) {
  pool.getConnection((err, conn) => cb(err, conn));
}`,
      output: `import mysql from 'mysql';
import { AsyncResource } from 'node:async_hooks';
const pool = mysql.createPool({});
export function getThing(id, cb) {
  pool.getConnection(AsyncResource.bind((err, conn) => cb(err, conn)));
}`,
      errors: [{ messageId: 'queuedCallbackLosesCaller', line: 4, column: 22 }],
    },
    {
      name: 'f9u-pg-esm-default',
      filename: at('f9u-pg-esm-default.js'),
      code: `import pg from 'pg';
const pool = new pg.Pool();
export function getThing(id, cb) {
  pool.connect((err, client, done) => cb(err, client, done));
}`,
      output: `import pg from 'pg';
import { AsyncResource } from 'node:async_hooks';
const pool = new pg.Pool();
export function getThing(id, cb) {
  pool.connect(AsyncResource.bind((err, client, done) => cb(err, client, done)));
}`,
      errors: [{ messageId: 'queuedCallbackLosesCaller', line: 4, column: 16 }],
    },
    {
      name: 'f9u-gp2-cjs',
      filename: at('f9u-gp2-cjs.js'),
      code: `const genericPool = require('generic-pool');
const pool = genericPool.Pool({ create() {}, destroy() {} });
export function getThing(id, cb) {
  pool.acquire((err, client) => cb(err, client));
}`,
      output: `const genericPool = require('generic-pool');
import { AsyncResource } from 'node:async_hooks';
const pool = genericPool.Pool({ create() {}, destroy() {} });
export function getThing(id, cb) {
  pool.acquire(AsyncResource.bind((err, client) => cb(err, client)));
}`,
      errors: [{ messageId: 'queuedCallbackLosesCaller', line: 4, column: 16 }],
    },
    {
      name: 'f9u-gp2-cjs-new',
      filename: at('f9u-gp2-cjs-new.js'),
      code: `const { Pool } = require('generic-pool');
const pool = new Pool({ create() {}, destroy() {} });
export function getThing(id, cb) {
  pool.acquire((err, client) => cb(err, client));
}`,
      output: `const { Pool } = require('generic-pool');
import { AsyncResource } from 'node:async_hooks';
const pool = new Pool({ create() {}, destroy() {} });
export function getThing(id, cb) {
  pool.acquire(AsyncResource.bind((err, client) => cb(err, client)));
}`,
      errors: [{ messageId: 'queuedCallbackLosesCaller', line: 4, column: 16 }],
    },
    {
      name: 'f9u-bottleneck-cjs',
      filename: at('f9u-bottleneck-cjs.js'),
      code: `const Bottleneck = require('bottleneck');
const limiter = new Bottleneck({ maxConcurrent: 1 });
export function getThing(id, cb) {
  limiter.schedule(() => cb());
}`,
      output: `const Bottleneck = require('bottleneck');
import { AsyncResource } from 'node:async_hooks';
const limiter = new Bottleneck({ maxConcurrent: 1 });
export function getThing(id, cb) {
  limiter.schedule(AsyncResource.bind(() => cb()));
}`,
      errors: [{ messageId: 'queuedCallbackLosesCaller', line: 4, column: 20 }],
    },
    {
      name: 'f9u-async-named',
      filename: at('f9u-async-named.js'),
      code: `import { queue } from 'async';
const q = queue((t, done) => done(), 1);
export function getThing(id, cb) {
  q.push({}, (err) => cb(err));
}`,
      output: `import { queue } from 'async';
import { AsyncResource } from 'node:async_hooks';
const q = queue((t, done) => done(), 1);
export function getThing(id, cb) {
  q.push({}, AsyncResource.bind((err) => cb(err)));
}`,
      errors: [{ messageId: 'queuedCallbackLosesCaller', line: 4, column: 14 }],
    },
    {
      name: 'f9u-async-subpath-cjs',
      filename: at('f9u-async-subpath-cjs.js'),
      code: `const queue = require('async/queue');
const q = queue((t, done) => done(), 1);
export function getThing(id, cb) {
  q.push({}, (err) => cb(err));
}`,
      output: `const queue = require('async/queue');
import { AsyncResource } from 'node:async_hooks';
const q = queue((t, done) => done(), 1);
export function getThing(id, cb) {
  q.push({}, AsyncResource.bind((err) => cb(err)));
}`,
      errors: [{ messageId: 'queuedCallbackLosesCaller', line: 4, column: 14 }],
    },
    {
      name: 'f9u-fastq-promise',
      filename: at('f9u-fastq-promise.js'),
      code: `const fastq = require('fastq');
const q = fastq.promise(async (t) => t(), 1);
export function getThing(id, cb) {
  return q.push(() => cb());
}`,
      output: `const fastq = require('fastq');
import { AsyncResource } from 'node:async_hooks';
const q = fastq.promise(async (t) => t(), 1);
export function getThing(id, cb) {
  return q.push(AsyncResource.bind(() => cb()));
}`,
      errors: [{ messageId: 'queuedCallbackLosesCaller', line: 4, column: 17 }],
    },
  ],
});

ruleTester.run('no-unpaired-context-attach (family matrix)', noUnpairedContextAttach, {
  valid: [
    { name: 'f6-ok-finally-restore', filename: at('f6-ok-finally-restore.js'), code: `import { als } from './als.js';
export function withStore(store, fn) {
  const prev = als.getStore();
  als.enterWith(store);
  try { return fn(); } finally { als.enterWith(prev); }
}` },
    { name: 'f6-ok-run', filename: at('f6-ok-run.js'), code: `import { als } from './als.js';
export function withStore(store, fn) { return als.run(store, fn); }` },
    { name: 'f7-ok-emitter-bind', filename: at('f7-ok-emitter-bind.js'), code: `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export function send(req) { context.bind(context.active(), req); return req; }` },
    { name: 'f7-ok-fn-bind-this', filename: at('f7-ok-fn-bind-this.js'), code: `export function f(obj, fn) { fn.bind(obj); }` },
  ],
  invalid: [
    {
      name: 'f6-local-als',
      filename: at('f6-local-als.js'),
      code: `import { AsyncLocalStorage } from 'node:async_hooks';
const als = new AsyncLocalStorage();
export function handle(req) { als.enterWith({ id: req.id }); }`,
      output: null,
      errors: [{ messageId: 'enterWithLeak', line: 3, column: 31 }],
    },
    {
      name: 'f6-imported-storage',
      filename: at('f6-imported-storage.js'),
      code: `import { storage } from './storage.js';
export function handle(req) { storage.enterWith({ id: req.id }); }`,
      output: null,
      errors: [{ messageId: 'enterWithLeak', line: 2, column: 31 }],
    },
    {
      name: 'f6-this-storage',
      filename: at('f6-this-storage.ts'),
      code: `export class Ctx {
  constructor(private readonly _storage: { enterWith(v: unknown): void }) {}
  begin(id: string) { this._storage.enterWith({ id }); }
}`,
      output: null,
      errors: [{ messageId: 'enterWithLeak', line: 3, column: 23 }],
    },
    {
      name: 'f6-getstorage-call',
      filename: at('f6-getstorage-call.js'),
      code: `const { getStorage } = require('./storage');
module.exports = function begin(id) { getStorage().enterWith({ id }); };`,
      output: null,
      errors: [{ messageId: 'enterWithLeak', line: 2, column: 39 }],
    },
    {
      name: 'f6-storage-legacy',
      filename: at('f6-storage-legacy.js'),
      code: `const { storage } = require('../../datadog-core');
module.exports = function skip() { storage('legacy').enterWith({ noop: true }); };`,
      output: null,
      errors: [{ messageId: 'enterWithLeak', line: 2, column: 36 }],
    },
    {
      name: 'f6-express-mw',
      filename: at('f6-express-mw.js'),
      code: `import express from 'express';
import { als } from './als.js';
const app = express();
app.use((req, res, next) => { als.enterWith({ req }); next(); });`,
      output: null,
      errors: [{ messageId: 'enterWithLeak', line: 4, column: 31, suggestions: [{ messageId: 'useAlsRun', output: `import express from 'express';
import { als } from './als.js';
const app = express();
app.use((req, res, next) => { als.run({ req }, next); });` }] }],
    },
    {
      name: 'f6-koa-mw',
      filename: at('f6-koa-mw.js'),
      code: `import Koa from 'koa';
import { als } from './als.js';
const app = new Koa();
app.use(async (ctx, next) => { als.enterWith({ ctx }); await next(); });`,
      output: null,
      errors: [{ messageId: 'enterWithLeak', line: 4, column: 32, suggestions: [{ messageId: 'useAlsRun', output: `import Koa from 'koa';
import { als } from './als.js';
const app = new Koa();
app.use(async (ctx, next) => { await als.run({ ctx }, next); });` }] }],
    },
    {
      name: 'f6-fastify-hook',
      filename: at('f6-fastify-hook.js'),
      code: `import { als } from './als.js';
export default async function plugin(fastify) {
  fastify.addHook('onRequest', async (request) => { als.enterWith({ request }); });
}`,
      output: null,
      errors: [{ messageId: 'enterWithLeak', line: 3, column: 53 }],
    },
    {
      name: 'f6-nest-guard',
      filename: at('f6-nest-guard.ts'),
      code: `import { Injectable, CanActivate, ExecutionContext } from '@nestjs/common';
import { AsyncLocalStorage } from 'async_hooks';
@Injectable()
export class ClsGuard implements CanActivate {
  constructor(private readonly als: AsyncLocalStorage<Map<string, unknown>>) {}
  canActivate(ctx: ExecutionContext): boolean {
    this.als.enterWith(new Map());
    return true;
  }
}`,
      output: null,
      errors: [{ messageId: 'enterWithLeak', line: 7, column: 5 }],
    },
    {
      name: 'f7-context-bind-stmt',
      filename: at('f7-context-bind-stmt.js'),
      code: `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export function on(emitter, handler) {
  context.bind(context.active(), handler);
  emitter.on('data', handler);
}`,
      output: null,
      errors: [{ messageId: 'discardedBind', line: 4, column: 3, suggestions: [{ messageId: 'assignBound', output: `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export function on(emitter, handler) {
  handler = context.bind(context.active(), handler);
  emitter.on('data', handler);
}` }] }],
    },
    {
      name: 'f7-asyncresource-bind-esm',
      filename: at('f7-asyncresource-bind-esm.js'),
      code: `import { AsyncResource } from 'node:async_hooks';
export function later(fn) { AsyncResource.bind(fn); setTimeout(fn, 10); }`,
      output: null,
      errors: [{ messageId: 'discardedBind', line: 2, column: 29, suggestions: [{ messageId: 'assignBound', output: `import { AsyncResource } from 'node:async_hooks';
export function later(fn) { fn = AsyncResource.bind(fn); setTimeout(fn, 10); }` }] }],
    },
    {
      name: 'f7-asyncresource-bind-cjs',
      filename: at('f7-asyncresource-bind-cjs.js'),
      code: `const { AsyncResource } = require('async_hooks');
module.exports = function later(cb) { AsyncResource.bind(cb); queueMicrotask(cb); };`,
      output: null,
      errors: [{ messageId: 'discardedBind', line: 2, column: 39, suggestions: [{ messageId: 'assignBound', output: `const { AsyncResource } = require('async_hooks');
module.exports = function later(cb) { cb = AsyncResource.bind(cb); queueMicrotask(cb); };` }] }],
    },
    {
      name: 'f7-asyncresource-ns',
      filename: at('f7-asyncresource-ns.js'),
      code: `import * as hooks from 'node:async_hooks';
export function later(fn) { hooks.AsyncResource.bind(fn); setTimeout(fn, 10); }`,
      output: null,
      errors: [{ messageId: 'discardedBind', line: 2, column: 29, suggestions: [{ messageId: 'assignBound', output: `import * as hooks from 'node:async_hooks';
export function later(fn) { fn = hooks.AsyncResource.bind(fn); setTimeout(fn, 10); }` }] }],
    },
    {
      name: 'f7-als-bind-static',
      filename: at('f7-als-bind-static.js'),
      code: `import { AsyncLocalStorage } from 'node:async_hooks';
export function later(fn) { AsyncLocalStorage.bind(fn); setTimeout(fn, 10); }`,
      output: null,
      errors: [{ messageId: 'discardedBind', line: 2, column: 29, suggestions: [{ messageId: 'assignBound', output: `import { AsyncLocalStorage } from 'node:async_hooks';
export function later(fn) { fn = AsyncLocalStorage.bind(fn); setTimeout(fn, 10); }` }] }],
    },
    {
      name: 'f7-resource-bind',
      filename: at('f7-resource-bind.js'),
      code: `import { AsyncResource } from 'node:async_hooks';
export function later(fn) { const resource = new AsyncResource('later'); resource.bind(fn); setTimeout(fn, 10); }`,
      output: null,
      errors: [{ messageId: 'discardedBind', line: 2, column: 74, suggestions: [{ messageId: 'assignBound', output: `import { AsyncResource } from 'node:async_hooks';
export function later(fn) { const resource = new AsyncResource('later'); fn = resource.bind(fn); setTimeout(fn, 10); }` }] }],
    },
    {
      name: 'f7-this-resource-bind',
      filename: at('f7-this-resource-bind.js'),
      code: `const { AsyncResource } = require('node:async_hooks');
class Job { constructor(fn) { this._resource = new AsyncResource('job'); this._resource.bind(fn); this.fn = fn; } }
module.exports = Job;`,
      output: null,
      errors: [{ messageId: 'discardedBind', line: 2, column: 74, suggestions: [{ messageId: 'assignBound', output: `const { AsyncResource } = require('node:async_hooks');
class Job { constructor(fn) { this._resource = new AsyncResource('job'); fn = this._resource.bind(fn); this.fn = fn; } }
module.exports = Job;` }] }],
    },
    {
      name: 'f7-bound-unused',
      filename: at('f7-bound-unused.js'),
      code: `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export function on(emitter, handler) {
  const bound = context.bind(context.active(), handler);
  emitter.on('data', handler);
}`,
      output: null,
      errors: [{ messageId: 'unusedBind', line: 4, column: 9, suggestions: [{ messageId: 'passBound', output: `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export function on(emitter, handler) {
  const bound = context.bind(context.active(), handler);
  emitter.on('data', bound);
}` }] }],
    },
    {
      name: 'f7-bound-unused-ar',
      filename: at('f7-bound-unused-ar.js'),
      code: `import { AsyncResource } from 'node:async_hooks';
export function on(emitter, handler) {
  const bound = AsyncResource.bind(handler);
  emitter.on('data', handler);
}`,
      output: null,
      errors: [{ messageId: 'unusedBind', line: 3, column: 9, suggestions: [{ messageId: 'passBound', output: `import { AsyncResource } from 'node:async_hooks';
export function on(emitter, handler) {
  const bound = AsyncResource.bind(handler);
  emitter.on('data', bound);
}` }] }],
    },
    {
      name: 'f7-api-namespace',
      filename: at('f7-api-namespace.js'),
      code: `import * as api from '@opentelemetry/api';
export function on(emitter, cb) { api.context.bind(api.context.active(), cb); emitter.once('x', cb); }`,
      output: null,
      errors: [{ messageId: 'discardedBind', line: 2, column: 35, suggestions: [{ messageId: 'assignBound', output: `import * as api from '@opentelemetry/api';
export function on(emitter, cb) { cb = api.context.bind(api.context.active(), cb); emitter.once('x', cb); }` }] }],
    },
  ],
});

ruleTester.run('no-unbound-listener (family matrix)', noUnboundListener, {
  valid: [
    { name: 'f12-bus-on-bound-active', filename: at('f12-bus-on-bound-active.js'), code: `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
import { bus } from './bus.js';
export function handler(req, res) {
  bus.on('config', context.bind(context.active(), (cfg) => { trace.getActiveSpan()?.addEvent('config'); }));
  res.end();
}` },
    { name: 'f12-active-span-req-state', filename: at('f12-active-span-req-state.js'), code: `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
import { bus } from './bus.js';
export function handler(req, res) {
  tracer.startActiveSpan('h', (span) => {
    bus.on('config', (cfg) => { span.addEvent('config', { url: req.url }); });
    span.end();
    res.end();
  });
}` },
    { name: 'f12-ok-startup-listener', filename: at('f12-ok-startup-listener.js'), code: `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
import { bus } from './bus.js';
bus.on('config', (cfg) => { tracer.startActiveSpan('reload', (s) => { s.end(); }); });` },
  ],
  invalid: [
    {
      name: 'f12-module-emitter-active',
      filename: at('f12-module-emitter-active.js'),
      code: `const { context, trace } = require('@opentelemetry/api');
const { EventEmitter } = require('node:events');
const bus = new EventEmitter();
module.exports = function handler(req, res) {
  return trace.getTracer('x').startActiveSpan('h', (span) => {
    bus.on('config', () => { trace.getActiveSpan().addEvent('config', { url: req.url }); });
    span.end();
  });
};`,
      output: null,
      errors: [{ messageId: 'persistentListenerKeepsRequest', line: 6, column: 22 }],
    },
    {
      name: 'f12-once-in-request',
      filename: at('f12-once-in-request.js'),
      code: `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
import { bus } from './bus.js';
export function handler(req, res) {
  tracer.startActiveSpan('h', (span) => {
    bus.once('config', (cfg) => { tracer.startSpan('apply').end(); res.end(); });
    span.end();
  });
}`,
      output: `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
import { bus } from './bus.js';
export function handler(req, res) {
  tracer.startActiveSpan('h', (span) => {
    bus.once('config', context.bind(context.active(), (cfg) => { tracer.startSpan('apply').end(); res.end(); }));
    span.end();
  });
}`,
      errors: [{ messageId: 'listenerRunsInEmitterContext', line: 6, column: 24 }],
    },
  ],
});
