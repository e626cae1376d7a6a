import tsParser from '@typescript-eslint/parser';
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import { MISSING_TYPES_MESSAGE } from '../../core/analysis/promise-types.js';
import rule from '../../rules/no-floating-promise-in-span.js';
import { createRuleTester, under } from '../rule-tester.js';

const ruleTester = createRuleTester();

// Suggestion outputs of the span-running-helper cases (await, or detach in a span of its own).
const SUGGEST_TIMED = [{ messageId: 'awaitPromise', output: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('jobs');
function timed<T>(name: string, work: () => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, async (span) => {
    try {
      return await work();
    } finally {
      span.end();
    }
  });
}
async function writeAudit(id: string): Promise<void> {}
export function place(id: string) {
  return timed('place', async () => {
    await writeAudit(id);
  });
}` }, { messageId: 'detachInOwnSpan', output: `
import { trace, SpanStatusCode } from '@opentelemetry/api';
const tracer = trace.getTracer('jobs');
function timed<T>(name: string, work: () => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, async (span) => {
    try {
      return await work();
    } finally {
      span.end();
    }
  });
}
async function writeAudit(id: string): Promise<void> {}
export function place(id: string) {
  return timed('place', async () => {
    tracer.startActiveSpan('writeAudit', (detached) => writeAudit(id).then(() => detached.end(), (error) => {
      detached.recordException(error);
      detached.setStatus({ code: SpanStatusCode.ERROR });
      detached.end();
    }));
  });
}` }] as const;
const SUGGEST_WITH = [{ messageId: 'awaitPromise', output: `
import { context, trace } from '@opentelemetry/api';
function inSpanContext<T>(span: ReturnType<ReturnType<typeof trace.getTracer>['startSpan']>, fn: () => T): T {
  return context.with(trace.setSpan(context.active(), span), fn);
}
async function writeAudit(id: string): Promise<void> {}
export function place(span: Parameters<typeof inSpanContext>[0], id: string) {
  inSpanContext(span, async () => {
    await writeAudit(id);
  });
}` }, { messageId: 'detachInOwnSpan', output: `
import { context, trace, SpanStatusCode } from '@opentelemetry/api';
function inSpanContext<T>(span: ReturnType<ReturnType<typeof trace.getTracer>['startSpan']>, fn: () => T): T {
  return context.with(trace.setSpan(context.active(), span), fn);
}
async function writeAudit(id: string): Promise<void> {}
export function place(span: Parameters<typeof inSpanContext>[0], id: string) {
  inSpanContext(span, () => {
    trace.getTracer('detached').startActiveSpan('writeAudit', (detached) => writeAudit(id).then(() => detached.end(), (error) => {
      detached.recordException(error);
      detached.setStatus({ code: SpanStatusCode.ERROR });
      detached.end();
    }));
  });
}` }] as const;
const SUGGEST_RUN = [{ messageId: 'awaitPromise', output: `
import { runInSpan } from './tracing';
async function writeAudit(id: string): Promise<void> {}
export function place(id: string) {
  return runInSpan('place', async () => {
    await writeAudit(id);
  });
}` }, { messageId: 'detachInOwnSpan', output: `
import { runInSpan } from './tracing';
import { SpanStatusCode, trace } from '@opentelemetry/api';
async function writeAudit(id: string): Promise<void> {}
export function place(id: string) {
  return runInSpan('place', async () => {
    trace.getTracer('detached').startActiveSpan('writeAudit', (detached) => writeAudit(id).then(() => detached.end(), (error) => {
      detached.recordException(error);
      detached.setStatus({ code: SpanStatusCode.ERROR });
      detached.end();
    }));
  });
}` }] as const;
const SUGGEST_NS = [{ messageId: 'awaitPromise', output: `
import * as tracing from '../lib/tracing';
export function refresh(load: () => Promise<string>) {
  return tracing.asyncRunInSpan('refresh', async () => {
    await load().then((value) => console.log(value));
  });
}` }, { messageId: 'detachInOwnSpan', output: `
import * as tracing from '../lib/tracing';
import { SpanStatusCode, trace } from '@opentelemetry/api';
export function refresh(load: () => Promise<string>) {
  return tracing.asyncRunInSpan('refresh', async () => {
    trace.getTracer('detached').startActiveSpan('load', (detached) => load().then((value) => console.log(value)).then(() => detached.end(), (error) => {
      detached.recordException(error);
      detached.setStatus({ code: SpanStatusCode.ERROR });
      detached.end();
    }));
  });
}` }] as const;


ruleTester.run('no-floating-promise-in-span', rule, {
  valid: [
    {
      name: 'a chain that settles what the enclosing code waits for: the resolve of an awaited new Promise, a test runner\'s done',
      code: `
import { context, trace } from '@opentelemetry/api';
import { it } from 'mocha';
const tracer = trace.getTracer('test');
declare function access(path: string): Promise<void>;
declare function query(sql: string): Promise<unknown>;
export async function check(path: string) {
  await new Promise<void>((resolve) => {
    tracer.startActiveSpan('access', (span) => {
      access(path).finally(() => resolve());
      span.end();
    });
  });
}
it('runs both queries under their spans', (done) => {
  const handler = () => done();
  context.with(trace.setSpan(context.active(), tracer.startSpan('parent')), () => {
    query('SELECT 1').then(handler);
  });
});`,
    },
    {
      name: 'awaited work',
      code: `
import { trace } from '@opentelemetry/api';
async function writeAudit(): Promise<void> {}
trace.getTracer('a').startActiveSpan('a', async (span) => {
  try {
    await writeAudit();
  } finally {
    span.end();
  }
});`,
    },
    {
      name: 'returned promise: the caller owns it',
      code: `
import { trace } from '@opentelemetry/api';
async function writeAudit(): Promise<void> {}
trace.getTracer('a').startActiveSpan('a', (span) => {
  span.end();
  return writeAudit();
});`,
    },
    {
      name: 'a .catch handler handles the rejection',
      code: `
import { trace } from '@opentelemetry/api';
async function writeAudit(): Promise<void> {}
trace.getTracer('a').startActiveSpan('a', (span) => {
  writeAudit().catch((error) => span.recordException(error));
  span.end();
});`,
    },
    {
      name: '.then with a rejection handler, and .finally after a .catch',
      code: `
import { trace } from '@opentelemetry/api';
async function writeAudit(): Promise<void> {}
trace.getTracer('a').startActiveSpan('a', (span) => {
  writeAudit().then(() => undefined, () => undefined);
  writeAudit().catch(() => undefined).finally(() => undefined);
  span.end();
});`,
    },
    {
      name: 'void under async-local-storage is a visible, deliberate detach',
      code: `
import { trace } from '@opentelemetry/api';
async function warmCache(): Promise<void> {}
trace.getTracer('a').startActiveSpan('a', (span) => {
  void warmCache();
  span.end();
});`,
    },
    {
      name: 'void under async-hooks is a visible, deliberate detach',
      settings: under('async-hooks'),
      code: `
import { trace } from '@opentelemetry/api';
async function warmCache(): Promise<void> {}
trace.getTracer('a').startActiveSpan('a', (span) => {
  void warmCache();
  span.end();
});`,
    },
    {
      name: 'the explicit detach the suggestion writes is handled',
      code: `
import { trace, SpanStatusCode } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
async function writeAudit(): Promise<void> {}
tracer.startActiveSpan('a', (span) => {
  tracer.startActiveSpan('writeAudit', (detached) => writeAudit().then(() => detached.end(), (error) => {
    detached.recordException(error);
    detached.setStatus({ code: SpanStatusCode.ERROR });
    detached.end();
  }));
  span.end();
});`,
    },
    {
      name: 'a floating promise outside traced code is not this rule (no span is in play)',
      code: `
import { trace } from '@opentelemetry/api';
async function writeAudit(): Promise<void> {}
export function f() { writeAudit(); }`,
    },
    {
      name: 'a listener registered in the span runs later, outside it: not reported',
      code: `
import { trace } from '@opentelemetry/api';
async function writeAudit(): Promise<void> {}
trace.getTracer('a').startActiveSpan('a', (span) => {
  process.on('exit', () => { writeAudit(); });
  span.end();
});`,
    },
    {
      name: 'after span.end() the startSpan span is no longer in play',
      code: `
import { trace } from '@opentelemetry/api';
async function writeAudit(): Promise<void> {}
export function f() {
  const span = trace.getTracer('a').startSpan('a');
  span.end();
  writeAudit();
}`,
    },
    {
      name: 'a sync function is not a promise',
      code: `
import { trace } from '@opentelemetry/api';
function log(): void {}
trace.getTracer('a').startActiveSpan('a', (span) => {
  log();
  span.end();
});`,
    },
    {
      name: 'syntactic mode does not know methods: this.save() needs checkTypes',
      code: `
import { trace } from '@opentelemetry/api';
export class Repo {
  async save(): Promise<void> {}
  run() {
    trace.getTracer('a').startActiveSpan('a', (span) => {
      this.save();
      span.end();
    });
  }
}`,
    },

    {
      name: 'the span ends inside the promise: in its .then callback, or after the awaits of the async callback',
      code: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('t');
declare function query(): Promise<number>;
export function handler(done: () => void) {
  const span = tracer.startSpan('parent');
  context.with(trace.setSpan(context.active(), span), async () => {
    await query();
    span.end();
    done();
  });
}
export function chain(done: () => void) {
  const span = tracer.startSpan('parent');
  context.with(trace.setSpan(context.active(), span), () => {
    query().then(() => { span.end(); done(); });
  });
}
export function active() {
  tracer.startActiveSpan('a', (s) => {
    query().finally(() => s.end());
  });
}`,
    },
    {
      name: 'context.with a context that adds only baggage, or suppresses tracing, is not a span: nothing to outlive',
      code: `
import { context, propagation } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
declare function consume(): Promise<void>;
export function test(done: () => void) {
  const ctx = propagation.setBaggage(context.active(), propagation.createBaggage({ k: { value: 'v' } }));
  context.with(ctx, () => {
    consume().then(() => done());
  });
  context.with(suppressTracing(context.active()), () => {
    consume().then(() => done());
  });
}`,
    },
    {
      name: 'span-running helper (near miss): a function of the file that only defers its callback is no span wrapper',
      code: `
import { trace } from '@opentelemetry/api';
async function writeAudit(id: string): Promise<void> {}
function later(fn: () => void) {
  setTimeout(fn, 10);
}
export function place(id: string) {
  later(() => {
    writeAudit(id);
  });
  trace.getActiveSpan();
}`,
    },
    {
      name: 'span-running helper (near miss): an imported helper whose name does not say it runs a span',
      code: `
import { trace } from '@opentelemetry/api';
import { run } from './jobs';
async function writeAudit(id: string): Promise<void> {}
export function place(id: string) {
  run('place', () => {
    writeAudit(id);
  });
  trace.getActiveSpan();
}`,
    },
    {
      name: 'span-running helper (near miss): a local function named runInSpan that runs no span is judged by its body, not its name',
      code: `
import { trace } from '@opentelemetry/api';
async function writeAudit(id: string): Promise<void> {}
function runInSpan(name: string, fn: () => void) {
  console.log(name);
  fn();
}
export function place(id: string) {
  runInSpan('place', () => {
    writeAudit(id);
  });
  trace.getActiveSpan();
}`,
    },
    {
      name: 'span-running helper (near miss): the promise in the callback of an imported withSpan is awaited',
      code: `
import { withSpan } from '../telemetry';
async function writeAudit(id: string): Promise<void> {}
export function place(id: string) {
  return withSpan('place', async () => {
    await writeAudit(id);
  });
}`,
    },
  ],
  invalid: [
    {
      name: "the detach suggestion does not use the module-level tracer where a callback parameter shadows its name",
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('orders');
async function save(n: number): Promise<void> {}
export function run(items: number[]) {
  trace.getTracer('other').startActiveSpan('batch', (span) => {
    items.forEach((tracer) => {
      save(tracer);
    });
    span.end();
  });
}`,
      output: null,
      errors: [
        {
          messageId: 'floatingPromiseInSpan',
          line: 8,
          suggestions: [
            { messageId: 'detachInOwnSpan', output: `
import { trace, SpanStatusCode, context } from '@opentelemetry/api';
const tracer = trace.getTracer('orders');
async function save(n: number): Promise<void> {}
export function run(items: number[]) {
  trace.getTracer('other').startActiveSpan('batch', (span) => {
    items.forEach((tracer) => {
      trace.getTracer('detached').startActiveSpan('save', {}, trace.setSpan(context.active(), span), (detached) => save(tracer).then(() => detached.end(), (error) => {
        detached.recordException(error);
        detached.setStatus({ code: SpanStatusCode.ERROR });
        detached.end();
      }));
    });
    span.end();
  });
}` },
          ],
        },
      ],
    },
    {
      name: 'checkVoid: the await suggestion on a parenthesised voided promise replaces only the void keyword',
      options: [{ checkVoid: true }],
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('cache');
async function refresh(): Promise<void> {}
export function warm() {
  tracer.startActiveSpan('warm', (span) => {
    void (refresh() as Promise<void>);
    span.end();
  });
}`,
      output: null,
      errors: [
        {
          messageId: 'voidedPromiseInSpan',
          line: 7,
          suggestions: [
            { messageId: 'detachInOwnSpan', output: `
import { trace, SpanStatusCode, context } from '@opentelemetry/api';
const tracer = trace.getTracer('cache');
async function refresh(): Promise<void> {}
export function warm() {
  tracer.startActiveSpan('warm', (span) => {
    tracer.startActiveSpan('refresh', {}, trace.setSpan(context.active(), span), (detached) => refresh().then(() => detached.end(), (error) => {
      detached.recordException(error);
      detached.setStatus({ code: SpanStatusCode.ERROR });
      detached.end();
    }));
    span.end();
  });
}` },
            { messageId: 'awaitPromise', output: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('cache');
async function refresh(): Promise<void> {}
export function warm() {
  tracer.startActiveSpan('warm', async (span) => {
    await (refresh() as Promise<void>);
    span.end();
  });
}` },
          ],
        },
      ],
    },
    {
      name: 'near miss of the settled waiter: the continuation calls a callback of the caller, not a resolve or done',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('cache');
declare function load(key: string): Promise<string>;
export function warm(key: string, notify: (value: string) => void) {
  tracer.startActiveSpan('warm', (span) => {
    load(key).then((value) => notify(value));
    span.end();
  });
}`,
      output: null,
      errors: [
        {
          messageId: 'floatingPromiseInSpan',
          line: 7,
          suggestions: [
            { messageId: 'awaitPromise', output: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('cache');
declare function load(key: string): Promise<string>;
export function warm(key: string, notify: (value: string) => void) {
  tracer.startActiveSpan('warm', async (span) => {
    await load(key).then((value) => notify(value));
    span.end();
  });
}` },
            { messageId: 'detachInOwnSpan', output: `
import { trace, SpanStatusCode, context } from '@opentelemetry/api';
const tracer = trace.getTracer('cache');
declare function load(key: string): Promise<string>;
export function warm(key: string, notify: (value: string) => void) {
  tracer.startActiveSpan('warm', (span) => {
    tracer.startActiveSpan('load', {}, trace.setSpan(context.active(), span), (detached) => load(key).then((value) => notify(value)).then(() => detached.end(), (error) => {
      detached.recordException(error);
      detached.setStatus({ code: SpanStatusCode.ERROR });
      detached.end();
    }));
    span.end();
  });
}` },
          ],
        },
      ],
    },
    {
      name: 'the file declares its own SpanStatusCode: the detach suggestion imports it as OtelSpanStatusCode',
      settings: { 'otel-context': { contextManager: 'zone' } },
      code: `
import { trace } from '@opentelemetry/api';
const SpanStatusCode = { ok: 200 };
const tracer = trace.getTracer('a');
async function prefetch(): Promise<number> { return SpanStatusCode.ok; }
export function onInput() {
  tracer.startActiveSpan('input', (span) => {
    void prefetch();
    span.end();
  });
}`,
      output: null,
      errors: [
        {
          messageId: 'voidedPromiseOrphaned',
          line: 8,
          column: 5,
          endLine: 8,
          endColumn: 20,
          suggestions: [
            {
              messageId: 'detachInOwnSpan',
              output: `
import { trace, SpanStatusCode as OtelSpanStatusCode, context } from '@opentelemetry/api';
const SpanStatusCode = { ok: 200 };
const tracer = trace.getTracer('a');
async function prefetch(): Promise<number> { return SpanStatusCode.ok; }
export function onInput() {
  tracer.startActiveSpan('input', (span) => {
    tracer.startActiveSpan('prefetch', {}, trace.setSpan(context.active(), span), (detached) => prefetch().then(() => detached.end(), (error) => {
      detached.recordException(error);
      detached.setStatus({ code: OtelSpanStatusCode.ERROR });
      detached.end();
    }));
    span.end();
  });
}`,
            },
            {
              messageId: 'awaitPromise',
              output: `
import { trace } from '@opentelemetry/api';
const SpanStatusCode = { ok: 200 };
const tracer = trace.getTracer('a');
async function prefetch(): Promise<number> { return SpanStatusCode.ok; }
export function onInput() {
  tracer.startActiveSpan('input', async (span) => {
    await prefetch();
    span.end();
  });
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'span-running helper of the file (it passes its callback to startActiveSpan): a promise floating in its callback',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('jobs');
function timed<T>(name: string, work: () => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, async (span) => {
    try {
      return await work();
    } finally {
      span.end();
    }
  });
}
async function writeAudit(id: string): Promise<void> {}
export function place(id: string) {
  return timed('place', async () => {
    writeAudit(id);
  });
}`,
      output: null,
      errors: [{ messageId: 'floatingPromiseInSpan', data: { scope: 'the timed callback', manager: 'async-local-storage' }, line: 16, column: 5, endLine: 16, endColumn: 19, suggestions: SUGGEST_TIMED }],
    },
    {
      name: 'span-running helper of the file through context.with(ctx, fn)',
      code: `
import { context, trace } from '@opentelemetry/api';
function inSpanContext<T>(span: ReturnType<ReturnType<typeof trace.getTracer>['startSpan']>, fn: () => T): T {
  return context.with(trace.setSpan(context.active(), span), fn);
}
async function writeAudit(id: string): Promise<void> {}
export function place(span: Parameters<typeof inSpanContext>[0], id: string) {
  inSpanContext(span, () => {
    writeAudit(id);
  });
}`,
      output: null,
      errors: [{ messageId: 'floatingPromiseInSpan', data: { scope: 'the inSpanContext callback', manager: 'async-local-storage' }, line: 9, column: 5, endLine: 9, endColumn: 19, suggestions: SUGGEST_WITH }],
    },
    {
      name: 'imported helper named as a span runner (runInSpan), in a file that does not import the API itself',
      code: `
import { runInSpan } from './tracing';
async function writeAudit(id: string): Promise<void> {}
export function place(id: string) {
  return runInSpan('place', async () => {
    writeAudit(id);
  });
}`,
      output: null,
      errors: [{ messageId: 'floatingPromiseInSpan', data: { scope: 'the runInSpan callback', manager: 'async-local-storage' }, line: 6, column: 5, endLine: 6, endColumn: 19, suggestions: SUGGEST_RUN }],
    },
    {
      name: 'imported helper through a namespace (tracing.asyncRunInSpan), a .then chain without a rejection handler',
      code: `
import * as tracing from '../lib/tracing';
export function refresh(load: () => Promise<string>) {
  return tracing.asyncRunInSpan('refresh', async () => {
    load().then((value) => console.log(value));
  });
}`,
      output: null,
      errors: [{ messageId: 'floatingPromiseInSpan', data: { scope: 'the tracing.asyncRunInSpan callback', manager: 'async-local-storage' }, line: 5, column: 5, endLine: 5, endColumn: 47, suggestions: SUGGEST_NS }],
    },
    {
      name: 'baggage-only context.with inside a span: its callback is still in the span (pass-through)',
      code: `
import { context, propagation, trace } from '@opentelemetry/api';
declare function consume(): Promise<void>;
export function f() {
  trace.getTracer('t').startActiveSpan('job', (span) => {
    context.with(propagation.setBaggage(context.active(), propagation.createBaggage({})), () => {
      consume().then(() => undefined);
    });
    span.end();
  });
}`,
      output: null,
      errors: [
        {
          messageId: 'floatingPromiseInSpan',
          line: 7,
          column: 7,
          suggestions: [
            { messageId: 'detachInOwnSpan', output: `
import { context, propagation, trace, SpanStatusCode } from '@opentelemetry/api';
declare function consume(): Promise<void>;
export function f() {
  trace.getTracer('t').startActiveSpan('job', (span) => {
    context.with(propagation.setBaggage(context.active(), propagation.createBaggage({})), () => {
      trace.getTracer('detached').startActiveSpan('consume', {}, trace.setSpan(context.active(), span), (detached) => consume().then(() => undefined).then(() => detached.end(), (error) => {
        detached.recordException(error);
        detached.setStatus({ code: SpanStatusCode.ERROR });
        detached.end();
      }));
    });
    span.end();
  });
}` },
          ],
        },
      ],
    },
    {
      name: 'a span ended inside the promise of another span does not count: work still outlives this one',
      code: `
import { trace } from '@opentelemetry/api';
declare function query(): Promise<number>;
export function f() {
  const other = trace.getTracer('t').startSpan('other');
  trace.getTracer('t').startActiveSpan('job', (span) => {
    query().then(() => other.end());
    span.end();
  });
}`,
      output: null,
      errors: [
        {
          messageId: 'floatingPromiseInSpan',
          line: 7,
          column: 5,
          suggestions: [
            { messageId: 'awaitPromise', output: `
import { trace } from '@opentelemetry/api';
declare function query(): Promise<number>;
export function f() {
  const other = trace.getTracer('t').startSpan('other');
  trace.getTracer('t').startActiveSpan('job', async (span) => {
    await query().then(() => other.end());
    span.end();
  });
}` },
            { messageId: 'detachInOwnSpan', output: `
import { trace, SpanStatusCode, context } from '@opentelemetry/api';
declare function query(): Promise<number>;
export function f() {
  const other = trace.getTracer('t').startSpan('other');
  trace.getTracer('t').startActiveSpan('job', (span) => {
    trace.getTracer('detached').startActiveSpan('query', {}, trace.setSpan(context.active(), span), (detached) => query().then(() => other.end()).then(() => detached.end(), (error) => {
      detached.recordException(error);
      detached.setStatus({ code: SpanStatusCode.ERROR });
      detached.end();
    }));
    span.end();
  });
}` },
          ],
        },
      ],
    },
    {
      name: 'async-local-storage: fire-and-forget async call inside startActiveSpan (3a/3b): await first',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('orders');
async function writeAudit(id: string): Promise<void> {}
export function place(id: string) {
  tracer.startActiveSpan('orders.place', (span) => {
    writeAudit(id);
    span.end();
  });
}`,
      output: null,
      errors: [
        { messageId: 'floatingPromiseInSpan', data: { scope: 'the startActiveSpan callback', manager: 'async-local-storage' }, line: 7, column: 5, endLine: 7, endColumn: 19, suggestions: [{ messageId: 'awaitPromise', output: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('orders');
async function writeAudit(id: string): Promise<void> {}
export function place(id: string) {
  tracer.startActiveSpan('orders.place', async (span) => {
    await writeAudit(id);
    span.end();
  });
}` }, { messageId: 'detachInOwnSpan', output: `
import { trace, SpanStatusCode, context } from '@opentelemetry/api';
const tracer = trace.getTracer('orders');
async function writeAudit(id: string): Promise<void> {}
export function place(id: string) {
  tracer.startActiveSpan('orders.place', (span) => {
    tracer.startActiveSpan('writeAudit', {}, trace.setSpan(context.active(), span), (detached) => writeAudit(id).then(() => detached.end(), (error) => {
      detached.recordException(error);
      detached.setStatus({ code: SpanStatusCode.ERROR });
      detached.end();
    }));
    span.end();
  });
}` }] },
      ],
    },
    {
      name: 'zone: the work is orphaned after its first await (3a): detach first',
      settings: under('zone'),
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('orders');
async function writeAudit(id: string): Promise<void> {}
export function place(id: string) {
  tracer.startActiveSpan('orders.place', async (span) => {
    writeAudit(id);
    span.end();
  });
}`,
      output: null,
      errors: [
        { messageId: 'floatingPromiseOrphaned', data: { scope: 'the startActiveSpan callback', manager: 'zone' }, line: 7, column: 5, endLine: 7, endColumn: 19, suggestions: [{ messageId: 'detachInOwnSpan', output: `
import { trace, SpanStatusCode, context } from '@opentelemetry/api';
const tracer = trace.getTracer('orders');
async function writeAudit(id: string): Promise<void> {}
export function place(id: string) {
  tracer.startActiveSpan('orders.place', async (span) => {
    tracer.startActiveSpan('writeAudit', {}, trace.setSpan(context.active(), span), (detached) => writeAudit(id).then(() => detached.end(), (error) => {
      detached.recordException(error);
      detached.setStatus({ code: SpanStatusCode.ERROR });
      detached.end();
    }));
    span.end();
  });
}` }, { messageId: 'awaitPromise', output: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('orders');
async function writeAudit(id: string): Promise<void> {}
export function place(id: string) {
  tracer.startActiveSpan('orders.place', async (span) => {
    await writeAudit(id);
    span.end();
  });
}` }] },
      ],
    },
    {
      name: 'stack: void does not detach cleanly',
      settings: under('stack'),
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('orders');
async function writeAudit(id: string): Promise<void> {}
tracer.startActiveSpan('boot', (span) => {
  void writeAudit('x');
  span.end();
});`,
      output: null,
      errors: [
        { messageId: 'voidedPromiseOrphaned', data: { scope: 'the startActiveSpan callback', manager: 'stack' }, line: 6, column: 3, endLine: 6, endColumn: 23, suggestions: [{ messageId: 'detachInOwnSpan', output: `
import { trace, SpanStatusCode, context } from '@opentelemetry/api';
const tracer = trace.getTracer('orders');
async function writeAudit(id: string): Promise<void> {}
tracer.startActiveSpan('boot', (span) => {
  tracer.startActiveSpan('writeAudit', {}, trace.setSpan(context.active(), span), (detached) => writeAudit('x').then(() => detached.end(), (error) => {
    detached.recordException(error);
    detached.setStatus({ code: SpanStatusCode.ERROR });
    detached.end();
  }));
  span.end();
});` }, { messageId: 'awaitPromise', output: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('orders');
async function writeAudit(id: string): Promise<void> {}
tracer.startActiveSpan('boot', async (span) => {
  await writeAudit('x');
  span.end();
});` }] },
      ],
    },
    {
      name: 'checkVoid: void reported under async-local-storage too',
      options: [{"checkVoid":true}],
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('orders');
async function writeAudit(id: string): Promise<void> {}
tracer.startActiveSpan('boot', (span) => {
  void writeAudit('x');
  span.end();
});`,
      output: null,
      errors: [
        { messageId: 'voidedPromiseInSpan', data: { scope: 'the startActiveSpan callback', manager: 'async-local-storage' }, line: 6, column: 3, endLine: 6, endColumn: 23, suggestions: [{ messageId: 'detachInOwnSpan', output: `
import { trace, SpanStatusCode, context } from '@opentelemetry/api';
const tracer = trace.getTracer('orders');
async function writeAudit(id: string): Promise<void> {}
tracer.startActiveSpan('boot', (span) => {
  tracer.startActiveSpan('writeAudit', {}, trace.setSpan(context.active(), span), (detached) => writeAudit('x').then(() => detached.end(), (error) => {
    detached.recordException(error);
    detached.setStatus({ code: SpanStatusCode.ERROR });
    detached.end();
  }));
  span.end();
});` }, { messageId: 'awaitPromise', output: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('orders');
async function writeAudit(id: string): Promise<void> {}
tracer.startActiveSpan('boot', async (span) => {
  await writeAudit('x');
  span.end();
});` }] },
      ],
    },
    {
      name: 'a .then chain without rejection handler, a function returning a chain, new Promise',
      code: `
import { context, trace } from '@opentelemetry/api';
function notify(id: string) { return fetch(id).then((r) => r.ok); }
context.with(ctx, () => {
  notify('1');
  fetch('/a').then((r) => r.json());
  new Promise((resolve) => setTimeout(resolve, 10));
});`,
      output: null,
      errors: [
        { messageId: 'floatingPromiseInSpan', data: { scope: 'the context.with callback', manager: 'async-local-storage' }, line: 5, column: 3, endLine: 5, endColumn: 14, suggestions: [{ messageId: 'awaitPromise', output: `
import { context, trace } from '@opentelemetry/api';
function notify(id: string) { return fetch(id).then((r) => r.ok); }
context.with(ctx, async () => {
  await notify('1');
  fetch('/a').then((r) => r.json());
  new Promise((resolve) => setTimeout(resolve, 10));
});` }, { messageId: 'detachInOwnSpan', output: `
import { context, trace, SpanStatusCode } from '@opentelemetry/api';
function notify(id: string) { return fetch(id).then((r) => r.ok); }
context.with(ctx, () => {
  trace.getTracer('detached').startActiveSpan('notify', (detached) => notify('1').then(() => detached.end(), (error) => {
    detached.recordException(error);
    detached.setStatus({ code: SpanStatusCode.ERROR });
    detached.end();
  }));
  fetch('/a').then((r) => r.json());
  new Promise((resolve) => setTimeout(resolve, 10));
});` }] },
        { messageId: 'floatingPromiseInSpan', data: { scope: 'the context.with callback', manager: 'async-local-storage' }, line: 6, column: 3, endLine: 6, endColumn: 36, suggestions: [{ messageId: 'awaitPromise', output: `
import { context, trace } from '@opentelemetry/api';
function notify(id: string) { return fetch(id).then((r) => r.ok); }
context.with(ctx, async () => {
  notify('1');
  await fetch('/a').then((r) => r.json());
  new Promise((resolve) => setTimeout(resolve, 10));
});` }, { messageId: 'detachInOwnSpan', output: `
import { context, trace, SpanStatusCode } from '@opentelemetry/api';
function notify(id: string) { return fetch(id).then((r) => r.ok); }
context.with(ctx, () => {
  notify('1');
  trace.getTracer('detached').startActiveSpan('fetch', (detached) => fetch('/a').then((r) => r.json()).then(() => detached.end(), (error) => {
    detached.recordException(error);
    detached.setStatus({ code: SpanStatusCode.ERROR });
    detached.end();
  }));
  new Promise((resolve) => setTimeout(resolve, 10));
});` }] },
        { messageId: 'floatingPromiseInSpan', data: { scope: 'the context.with callback', manager: 'async-local-storage' }, line: 7, column: 3, endLine: 7, endColumn: 52, suggestions: [{ messageId: 'awaitPromise', output: `
import { context, trace } from '@opentelemetry/api';
function notify(id: string) { return fetch(id).then((r) => r.ok); }
context.with(ctx, async () => {
  notify('1');
  fetch('/a').then((r) => r.json());
  await new Promise((resolve) => setTimeout(resolve, 10));
});` }, { messageId: 'detachInOwnSpan', output: `
import { context, trace, SpanStatusCode } from '@opentelemetry/api';
function notify(id: string) { return fetch(id).then((r) => r.ok); }
context.with(ctx, () => {
  notify('1');
  fetch('/a').then((r) => r.json());
  trace.getTracer('detached').startActiveSpan('promise', (detached) => (new Promise((resolve) => setTimeout(resolve, 10))).then(() => detached.end(), (error) => {
    detached.recordException(error);
    detached.setStatus({ code: SpanStatusCode.ERROR });
    detached.end();
  }));
});` }] },
      ],
    },
    {
      name: 'inactive startSpan span in a plain function: only the detach is possible',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('orders');
async function writeAudit(id: string): Promise<void> {}
export function place(id: string) {
  const span = tracer.startSpan('orders.place');
  writeAudit(id);
  span.end();
}`,
      output: null,
      errors: [
        { messageId: 'floatingPromiseInSpan', data: { scope: "span 'span'", manager: 'async-local-storage' }, line: 7, column: 3, endLine: 7, endColumn: 17, suggestions: [{ messageId: 'detachInOwnSpan', output: `
import { trace, SpanStatusCode, context } from '@opentelemetry/api';
const tracer = trace.getTracer('orders');
async function writeAudit(id: string): Promise<void> {}
export function place(id: string) {
  const span = tracer.startSpan('orders.place');
  tracer.startActiveSpan('writeAudit', {}, trace.setSpan(context.active(), span), (detached) => writeAudit(id).then(() => detached.end(), (error) => {
    detached.recordException(error);
    detached.setStatus({ code: SpanStatusCode.ERROR });
    detached.end();
  }));
  span.end();
}` }] },
      ],
    },
    {
      name: 'synchronous array callback inside the span',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('orders');
async function writeAudit(id: string): Promise<void> {}
export async function placeAll(ids: string[]) {
  await tracer.startActiveSpan('orders.placeAll', async (span) => {
    ids.forEach((id) => {
      writeAudit(id);
    });
    span.end();
  });
}`,
      output: null,
      errors: [
        { messageId: 'floatingPromiseInSpan', data: { scope: 'the startActiveSpan callback', manager: 'async-local-storage' }, line: 8, column: 7, endLine: 8, endColumn: 21, suggestions: [{ messageId: 'detachInOwnSpan', output: `
import { trace, SpanStatusCode, context } from '@opentelemetry/api';
const tracer = trace.getTracer('orders');
async function writeAudit(id: string): Promise<void> {}
export async function placeAll(ids: string[]) {
  await tracer.startActiveSpan('orders.placeAll', async (span) => {
    ids.forEach((id) => {
      tracer.startActiveSpan('writeAudit', {}, trace.setSpan(context.active(), span), (detached) => writeAudit(id).then(() => detached.end(), (error) => {
        detached.recordException(error);
        detached.setStatus({ code: SpanStatusCode.ERROR });
        detached.end();
      }));
    });
    span.end();
  });
}` }] },
      ],
    },
    {
      name: 'startActiveSpan with an async callback is a promise too (3b)',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('mail');
const sendMail = () => tracer.startActiveSpan('mail.send', async (s) => { s.end(); });
tracer.startActiveSpan('signup', (span) => {
  sendMail();
  span.end();
});`,
      output: null,
      errors: [
        { messageId: 'floatingPromiseInSpan', data: { scope: 'the startActiveSpan callback', manager: 'async-local-storage' }, line: 6, column: 3, endLine: 6, endColumn: 13, suggestions: [{ messageId: 'awaitPromise', output: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('mail');
const sendMail = () => tracer.startActiveSpan('mail.send', async (s) => { s.end(); });
tracer.startActiveSpan('signup', async (span) => {
  await sendMail();
  span.end();
});` }, { messageId: 'detachInOwnSpan', output: `
import { trace, SpanStatusCode, context } from '@opentelemetry/api';
const tracer = trace.getTracer('mail');
const sendMail = () => tracer.startActiveSpan('mail.send', async (s) => { s.end(); });
tracer.startActiveSpan('signup', (span) => {
  tracer.startActiveSpan('sendMail', {}, trace.setSpan(context.active(), span), (detached) => sendMail().then(() => detached.end(), (error) => {
    detached.recordException(error);
    detached.setStatus({ code: SpanStatusCode.ERROR });
    detached.end();
  }));
  span.end();
});` }] },
      ],
    },
    {
      name: 'namespace import and an alias for SpanStatusCode',
      code: `
import * as api from '@opentelemetry/api';
const SpanStatusCode = 0;
async function job() {}
api.trace.getTracer('a').startActiveSpan('a', (span) => {
  job();
  span.end();
});`,
      output: null,
      errors: [
        { messageId: 'floatingPromiseInSpan', data: { scope: 'the startActiveSpan callback', manager: 'async-local-storage' }, line: 6, column: 3, endLine: 6, endColumn: 8, suggestions: [{ messageId: 'awaitPromise', output: `
import * as api from '@opentelemetry/api';
const SpanStatusCode = 0;
async function job() {}
api.trace.getTracer('a').startActiveSpan('a', async (span) => {
  await job();
  span.end();
});` }, { messageId: 'detachInOwnSpan', output: `
import * as api from '@opentelemetry/api';
const SpanStatusCode = 0;
async function job() {}
api.trace.getTracer('a').startActiveSpan('a', (span) => {
  api.trace.getTracer('detached').startActiveSpan('job', {}, api.trace.setSpan(api.context.active(), span), (detached) => job().then(() => detached.end(), (error) => {
    detached.recordException(error);
    detached.setStatus({ code: api.SpanStatusCode.ERROR });
    detached.end();
  }));
  span.end();
});` }] },
      ],
    },

  ],
});

/* The shapes of the two suggestions (mutation testing, mutation/RESULTS.md): when `await` is offered, which
 * tracer the detached span uses (the scope's own when it is visible, else a module-level const, else
 * `trace.getTracer('detached')`), which parent it takes, and its name when `detached` is taken. */
ruleTester.run('no-floating-promise-in-span (suggestion shapes)', rule, {
  valid: [],
  invalid: [
    {
      name: 'a span started at module level: no await suggestion (no function to make async), a detach under that span',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('boot');
async function warmCache(): Promise<void> {}
const span = tracer.startSpan('boot');
warmCache();
span.end();`,
      output: null,
      errors: [
        {
          messageId: 'floatingPromiseInSpan',
          data: { scope: "span 'span'", manager: 'async-local-storage' },
          line: 6, column: 1, endLine: 6, endColumn: 12,
          suggestions: [
            { messageId: 'detachInOwnSpan', output: `
import { trace, SpanStatusCode, context } from '@opentelemetry/api';
const tracer = trace.getTracer('boot');
async function warmCache(): Promise<void> {}
const span = tracer.startSpan('boot');
tracer.startActiveSpan('warmCache', {}, trace.setSpan(context.active(), span), (detached) => warmCache().then(() => detached.end(), (error) => {
  detached.recordException(error);
  detached.setStatus({ code: SpanStatusCode.ERROR });
  detached.end();
}));
span.end();` },
          ],
        },
      ],
    },
    {
      name: 'a startActiveSpan callback without a span parameter, its tracer a parameter: the detached span uses that tracer and the active context, and trace is not imported',
      code: `
import { SpanKind, type Tracer } from '@opentelemetry/api';
async function refresh(id: string): Promise<void> {}
export function sync(tracer: Tracer, id: string) {
  tracer.startActiveSpan('sync', { kind: SpanKind.INTERNAL }, () => {
    refresh(id);
  });
}`,
      output: null,
      errors: [
        {
          messageId: 'floatingPromiseInSpan',
          data: { scope: 'the startActiveSpan callback', manager: 'async-local-storage' },
          line: 6, column: 5, endLine: 6, endColumn: 16,
          suggestions: [
            { messageId: 'awaitPromise', output: `
import { SpanKind, type Tracer } from '@opentelemetry/api';
async function refresh(id: string): Promise<void> {}
export function sync(tracer: Tracer, id: string) {
  tracer.startActiveSpan('sync', { kind: SpanKind.INTERNAL }, async () => {
    await refresh(id);
  });
}` },
            { messageId: 'detachInOwnSpan', output: `
import { SpanKind, type Tracer, SpanStatusCode } from '@opentelemetry/api';
async function refresh(id: string): Promise<void> {}
export function sync(tracer: Tracer, id: string) {
  tracer.startActiveSpan('sync', { kind: SpanKind.INTERNAL }, () => {
    tracer.startActiveSpan('refresh', (detached) => refresh(id).then(() => detached.end(), (error) => {
      detached.recordException(error);
      detached.setStatus({ code: SpanStatusCode.ERROR });
      detached.end();
    }));
  });
}` },
          ],
        },
      ],
    },
    {
      name: 'the file already says detached: the detached span is named detachedSpan (the promise reads the parameter detached)',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('jobs');
async function writeAudit(id: string, detached: boolean): Promise<void> {}
export function place(id: string, detached: boolean) {
  tracer.startActiveSpan('place', (span) => {
    writeAudit(id, detached);
    span.end();
  });
}`,
      output: null,
      errors: [
        {
          messageId: 'floatingPromiseInSpan',
          data: { scope: 'the startActiveSpan callback', manager: 'async-local-storage' },
          line: 7, column: 5, endLine: 7, endColumn: 29,
          suggestions: [
            { messageId: 'awaitPromise', output: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('jobs');
async function writeAudit(id: string, detached: boolean): Promise<void> {}
export function place(id: string, detached: boolean) {
  tracer.startActiveSpan('place', async (span) => {
    await writeAudit(id, detached);
    span.end();
  });
}` },
            { messageId: 'detachInOwnSpan', output: `
import { trace, SpanStatusCode, context } from '@opentelemetry/api';
const tracer = trace.getTracer('jobs');
async function writeAudit(id: string, detached: boolean): Promise<void> {}
export function place(id: string, detached: boolean) {
  tracer.startActiveSpan('place', (span) => {
    tracer.startActiveSpan('writeAudit', {}, trace.setSpan(context.active(), span), (detachedSpan) => writeAudit(id, detached).then(() => detachedSpan.end(), (error) => {
      detachedSpan.recordException(error);
      detachedSpan.setStatus({ code: SpanStatusCode.ERROR });
      detachedSpan.end();
    }));
    span.end();
  });
}` },
          ],
        },
      ],
    },
    {
      name: 'a startSpan span whose tracer is a parameter: the detached span uses that tracer',
      code: `
import type { Tracer } from '@opentelemetry/api';
async function refresh(id: string): Promise<void> {}
export function sync(tracer: Tracer, id: string) {
  const span = tracer.startSpan('sync');
  refresh(id);
  span.end();
}`,
      output: null,
      errors: [
        {
          messageId: 'floatingPromiseInSpan',
          data: { scope: "span 'span'", manager: 'async-local-storage' },
          line: 6, column: 3, endLine: 6, endColumn: 14,
          suggestions: [
            { messageId: 'detachInOwnSpan', output: `
import type { Tracer } from '@opentelemetry/api';
import { SpanStatusCode, context, trace } from '@opentelemetry/api';
async function refresh(id: string): Promise<void> {}
export function sync(tracer: Tracer, id: string) {
  const span = tracer.startSpan('sync');
  tracer.startActiveSpan('refresh', {}, trace.setSpan(context.active(), span), (detached) => refresh(id).then(() => detached.end(), (error) => {
    detached.recordException(error);
    detached.setStatus({ code: SpanStatusCode.ERROR });
    detached.end();
  }));
  span.end();
}` },
          ],
        },
      ],
    },
    {
      name: 'the tracer parameter is shadowed where the promise floats: the detached span uses trace.getTracer(detached), not the shadowing value',
      code: `
import type { Tracer } from '@opentelemetry/api';
async function save(item: number): Promise<void> {}
export function saveAll(tracer: Tracer, items: number[]) {
  tracer.startActiveSpan('saveAll', (span) => {
    items.forEach((tracer) => {
      save(tracer);
    });
    span.end();
  });
}`,
      output: null,
      errors: [
        {
          messageId: 'floatingPromiseInSpan',
          data: { scope: 'the startActiveSpan callback', manager: 'async-local-storage' },
          line: 7, column: 7, endLine: 7, endColumn: 19,
          suggestions: [
            { messageId: 'detachInOwnSpan', output: `
import type { Tracer } from '@opentelemetry/api';
import { SpanStatusCode, context, trace } from '@opentelemetry/api';
async function save(item: number): Promise<void> {}
export function saveAll(tracer: Tracer, items: number[]) {
  tracer.startActiveSpan('saveAll', (span) => {
    items.forEach((tracer) => {
      trace.getTracer('detached').startActiveSpan('save', {}, trace.setSpan(context.active(), span), (detached) => save(tracer).then(() => detached.end(), (error) => {
        detached.recordException(error);
        detached.setStatus({ code: SpanStatusCode.ERROR });
        detached.end();
      }));
    });
    span.end();
  });
}` },
          ],
        },
      ],
    },
    {
      name: 'the module-level tracer: an exported const (through as), not a let, past an export without declaration',
      code: `
import { context, trace, type Context, type Tracer } from '@opentelemetry/api';
async function refresh(): Promise<void> {}
export { refresh };
let legacyTracer = trace.getTracer('legacy');
export const tracer = trace.getTracer('jobs') as Tracer;
export function run(parent: Context) {
  context.with(parent, () => {
    refresh();
  });
}`,
      output: null,
      errors: [
        {
          messageId: 'floatingPromiseInSpan',
          data: { scope: 'the context.with callback', manager: 'async-local-storage' },
          line: 9, column: 5, endLine: 9, endColumn: 14,
          suggestions: [
            { messageId: 'awaitPromise', output: `
import { context, trace, type Context, type Tracer } from '@opentelemetry/api';
async function refresh(): Promise<void> {}
export { refresh };
let legacyTracer = trace.getTracer('legacy');
export const tracer = trace.getTracer('jobs') as Tracer;
export function run(parent: Context) {
  context.with(parent, async () => {
    await refresh();
  });
}` },
            { messageId: 'detachInOwnSpan', output: `
import { context, trace, type Context, type Tracer, SpanStatusCode } from '@opentelemetry/api';
async function refresh(): Promise<void> {}
export { refresh };
let legacyTracer = trace.getTracer('legacy');
export const tracer = trace.getTracer('jobs') as Tracer;
export function run(parent: Context) {
  context.with(parent, () => {
    tracer.startActiveSpan('refresh', (detached) => refresh().then(() => detached.end(), (error) => {
      detached.recordException(error);
      detached.setStatus({ code: SpanStatusCode.ERROR });
      detached.end();
    }));
  });
}` },
          ],
        },
      ],
    },
    {
      name: 'the module-level tracer: past a declared const and a destructured getTracer',
      code: `
import { context, trace, type Context, type Tracer } from '@opentelemetry/api';
declare const injectedTracer: Tracer;
const { startActiveSpan } = trace.getTracer('unused');
const tracer = trace.getTracer('jobs');
async function refresh(): Promise<void> {}
export function run(parent: Context) {
  context.with(parent, () => {
    refresh();
  });
}`,
      output: null,
      errors: [
        {
          messageId: 'floatingPromiseInSpan',
          data: { scope: 'the context.with callback', manager: 'async-local-storage' },
          line: 9, column: 5, endLine: 9, endColumn: 14,
          suggestions: [
            { messageId: 'awaitPromise', output: `
import { context, trace, type Context, type Tracer } from '@opentelemetry/api';
declare const injectedTracer: Tracer;
const { startActiveSpan } = trace.getTracer('unused');
const tracer = trace.getTracer('jobs');
async function refresh(): Promise<void> {}
export function run(parent: Context) {
  context.with(parent, async () => {
    await refresh();
  });
}` },
            { messageId: 'detachInOwnSpan', output: `
import { context, trace, type Context, type Tracer, SpanStatusCode } from '@opentelemetry/api';
declare const injectedTracer: Tracer;
const { startActiveSpan } = trace.getTracer('unused');
const tracer = trace.getTracer('jobs');
async function refresh(): Promise<void> {}
export function run(parent: Context) {
  context.with(parent, () => {
    tracer.startActiveSpan('refresh', (detached) => refresh().then(() => detached.end(), (error) => {
      detached.recordException(error);
      detached.setStatus({ code: SpanStatusCode.ERROR });
      detached.end();
    }));
  });
}` },
          ],
        },
      ],
    },
    {
      name: 'a callback parameter of a span-running helper is not a span: the detached span takes the active context',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('jobs');
function withAttempts<T>(name: string, work: (attempt: number) => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, async (span) => {
    try {
      return await work(1);
    } finally {
      span.end();
    }
  });
}
async function writeAudit(id: string, attempt: number): Promise<void> {}
export function place(id: string) {
  return withAttempts('place', async (attempt) => {
    writeAudit(id, attempt);
  });
}`,
      output: null,
      errors: [
        {
          messageId: 'floatingPromiseInSpan',
          data: { scope: 'the withAttempts callback', manager: 'async-local-storage' },
          line: 16, column: 5, endLine: 16, endColumn: 28,
          suggestions: [
            { messageId: 'awaitPromise', output: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('jobs');
function withAttempts<T>(name: string, work: (attempt: number) => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, async (span) => {
    try {
      return await work(1);
    } finally {
      span.end();
    }
  });
}
async function writeAudit(id: string, attempt: number): Promise<void> {}
export function place(id: string) {
  return withAttempts('place', async (attempt) => {
    await writeAudit(id, attempt);
  });
}` },
            { messageId: 'detachInOwnSpan', output: `
import { trace, SpanStatusCode } from '@opentelemetry/api';
const tracer = trace.getTracer('jobs');
function withAttempts<T>(name: string, work: (attempt: number) => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, async (span) => {
    try {
      return await work(1);
    } finally {
      span.end();
    }
  });
}
async function writeAudit(id: string, attempt: number): Promise<void> {}
export function place(id: string) {
  return withAttempts('place', async (attempt) => {
    tracer.startActiveSpan('writeAudit', (detached) => writeAudit(id, attempt).then(() => detached.end(), (error) => {
      detached.recordException(error);
      detached.setStatus({ code: SpanStatusCode.ERROR });
      detached.end();
    }));
  });
}` },
          ],
        },
      ],
    },
  ],
});

/* Type-aware mode (`checkTypes`): three tiers — TS with types below, TS and JS without types above,
 * and the refusal to run without type information. */
const typedRuleTester = createRuleTester({ typed: true });

typedRuleTester.run('no-floating-promise-in-span (checkTypes)', rule, {
  valid: [
    {
      name: 'typed: a lazy thenable (query builder) starts nothing until awaited',
      options: [{ checkTypes: true }],
      code: `
import { trace } from '@opentelemetry/api';
class Query implements PromiseLike<number[]> {
  then<A = number[], B = never>(onok?: ((v: number[]) => A | PromiseLike<A>) | null, onerr?: ((e: unknown) => B | PromiseLike<B>) | null): PromiseLike<A | B> {
    return Promise.resolve([] as number[]).then(onok, onerr);
  }
}
declare const db: { select(): Query };
trace.getTracer('a').startActiveSpan('a', (span) => {
  db.select();
  span.end();
});`,
    },
    {
      name: 'typed: a promise outside traced code is not this rule',
      options: [{ checkTypes: true }],
      code: `
declare function load(): Promise<void>;
export function f() { load(); }`,
    },
    {
      name: 'typed: a non-promise value',
      options: [{ checkTypes: true }],
      code: `
import { trace } from '@opentelemetry/api';
declare function count(): number;
trace.getTracer('a').startActiveSpan('a', (span) => {
  count();
  span.end();
});`,
    },
  ],
  invalid: [
    {
      name: 'typed: a method returning a promise (the syntactic mode cannot see it)',
      options: [{ checkTypes: true }],
      code: `
import { trace } from '@opentelemetry/api';
export class Repo {
  async save(): Promise<void> {}
  run() {
    trace.getTracer('a').startActiveSpan('a', (span) => {
      this.save();
      span.end();
    });
  }
}`,
      output: null,
      errors: [
        {
          messageId: 'floatingPromiseInSpan',
          data: { scope: 'the startActiveSpan callback', manager: 'async-local-storage' },
          line: 7,
          column: 7,
          endLine: 7,
          endColumn: 18,
          suggestions: [
            {
              messageId: 'awaitPromise',
              output: `
import { trace } from '@opentelemetry/api';
export class Repo {
  async save(): Promise<void> {}
  run() {
    trace.getTracer('a').startActiveSpan('a', async (span) => {
      await this.save();
      span.end();
    });
  }
}`,
            },
            {
              messageId: 'detachInOwnSpan',
              output: `
import { trace, SpanStatusCode, context } from '@opentelemetry/api';
export class Repo {
  async save(): Promise<void> {}
  run() {
    trace.getTracer('a').startActiveSpan('a', (span) => {
      trace.getTracer('detached').startActiveSpan('save', {}, trace.setSpan(context.active(), span), (detached) => this.save().then(() => detached.end(), (error) => {
        detached.recordException(error);
        detached.setStatus({ code: SpanStatusCode.ERROR });
        detached.end();
      }));
      span.end();
    });
  }
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'typed: a promise held in a variable or a property is detached without parentheses around it',
      settings: under('stack'),
      options: [{ checkTypes: true }],
      code: `
import { trace } from '@opentelemetry/api';
declare const pending: Promise<void>;
declare const jobs: { current: Promise<void>; next: Promise<void> };
export function f() {
  trace.getTracer('a').startActiveSpan('a', (span) => {
    void pending;
    void jobs.current;
    span.end();
  });
}`,
      output: null,
      errors: [
        {
          messageId: 'voidedPromiseOrphaned',
          data: { scope: 'the startActiveSpan callback', manager: 'stack' },
          line: 7, column: 5, endLine: 7, endColumn: 17,
          suggestions: [
            { messageId: 'detachInOwnSpan', output: `
import { trace, SpanStatusCode, context } from '@opentelemetry/api';
declare const pending: Promise<void>;
declare const jobs: { current: Promise<void>; next: Promise<void> };
export function f() {
  trace.getTracer('a').startActiveSpan('a', (span) => {
    trace.getTracer('detached').startActiveSpan('detached work', {}, trace.setSpan(context.active(), span), (detached) => pending.then(() => detached.end(), (error) => {
      detached.recordException(error);
      detached.setStatus({ code: SpanStatusCode.ERROR });
      detached.end();
    }));
    void jobs.current;
    span.end();
  });
}` },
            { messageId: 'awaitPromise', output: `
import { trace } from '@opentelemetry/api';
declare const pending: Promise<void>;
declare const jobs: { current: Promise<void>; next: Promise<void> };
export function f() {
  trace.getTracer('a').startActiveSpan('a', async (span) => {
    await pending;
    void jobs.current;
    span.end();
  });
}` },
          ],
        },
        {
          messageId: 'voidedPromiseOrphaned',
          data: { scope: 'the startActiveSpan callback', manager: 'stack' },
          line: 8, column: 5, endLine: 8, endColumn: 22,
          suggestions: [
            { messageId: 'detachInOwnSpan', output: `
import { trace, SpanStatusCode, context } from '@opentelemetry/api';
declare const pending: Promise<void>;
declare const jobs: { current: Promise<void>; next: Promise<void> };
export function f() {
  trace.getTracer('a').startActiveSpan('a', (span) => {
    void pending;
    trace.getTracer('detached').startActiveSpan('detached work', {}, trace.setSpan(context.active(), span), (detached) => jobs.current.then(() => detached.end(), (error) => {
      detached.recordException(error);
      detached.setStatus({ code: SpanStatusCode.ERROR });
      detached.end();
    }));
    span.end();
  });
}` },
            { messageId: 'awaitPromise', output: `
import { trace } from '@opentelemetry/api';
declare const pending: Promise<void>;
declare const jobs: { current: Promise<void>; next: Promise<void> };
export function f() {
  trace.getTracer('a').startActiveSpan('a', async (span) => {
    void pending;
    await jobs.current;
    span.end();
  });
}` },
          ],
        },
      ],
    },
    {
      name: 'typed: a declared (imported-like) function returning a Promise, under stack',
      options: [{ checkTypes: true }],
      settings: under('stack'),
      code: `
import { trace } from '@opentelemetry/api';
declare function refresh(): Promise<void>;
export function f() {
  const span = trace.getTracer('a').startSpan('a');
  refresh();
  span.end();
}`,
      output: null,
      errors: [
        {
          messageId: 'floatingPromiseOrphaned',
          data: { scope: "span 'span'", manager: 'stack' },
          line: 6,
          column: 3,
          endLine: 6,
          endColumn: 12,
          suggestions: [
            {
              messageId: 'detachInOwnSpan',
              output: `
import { trace, SpanStatusCode, context } from '@opentelemetry/api';
declare function refresh(): Promise<void>;
export function f() {
  const span = trace.getTracer('a').startSpan('a');
  trace.getTracer('detached').startActiveSpan('refresh', {}, trace.setSpan(context.active(), span), (detached) => refresh().then(() => detached.end(), (error) => {
    detached.recordException(error);
    detached.setStatus({ code: SpanStatusCode.ERROR });
    detached.end();
  }));
  span.end();
}`,
            },
          ],
        },
      ],
    },
  ],
});

describe('checkTypes without type information', () => {
  it('refuses to run, with a message that says how to fix the config', () => {
    const linter = new Linter({ configType: 'flat' });
    const run = () =>
      linter.verify(
        `import { trace } from '@opentelemetry/api';\ntrace.getTracer('a').startActiveSpan('a', (span) => { span.end(); });\n`,
        [
          {
            files: ['**/*.ts'],
            languageOptions: { parser: tsParser },
            plugins: { 'otel-context': { rules: { 'no-floating-promise-in-span': rule } } },
            rules: { 'otel-context/no-floating-promise-in-span': ['error', { checkTypes: true }] },
          },
        ] as unknown as Linter.Config[],
        'file.ts',
      );
    expect(run).toThrow(MISSING_TYPES_MESSAGE);
  });
});
