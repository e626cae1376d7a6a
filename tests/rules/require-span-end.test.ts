import rule from '../../rules/require-span-end.js';
import { createRuleTester, under } from '../rule-tester.js';

const ruleTester = createRuleTester();
/** Puts the second `span.end()` of a case past source offset 1000 (the first is before it). */
const LONG_NOTE = 'x'.repeat(1000);

ruleTester.run('require-span-end', rule, {
  valid: [
    {
      name: 'a parent started in a test only to make a context, never ended, and a span thrown away in a test (reported only with checkTests)',
      code: `
import { context, trace } from '@opentelemetry/api';
import { describe, it } from 'mocha';
const tracer = trace.getTracer('test');
describe('query', () => {
  it('is a child of the test span', (done) => {
    const span = tracer.startSpan('test span');
    context.with(trace.setSpan(context.active(), span), () => {
      query(done);
    });
  });
  it('starts a span', () => {
    tracer.startSpan('discarded');
  });
  it('awaits before the end', async () => {
    const span = tracer.startSpan('manual');
    await load();
    span.end();
  });
});
declare function query(done: () => void): void;
declare function load(): Promise<void>;`,
    },
    {
      name: "test code includes ava's default export, and the await inside the span's returned callback in a test body",
      code: `
import { context, trace } from '@opentelemetry/api';
import test from 'ava';
import { it } from 'node:test';
const tracer = trace.getTracer('test');
declare function get(url: string): Promise<unknown>;
test.serial('parent with state', async () => {
  const parentSpan = tracer.startSpan('parent');
  await context.with(trace.setSpan(context.active(), parentSpan), () => get('/a'));
});
it('child of the test span', async () => {
  const span = tracer.startSpan('root');
  return context.with(trace.setSpan(context.active(), span), async () => {
    await get('/b');
    span.end();
  });
});`,
    },
    {
      name: 'checkTests (strict): a span ended in a test body is not reported',
      options: [{ checkTests: true }],
      code: `
import { trace } from '@opentelemetry/api';
import { it } from 'mocha';
const tracer = trace.getTracer('test');
it('awaits before the end', async () => {
  const span = tracer.startSpan('manual');
  span.end();
});`,
    },
    {
      name: 'a startActiveSpan callback without a parameter that ends the active span itself',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('cache');
export function warm(load: () => void) {
  tracer.startActiveSpan('first request', () => {
    try {
      load();
    } finally {
      trace.getActiveSpan()?.end();
    }
  });
}`,
    },
    {
      name: 'ended in finally on every path',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('users');
export async function getUser(id: string) {
  const span = tracer.startSpan('users.get');
  try {
    if (!id) return undefined;
    return await load(id);
  } finally {
    span.end();
  }
}`,
    },
    {
      name: "other spans' methods between start and end never throw (span methods do not throw, by the API contract)",
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
export function nested() {
  const span0 = tracer.startSpan('root');
  const span1 = tracer.startSpan('child');
  const span2 = tracer.startSpan('grandchild');
  span2.setAttribute('k', 1);
  span2.end();
  span1.end();
  span0.end();
}`,
    },
    {
      name: 'ended on every branch with nothing that can throw in between',
      code: `
import { trace } from '@opentelemetry/api';
export function f(flag: boolean) {
  const span = trace.getTracer('a').startSpan('a');
  span.setAttribute('flag', flag);
  if (flag) {
    span.end();
    return 1;
  }
  span.end();
  return 2;
}`,
    },
    {
      name: 'a span returned to the caller is handed over',
      code: `
import { trace } from '@opentelemetry/api';
export function startRequestSpan() {
  const span = trace.getTracer('http').startSpan('http.request');
  return span;
}`,
    },
    {
      name: 'a span stored on an object is handed over',
      code: `
import { trace } from '@opentelemetry/api';
export function start(req: { span?: unknown }) {
  const span = trace.getTracer('http').startSpan('http.request');
  req.span = span;
}`,
    },
    {
      name: 'a span ended in a callback is handed over to whoever runs it',
      code: `
import { trace } from '@opentelemetry/api';
export function track(res: { on(e: string, cb: () => void): void }) {
  const span = trace.getTracer('http').startSpan('http.response');
  res.on('finish', () => span.end());
}`,
    },
    {
      name: 'a span passed to a helper is handed over',
      code: `
import { trace } from '@opentelemetry/api';
export function start() {
  const span = trace.getTracer('http').startSpan('http.request');
  finish(span);
}`,
    },
    {
      name: 'making the span active with trace.setSpan is not a hand-over, and it is ended in finally',
      code: `
import { context, trace } from '@opentelemetry/api';
export function run() {
  const span = trace.getTracer('a').startSpan('a');
  try {
    context.with(trace.setSpan(context.active(), span), () => work());
  } finally {
    span.end();
  }
}`,
    },
    {
      name: 'a span bound into a function with context.bind(trace.setSpan(..)) is handed over with it (ended by whoever runs it, through the active span)',
      code: `
import { context, propagation, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('server');
export const wrap = (fn: () => unknown, headers: Record<string, string>) => {
  const ctx = propagation.extract(context.active(), headers);
  return tracer.startActiveSpan('request', {}, ctx, (rootSpan) => context.bind(trace.setSpan(ctx, rootSpan), fn));
};
export function onResponse() {
  trace.getActiveSpan()?.end();
}`,
    },
    {
      name: 'a fixture script a test runs (test/fixtures/*.mjs): an await before span.end() in its script code is test scaffolding',
      filename: 'packages/instrumentation-pg/test/fixtures/use-pg.mjs',
      code: `
import { trace } from '@opentelemetry/api';
import pg from 'pg';
const client = new pg.Client({});
await tracer().startActiveSpan('test-span', async (span) => {
  const res = await client.query('SELECT NOW()');
  span.end();
});
function tracer() { return trace.getTracer('fixture'); }`,
    },
    {
      name: 'a span whose context is used in a function the owner returns is handed over with it (elysia: the returned handler runs the request under it)',
      code: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('server');
export const wrap = (fn: (...args: unknown[]) => unknown) =>
  tracer.startActiveSpan('Root', (rootSpan) => {
    const spanContext = trace.setSpan(context.active(), rootSpan);
    return (...args: unknown[]) => context.with(spanContext, () => fn(...args));
  });
export function wrapInline(fn: () => unknown) {
  const span = tracer.startSpan('inline');
  return () => context.with(trace.setSpan(context.active(), span), fn);
}`,
    },
    {
      name: 'near miss of the own-span rule: a helper whose name says it ends the span (finishSpan) takes over the path it is called on',
      code: `
import { trace } from '@opentelemetry/api';
declare function finishSpan(span: unknown, error?: unknown): void;
declare function run(): Promise<string>;
const tracer = trace.getTracer('cli');
export async function resolve(): Promise<string> {
  const span = tracer.startSpan('resolve');
  try {
    const result = await run();
    span.end();
    return result;
  } catch (error) {
    finishSpan(span, error);
    throw error;
  }
}`,
    },
    {
      name: 'near miss of the own-span rule: the work the span is handed to (fn(span), which ends it when endWhenDone is off) takes it over, though the catch records on it and ends it (vercel/ai recordSpan)',
      code: `
import { trace, type Span } from '@opentelemetry/api';
declare function recordErrorOnSpan(span: Span, error: unknown): void;
const tracer = trace.getTracer('ai');
export function recordSpan<T>(name: string, fn: (span: Span) => Promise<T>, endWhenDone = true): Promise<T> {
  return tracer.startActiveSpan(name, async (span) => {
    try {
      const result = await fn(span);
      if (endWhenDone) span.end();
      return result;
    } catch (error) {
      recordErrorOnSpan(span, error);
      span.end();
      throw error;
    }
  });
}`,
    },
    {
      name: 'near miss of the own-span rule: a span handed to a timer callback as its extra argument is handed over, though the function ends it on another path',
      code: `
import { trace, type Span } from '@opentelemetry/api';
const tracer = trace.getTracer('jobs');
declare function flush(span: Span): void;
export function schedule(urgent: boolean) {
  const span = tracer.startSpan('job');
  if (urgent) {
    span.end();
    return;
  }
  setTimeout(flush, 10, span);
}`,
    },
    {
      name: 'async startActiveSpan callback ending the span in finally',
      code: `
import { trace } from '@opentelemetry/api';
trace.getTracer('orders').startActiveSpan('orders.pay', async (span) => {
  try {
    await charge();
  } finally {
    span.end();
  }
});`,
    },
    {
      name: 'ended in catch and after the try: every path ends it',
      code: `
import { trace } from '@opentelemetry/api';
export function f() {
  const span = trace.getTracer('a').startSpan('a');
  try {
    work();
  } catch (error) {
    span.recordException(error as Error);
    span.end();
    throw error;
  }
  span.end();
}`,
    },
    {
      name: 'startActiveSpan callback that hands the span to a helper',
      code: `
import { trace } from '@opentelemetry/api';
trace.getTracer('a').startActiveSpan('a', (span) => handle(span));`,
    },
    {
      name: 'a span started and ended in one expression',
      code: `
import { trace } from '@opentelemetry/api';
trace.getTracer('a').startSpan('a').end();`,
    },

    {
      name: "OpenTelemetry's documented shape: a synchronous call before span.end() is reported only with checkSyncCalls",
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('docs');
export function handle() {
  tracer.startActiveSpan('work', (span) => {
    doWork();
    span.end();
  });
}`,
    },
    {
      name: 'a synchronous call before span.end() in a startSpan region: not reported by default',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('pricing');
export function price(order: { total: number }) {
  const span = tracer.startSpan('pricing.compute');
  const result = compute(order);
  logger.info('computed');
  span.end();
  return result;
}`,
    },
    {
      name: 'a span per attempt in a retry loop, ended on the return, on each rethrow and before the next attempt: an exception inside the catch is no return (ESLint 10 adds a catch-to-finally edge)',
      code: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('retry');
export async function retry<T>(fn: (attempt: number) => Promise<T>, max: number): Promise<T> {
  let attempt = 1;
  while (attempt <= max) {
    const span = tracer.startSpan('attempt');
    try {
      const result = await context.with(trace.setSpan(context.active(), span), () => fn(attempt));
      span.end();
      return result;
    } catch (error) {
      span.recordException(String(error));
      if (error instanceof Error && error.name === 'AbortError') {
        span.end();
        throw error;
      }
      const delay = backoff(attempt);
      if (!delay) {
        span.end();
        throw error;
      }
      span.end();
      await sleep(delay);
    } finally {
      attempt++;
    }
  }
  throw new Error('no attempts left');
}`,
    },
    {
      name: 'a synchronous call in a try whose finally does not end the span is strict only (checkSyncCalls): the code path jump to the finally is no explicit throw',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('jobs');
export function run(job: () => void, cleanup: () => void) {
  const span = tracer.startSpan('jobs.run');
  try {
    job();
  } finally {
    cleanup();
  }
  span.end();
}`,
    },
    {
      name: 'checkSyncCalls: a promise that is not awaited cannot skip the end() after it (async function, .then chain, new Promise)',
      options: [{ checkSyncCalls: true }],
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('audit');
async function audit(event: string): Promise<void> {
  await fetch('https://audit.example/' + event);
}
export function record() {
  tracer.startActiveSpan('record', (span) => {
    audit('a');
    audit('b').then(() => undefined, () => undefined);
    new Promise<void>((resolve) => resolve());
    Promise.resolve(1);
    span.end();
  });
}`,
    },
    {
      name: 'an await that cannot reject (a timer sleep) does not skip the end()',
      code: `
import { trace } from '@opentelemetry/api';
import { setTimeout as sleep } from 'node:timers/promises';
const tracer = trace.getTracer('poll');
export async function poll() {
  const span = tracer.startSpan('poll');
  await new Promise((resolve) => setTimeout(resolve, 10));
  await sleep(10);
  span.end();
}`,
    },
    {
      name: "a vendor tracer's own startSpan with an object first argument is not an OpenTelemetry span start",
      code: `
import { trace } from '@opentelemetry/api';
class TracingPlugin {
  startSpan(options: { resource: string }, ctx: object) { return { options, ctx }; }
}
export class ConsumerPlugin extends TracingPlugin {
  bindStart(ctx: { resource: string; currentStore?: unknown }) {
    this.startSpan({ resource: ctx.resource }, ctx);
    return ctx.currentStore ?? trace.getActiveSpan();
  }
}`,
    },
    {
      name: "a vendor integration's startSpan(oaiSpan, kind) takes a span object (a variable named as a span) first: not an OpenTelemetry span start",
      code: `
import { trace } from '@opentelemetry/api';
declare const integration: { startSpan(span: object, kind: string): void };
export function onResponse(oaiSpan: object, ctx: { currentSpan: object }) {
  integration.startSpan(oaiSpan, 'client');
  integration.startSpan(ctx.currentSpan, 'client');
  return trace.getActiveSpan();
}`,
    },
    {
      name: "Sentry.startSpan({ name }, callback) ends its own span: not an OpenTelemetry span start",
      code: `
import * as Sentry from '@sentry/node';
export function checkout() {
  Sentry.startSpan({ name: 'checkout', op: 'function' }, () => {
    computeTotals();
  });
  const span = Sentry.startSpan({ name: 'inline' }, (s) => s);
  return span;
}`,
    },
    {
      name: "Elastic APM's startSpan: no name, a type string second, or OpenTracing/Elastic options: not OpenTelemetry's",
      code: `
declare const apm: { startSpan(...args: unknown[]): { end(): void } | null };
export function f() {
  apm.startSpan();
  apm.startSpan('foo', 'db', 'mysql', 'query');
  apm.startSpan('foo', \`db\`);
  apm.startSpan('foo', { childOf: 'parent-id' });
  apm.startSpan('foo', 'type', { exitSpan: true });
}`,
    },
    {
      name: 'a receiver the file also uses for members a Tracer does not have (startTransaction, currentSpan) is a vendor agent',
      code: `
const apm = require('elastic-apm-node');
const agent = require('../..');
export function f() {
  const trans = apm.startTransaction('t0');
  apm.startSpan('s1');
  const ins = agent._instrumentation;
  const t0 = ins.startSpan('t0');
  if (ins.currentSpan === t0) trans.end();
}`,
    },
    {
      name: 'any object first argument: OpenTelemetry startSpan takes a name first',
      code: `
import { trace } from '@opentelemetry/api';
export function f(tracer: { startSpan(o: object): void }) {
  tracer.startSpan({ name: 'x' });
  trace.getActiveSpan();
}`,
    },

    {
      name: 'a span ended in an async callback with no await before the end is handed over (a .then fulfilment handler is not: see invalid)',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
export function f(load: () => Promise<void>, on: (cb: () => Promise<void>) => void) {
  const other = tracer.startSpan('listener');
  on(async () => {
    other.end();
    await load();
  });
}`,
    },
    {
      name: 'ended in a fulfilment handler, and on rejection too: a two-handler then, a finally, a catch on the same promise, a helper handed the span, a then after a catch',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('db');
declare function endSpan(span: unknown, error?: unknown): void;
export function both(run: () => Promise<unknown>) {
  const span = tracer.startSpan('a');
  return run().then((r) => { span.end(); return r; }, (e) => { span.end(); throw e; });
}
export function settled(run: () => Promise<unknown>) {
  const span = tracer.startSpan('b');
  return run().finally(() => span.end());
}
export function split(run: () => Promise<unknown>) {
  const span = tracer.startSpan('c');
  const p = run();
  p.then(() => span.end());
  p.catch(() => span.end());
  return p;
}
export function helper(run: () => Promise<unknown>) {
  const span = tracer.startSpan('d');
  return run().then(() => span.end()).catch((e) => endSpan(span, e));
}
export function recovered(run: () => Promise<unknown>) {
  const span = tracer.startSpan('e');
  return run().catch(() => undefined).then(() => span.end());
}`,
    },
  ],
  invalid: [
    {
      name: 'ended only in a fulfilment handler: a rejection of the wrapped call leaves the span open (recommended, like an await without finally)',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('db');
export function patch(original: (...args: unknown[]) => Promise<unknown>) {
  return function (this: unknown, ...args: unknown[]) {
    const span = tracer.startSpan('db.query');
    return original.apply(this, args).then((result) => {
      span.end();
      return result;
    });
  };
}`,
      errors: [{ messageId: 'spanNotEndedOnException', data: { span: 'span', call: 'original.apply(this, args)', how: 'rejects' }, line: 6, column: 18 }],
    },
    {
      name: 'ended only in the fulfilment handler of a promise nobody awaits: a rejection leaves it open (it was a hand-over before session 11)',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
export function f(load: () => Promise<void>) {
  const span = tracer.startSpan('then');
  load().then(() => span.end());
}`,
      errors: [{ messageId: 'spanNotEndedOnException', data: { span: 'span', call: 'load()', how: 'rejects' }, line: 5, column: 16 }],
    },
    {
      name: 'a span passed to a recording helper by a function that ends it itself is still its own: ended only in the catch, a return leaves it open (trigger.dev cli)',
      code: `
import { trace } from '@opentelemetry/api';
declare function recordSpanException(span: unknown, error: unknown): void;
declare function run(): Promise<string>;
const tracer = trace.getTracer('cli');
export function resolve(): Promise<string> {
  return tracer.startActiveSpan('resolve', async (span) => {
    try {
      return await run();
    } catch (error) {
      recordSpanException(span, error);
      span.end();
      throw error;
    }
  });
}`,
      output: null,
      errors: [{ messageId: 'spanNotEndedOnEveryPath', line: 7, suggestions: [{ messageId: 'endSpanInFinally', output: `
import { trace } from '@opentelemetry/api';
declare function recordSpanException(span: unknown, error: unknown): void;
declare function run(): Promise<string>;
const tracer = trace.getTracer('cli');
export function resolve(): Promise<string> {
  return tracer.startActiveSpan('resolve', async (span) => {
    try {
      try {
        return await run();
      } catch (error) {
        recordSpanException(span, error);
        throw error;
      }
    } finally {
      span.end();
    }
  });
}` }] }],
    },
    {
      name: 'near miss of the returned-function hand-over: the span context used in a callback that is not returned',
      code: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('server');
export function runAll(jobs: Array<() => void>) {
  const span = tracer.startSpan('batch');
  const spanContext = trace.setSpan(context.active(), span);
  jobs.forEach((job) => context.with(spanContext, job));
}`,
      output: null,
      errors: [{ messageId: 'spanNeverEnded', data: { span: 'span' }, line: 5, suggestions: [{ messageId: 'endSpanInFinally', output: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('server');
export function runAll(jobs: Array<() => void>) {
  const span = tracer.startSpan('batch');
  try {
    const spanContext = trace.setSpan(context.active(), span);
    jobs.forEach((job) => context.with(spanContext, job));
  } finally {
    span.end();
  }
}` }] }],
    },
    {
      name: 'near miss of the test-script exemption: a helper declared in a fixture script, the same script outside a test directory, and checkTests',
      filename: 'packages/instrumentation-pg/test/fixtures/use-pg.mjs',
      code: `
import { trace } from '@opentelemetry/api';
export async function query(client: { query(sql: string): Promise<unknown> }) {
  const span = trace.getTracer('fixture').startSpan('query');
  await client.query('SELECT 1');
  span.end();
}`,
      output: null,
      errors: [{ messageId: 'spanNotEndedOnException', line: 4, suggestions: [{ messageId: 'endSpanInFinally', output: `
import { trace } from '@opentelemetry/api';
export async function query(client: { query(sql: string): Promise<unknown> }) {
  const span = trace.getTracer('fixture').startSpan('query');
  try {
    await client.query('SELECT 1');
  } finally {
    span.end();
  }
}` }] }],
    },
    {
      name: 'near miss of the test-script exemption: script code outside a test directory is reported',
      filename: 'scripts/use-pg.mjs',
      code: `
import { trace } from '@opentelemetry/api';
declare const client: { query(sql: string): Promise<unknown> };
await trace.getTracer('script').startActiveSpan('job', async (span) => {
  await client.query('SELECT 1');
  span.end();
});`,
      output: null,
      errors: [{ messageId: 'spanNotEndedOnException', line: 4, suggestions: [{ messageId: 'endSpanInFinally', output: `
import { trace } from '@opentelemetry/api';
declare const client: { query(sql: string): Promise<unknown> };
await trace.getTracer('script').startActiveSpan('job', async (span) => {
  try {
    await client.query('SELECT 1');
  } finally {
    span.end();
  }
});` }] }],
    },
    {
      name: 'the test-script exemption is off with checkTests',
      filename: 'packages/instrumentation-pg/test/fixtures/use-pg.mjs',
      options: [{ checkTests: true }],
      code: `
import { trace } from '@opentelemetry/api';
declare const client: { query(sql: string): Promise<unknown> };
await trace.getTracer('script').startActiveSpan('job', async (span) => {
  await client.query('SELECT 1');
  span.end();
});`,
      output: null,
      errors: [{ messageId: 'spanNotEndedOnException', line: 4, suggestions: [{ messageId: 'endSpanInFinally', output: `
import { trace } from '@opentelemetry/api';
declare const client: { query(sql: string): Promise<unknown> };
await trace.getTracer('script').startActiveSpan('job', async (span) => {
  try {
    await client.query('SELECT 1');
  } finally {
    span.end();
  }
});` }] }],
    },
    {
      name: 'near miss of the context.bind hand-over: a span made active with context.with for work done now is still this function\'s to end',
      code: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('server');
export function handle(fn: () => unknown) {
  const span = tracer.startSpan('request');
  return context.with(trace.setSpan(context.active(), span), fn);
}`,
      output: null,
      errors: [{ messageId: 'spanNeverEnded', data: { span: 'span' }, line: 5, suggestions: [{ messageId: 'endSpanInFinally', output: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('server');
export function handle(fn: () => unknown) {
  const span = tracer.startSpan('request');
  try {
    return context.with(trace.setSpan(context.active(), span), fn);
  } finally {
    span.end();
  }
}` }] }],
    },
    {
      name: "near miss of the vendor signals: SpanOptions keys, a context third argument, and a tracer used only for startSpan/startActiveSpan are OpenTelemetry's",
      code: `
import { context, SpanKind, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
export function f() {
  tracer.startSpan('options', { kind: SpanKind.CLIENT, attributes: { a: 1 }, links: [], startTime: 0, root: false }, context.active());
  tracer.startActiveSpan('active', (span) => span.end());
}`,
      errors: [{ messageId: 'spanDiscarded' }],
    },
    {
      name: 'near miss: a tracer imported from ./tracer.js (the module specifier is no member use) is still OpenTelemetry\'s',
      code: `
import { tracer } from './tracer.js';
export function f() {
  tracer.startSpan('discarded');
}`,
      errors: [{ messageId: 'spanDiscarded' }],
    },
    {
      name: 'near miss: a Tracer of the API before 1.0 (getCurrentSpan, withSpan, a parent option) is still OpenTelemetry\'s',
      code: `
declare const tracer: { startSpan(n: string, o?: object): { end(): void }; withSpan<T>(s: unknown, f: () => T): T; getCurrentSpan(): unknown };
export function f() {
  if (tracer.getCurrentSpan() === undefined) return;
  tracer.withSpan(undefined, () => 1);
  tracer.startSpan('discarded', { parent: tracer.getCurrentSpan() });
}`,
      errors: [{ messageId: 'spanDiscarded' }],
    },
    {
      name: 'no finally suggestion when the statements after the start hold a declaration a block would break (a declare, an export, a function)',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('boot');
const span = tracer.startSpan('boot');
await warm();
span.end();
declare function warm(): Promise<void>;`,
      output: null,
      errors: [{ messageId: 'spanNotEndedOnException', data: { span: 'span', call: 'await warm()', how: 'rejects' }, line: 4, suggestions: [] }],
    },
    {
      name: 'an end() that is the body of an if without braces: no finally suggestion (cutting it out would make the if guard the return)',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('users');
declare function load(id: string): Promise<{ id: string } | undefined>;
export async function find(id: string) {
  const span = tracer.startSpan('find');
  const user = await load(id);
  if (user) span.end();
  return user;
}`,
      output: null,
      errors: [{ messageId: 'spanNotEndedOnEveryPath', data: { span: 'span', exit: 'a return' }, line: 6, suggestions: [] }],
    },
    {
      name: 'a startActiveSpan callback without a span parameter can never end its span',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('cache');
export function warm(load: () => void) {
  tracer.startActiveSpan('first request', () => {
    load();
  });
}`,
      output: null,
      errors: [{ messageId: 'activeSpanUnreachable', line: 5, column: 3, endLine: 5, endColumn: 25 }],
    },
    {
      name: 'early return leaves a startSpan span open',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('users');
export async function getUser(id: string) {
  const span = tracer.startSpan('users.get');
  if (!id) {
    return undefined;
  }
  const user = await load(id);
  span.end();
  return user;
}`,
      output: null,
      errors: [
        { messageId: 'spanNotEndedOnEveryPath', data: { span: 'span', exit: 'a return' }, line: 5, column: 16, endLine: 5, endColumn: 32, suggestions: [{ messageId: 'endSpanInFinally', output: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('users');
export async function getUser(id: string) {
  const span = tracer.startSpan('users.get');
  try {
    if (!id) {
      return undefined;
    }
    const user = await load(id);
    return user;
  } finally {
    span.end();
  }
}` }] },
      ],
    },
    {
      name: 'strict: the synchronous call in a try whose finally does not end the span',
      options: [{ checkSyncCalls: true }],
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('jobs');
export function run(job: () => void, cleanup: () => void) {
  const span = tracer.startSpan('jobs.run');
  try {
    job();
  } finally {
    cleanup();
  }
  span.end();
}`,
      output: null,
      // the first call the finally does not protect (code paths give no order between the two)
      errors: [{ messageId: 'spanNotEndedOnThrow', data: { span: 'span', call: 'cleanup()' }, line: 5, suggestions: [{ messageId: 'endSpanInFinally', output: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('jobs');
export function run(job: () => void, cleanup: () => void) {
  const span = tracer.startSpan('jobs.run');
  try {
    try {
      job();
    } finally {
      cleanup();
    }
  } finally {
    span.end();
  }
}` }] }],
    },
    {
      name: 'a return in a retry loop that never ends the span, and an explicit throw through a finally that does not end it',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('retry');
export async function retry<T>(fn: () => Promise<T>, max: number): Promise<T> {
  let attempt = 1;
  while (attempt <= max) {
    const span = tracer.startSpan('attempt');
    try {
      return await fn();
    } catch (error) {
      span.end();
    } finally {
      attempt++;
    }
  }
  throw new Error('no attempts left');
}
export function check(token: string, audit: () => void) {
  const span = tracer.startSpan('check');
  try {
    if (!token) throw new Error('no token');
  } finally {
    audit();
  }
  span.end();
}`,
      output: null,
      errors: [
        { messageId: 'spanNotEndedOnEveryPath', data: { span: 'span', exit: 'a return' }, line: 7, suggestions: [] },
        { messageId: 'spanNotEndedOnEveryPath', data: { span: 'span', exit: 'a throw' }, line: 19, suggestions: [{ messageId: 'endSpanInFinally', output: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('retry');
export async function retry<T>(fn: () => Promise<T>, max: number): Promise<T> {
  let attempt = 1;
  while (attempt <= max) {
    const span = tracer.startSpan('attempt');
    try {
      return await fn();
    } catch (error) {
      span.end();
    } finally {
      attempt++;
    }
  }
  throw new Error('no attempts left');
}
export function check(token: string, audit: () => void) {
  const span = tracer.startSpan('check');
  try {
    try {
      if (!token) throw new Error('no token');
    } finally {
      audit();
    }
  } finally {
    span.end();
  }
}` }] },
      ],
    },
    {
      name: 'checkSyncCalls (strict): a synchronous call between start and end may throw (exceptional path)',
      options: [{ checkSyncCalls: true }],
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('pricing');
export function price(order: { total: number }) {
  const span = tracer.startSpan('pricing.compute');
  span.setAttribute('total', order.total);
  const result = compute(order);
  span.end();
  return result;
}`,
      output: null,
      errors: [
        { messageId: 'spanNotEndedOnThrow', data: { span: 'span', call: 'compute(order)' }, line: 5, column: 16, endLine: 5, endColumn: 32, suggestions: [{ messageId: 'endSpanInFinally', output: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('pricing');
export function price(order: { total: number }) {
  const span = tracer.startSpan('pricing.compute');
  try {
    span.setAttribute('total', order.total);
    const result = compute(order);
    return result;
  } finally {
    span.end();
  }
}` }] },
      ],
    },
    {
      name: 'a yield before span.end() with no finally: the consumer may stop the generator there',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('rows');
export function* rows(ids: string[]) {
  const span = tracer.startSpan('rows.read');
  for (const id of ids) yield id;
  span.end();
}`,
      output: null,
      errors: [
        { messageId: 'spanNotEndedOnException', data: { span: 'span', call: 'yield id', how: 'is where the consumer stops' }, line: 5, column: 16, endLine: 5, endColumn: 32, suggestions: [{ messageId: 'endSpanInFinally', output: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('rows');
export function* rows(ids: string[]) {
  const span = tracer.startSpan('rows.read');
  try {
    for (const id of ids) yield id;
  } finally {
    span.end();
  }
}` }] },
      ],
    },
    {
      name: 'an await is reported in recommended even when a synchronous call comes first (one finding, naming the await)',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('orders');
export async function place(order: string) {
  const span = tracer.startSpan('orders.place');
  validate(order);
  await save(order);
  span.end();
}`,
      output: null,
      errors: [
        { messageId: 'spanNotEndedOnException', data: { span: 'span', call: 'await save(order)', how: 'rejects' }, line: 5, column: 16, endLine: 5, endColumn: 32, suggestions: [{ messageId: 'endSpanInFinally', output: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('orders');
export async function place(order: string) {
  const span = tracer.startSpan('orders.place');
  try {
    validate(order);
    await save(order);
  } finally {
    span.end();
  }
}` }] },
      ],
    },
    {
      name: 'one statement, one finding: an await that leaves two nested spans open is reported once, on the outer span',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('sync');
export async function sync() {
  const outer = tracer.startSpan('sync');
  const inner = tracer.startSpan('sync.fetch');
  await fetchAll();
  inner.end();
  outer.end();
}`,
      output: null,
      errors: [
        { messageId: 'spanNotEndedOnException', data: { span: 'outer', call: 'await fetchAll()', how: 'rejects' }, line: 5, column: 17, endLine: 5, endColumn: 33, suggestions: [{ messageId: 'endSpanInFinally', output: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('sync');
export async function sync() {
  const outer = tracer.startSpan('sync');
  try {
    const inner = tracer.startSpan('sync.fetch');
    await fetchAll();
    inner.end();
  } finally {
    outer.end();
  }
}` }] },
      ],
    },
    {
      name: 'checkTests (strict): never-ended and thrown-away spans in tests; without it a helper outside any test and a local function named it still count',
      code: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('test');
function startParent() {
  const parent = tracer.startSpan('helper');
  return trace.setSpan(context.active(), parent);
}
function it(name: string, body: () => void) { body(); }
it('x', () => { tracer.startSpan('local it'); });
test('y', () => {
  const span = tracer.startSpan('test span');
  context.with(trace.setSpan(context.active(), span), () => undefined);
});`,
      options: [{ checkTests: true }],
      output: null,
      errors: [
        { messageId: 'spanNeverEnded', data: { span: 'parent' }, line: 5, suggestions: [{ messageId: 'endSpanInFinally', output: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('test');
function startParent() {
  const parent = tracer.startSpan('helper');
  try {
    return trace.setSpan(context.active(), parent);
  } finally {
    parent.end();
  }
}
function it(name: string, body: () => void) { body(); }
it('x', () => { tracer.startSpan('local it'); });
test('y', () => {
  const span = tracer.startSpan('test span');
  context.with(trace.setSpan(context.active(), span), () => undefined);
});` }] },
        { messageId: 'spanDiscarded', line: 9 },
        { messageId: 'spanNeverEnded', data: { span: 'span' }, line: 11, suggestions: [{ messageId: 'endSpanInFinally', output: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('test');
function startParent() {
  const parent = tracer.startSpan('helper');
  return trace.setSpan(context.active(), parent);
}
function it(name: string, body: () => void) { body(); }
it('x', () => { tracer.startSpan('local it'); });
test('y', () => {
  const span = tracer.startSpan('test span');
  try {
    context.with(trace.setSpan(context.active(), span), () => undefined);
  } finally {
    span.end();
  }
});` }] },
      ],
    },
    {
      name: 'checkTests (strict): an await that may skip the end in a test body is reported',
      options: [{ checkTests: true }],
      code: `
import { trace } from '@opentelemetry/api';
import { it } from 'mocha';
const tracer = trace.getTracer('test');
declare function load(): Promise<void>;
it('awaits before the end', async () => {
  const span = tracer.startSpan('manual');
  await load();
  span.end();
});`,
      output: null,
      errors: [{ messageId: 'spanNotEndedOnException', data: { span: 'span', call: 'await load()', how: 'rejects' }, line: 7, suggestions: [{ messageId: 'endSpanInFinally', output: `
import { trace } from '@opentelemetry/api';
import { it } from 'mocha';
const tracer = trace.getTracer('test');
declare function load(): Promise<void>;
it('awaits before the end', async () => {
  const span = tracer.startSpan('manual');
  try {
    await load();
  } finally {
    span.end();
  }
});` }] }],
    },
    {
      name: 'without checkTests: the helper outside a test and the call of a local function named it are reported, the test body is not',
      code: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('test');
function startParent() {
  const parent = tracer.startSpan('helper');
  return trace.setSpan(context.active(), parent);
}
function it(name: string, body: () => void) { body(); }
it('x', () => { tracer.startSpan('local it'); });
test('y', () => {
  const span = tracer.startSpan('test span');
  context.with(trace.setSpan(context.active(), span), () => undefined);
});`,
      output: null,
      errors: [
        { messageId: 'spanNeverEnded', data: { span: 'parent' }, line: 5, suggestions: [{ messageId: 'endSpanInFinally', output: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('test');
function startParent() {
  const parent = tracer.startSpan('helper');
  try {
    return trace.setSpan(context.active(), parent);
  } finally {
    parent.end();
  }
}
function it(name: string, body: () => void) { body(); }
it('x', () => { tracer.startSpan('local it'); });
test('y', () => {
  const span = tracer.startSpan('test span');
  context.with(trace.setSpan(context.active(), span), () => undefined);
});` }] },
        { messageId: 'spanDiscarded', line: 9 },
      ],
    },
    {
      name: 'near misses of the span-object name: a constant HTTP_SPAN, a spanName and a bare span variable are names, so these are span starts',
      code: `
import { trace } from '@opentelemetry/api';
const HTTP_SPAN = 'http.request';
export function boot(tracer: ReturnType<typeof trace.getTracer>, spanName: string, span: string) {
  tracer.startSpan(HTTP_SPAN);
  tracer.startSpan(spanName);
  tracer.startSpan(span);
}`,
      output: null,
      errors: [
        { messageId: 'spanDiscarded', line: 5 },
        { messageId: 'spanDiscarded', line: 6 },
        { messageId: 'spanDiscarded', line: 7 },
      ],
    },
    {
      name: 'a name-first startSpan on a vendor-looking receiver is still a span start (near miss of the vendor shape)',
      code: `
import { trace } from '@opentelemetry/api';
export function boot(tracer: ReturnType<typeof trace.getTracer>, name: string) {
  tracer.startSpan(name, { attributes: { a: 1 } });
}`,
      output: null,
      errors: [{ messageId: 'spanDiscarded', data: {}, line: 4, column: 3, endLine: 4, endColumn: 19 }],
    },
    {
      name: 'a span ended inside its async callback after an unprotected await (a middleware wrapper): the callback is its scope',
      code: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('koa');
export function patch(layer: (c: unknown, n: unknown) => Promise<unknown>) {
  return async (ctx: unknown, next: unknown) => {
    const span = tracer.startSpan('middleware');
    return context.with(trace.setSpan(context.active(), span), async () => {
      const result = await layer(ctx, next);
      span.end();
      return result;
    });
  };
}`,
      output: null,
      errors: [
        { messageId: 'spanNotEndedOnException', data: { span: 'span', call: 'await layer(ctx, next)', how: 'rejects' }, line: 8, column: 22, endLine: 8, endColumn: 44, suggestions: [{ messageId: 'endSpanInFinally', output: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('koa');
export function patch(layer: (c: unknown, n: unknown) => Promise<unknown>) {
  return async (ctx: unknown, next: unknown) => {
    const span = tracer.startSpan('middleware');
    return context.with(trace.setSpan(context.active(), span), async () => {
      try {
        const result = await layer(ctx, next);
        return result;
      } finally {
        span.end();
      }
    });
  };
}` }] },
      ],
    },
    {
      name: 'async startActiveSpan callback ends the span only after a successful await',
      code: `
import { trace } from '@opentelemetry/api';
trace.getTracer('orders').startActiveSpan('orders.pay', async (span) => {
  await charge();
  span.end();
});`,
      output: null,
      errors: [
        { messageId: 'spanNotEndedOnException', data: { span: 'span', call: 'await charge()', how: 'rejects' }, line: 3, column: 1, endLine: 3, endColumn: 42, suggestions: [{ messageId: 'endSpanInFinally', output: `
import { trace } from '@opentelemetry/api';
trace.getTracer('orders').startActiveSpan('orders.pay', async (span) => {
  try {
    await charge();
  } finally {
    span.end();
  }
});` }] },
      ],
    },
    {
      name: 'startActiveSpan callback never ends its span',
      code: `
import { trace } from '@opentelemetry/api';
trace.getTracer('jobs').startActiveSpan('jobs.run', (span) => {
  work();
});`,
      output: null,
      errors: [
        { messageId: 'spanNeverEnded', data: { span: 'span' }, line: 3, column: 1, endLine: 3, endColumn: 40, suggestions: [{ messageId: 'endSpanInFinally', output: `
import { trace } from '@opentelemetry/api';
trace.getTracer('jobs').startActiveSpan('jobs.run', (span) => {
  try {
    work();
  } finally {
    span.end();
  }
});` }] },
      ],
    },
    {
      name: 'a throw statement leaves the span open',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('auth');
export function check(token: string) {
  const span = tracer.startSpan('auth.check');
  if (!token) throw new Error('no token');
  span.end();
}`,
      output: null,
      errors: [
        { messageId: 'spanNotEndedOnEveryPath', data: { span: 'span', exit: 'a throw' }, line: 5, column: 16, endLine: 5, endColumn: 32, suggestions: [{ messageId: 'endSpanInFinally', output: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('auth');
export function check(token: string) {
  const span = tracer.startSpan('auth.check');
  try {
    if (!token) throw new Error('no token');
  } finally {
    span.end();
  }
}` }] },
      ],
    },
    {
      name: 'a discarded span can never be ended',
      code: `
import { trace } from '@opentelemetry/api';
trace.getTracer('boot').startSpan('boot.start');`,
      output: null,
      errors: [
        { messageId: 'spanDiscarded', data: {}, line: 3, column: 1, endLine: 3, endColumn: 34 },
      ],
    },
    {
      name: 'every manager: same finding under stack',
      settings: under('stack'),
      code: `
import { trace } from '@opentelemetry/api';
export function f() {
  const span = trace.getTracer('a').startSpan('a');
  if (Math.random() > 0.5) return;
  span.end();
}`,
      output: null,
      errors: [
        { messageId: 'spanNotEndedOnEveryPath', data: { span: 'span', exit: 'a return' }, line: 4, column: 16, endLine: 4, endColumn: 46, suggestions: [{ messageId: 'endSpanInFinally', output: `
import { trace } from '@opentelemetry/api';
export function f() {
  const span = trace.getTracer('a').startSpan('a');
  try {
    if (Math.random() > 0.5) return;
  } finally {
    span.end();
  }
}` }] },
      ],
    },

  ],
});

// The shape of the finally suggestion (mutation testing, mutation/RESULTS.md): which end() statements it
// removes, blank lines, and when it is not offered.
ruleTester.run('require-span-end (finally suggestion shapes)', rule, {
  valid: [],
  invalid: [
    {
      name: 'the finally suggestion removes every span.end() statement of the body with its line, and keeps blank lines empty',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('users');
export async function getUser(id: string) {
  const span = tracer.startSpan('users.get');
  if (!id) {
    span.end();
    return undefined;
  }

  const user = await load(id);
  span.end();
  return user;
}`,
      output: null,
      errors: [
        {
          messageId: 'spanNotEndedOnException',
          data: { span: 'span', call: 'await load(id)', how: 'rejects' },
          line: 5, column: 16, endLine: 5, endColumn: 32,
          suggestions: [
            { messageId: 'endSpanInFinally', output: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('users');
export async function getUser(id: string) {
  const span = tracer.startSpan('users.get');
  try {
    if (!id) {
      return undefined;
    }

    const user = await load(id);
    return user;
  } finally {
    span.end();
  }
}` },
          ],
        },
      ],
    },
    {
      name: 'a try/finally that is not the only statement after the start is wrapped too',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('users');
export async function getUser(id: string) {
  const span = tracer.startSpan('users.get');
  try {
    await load(id);
  } finally {
    log(id);
  }
  span.end();
}`,
      output: null,
      errors: [
        {
          messageId: 'spanNotEndedOnException',
          data: { span: 'span', call: 'await load(id)', how: 'rejects' },
          line: 5, column: 16, endLine: 5, endColumn: 32,
          suggestions: [
            { messageId: 'endSpanInFinally', output: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('users');
export async function getUser(id: string) {
  const span = tracer.startSpan('users.get');
  try {
    try {
      await load(id);
    } finally {
      log(id);
    }
  } finally {
    span.end();
  }
}` },
          ],
        },
      ],
    },
    {
      name: 'no finally suggestion when nothing follows the start, or when the only statement after it is a try with a finally; a try without finally is wrapped',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('users');
export function start() {
  const span = tracer.startSpan('users.start');
}
export async function tryOnly(id: string) {
  const span = tracer.startSpan('users.try');
  try {
    await load(id);
    span.end();
  } finally {
    log(id);
  }
}
export async function tryCatch(id: string) {
  const span = tracer.startSpan('users.catch');
  try {
    await load(id);
    span.end();
  } catch (error) {
    log(error);
  }
}`,
      output: null,
      errors: [
        {
          messageId: 'spanNeverEnded',
          data: { span: 'span' },
          line: 5, column: 16, endLine: 5, endColumn: 32,
          suggestions: [],
        },
        {
          messageId: 'spanNotEndedOnException',
          data: { span: 'span', call: 'await load(id)', how: 'rejects' },
          line: 8, column: 16, endLine: 8, endColumn: 32,
          suggestions: [],
        },
        {
          messageId: 'spanNotEndedOnEveryPath',
          data: { span: 'span', exit: 'a return' },
          line: 17, column: 16, endLine: 17, endColumn: 32,
          suggestions: [
            { messageId: 'endSpanInFinally', output: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('users');
export function start() {
  const span = tracer.startSpan('users.start');
}
export async function tryOnly(id: string) {
  const span = tracer.startSpan('users.try');
  try {
    await load(id);
    span.end();
  } finally {
    log(id);
  }
}
export async function tryCatch(id: string) {
  const span = tracer.startSpan('users.catch');
  try {
    try {
      await load(id);
    } catch (error) {
      log(error);
    }
  } finally {
    span.end();
  }
}` },
          ],
        },
      ],
    },
    {
      name: 'a span.end() on the same line as the statement before it is removed alone; one inside an expression (return span.end(), x) stays, the finally ends the span too',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('users');
export async function getUser(id: string) {
  const span = tracer.startSpan('users.get');
  const user = await load(id); span.end();
  return user;
}
export async function getName(id: string) {
  const span = tracer.startSpan('users.name');
  const user = await load(id);
  return span.end(), user.name;
}`,
      output: null,
      errors: [
        {
          messageId: 'spanNotEndedOnException',
          data: { span: 'span', call: 'await load(id)', how: 'rejects' },
          line: 5, column: 16, endLine: 5, endColumn: 32,
          suggestions: [
            { messageId: 'endSpanInFinally', output: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('users');
export async function getUser(id: string) {
  const span = tracer.startSpan('users.get');
  try {
    const user = await load(id);
    return user;
  } finally {
    span.end();
  }
}
export async function getName(id: string) {
  const span = tracer.startSpan('users.name');
  const user = await load(id);
  return span.end(), user.name;
}` },
          ],
        },
        {
          messageId: 'spanNotEndedOnException',
          data: { span: 'span', call: 'await load(id)', how: 'rejects' },
          line: 10, column: 16, endLine: 10, endColumn: 32,
          suggestions: [
            { messageId: 'endSpanInFinally', output: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('users');
export async function getUser(id: string) {
  const span = tracer.startSpan('users.get');
  const user = await load(id); span.end();
  return user;
}
export async function getName(id: string) {
  const span = tracer.startSpan('users.name');
  try {
    const user = await load(id);
    return span.end(), user.name;
  } finally {
    span.end();
  }
}` },
          ],
        },
      ],
    },
    {
      name: 'finally suggestion, tab-indented: the removed span.end() takes its tab and line break with it (the statement after it on its line stays)',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('orders');
export async function pay(order: string) {
\tconst span = tracer.startSpan('pay');
\tawait charge(order);
\tspan.end(); return order;
}
declare function charge(order: string): Promise<void>;`,
      output: null,
      errors: [
        { messageId: 'spanNotEndedOnException', data: { span: 'span', call: 'await charge(order)', how: 'rejects' }, line: 5, column: 15, endLine: 5, endColumn: 31, suggestions: [{ messageId: 'endSpanInFinally', output: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('orders');
export async function pay(order: string) {
\tconst span = tracer.startSpan('pay');
\ttry {
\t  await charge(order); return order;
\t} finally {
\t  span.end();
\t}
}
declare function charge(order: string): Promise<void>;` }] },
      ],
    },
    {
      name: 'finally suggestion, a var span started in a block and ended after it: only the statements of the block are wrapped, the end() after the block is left where it is',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('orders');
export async function pay(order: string, traced: boolean) {
  if (traced) {
    var span = tracer.startSpan('pay');
    await charge(order);
  }
  span.end();
}
declare function charge(order: string): Promise<void>;`,
      output: null,
      errors: [
        { messageId: 'spanNotEndedOnException', data: { span: 'span', call: 'await charge(order)', how: 'rejects' }, line: 6, column: 16, endLine: 6, endColumn: 32, suggestions: [{ messageId: 'endSpanInFinally', output: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('orders');
export async function pay(order: string, traced: boolean) {
  if (traced) {
    var span = tracer.startSpan('pay');
    try {
      await charge(order);
    } finally {
      span.end();
    }
  }
  span.end();
}
declare function charge(order: string): Promise<void>;` }] },
      ],
    },
    {
      name: 'finally suggestion, two end() calls removed, one before and one after source offset 1000: the removals are applied in source order (numbers, not strings)',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('orders');
export async function pay(order: string, free: boolean) {
  const span = tracer.startSpan('pay');
  await charge(order);
  if (free) {
    span.end();
    return 'free';
  }
  audit('${LONG_NOTE}');
  span.end();
  return 'paid';
}
declare function charge(order: string): Promise<void>;
declare function audit(note: string): void;`,
      output: null,
      errors: [
        { messageId: 'spanNotEndedOnException', data: { span: 'span', call: 'await charge(order)', how: 'rejects' }, line: 5, column: 16, endLine: 5, endColumn: 32, suggestions: [{ messageId: 'endSpanInFinally', output: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('orders');
export async function pay(order: string, free: boolean) {
  const span = tracer.startSpan('pay');
  try {
    await charge(order);
    if (free) {
      return 'free';
    }
    audit('${LONG_NOTE}');
    return 'paid';
  } finally {
    span.end();
  }
}
declare function charge(order: string): Promise<void>;
declare function audit(note: string): void;` }] },
      ],
    },
    {
      name: 'finally suggestion: an end() directly under a case clause is removed (a switch case is a statement list)',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('orders');
export async function pay(order: string, kind: number) {
  const span = tracer.startSpan('pay');
  await charge(order);
  switch (kind) {
    case 1:
      span.end();
      return 1;
    default:
      span.end();
      return 0;
  }
}
declare function charge(order: string): Promise<void>;`,
      output: null,
      errors: [
        { messageId: 'spanNotEndedOnException', data: { span: 'span', call: 'await charge(order)', how: 'rejects' }, line: 5, column: 16, endLine: 5, endColumn: 32, suggestions: [{ messageId: 'endSpanInFinally', output: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('orders');
export async function pay(order: string, kind: number) {
  const span = tracer.startSpan('pay');
  try {
    await charge(order);
    switch (kind) {
      case 1:
        return 1;
      default:
        return 0;
    }
  } finally {
    span.end();
  }
}
declare function charge(order: string): Promise<void>;` }] },
      ],
    },
    {
      name: 'finally suggestion at module level (top-level await): the end() of the program body is removed',
      code: `
import { trace } from '@opentelemetry/api';
import { load } from './load.js';
const span = trace.getTracer('boot').startSpan('boot');
await load();
span.end();`,
      output: null,
      errors: [
        { messageId: 'spanNotEndedOnException', data: { span: 'span', call: 'await load()', how: 'rejects' }, line: 4, column: 14, endLine: 4, endColumn: 47, suggestions: [{ messageId: 'endSpanInFinally', output: `
import { trace } from '@opentelemetry/api';
import { load } from './load.js';
const span = trace.getTracer('boot').startSpan('boot');
try {
  await load();
} finally {
  span.end();
}` }] },
      ],
    },
  ],
});
