/**
 * require-span-end: an `end()` inside a callback ends the span only where that callback is sure to
 * run (core/detectors/require-span-end/callback-ends.ts, settled-chain.ts). Shapes from issue #11's
 * span-end family: Sentry's tanstack middleware (a `next` proxy), nodejs-spanner's getSnapshot (a
 * listener on a resource the caller holds), contrib's dataloader and kafkajs (strict: a throw before
 * the handlers are attached, or inside the handler before its end()).
 */
import rule from '../rules/require-span-end.js';
import { createRuleTester } from './rule-tester.js';

const ruleTester = createRuleTester();
const STRICT = [{ checkSyncCalls: true }] as const;

const NEXT_PROXY_HELPER = `
function getNextProxy<T extends (...args: unknown[]) => unknown>(next: T, span: Span): T {
  return new Proxy(next, {
    apply: (target, thisArg, argsNext) => {
      span.end();
      return Reflect.apply(target, thisArg, argsNext);
    },
  });
}`;

const SNAPSHOT_HEADER = `
import { trace } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/api';
import { EventEmitter } from 'node:events';
const tracer = trace.getTracer('db');
declare class Snapshot extends EventEmitter { begin(cb: (err: Error | null) => void): void }
declare function setSpanError(span: Span, err: Error): void;
type Callback = (err: Error | null, snapshot?: Snapshot) => void;`;

ruleTester.run('require-span-end (callback ends)', rule, {
  valid: [
    {
      name: 'an HTTP server instrumentation ends its span when the response finishes: the response is the handler\'s to finish, and the other path ends it only in a catch',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('http');
export function wrap(original: (req: unknown, res: { on(e: string, f: () => void): void }) => unknown) {
  return function (this: unknown, req: unknown, res: { on(e: string, f: () => void): void }) {
    const span = tracer.startSpan('GET');
    res.on('finish', () => span.end());
    try {
      return original(req, res);
    } catch (error) {
      span.end();
      throw error;
    }
  };
}`,
    },
    {
      name: 'an HTTP client returns the request whose close listener ends the span; the other path ends it in a catch',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('http');
type Req = { on(e: string, f: () => void): Req };
export function wrap(original: (url: string) => Req) {
  return function (url: string) {
    const span = tracer.startSpan('GET');
    let request: Req;
    try {
      request = original(url);
    } catch (error) {
      span.end();
      throw error;
    }
    request.on('close', () => span.end());
    return request;
  };
}`,
    },
    {
      name: 'the snapshot fix: the success path ends the span itself before calling back (the listener end is a second end)',
      code: `${SNAPSHOT_HEADER}
export class Database {
  _releaseOnEnd(snapshot: Snapshot, span: Span) {
    snapshot.once('end', () => span.end());
  }
  getSnapshot(snapshot: Snapshot, callback: Callback) {
    return tracer.startActiveSpan('Database.getSnapshot', (span) => {
      snapshot.begin((err) => {
        if (err) {
          setSpanError(span, err);
          span.end();
          callback(err);
          return;
        }
        this._releaseOnEnd(snapshot, span);
        span.end();
        callback(null, snapshot);
      });
    });
  }
}`,
    },
    {
      name: 'a listener end with no sibling path ending the span (a query stream instrumentation) is a hand-over',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('db');
type Query = { on(e: string, f: () => void): Query };
export function query(original: (sql: string) => Query, sql: string) {
  const span = tracer.startSpan('query');
  const stream = original(sql);
  stream.on('end', () => span.end());
  return stream;
}`,
    },
    {
      name: 'an error-first completion callback handed to the wrapped library is called on errors too: not a continuation',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('db');
export function patch(original: (...args: unknown[]) => unknown) {
  return function (this: unknown, sql: string, cb: (err: Error | null, rows?: unknown) => void) {
    const span = tracer.startSpan('query');
    return original.call(this, sql, function (this: unknown, err: Error | null, rows?: unknown) {
      span.end();
      return cb.call(this, err, rows);
    });
  };
}`,
    },
    {
      name: 'a next proxy whose end is also a response close listener (connect): the span ends when the response closes',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('connect');
type Res = { addListener(e: string, f: () => void): void };
export function patchMiddleware(middleware: (req: unknown, res: Res, next: () => void) => void) {
  return function (this: unknown, req: unknown, res: Res, next: () => void) {
    const span = tracer.startSpan('middleware');
    function finishSpan() {
      span.end();
    }
    res.addListener('close', finishSpan);
    return middleware.call(this, req, res, () => {
      finishSpan();
      next();
    });
  };
}`,
    },
    {
      name: 'a next proxy with a try/finally around the middleware: the span is ended when it settles',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('mw');
export function wrap(middleware: (req: unknown, next: () => Promise<void>) => Promise<void>) {
  return async (req: unknown, next: () => Promise<void>) => {
    const span = tracer.startSpan('mw');
    try {
      return await middleware(req, async () => {
        span.end();
        await next();
      });
    } finally {
      span.end();
    }
  };
}`,
    },
    {
      name: 'recommended: original.apply(..).then(ok, err) with ends in both handlers, and .finally(() => span.end()), stay clean',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('db');
export function patch(original: (...args: unknown[]) => Promise<unknown>) {
  return function (this: unknown, ...args: unknown[]) {
    const span = tracer.startSpan('query');
    return original.apply(this, args).then(
      (result) => { span.end(); return result; },
      (error) => { span.recordException(error as Error); span.end(); throw error; },
    );
  };
}
export function patchFinally(original: (...args: unknown[]) => Promise<unknown>) {
  return function (this: unknown, ...args: unknown[]) {
    const span = tracer.startSpan('query');
    return original.apply(this, args).finally(() => span.end());
  };
}`,
    },
    {
      name: 'strict: the synchronous throw turned into a rejection before the handlers are attached (kafkajs after e4d23bef)',
      options: STRICT,
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('kafka');
export function patch(original: (...args: unknown[]) => Promise<unknown>) {
  return function (this: unknown, ...args: unknown[]) {
    const span = tracer.startSpan('transaction');
    let promise: Promise<unknown>;
    try {
      promise = original.apply(this, args);
    } catch (error) {
      promise = Promise.reject(error);
    }
    return promise.then((result) => { span.end(); return result; }).catch((reason) => { span.end(); throw reason; });
  };
}`,
    },
    {
      name: 'strict: a throw in a fulfilment handler goes to the catch handler, which ends the span',
      options: STRICT,
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('kafka');
declare function recordMetric(): void;
export function send(promise: Promise<unknown>) {
  const span = tracer.startSpan('send');
  return promise
    .then((result) => { recordMetric(); span.end(); return result; })
    .catch((reason) => { span.end(); throw reason; });
}`,
    },
  ],
  invalid: [
    {
      name: "a next proxy (new Proxy(next, { apply })) put on the middleware's arguments is the span's only end (Sentry tanstack, OpenTelemetry equivalent)",
      code: `
import { trace } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/api';
const tracer = trace.getTracer('middleware');
${NEXT_PROXY_HELPER}
export function wrapMiddleware(server: (args: { next?: (...a: unknown[]) => unknown }) => Promise<unknown>) {
  return new Proxy(server, {
    apply: (original, thisArg, argsServer: [{ next?: (...a: unknown[]) => unknown }]) => {
      return tracer.startActiveSpan('middleware', (span: Span) => {
        const middlewareArgs = argsServer[0];
        if (middlewareArgs && typeof middlewareArgs.next === 'function') {
          middlewareArgs.next = getNextProxy(middlewareArgs.next, span);
        }
        return original.apply(thisArg, argsServer);
      });
    },
  });
}`,
      errors: [{ messageId: 'spanEndedOnlyInContinuation', data: { span: 'span', slot: 'next' }, line: 17 }],
    },
    {
      name: 'an inline continuation handed to the caller\'s middleware is the only end',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('mw');
export function wrap(middleware: (req: unknown, res: unknown, next: (err?: unknown) => void) => void) {
  return function (this: unknown, req: unknown, res: unknown, next: (err?: unknown) => void) {
    const span = tracer.startSpan('mw');
    return middleware.call(this, req, res, (err?: unknown) => {
      span.end();
      next(err);
    });
  };
}`,
      errors: [{ messageId: 'spanEndedOnlyInContinuation', data: { span: 'span', slot: 'next' }, line: 6 }],
    },
    {
      name: "the success path leaves the end to a listener on the snapshot it hands to the caller's callback, while every error path ends first (nodejs-spanner getSnapshot)",
      code: `${SNAPSHOT_HEADER}
export class Database {
  _releaseOnEnd(snapshot: Snapshot, span: Span) {
    snapshot.once('end', () => {
      span.end();
    });
  }
  getSnapshot(snapshot: Snapshot, callback: Callback) {
    return tracer.startActiveSpan('Database.getSnapshot', (span) => {
      snapshot.begin((err) => {
        if (err) {
          setSpanError(span, err);
          span.end();
          callback!(err);
          return;
        }
        this._releaseOnEnd(snapshot, span);
        callback!(err, snapshot);
      });
    });
  }
}`,
      errors: [{ messageId: 'spanHeldByResource', data: { span: 'span', resource: 'snapshot', event: 'end', to: "'callback'" }, line: 24, column: 9 }],
    },
    {
      name: 'the same with the listener written in the function, and the resource returned to the caller',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('db');
type Cursor = { on(e: string, f: () => void): Cursor };
declare function open(sql: string): Cursor | undefined;
export function cursor(sql: string) {
  const span = tracer.startSpan('cursor');
  const result = open(sql);
  if (!result) {
    span.end();
    return undefined;
  }
  result.on('close', () => span.end());
  return result;
}`,
      errors: [{ messageId: 'spanHeldByResource', data: { span: 'span', resource: 'result', event: 'close', to: 'the caller' }, line: 13 }],
    },
    {
      name: 'strict: the wrapped function runs before the handlers are attached, inside context.with (contrib dataloader before 708fd617)',
      options: STRICT,
      code: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('dataloader');
export function patch(batchLoadFn: (...args: unknown[]) => Promise<unknown[]>) {
  return function (this: unknown, ...args: unknown[]) {
    const parent = context.active();
    const span = tracer.startSpan('batch', {}, parent);
    return context.with(trace.setSpan(parent, span), () => {
      return batchLoadFn.apply(this, args)
        .then((value) => { span.end(); return value; })
        .catch((err) => { span.recordException(err as Error); span.end(); throw err; });
    });
  };
}`,
      errors: [{ messageId: 'spanNotEndedOnThrow', data: { span: 'span', call: 'batchLoadFn.apply(this, args)' }, line: 7 }],
    },
    {
      name: 'strict: the promise made before the chain is attached (kafkajs transaction before e4d23bef)',
      options: STRICT,
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('kafka');
export function patch(original: (...args: unknown[]) => Promise<unknown>) {
  return function (this: unknown, ...args: unknown[]) {
    const span = tracer.startSpan('transaction');
    const promise = original.apply(this, args);
    promise.then(() => span.setAttribute('ok', true)).catch((err) => { span.recordException(err as Error); span.end(); });
    return promise;
  };
}`,
      errors: [{ messageId: 'spanNotEndedOnThrow', data: { span: 'span', call: 'original.apply(this, args)' }, line: 6 }],
    },
    {
      name: 'strict: a call in the rejection handler before its end() (kafkajs null reason before 4f91a0f3)',
      options: STRICT,
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('kafka');
export function send(promise: Promise<unknown>) {
  const span = tracer.startSpan('send');
  return promise
    .then((result) => { span.end(); return result; })
    .catch((reason) => {
      const hasMessage = typeof reason === 'object' && Object.prototype.hasOwnProperty.call(reason, 'message');
      span.setAttribute('has.message', hasMessage);
      span.end();
      throw reason;
    });
}`,
      errors: [{ messageId: 'spanNotEndedOnThrow', data: { span: 'span', call: 'Object.prototype.hasOwnProperty.call(...' }, line: 5 }],
    },
    {
      name: "strict: safeExecuteInTheMiddle(.., true) catches what its callback throws, so the wrapped call in context.with is the one named (aspecto's sequelize)",
      options: STRICT,
      code: `
import { context, trace } from '@opentelemetry/api';
import { safeExecuteInTheMiddle } from '@opentelemetry/instrumentation';
const tracer = trace.getTracer('sequelize');
declare const hook: (span: unknown) => void;
export function patch(original: (...args: unknown[]) => Promise<unknown>) {
  return function (this: unknown, ...args: unknown[]) {
    const span = tracer.startSpan('query');
    safeExecuteInTheMiddle(() => hook(span), () => {}, true);
    return context
      .with(trace.setSpan(context.active(), span), () => original.apply(this, args))
      .catch((err: Error) => { span.recordException(err); throw err; })
      .finally(() => span.end());
  };
}`,
      errors: [{ messageId: 'spanNotEndedOnThrow', data: { span: 'span', call: 'original.apply(this, args)' }, line: 8 }],
    },
    {
      name: 'strict: a call inside a context.with callback before the end() is a synchronous call that may throw',
      options: STRICT,
      code: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('jobs');
declare function work(): void;
export function run() {
  const span = tracer.startSpan('job');
  context.with(trace.setSpan(context.active(), span), () => work());
  span.end();
}`,
      errors: [{ messageId: 'spanNotEndedOnThrow', data: { span: 'span', call: 'work()' }, line: 6, suggestions: [{ messageId: 'endSpanInFinally', output: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('jobs');
declare function work(): void;
export function run() {
  const span = tracer.startSpan('job');
  try {
    context.with(trace.setSpan(context.active(), span), () => work());
  } finally {
    span.end();
  }
}` }] }],
    },
  ],
});
