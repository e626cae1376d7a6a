import rule from '../../rules/no-late-context-capture.js';
import { createRuleTester, under } from '../rule-tester.js';

const ruleTester = createRuleTester();

ruleTester.run('no-late-context-capture', rule, {
  valid: [
    {
      name: 'stack (near miss): after an await, a callback run by context.with in a context captured before it keeps its parent',
      settings: under('stack'),
      code: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('ai');
export async function embed(load: () => Promise<number>) {
  const ctx = context.active();
  const limit = await load();
  return context.with(ctx, () => {
    const span = tracer.startSpan('embed.call');
    span.end();
    return limit;
  });
}`,
    },
    {
      name: 'spelling (issue #11 family 3, near miss): context.with(spanCtx, original, this, ...args) whose wrapper calls the callback while the span is open',
      code: `
const api = require('@opentelemetry/api');
const tracer = api.trace.getTracer('db');
function patchQuery(original) {
  return function (...args) {
    const span = tracer.startSpan('db.query');
    const callback = args.at(-1);
    args[args.length - 1] = function (err, rows) {
      const result = callback.call(this, err, rows);
      span.end();
      return result;
    };
    return api.context.with(api.trace.setSpan(api.context.active(), span), original, this, ...args);
  };
}
module.exports = { patchQuery };`,
    },
    {
      name: 'async-local-storage: an await inside the arguments of startActiveSpan keeps the context (only stack and zone lose it)',
      code: `
import { trace } from '@opentelemetry/api';
import type { Attributes } from '@opentelemetry/api';
const tracer = trace.getTracer('ai');
export async function record(attributes: Promise<Attributes>) {
  return tracer.startActiveSpan('step', { attributes: await attributes }, (span) => span.end());
}`,
    },

    // Issue #11 family 3, near misses: the caller's callback called while the span is open, bound
    // to the captured context, or a callback of the span's own scope.
    {
      name: 'callback in span: the test runner\'s done called after end()',
      code: `
import { context, trace } from '@opentelemetry/api';
declare const client: { get(key: string, cb: (e: Error | null) => void): void };
it('traces get', (done) => {
  const span = trace.getTracer('t').startSpan('root');
  context.with(trace.setSpan(context.active(), span), () => {
    client.get('k', (error) => {
      span.end();
      done(error);
    });
  });
});`,
    },
    {
      name: 'callback in span: the wrapper calls a callback the library gave it (its own parameter), not the caller\'s',
      code: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('db');
export function query(run: (cb: (e: Error | null, next: () => void) => void) => void) {
  const span = tracer.startSpan('db.query');
  context.with(trace.setSpan(context.active(), span), () => {
    run((error, next) => {
      span.end();
      next();
    });
  });
}`,
    },
    {
      name: 'callback in span: called before end() (meant to be a child of the open span)',
      code: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('db');
export function query(run: (cb: (e: Error | null) => void) => void, callback: (e: Error | null) => void) {
  const span = tracer.startSpan('db.query');
  context.with(trace.setSpan(context.active(), span), () => {
    run((error) => {
      callback(error);
      span.end();
    });
  });
}`,
    },
    {
      name: 'callback in span: run in the context captured before the span',
      code: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('db');
export function query(run: (cb: (e: Error | null) => void) => void, callback: (e: Error | null) => void) {
  const span = tracer.startSpan('db.query');
  const parentContext = context.active();
  context.with(trace.setSpan(context.active(), span), () => {
    run((error) => {
      span.end();
      context.with(parentContext, () => callback(error));
    });
  });
}`,
    },
    {
      name: 'callback in span: a function of the span callback itself, and a callback outside any span scope',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('db');
export function query(run: (cb: () => void) => void, callback: () => void) {
  tracer.startActiveSpan('db.query', (span) => {
    const done = () => undefined;
    run(() => {
      span.end();
      done();
    });
  });
  const other = tracer.startSpan('other');
  run(() => {
    other.end();
    callback();
  });
}`,
    },
    {
      name: 'async-local-storage: a read after await keeps the caller context (7c linked)',
      code: `
import { context, trace } from '@opentelemetry/api';
export async function handle() {
  await fetch('http://localhost/health');
  trace.getActiveSpan()?.addEvent('checked');
  return context.active();
}`,
    },
    {
      name: 'async-local-storage and zone: a read inside a timer callback keeps the scheduling context (7a linked)',
      settings: under('zone'),
      code: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
export function later() {
  setTimeout(() => tracer.startSpan('later', {}, context.active()).end(), 10);
  Promise.resolve().then(() => trace.getActiveSpan()?.end());
}`,
    },
    {
      name: 'async-hooks: a read in a .then callback and after await keeps the context (4a, 7c linked)',
      settings: under('async-hooks'),
      code: `
import { context, trace } from '@opentelemetry/api';
export async function handle(p: Promise<number>) {
  p.then(() => trace.getActiveSpan()?.end());
  await p;
  return context.active();
}`,
    },
    {
      name: 'zone: captured before the first await',
      settings: under('zone'),
      code: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
export async function load() {
  const ctx = context.active();
  await fetch('/api');
  tracer.startSpan('render', undefined, ctx).end();
}`,
    },
    {
      name: 'zone: a read before the first await',
      settings: under('zone'),
      code: `
import { trace } from '@opentelemetry/api';
export async function load() {
  const span = trace.getActiveSpan();
  await fetch('/api');
  span?.end();
}`,
    },
    {
      name: 'stack: the timer callback in traced code is owned by no-unbound-timer (one defect, one finding)',
      settings: under('stack'),
      code: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
tracer.startActiveSpan('job', (span) => {
  setTimeout(() => { tracer.startSpan('child', {}, context.active()).end(); span.end(); }, 10);
});`,
    },
    {
      name: 'stack: ticks of recurring work should be roots; capturing would make an endless trace',
      settings: under('stack'),
      code: `
import { trace } from '@opentelemetry/api';
export function startPolling() {
  setInterval(() => trace.getActiveSpan()?.addEvent('poll'), 1000);
}`,
    },
    {
      name: 'stack: a listener registered at startup on a bus sees the emitter context (5d: wanted)',
      settings: under('stack'),
      code: `
import { trace } from '@opentelemetry/api';
import { EventEmitter } from 'node:events';
export const bus = new EventEmitter();
bus.on('order', () => trace.getActiveSpan()?.addEvent('order'));`,
    },
    {
      name: 'stack: scheduled at module level there is no caller context to keep',
      settings: under('stack'),
      code: `
import { context } from '@opentelemetry/api';
setTimeout(() => console.log(context.active()), 0);`,
    },
    {
      name: 'async-local-storage: a read in a queued callback is owned by no-unbound-queued-callback (7b)',
      code: `
import { context } from '@opentelemetry/api';
const jobs: Array<() => void> = [];
export function defer() { jobs.push(() => console.log(context.active())); }
setInterval(() => { while (jobs.length) jobs.shift()?.(); }, 10);`,
    },
    {
      name: 'a local function named context is not the API',
      settings: under('zone'),
      code: `
const context = { active: () => ({}) };
export async function f() { await null; return context.active(); }`,
    },
    {
      name: 'zone: the only await is on an early-return path, so no await precedes the reads at run time (hapi)',
      settings: under('zone'),
      code: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('t');
declare function method(): Promise<void>;
export const handler = async function () {
  if (trace.getSpan(context.active()) === undefined) {
    return await method();
  }
  const span = tracer.startSpan('ext', undefined, context.active());
  try {
    return await context.with(trace.setSpan(context.active(), span), method);
  } finally {
    span.end();
  }
};`,
    },
    {
      name: 'zone and stack: a test runner calls its callbacks from the root context, so there is no caller context to keep',
      settings: under('stack'),
      code: `
import { context, trace } from '@opentelemetry/api';
import { it } from 'vitest';
declare function startServer(): Promise<void>;
const tracer = trace.getTracer('t');
it('creates child spans', async () => {
  const rootSpan = tracer.startSpan('rootSpan', {}, context.active());
  await startServer();
  await context.with(trace.setSpan(context.active(), rootSpan), async () => {
    rootSpan.end();
  });
});
describe('suite', () => {
  beforeEach(async () => {
    await startServer();
    trace.getActiveSpan()?.addEvent('ready');
  });
  it.only('then', () => Promise.resolve().then(() => trace.getActiveSpan()?.end()));
});`,
    },
    {
      name: 'continuations (not reported): a database callback re-entering the caller\'s captured context (its fix), a continuation run in a context built at the call, and one captured in the function that runs it',
      code: `
import { context, trace, type Span } from '@opentelemetry/api';
export function patchQuery(original: (sql: string, cb: (err: Error | null) => void) => void) {
  return function (this: unknown, sql: string, callback: (err: Error | null) => void) {
    const parentContext = context.active();
    return original.call(this, sql, (err) => context.with(parentContext, () => callback(err)));
  };
}
export function layer(parentSpan: Span | undefined, next: (err?: unknown) => void) {
  return (err?: unknown) => {
    context.with(parentSpan ? trace.setSpan(context.active(), parentSpan) : context.active(), next, undefined, err);
  };
}
export function same(next: () => void) {
  const here = context.active();
  return context.with(here, next);
}`,
    },
  ],
  invalid: [
    {
      name: "a router layer runs next in the context captured before the layer (contrib 74bb8cab): the layer's baggage is lost; fix: restore only the parent span",
      code: `
import * as api from '@opentelemetry/api';
type Next = (err?: unknown) => void;
export function startLayerSpan(name: string, next: Next) {
  const parent = api.context.active();
  const span = api.trace.getTracer('router').startSpan(name, {}, parent);
  const wrappedNext: Next = (err) => {
    span.end();
    return api.context.with(parent, next, undefined, err);
  };
  return { context: api.trace.setSpan(parent, span), wrappedNext };
}`,
      errors: [{ messageId: 'continuationInStaleContext', data: { callback: 'next', captured: 'parent' }, line: 9, column: 29, endColumn: 35 }],
      output: `
import * as api from '@opentelemetry/api';
type Next = (err?: unknown) => void;
export function startLayerSpan(name: string, next: Next) {
  const parent = api.context.active();
  const span = api.trace.getTracer('router').startSpan(name, {}, parent);
  const wrappedNext: Next = (err) => {
    span.end();
    const parentSpan = api.trace.getSpan(parent);
    return api.context.with(parentSpan ? api.trace.setSpan(api.context.active(), parentSpan) : api.trace.deleteSpan(api.context.active()), next, undefined, err);
  };
  return { context: api.trace.setSpan(parent, span), wrappedNext };
}`,
    },
    {
      name: 'an express layer binds the callback read from its (req, res) arguments to the captured context and calls it (contrib 92313a73)',
      filename: 'file.js',
      code: `
const { context, trace } = require('@opentelemetry/api');
exports.patch = (original) => function (req, res) {
  const parentContext = context.active();
  const span = trace.getTracer('express').startSpan('middleware');
  const args = Array.from(arguments);
  const callbackIdx = args.findIndex((arg) => typeof arg === 'function');
  if (callbackIdx >= 0) {
    arguments[callbackIdx] = function () {
      span.end();
      const callback = args[callbackIdx];
      return context.bind(parentContext, callback).apply(this, arguments);
    };
  }
  return context.bind(trace.setSpan(parentContext, span), original).apply(this, arguments);
};`,
      errors: [{ messageId: 'continuationInStaleContext', data: { callback: 'callback', captured: 'parentContext' }, line: 12, column: 27 }],
      output: `
const { context, trace } = require('@opentelemetry/api');
exports.patch = (original) => function (req, res) {
  const parentContext = context.active();
  const span = trace.getTracer('express').startSpan('middleware');
  const args = Array.from(arguments);
  const callbackIdx = args.findIndex((arg) => typeof arg === 'function');
  if (callbackIdx >= 0) {
    arguments[callbackIdx] = function () {
      span.end();
      const callback = args[callbackIdx];
      const parentSpan = trace.getSpan(parentContext);
      return context.bind(parentSpan ? trace.setSpan(context.active(), parentSpan) : trace.deleteSpan(context.active()), callback).apply(this, arguments);
    };
  }
  return context.bind(trace.setSpan(parentContext, span), original).apply(this, arguments);
};`,
    },
    {
      name: "family 3 with a continuation: the handler's next runs inside the ended layer span; the fix keeps the layer's context and puts back only the parent span",
      code: `
import { context, trace } from '@opentelemetry/api';
type Handler = (req: unknown, res: unknown, next: (err?: unknown) => void) => void;
const tracer = trace.getTracer('restify');
export function wrapHandler(handler: Handler): Handler {
  return (req, res, next) => {
    const span = tracer.startSpan('middleware');
    const patchedNext = (err?: unknown) => {
      span.end();
      next(err);
    };
    return context.with(trace.setSpan(context.active(), span), () => handler(req, res, patchedNext));
  };
}`,
      errors: [{ messageId: 'callbackInEndedSpan', data: { callback: 'next', span: 'span' }, line: 10, column: 7 }],
      output: `
import { context, trace } from '@opentelemetry/api';
type Handler = (req: unknown, res: unknown, next: (err?: unknown) => void) => void;
const tracer = trace.getTracer('restify');
export function wrapHandler(handler: Handler): Handler {
  return (req, res, next) => {
    const span = tracer.startSpan('middleware');
    const patchedNext = (err?: unknown) => {
      span.end();
      context.with(parentSpan ? trace.setSpan(context.active(), parentSpan) : trace.deleteSpan(context.active()), () => next(err));
    };
    const parentSpan = trace.getSpan(context.active());
    return context.with(trace.setSpan(context.active(), span), () => handler(req, res, patchedNext));
  };
}`,
    },
    {
      name: 'spelling (issue #11 family 3): the callback taken with args.pop(), the span ended with span?.end(), the callback called through Reflect.apply',
      code: `
import { context, trace } from '@opentelemetry/api';
type Callback = (err: Error | null, rows?: unknown) => void;
const tracer = trace.getTracer('db');
export function patchQuery(original: (...args: unknown[]) => unknown) {
  return function (this: unknown, ...args: unknown[]) {
    const callback = args.pop() as Callback;
    const span = tracer.startSpan('db.query');
    return context.with(trace.setSpan(context.active(), span), () =>
      original.call(this, ...args, function (this: unknown, err: Error | null, rows?: unknown) {
        span?.end();
        return Reflect.apply(callback, this, [err, rows]);
      }));
  };
}`,
      errors: [{ messageId: 'callbackInEndedSpan', data: { callback: 'callback', span: 'span' }, line: 12, column: 16, endColumn: 29 }],
      output: `
import { context, trace } from '@opentelemetry/api';
type Callback = (err: Error | null, rows?: unknown) => void;
const tracer = trace.getTracer('db');
export function patchQuery(original: (...args: unknown[]) => unknown) {
  return function (this: unknown, ...args: unknown[]) {
    const callback = args.pop() as Callback;
    const span = tracer.startSpan('db.query');
    const parentContext = context.active();
    return context.with(trace.setSpan(context.active(), span), () =>
      original.call(this, ...args, function (this: unknown, err: Error | null, rows?: unknown) {
        span?.end();
        return context.with(parentContext, () => Reflect.apply(callback, this, [err, rows]));
      }));
  };
}`,
    },
    {
      name: 'spelling (issue #11 family 3): CommonJS namespace, callback from args.at(-1) replaced by a wrapper, the original run as context.with(spanCtx, original, this, ...args)',
      code: `
const api = require('@opentelemetry/api');
const tracer = api.trace.getTracer('db');
function patchQuery(original) {
  return function (...args) {
    const span = tracer.startSpan('db.query');
    const callback = args.at(-1);
    args[args.length - 1] = function (err, rows) {
      span.end();
      return callback.call(this, err, rows);
    };
    return api.context.with(api.trace.setSpan(api.context.active(), span), original, this, ...args);
  };
}
module.exports = { patchQuery };`,
      errors: [{ messageId: 'callbackInEndedSpan', data: { callback: 'callback', span: 'span' }, line: 10, column: 14, endColumn: 27 }],
      output: `
const api = require('@opentelemetry/api');
const tracer = api.trace.getTracer('db');
function patchQuery(original) {
  return function (...args) {
    const span = tracer.startSpan('db.query');
    const callback = args.at(-1);
    args[args.length - 1] = function (err, rows) {
      span.end();
      return api.context.with(parentContext, () => callback.call(this, err, rows));
    };
    const parentContext = api.context.active();
    return api.context.with(api.trace.setSpan(api.context.active(), span), original, this, ...args);
  };
}
module.exports = { patchQuery };`,
    },

    // Issue #11 family 3: the caller's callback runs inside the instrumentation's span after it ended.
    {
      name: 'callback in span: startActiveSpan, callback called after span.end() in the client callback',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('cache');
declare const client: { get(key: string, cb: (e: Error | null, v?: string) => void): void };
export function get(key: string, cb: (e: Error | null, v?: string) => void) {
  tracer.startActiveSpan('cache.get', (span) => {
    client.get(key, (error, value) => {
      span.end();
      cb(error, value);
    });
  });
}`,
      errors: [{ messageId: 'callbackInEndedSpan', data: { callback: 'cb', span: 'span' }, line: 9, column: 7, endColumn: 9 }],
      output: `
import { trace, context } from '@opentelemetry/api';
const tracer = trace.getTracer('cache');
declare const client: { get(key: string, cb: (e: Error | null, v?: string) => void): void };
export function get(key: string, cb: (e: Error | null, v?: string) => void) {
  const parentContext = context.active();
  tracer.startActiveSpan('cache.get', (span) => {
    client.get(key, (error, value) => {
      span.end();
      context.with(parentContext, () => cb(error, value));
    });
  });
}`,
    },
    {
      name: 'callback in span: the last argument of a patched method replaced by a wrapper (cb.apply(this, arguments)), under stack',
      settings: under('stack'),
      code: `
const { context, trace } = require('@opentelemetry/api');
const tracer = trace.getTracer('mysql');
function patchQuery(original) {
  return function (sql) {
    const span = tracer.startSpan('mysql.query');
    const spanContext = trace.setSpan(context.active(), span);
    return context.with(spanContext, () => {
      const cb = arguments[arguments.length - 1];
      return original.call(this, sql, function () {
        span.end();
        return cb.apply(this, arguments);
      });
    });
  };
}
module.exports = { patchQuery };`,
      errors: [{ messageId: 'callbackInEndedSpan', data: { callback: 'cb', span: 'span' }, line: 12 }],
      output: `
const { context, trace } = require('@opentelemetry/api');
const tracer = trace.getTracer('mysql');
function patchQuery(original) {
  return function (sql) {
    const span = tracer.startSpan('mysql.query');
    const spanContext = trace.setSpan(context.active(), span);
    const parentContext = context.active();
    return context.with(spanContext, () => {
      const cb = arguments[arguments.length - 1];
      return original.call(this, sql, function () {
        span.end();
        return context.with(parentContext, () => cb.apply(this, arguments));
      });
    });
  };
}
module.exports = { patchQuery };`,
    },
    {
      name: 'callback in span: the wrapper replaces the last argument before the span is activated for the original call',
      code: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('mysql');
export function patchQuery(original: (...args: unknown[]) => unknown) {
  return function (this: unknown, ...args: unknown[]) {
    const span = tracer.startSpan('mysql.query');
    const cb = args[args.length - 1] as (...a: unknown[]) => unknown;
    args[args.length - 1] = function (this: unknown, err: unknown, rows: unknown) {
      span.end();
      return cb.call(this, err, rows);
    };
    return context.with(trace.setSpan(context.active(), span), () => original.apply(this, args));
  };
}`,
      errors: [{ messageId: 'callbackInEndedSpan', data: { callback: 'cb', span: 'span' }, line: 10 }],
      output: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('mysql');
export function patchQuery(original: (...args: unknown[]) => unknown) {
  return function (this: unknown, ...args: unknown[]) {
    const span = tracer.startSpan('mysql.query');
    const cb = args[args.length - 1] as (...a: unknown[]) => unknown;
    args[args.length - 1] = function (this: unknown, err: unknown, rows: unknown) {
      span.end();
      return context.with(parentContext, () => cb.call(this, err, rows));
    };
    const parentContext = context.active();
    return context.with(trace.setSpan(context.active(), span), () => original.apply(this, args));
  };
}`,
    },
    {
      name: 'callback in span: the capture right before the statement is reused only when it is one const declarator of a context.active() call; a callback call with an await in its arguments is not moved into an arrow',
      code: `
import { context, trace } from '@opentelemetry/api';
type Done = (e: Error | null) => void;
const tracer = trace.getTracer('db');
export function reuses(run: (cb: Done) => void, callback: Done) {
  const span = tracer.startSpan('db.query');
  const callerContext = context.active();
  context.with(trace.setSpan(context.active(), span), () => {
    run((error) => {
      span.end();
      callback(error);
    });
  });
}
export function notAConstCapture(run: (cb: Done) => void, callback: Done) {
  const span = tracer.startSpan('db.query');
  let callerContext = context.active();
  context.with(trace.setSpan(callerContext, span), () => {
    run((error) => {
      span.end();
      callback(error);
    });
  });
}
export function twoDeclarators(run: (cb: Done) => void, callback: Done) {
  const span = tracer.startSpan('db.query'), callerContext = context.active();
  context.with(trace.setSpan(callerContext, span), () => {
    run((error) => {
      span.end();
      callback(error);
    });
  });
}
export function notContextActive(run: (cb: Done) => void, callback: Done) {
  const span = tracer.startSpan('db.query');
  const spanContext = trace.setSpan(context.active(), span);
  context.with(spanContext, () => {
    run((error) => {
      span.end();
      callback(error);
    });
  });
}
export function destructured(run: (cb: Done) => void, callback: Done) {
  const span = tracer.startSpan('db.query');
  const [callerContext] = [context.active()];
  context.with(trace.setSpan(callerContext, span), () => {
    run((error) => {
      span.end();
      callback(error);
    });
  });
}
export function notACall(run: (cb: Done) => void, callback: Done) {
  const span = tracer.startSpan('db.query');
  const active = context.active;
  context.with(trace.setSpan(active(), span), () => {
    run((error) => {
      span.end();
      callback(error);
    });
  });
}
export function awaitsInArguments(run: (cb: Done) => void, callback: Done, load: () => Promise<Error | null>) {
  const span = tracer.startSpan('db.query');
  context.with(trace.setSpan(context.active(), span), () => {
    run(async () => {
      span.end();
      callback(await load());
    });
  });
}`,
      errors: [
        { messageId: 'callbackInEndedSpan', data: { callback: 'callback', span: 'span' }, line: 11 },
        { messageId: 'callbackInEndedSpan', data: { callback: 'callback', span: 'span' }, line: 21 },
        { messageId: 'callbackInEndedSpan', data: { callback: 'callback', span: 'span' }, line: 30 },
        { messageId: 'callbackInEndedSpan', data: { callback: 'callback', span: 'span' }, line: 40 },
        { messageId: 'callbackInEndedSpan', data: { callback: 'callback', span: 'span' }, line: 50 },
        { messageId: 'callbackInEndedSpan', data: { callback: 'callback', span: 'span' }, line: 60 },
        { messageId: 'callbackInEndedSpan', data: { callback: 'callback', span: 'span' }, line: 69 },
        { messageId: 'callbackInEndedSpan', data: { callback: 'load', span: 'span' }, line: 69 },
      ],
      output: `
import { context, trace } from '@opentelemetry/api';
type Done = (e: Error | null) => void;
const tracer = trace.getTracer('db');
export function reuses(run: (cb: Done) => void, callback: Done) {
  const span = tracer.startSpan('db.query');
  const callerContext = context.active();
  context.with(trace.setSpan(context.active(), span), () => {
    run((error) => {
      span.end();
      context.with(callerContext, () => callback(error));
    });
  });
}
export function notAConstCapture(run: (cb: Done) => void, callback: Done) {
  const span = tracer.startSpan('db.query');
  let callerContext = context.active();
  const parentContext = context.active();
  context.with(trace.setSpan(callerContext, span), () => {
    run((error) => {
      span.end();
      context.with(parentContext, () => callback(error));
    });
  });
}
export function twoDeclarators(run: (cb: Done) => void, callback: Done) {
  const span = tracer.startSpan('db.query'), callerContext = context.active();
  const parentContext = context.active();
  context.with(trace.setSpan(callerContext, span), () => {
    run((error) => {
      span.end();
      context.with(parentContext, () => callback(error));
    });
  });
}
export function notContextActive(run: (cb: Done) => void, callback: Done) {
  const span = tracer.startSpan('db.query');
  const spanContext = trace.setSpan(context.active(), span);
  const parentContext = context.active();
  context.with(spanContext, () => {
    run((error) => {
      span.end();
      context.with(parentContext, () => callback(error));
    });
  });
}
export function destructured(run: (cb: Done) => void, callback: Done) {
  const span = tracer.startSpan('db.query');
  const [callerContext] = [context.active()];
  const parentContext = context.active();
  context.with(trace.setSpan(callerContext, span), () => {
    run((error) => {
      span.end();
      context.with(parentContext, () => callback(error));
    });
  });
}
export function notACall(run: (cb: Done) => void, callback: Done) {
  const span = tracer.startSpan('db.query');
  const active = context.active;
  const parentContext = context.active();
  context.with(trace.setSpan(active(), span), () => {
    run((error) => {
      span.end();
      context.with(parentContext, () => callback(error));
    });
  });
}
export function awaitsInArguments(run: (cb: Done) => void, callback: Done, load: () => Promise<Error | null>) {
  const span = tracer.startSpan('db.query');
  const parentContext = context.active();
  context.with(trace.setSpan(context.active(), span), () => {
    run(async () => {
      span.end();
      callback(await context.with(parentContext, () => load()));
    });
  });
}`,
    },
    {
      name: 'stack: a .then in a default parameter has no statement to capture before: reported, no fix',
      settings: under('stack'),
      code: `
import { trace } from '@opentelemetry/api';
export function settle(p: Promise<void>, done = p.then(() => trace.getActiveSpan()?.addEvent('settled'))) {
  return done;
}`,
      errors: [{ messageId: 'lateContextRead', data: { read: 'trace.getActiveSpan()', boundary: 'in a .then callback', manager: 'stack' }, line: 3, column: 62, endLine: 3, endColumn: 83 }],
      output: null,
    },
    {
      name: 'zone: reads behind one await share one capture, and none is fixed when one of them cannot be rewritten (a spread startSpan)',
      settings: under('zone'),
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('jobs');
declare function load(): Promise<void>;
export async function runOne(name: string) {
  await load();
  trace.getActiveSpan()?.addEvent('loaded');
  tracer.startSpan(name).end();
}
export async function runMany(names: [string]) {
  await load();
  trace.getActiveSpan()?.addEvent('loaded');
  tracer.startSpan(...names).end();
}`,
      errors: [
        { messageId: 'lateContextRead', line: 7, column: 3 },
        { messageId: 'lateImplicitParent', line: 8, column: 3 },
        { messageId: 'lateContextRead', line: 12, column: 3 },
        { messageId: 'lateImplicitParent', line: 13, column: 3 },
      ],
      output: `
import { trace, context } from '@opentelemetry/api';
const tracer = trace.getTracer('jobs');
declare function load(): Promise<void>;
export async function runOne(name: string) {
  const ctx = context.active();
  await load();
  trace.getSpan(ctx)?.addEvent('loaded');
  tracer.startSpan(name, undefined, ctx).end();
}
export async function runMany(names: [string]) {
  await load();
  trace.getActiveSpan()?.addEvent('loaded');
  tracer.startSpan(...names).end();
}`,
    },
    {
      name: 'callback in span: a capture declared with a second declarator is not reused; one through as Context is',
      code: `
import { context, trace, type Context } from '@opentelemetry/api';
type Done = (e: Error | null) => void;
const tracer = trace.getTracer('db');
export function twoCaptured(run: (cb: Done) => void, callback: Done) {
  const span = tracer.startSpan('db.query');
  const callerContext = context.active(), startedAt = Date.now();
  context.with(trace.setSpan(callerContext, span), () => {
    run((error) => {
      span.end();
      callback(error);
    });
  });
  return startedAt;
}
export function typedCapture(run: (cb: Done) => void, callback: Done) {
  const span = tracer.startSpan('db.query');
  const callerContext = context.active() as Context;
  context.with(trace.setSpan(callerContext, span), () => {
    run((error) => {
      span.end();
      callback(error);
    });
  });
}`,
      errors: [
        { messageId: 'callbackInEndedSpan', data: { callback: 'callback', span: 'span' }, line: 11 },
        { messageId: 'callbackInEndedSpan', data: { callback: 'callback', span: 'span' }, line: 22 },
      ],
      output: `
import { context, trace, type Context } from '@opentelemetry/api';
type Done = (e: Error | null) => void;
const tracer = trace.getTracer('db');
export function twoCaptured(run: (cb: Done) => void, callback: Done) {
  const span = tracer.startSpan('db.query');
  const callerContext = context.active(), startedAt = Date.now();
  const parentContext = context.active();
  context.with(trace.setSpan(callerContext, span), () => {
    run((error) => {
      span.end();
      context.with(parentContext, () => callback(error));
    });
  });
  return startedAt;
}
export function typedCapture(run: (cb: Done) => void, callback: Done) {
  const span = tracer.startSpan('db.query');
  const callerContext = context.active() as Context;
  context.with(trace.setSpan(callerContext, span), () => {
    run((error) => {
      span.end();
      context.with(callerContext, () => callback(error));
    });
  });
}`,
    },
    {
      name: 'callback in span: a callback in an arrow expression body is reported without a fix',
      code: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('db');
export const query = (run: (cb: () => void) => void, callback: () => void) =>
  tracer.startActiveSpan('db.query', (span) => run(() => { span.end(); callback(); }));`,
      errors: [{ messageId: 'callbackInEndedSpan', data: { callback: 'callback', span: 'span' }, line: 5 }],
      output: null,
    },
    {
      name: 'zone: a read in the finally block after "return await" runs after the await; the capture goes before the try',
      settings: under('zone'),
      code: `
import { trace } from '@opentelemetry/api';
export async function run(work: () => Promise<void>) {
  try {
    return await work();
  } finally {
    trace.getActiveSpan()?.addEvent('done');
  }
}`,
      output: `
import { trace, context } from '@opentelemetry/api';
export async function run(work: () => Promise<void>) {
  const ctx = context.active();
  try {
    return await work();
  } finally {
    trace.getSpan(ctx)?.addEvent('done');
  }
}`,
      errors: [{ messageId: 'lateContextRead', line: 7, column: 5 }],
    },
    {
      name: 'zone: a read later in the same return expression runs after its await',
      settings: under('zone'),
      code: `
import { context } from '@opentelemetry/api';
declare function send(body: unknown, target: unknown): Promise<void>;
declare function load(): Promise<unknown>;
export async function forward() {
  return send(await load(), context.active());
}`,
      output: `
import { context } from '@opentelemetry/api';
declare function send(body: unknown, target: unknown): Promise<void>;
declare function load(): Promise<unknown>;
export async function forward() {
  const ctx = context.active();
  return send(await load(), ctx);
}`,
      errors: [{ messageId: 'lateContextRead', line: 6, column: 29 }],
    },
    {
      name: 'zone: every read after the first await shares one capture (7c, 9a inject)',
      settings: under('zone'),
      code: `
import { context, propagation, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('checkout-web');
export async function submitOrder(cart: unknown): Promise<void> {
  const res = await fetch('/api/orders', { method: 'POST', body: JSON.stringify(cart) });
  trace.getActiveSpan()?.setAttribute('order.status', res.status);
  const headers: Record<string, string> = {};
  propagation.inject(context.active(), headers);
  tracer.startSpan('order.confirmed').end();
}`,
      output: `
import { context, propagation, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('checkout-web');
export async function submitOrder(cart: unknown): Promise<void> {
  const ctx = context.active();
  const res = await fetch('/api/orders', { method: 'POST', body: JSON.stringify(cart) });
  trace.getSpan(ctx)?.setAttribute('order.status', res.status);
  const headers: Record<string, string> = {};
  propagation.inject(ctx, headers);
  tracer.startSpan('order.confirmed', undefined, ctx).end();
}`,
      errors: [
        { messageId: 'lateContextRead', data: { read: 'trace.getActiveSpan()', boundary: 'after an await', manager: 'zone' }, line: 6, column: 3, endLine: 6, endColumn: 24 },
        { messageId: 'lateContextRead', data: { read: 'context.active()', boundary: 'after an await', manager: 'zone' }, line: 8, column: 22, endLine: 8, endColumn: 38 },
        { messageId: 'lateImplicitParent', data: { read: 'tracer.startSpan(..)', boundary: 'after an await', manager: 'zone' }, line: 9, column: 3, endLine: 9, endColumn: 19 },
      ],
    },
    {
      name: 'stack: a .then callback in traced code; capture goes before the statement',
      settings: under('stack'),
      code: `
import { context, trace } from '@opentelemetry/api';
export function save(p: Promise<Response>) {
  trace.getTracer('web').startActiveSpan('save', (span) => {
    p.then((r) => {
      trace.getSpan(context.active())?.setAttribute('http.status', r.status);
      span.end();
    });
  });
}`,
      output: `
import { context, trace } from '@opentelemetry/api';
export function save(p: Promise<Response>) {
  trace.getTracer('web').startActiveSpan('save', (span) => {
    const ctx = context.active();
    p.then((r) => {
      trace.getSpan(ctx)?.setAttribute('http.status', r.status);
      span.end();
    });
  });
}`,
      errors: [{ messageId: 'lateContextRead', data: { read: 'context.active()', boundary: 'in a .then callback', manager: 'stack' }, line: 6, column: 21, endLine: 6, endColumn: 37 }],
    },
    {
      name: 'stack: a timer scheduled by a helper (not owned by no-unbound-timer); startActiveSpan gets the context',
      settings: under('stack'),
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('web');
export function debounceSave(save: () => void) {
  setTimeout(() => tracer.startActiveSpan('autosave', (span) => { save(); span.end(); }), 300);
}`,
      output: `
import { trace, context } from '@opentelemetry/api';
const tracer = trace.getTracer('web');
export function debounceSave(save: () => void) {
  const ctx = context.active();
  setTimeout(() => tracer.startActiveSpan('autosave', {}, ctx, (span) => { save(); span.end(); }), 300);
}`,
      errors: [{ messageId: 'lateImplicitParent', data: { read: 'tracer.startActiveSpan(..)', boundary: 'in a setTimeout callback', manager: 'stack' }, line: 5, column: 20, endLine: 5, endColumn: 42 }],
    },
    {
      name: 'stack: an await inside a callback owned by no-unbound-timer: the capture goes at its top',
      settings: under('stack'),
      code: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('web');
tracer.startActiveSpan('job', (span) => {
  setTimeout(async () => {
    await fetch('/api');
    tracer.startSpan('after', {}, context.active()).end();
    span.end();
  }, 10);
});`,
      output: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('web');
tracer.startActiveSpan('job', (span) => {
  setTimeout(async () => {
    const ctx = context.active();
    await fetch('/api');
    tracer.startSpan('after', {}, ctx).end();
    span.end();
  }, 10);
});`,
      errors: [{ messageId: 'lateContextRead', data: { read: 'context.active()', boundary: 'after an await', manager: 'stack' }, line: 7, column: 35, endLine: 7, endColumn: 51 }],
    },
    {
      name: 'zone: reads in a for await loop body, a name that is taken, startActiveSpan with options',
      settings: under('zone'),
      code: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('feed');
export async function consume(ctx: string, events: AsyncIterable<string>) {
  for await (const event of events) {
    tracer.startActiveSpan('event', { attributes: { ctx } }, (span) => span.end());
  }
  return context.active();
}`,
      output: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('feed');
export async function consume(ctx: string, events: AsyncIterable<string>) {
  const ctx2 = context.active();
  for await (const event of events) {
    tracer.startActiveSpan('event', { attributes: { ctx } }, ctx2, (span) => span.end());
  }
  return ctx2;
}`,
      errors: [
        { messageId: 'lateImplicitParent', data: { read: 'tracer.startActiveSpan(..)', boundary: 'after an await', manager: 'zone' }, line: 6, column: 5, endLine: 6, endColumn: 27 },
        { messageId: 'lateContextRead', data: { read: 'context.active()', boundary: 'after an await', manager: 'zone' }, line: 8, column: 10, endLine: 8, endColumn: 26 },
      ],
    },
    {
      name: 'stack: an await inside the arguments of startActiveSpan runs before the span reads the active context (a span helper awaiting its attributes)',
      settings: under('stack'),
      code: `
import { trace } from '@opentelemetry/api';
import type { Attributes, Span, Tracer } from '@opentelemetry/api';
export async function recordSpan<T>(tracer: Tracer, name: string, attributes: Promise<Attributes>, fn: (span: Span) => Promise<T>) {
  return tracer.startActiveSpan(name, { attributes: await attributes }, async (span) => {
    try {
      return await fn(span);
    } finally {
      span.end();
    }
  });
}
export const tracer = trace.getTracer('ai');`,
      output: `
import { trace, context } from '@opentelemetry/api';
import type { Attributes, Span, Tracer } from '@opentelemetry/api';
export async function recordSpan<T>(tracer: Tracer, name: string, attributes: Promise<Attributes>, fn: (span: Span) => Promise<T>) {
  const ctx = context.active();
  return tracer.startActiveSpan(name, { attributes: await attributes }, ctx, async (span) => {
    try {
      return await fn(span);
    } finally {
      span.end();
    }
  });
}
export const tracer = trace.getTracer('ai');`,
      errors: [{ messageId: 'lateImplicitParent', data: { read: 'tracer.startActiveSpan(..)', boundary: 'after an await', manager: 'stack' }, line: 5 }],
    },
    {
      name: 'zone: an expression-bodied async arrow becomes a block that captures first',
      settings: under('zone'),
      code: `
import { trace } from '@opentelemetry/api';
export const check = async (p: Promise<unknown>) => (await p, trace.getActiveSpan());`,
      output: `
import { trace, context } from '@opentelemetry/api';
export const check = async (p: Promise<unknown>) => {
  const ctx = context.active();
  return (await p, trace.getSpan(ctx));
};`,
      errors: [{ messageId: 'lateContextRead', data: { read: 'trace.getActiveSpan()', boundary: 'after an await', manager: 'zone' }, line: 3, column: 63, endLine: 3, endColumn: 84 }],
    },
    {
      name: 'zone: a listener added after an await runs in the zone it was added in, so its read is late too',
      settings: under('zone'),
      code: `
import { context, trace } from '@opentelemetry/api';
import { EventEmitter } from 'node:events';
const bus = new EventEmitter();
export async function watch() {
  await Promise.resolve();
  bus.on('change', () => trace.getTracer('a').startSpan('change', {}, context.active()).end());
}`,
      output: `
import { context, trace } from '@opentelemetry/api';
import { EventEmitter } from 'node:events';
const bus = new EventEmitter();
export async function watch() {
  const ctx = context.active();
  await Promise.resolve();
  bus.on('change', () => trace.getTracer('a').startSpan('change', {}, ctx).end());
}`,
      errors: [{ messageId: 'lateContextRead', data: { read: 'context.active()', boundary: 'after an await', manager: 'zone' }, line: 7, column: 71, endLine: 7, endColumn: 87 }],
    },
    {
      name: 'stack: an existing capture before the first await is reused, never doubled',
      settings: under('stack'),
      code: `
import { context, trace } from '@opentelemetry/api';
export async function report() {
  const parent = context.active();
  await fetch('/api');
  trace.getTracer('a').startSpan('report', {}, parent).end();
  return trace.getActiveSpan();
}`,
      output: `
import { context, trace } from '@opentelemetry/api';
export async function report() {
  const parent = context.active();
  await fetch('/api');
  trace.getTracer('a').startSpan('report', {}, parent).end();
  return trace.getSpan(parent);
}`,
      errors: [{ messageId: 'lateContextRead', data: { read: 'trace.getActiveSpan()', boundary: 'after an await', manager: 'stack' }, line: 7, column: 10, endLine: 7, endColumn: 31 }],
    },
    {
      name: 'zone: a span start with spread arguments cannot take the context: reported without a fix',
      settings: under('zone'),
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
export async function run(args: [string]) {
  await null;
  tracer.startSpan(...args).end();
}`,
      output: null,
      errors: [{ messageId: 'lateImplicitParent', data: { read: 'tracer.startSpan(..)', boundary: 'after an await', manager: 'zone' }, line: 6, column: 3, endLine: 6, endColumn: 19 }],
    },
    {
      name: 'stack: CommonJS, destructured getActiveSpan gets trace added to the require',
      settings: under('stack'),
      code: `
const { context, trace } = require('@opentelemetry/api');
const { getActiveSpan } = trace;
async function refresh() {
  await fetch('/api');
  getActiveSpan()?.end();
}
module.exports = { refresh, context };`,
      output: `
const { context, trace } = require('@opentelemetry/api');
const { getActiveSpan } = trace;
async function refresh() {
  const ctx = context.active();
  await fetch('/api');
  trace.getSpan(ctx)?.end();
}
module.exports = { refresh, context };`,
      errors: [{ messageId: 'lateContextRead', data: { read: 'getActiveSpan()', boundary: 'after an await', manager: 'stack' }, line: 6, column: 3, endLine: 6, endColumn: 18 }],
    },
    {
      name: 'stack: one capture for two reads of one statement list, before the earlier anchor even when the later read has it (the first await is a `return await`, so the .then read before the second await is not after an await)',
      settings: under('stack'),
      code: `
import { trace } from '@opentelemetry/api';
export async function load(p: Promise<string>, q: Promise<void>, cached: boolean) {
  if (cached) return await p;
  p.then(() => trace.getActiveSpan()?.end());
  await q;
  trace.getActiveSpan()?.addEvent('loaded');
}`,
      output: `
import { trace, context } from '@opentelemetry/api';
export async function load(p: Promise<string>, q: Promise<void>, cached: boolean) {
  const ctx = context.active();
  if (cached) return await p;
  p.then(() => trace.getSpan(ctx)?.end());
  await q;
  trace.getSpan(ctx)?.addEvent('loaded');
}`,
      errors: [
        { messageId: 'lateContextRead', data: { read: 'trace.getActiveSpan()', boundary: 'in a .then callback', manager: 'stack' }, line: 5, column: 16, endLine: 5, endColumn: 37 },
        { messageId: 'lateContextRead', data: { read: 'trace.getActiveSpan()', boundary: 'after an await', manager: 'stack' }, line: 7, column: 3, endLine: 7, endColumn: 24 },
      ],
    },
    {
      name: 'stack: two .then reads in consecutive statements share one capture, before the first of them',
      settings: under('stack'),
      code: `
import { trace } from '@opentelemetry/api';
export function settle(p: Promise<string>, q: Promise<void>) {
  p.then(() => trace.getActiveSpan()?.addEvent('p'));
  q.then(() => trace.getActiveSpan()?.addEvent('q'));
}`,
      output: `
import { trace, context } from '@opentelemetry/api';
export function settle(p: Promise<string>, q: Promise<void>) {
  const ctx = context.active();
  p.then(() => trace.getSpan(ctx)?.addEvent('p'));
  q.then(() => trace.getSpan(ctx)?.addEvent('q'));
}`,
      errors: [
        { messageId: 'lateContextRead', data: { read: 'trace.getActiveSpan()', boundary: 'in a .then callback', manager: 'stack' }, line: 4, column: 16, endLine: 4, endColumn: 37 },
        { messageId: 'lateContextRead', data: { read: 'trace.getActiveSpan()', boundary: 'in a .then callback', manager: 'stack' }, line: 5, column: 16, endLine: 5, endColumn: 37 },
      ],
    },
    {
      name: 'stack: two .then reads in one arrow\'s expression body share one capture in the block it becomes',
      settings: under('stack'),
      code: `
import { trace } from '@opentelemetry/api';
export const settle = (p: Promise<string>) => p.then(() => trace.getActiveSpan()?.addEvent('p')).then(() => trace.getActiveSpan()?.end());`,
      output: `
import { trace, context } from '@opentelemetry/api';
export const settle = (p: Promise<string>) => {
  const ctx = context.active();
  return p.then(() => trace.getSpan(ctx)?.addEvent('p')).then(() => trace.getSpan(ctx)?.end());
};`,
      errors: [
        { messageId: 'lateContextRead', data: { read: 'trace.getActiveSpan()', boundary: 'in a .then callback', manager: 'stack' }, line: 3, column: 60, endLine: 3, endColumn: 81 },
        { messageId: 'lateContextRead', data: { read: 'trace.getActiveSpan()', boundary: 'in a .then callback', manager: 'stack' }, line: 3, column: 109, endLine: 3, endColumn: 130 },
      ],
    },
    {
      name: 'stack: CommonJS, a context.active() read and a destructured getActiveSpan() behind one capture: the bare read is rewritten on trace',
      settings: under('stack'),
      code: `
const { context, trace } = require('@opentelemetry/api');
const { getActiveSpan } = trace;
async function refresh(log) {
  await fetch('/api');
  log(context.active());
  getActiveSpan()?.end();
}
module.exports = { refresh };`,
      output: `
const { context, trace } = require('@opentelemetry/api');
const { getActiveSpan } = trace;
async function refresh(log) {
  const ctx = context.active();
  await fetch('/api');
  log(ctx);
  trace.getSpan(ctx)?.end();
}
module.exports = { refresh };`,
      errors: [
        { messageId: 'lateContextRead', data: { read: 'context.active()', boundary: 'after an await', manager: 'stack' }, line: 6, column: 7, endLine: 6, endColumn: 23 },
        { messageId: 'lateContextRead', data: { read: 'getActiveSpan()', boundary: 'after an await', manager: 'stack' }, line: 7, column: 3, endLine: 7, endColumn: 18 },
      ],
    },
    {
      name: 'stack: a destructured active() read needs no trace import',
      settings: under('stack'),
      code: `
import { context } from '@opentelemetry/api';
const { active } = context;
export async function refresh() {
  await fetch('/api');
  return active();
}`,
      output: `
import { context } from '@opentelemetry/api';
const { active } = context;
export async function refresh() {
  const ctx = context.active();
  await fetch('/api');
  return ctx;
}`,
      errors: [
        { messageId: 'lateContextRead', data: { read: 'active()', boundary: 'after an await', manager: 'stack' }, line: 6, column: 10, endLine: 6, endColumn: 18 },
      ],
    },
    {
      name: 'stack: a getActiveSpan() read on a trace object the file does not import by name is rewritten on that object, with no trace import added',
      settings: under('stack'),
      code: `
import { context } from '@opentelemetry/api';
const otelTrace = require('@opentelemetry/api').trace;
export async function refresh() {
  await fetch('/api');
  otelTrace.getActiveSpan()?.end();
}`,
      output: `
import { context } from '@opentelemetry/api';
const otelTrace = require('@opentelemetry/api').trace;
export async function refresh() {
  const ctx = context.active();
  await fetch('/api');
  otelTrace.getSpan(ctx)?.end();
}`,
      errors: [
        { messageId: 'lateContextRead', data: { read: 'otelTrace.getActiveSpan()', boundary: 'after an await', manager: 'stack' }, line: 6, column: 3, endLine: 6, endColumn: 28 },
      ],
    },
    {
      name: 'stack: a span started in the callback of an unknown call made after an await (await retry(() => ..)) runs after the await, whenever retry calls it',
      settings: under('stack'),
      code: `
import { trace } from '@opentelemetry/api';
declare function retry<T>(fn: () => Promise<T>): Promise<T>;
const tracer = trace.getTracer('ai');
export async function embed(load: () => Promise<number>) {
  const limit = await load();
  return retry(async () => {
    const span = tracer.startSpan('embed.call');
    span.end();
    return limit;
  });
}`,
      output: `
import { trace, context } from '@opentelemetry/api';
declare function retry<T>(fn: () => Promise<T>): Promise<T>;
const tracer = trace.getTracer('ai');
export async function embed(load: () => Promise<number>) {
  const ctx = context.active();
  const limit = await load();
  return retry(async () => {
    const span = tracer.startSpan('embed.call', undefined, ctx);
    span.end();
    return limit;
  });
}`,
      errors: [{ messageId: 'lateImplicitParent', data: { read: 'tracer.startSpan(..)', boundary: 'after an await', manager: 'stack' }, line: 8, column: 18 }],
    },
  ],
});
