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
      name: 'spelling (issue #11 family 8, near miss): this.method(..) of a class method that runs its callback outside any span',
      code: `
async function writeAudit(id: string): Promise<void> {}
export class Orders {
  runInSpan<T>(name: string, fn: () => T): T {
    return fn();
  }
  place(id: string) {
    return this.runInSpan('place', async () => {
      writeAudit(id);
    });
  }
}`,
    },
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
      name: 'spelling (issue #11 family 8): a method of the class that runs its callback in startActiveSpan, called as this.runInSpan(..)',
      code: `
import { trace } from '@opentelemetry/api';
async function writeAudit(id: string): Promise<void> {}
export class Orders {
  tracer = trace.getTracer('orders');
  runInSpan<T>(name: string, fn: () => T): T {
    return this.tracer.startActiveSpan(name, (span) => {
      try {
        return fn();
      } finally {
        span.end();
      }
    });
  }
  place(id: string) {
    return this.runInSpan('place', async () => {
      writeAudit(id);
    });
  }
}`,
      output: null,
      errors: [{ messageId: 'floatingPromiseInSpan', data: { scope: 'the this.runInSpan callback', manager: 'async-local-storage' }, line: 17, column: 7, endColumn: 21, suggestions: [{ messageId: 'awaitPromise', output: `
import { trace } from '@opentelemetry/api';
async function writeAudit(id: string): Promise<void> {}
export class Orders {
  tracer = trace.getTracer('orders');
  runInSpan<T>(name: string, fn: () => T): T {
    return this.tracer.startActiveSpan(name, (span) => {
      try {
        return fn();
      } finally {
        span.end();
      }
    });
  }
  place(id: string) {
    return this.runInSpan('place', async () => {
      await writeAudit(id);
    });
  }
}` }, { messageId: 'detachInOwnSpan', output: `
import { trace, SpanStatusCode } from '@opentelemetry/api';
async function writeAudit(id: string): Promise<void> {}
export class Orders {
  tracer = trace.getTracer('orders');
  runInSpan<T>(name: string, fn: () => T): T {
    return this.tracer.startActiveSpan(name, (span) => {
      try {
        return fn();
      } finally {
        span.end();
      }
    });
  }
  place(id: string) {
    return this.runInSpan('place', async () => {
      trace.getTracer('detached').startActiveSpan('writeAudit', (detached) => writeAudit(id).then(() => detached.end(), (error) => {
        detached.recordException(error);
        detached.setStatus({ code: SpanStatusCode.ERROR });
        detached.end();
      }));
    });
  }
}` }] }],
    },
    {
      name: 'spelling (issue #11 family 8): an imported helper named withNewSpan, in a file that does not import the API',
      code: `
import { withNewSpan } from './tracing';
async function writeAudit(id: string): Promise<void> {}
export function place(id: string) {
  return withNewSpan('place', async () => {
    writeAudit(id);
  });
}`,
      output: null,
      errors: [{ messageId: 'floatingPromiseInSpan', data: { scope: 'the withNewSpan callback', manager: 'async-local-storage' }, line: 6, column: 5, endColumn: 19, suggestions: [{ messageId: 'awaitPromise', output: `
import { withNewSpan } from './tracing';
async function writeAudit(id: string): Promise<void> {}
export function place(id: string) {
  return withNewSpan('place', async () => {
    await writeAudit(id);
  });
}` }, { messageId: 'detachInOwnSpan', output: `
import { withNewSpan } from './tracing';
import { SpanStatusCode, trace } from '@opentelemetry/api';
async function writeAudit(id: string): Promise<void> {}
export function place(id: string) {
  return withNewSpan('place', async () => {
    trace.getTracer('detached').startActiveSpan('writeAudit', (detached) => writeAudit(id).then(() => detached.end(), (error) => {
      detached.recordException(error);
      detached.setStatus({ code: SpanStatusCode.ERROR });
      detached.end();
    }));
  });
}` }] }],
    },
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

// The generator shape (core/detectors/no-floating-promise-in-span/escaping-generators.ts): a
// generator object handed out of a traced scope runs its body when it is iterated, outside the
// scope (measured: tests/generator-context.test.ts).
const GENERATOR_HEADER = `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('tools');
declare function fetchPage(n: number): Promise<string[]>;
async function* pages(query: string) {
  for (let n = 0; ; n++) {
    const rows = await tracer.startActiveSpan('db.page', async (span) => {
      try {
        return await fetchPage(n);
      } finally {
        span.end();
      }
    });
    if (rows.length === 0) return;
    yield rows;
  }
}
`;

ruleTester.run('no-floating-promise-in-span (generators)', rule, {
  valid: [
    {
      name: 'near miss: the generator is consumed inside the startActiveSpan callback (for await)',
      code: `${GENERATOR_HEADER}
export function count(query: string) {
  return tracer.startActiveSpan('search', async (span) => {
    try {
      let total = 0;
      for await (const rows of pages(query)) total += rows.length;
      return total;
    } finally {
      span.end();
    }
  });
}`,
    },
    {
      name: 'near miss: a generator returned from an untraced function',
      code: `${GENERATOR_HEADER}
export function search(query: string) {
  return pages(query);
}`,
    },
    {
      name: 'near miss: a sync generator fully consumed inside context.with',
      code: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('tools');
function* steps(items: string[]) {
  for (const item of items) yield tracer.startSpan(item);
}
export function run(items: string[]) {
  const span = tracer.startSpan('batch');
  const started = context.with(trace.setSpan(context.active(), span), () => [...steps(items)]);
  span.end();
  return started;
}`,
    },
    {
      name: 'near miss: a generator whose body calls nothing (it cannot start a span or read the context)',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('tools');
function* range(n: number) {
  for (let i = 0; i < n; i++) yield i;
}
export function indexes(n: number) {
  return tracer.startActiveSpan('indexes', (span) => {
    span.end();
    return range(n);
  });
}`,
    },
    {
      name: 'near miss: a non-generator function returned from startActiveSpan',
      code: `${GENERATOR_HEADER}
async function firstPage(query: string) {
  return fetchPage(0);
}
export function search(query: string) {
  return tracer.startActiveSpan('search', (span) => {
    try {
      return firstPage(query);
    } finally {
      span.end();
    }
  });
}`,
    },
    {
      name: 'near miss: the result tested as a generator is handed to a helper that iterates it in the context again',
      code: `
import { AsyncLocalStorage } from 'node:async_hooks';
declare function isAsyncGenerator(x: unknown): x is AsyncGenerator;
declare function consume(it: AsyncIterator<unknown>): Promise<unknown>;
declare const runManager: { withRunContext<T>(fn: () => T): T; withRunContextAsyncIterable<T>(it: AsyncIterable<T>): AsyncIterable<T> };
export const storage = new AsyncLocalStorage();
export async function call(tool: { run(): Promise<unknown> }) {
  const run = () => tool.run();
  const raw = await runManager.withRunContext(run);
  return isAsyncGenerator(raw) ? consume(runManager.withRunContextAsyncIterable(raw)[Symbol.asyncIterator]()) : raw;
}`,
    },
    {
      name: 'near miss: the iteration is traced in a span of its own (the orpc shape: traceAsyncIterator)',
      code: `
import { trace } from '@opentelemetry/api';
import { isAsyncIteratorObject, runWithSpan, traceAsyncIterator } from '@orpc/shared';
declare function execute(input: unknown): Promise<unknown>;
export const tracer = trace.getTracer('rpc');
export async function call(input: unknown) {
  const output = await runWithSpan('call_procedure', () => execute(input));
  if (isAsyncIteratorObject(output)) return traceAsyncIterator('consume_output', output);
  return output;
}`,
    },
    {
      name: 'near miss: the callback returns a generator that runs each step in the captured context (inContext)',
      code: `${GENERATOR_HEADER}
import type { Context } from '@opentelemetry/api';
async function* inContext<T>(ctx: Context, steps: AsyncGenerator<T>, done: () => void) {
  try {
    for (;;) {
      const step = await context.with(ctx, () => steps.next());
      if (step.done) return;
      yield step.value;
    }
  } finally {
    done();
  }
}
export function search(query: string) {
  return tracer.startActiveSpan('search', (span) => inContext(context.active(), pages(query), () => span.end()));
}`,
    },
    {
      name: 'near miss: a generator test on a value that no context helper returned',
      code: `
import { AsyncLocalStorage } from 'node:async_hooks';
declare function isAsyncGenerator(x: unknown): x is AsyncGenerator;
declare function consume(it: AsyncIterator<unknown>): Promise<unknown>;
export const storage = new AsyncLocalStorage();
export async function call(tool: { run(): Promise<unknown> }) {
  const raw = await tool.run();
  return isAsyncGenerator(raw) ? consume(raw) : raw;
}`,
    },
    {
      name: 'near miss: context.with(ROOT_CONTEXT, ..) is no traced scope',
      code: `${GENERATOR_HEADER}
import { ROOT_CONTEXT } from '@opentelemetry/api';
export function detached(query: string) {
  return context.with(ROOT_CONTEXT, () => pages(query));
}`,
    },
  ],
  invalid: [
    {
      name: 'an async generator of the file returned from the startActiveSpan callback (the span ends before it runs)',
      code: `${GENERATOR_HEADER}
export function search(query: string) {
  return tracer.startActiveSpan('search', (span) => {
    try {
      return pages(query);
    } finally {
      span.end();
    }
  });
}`,
      errors: [{ messageId: 'generatorOutlivesScope', line: 22, column: 14, data: { scope: 'the startActiveSpan callback', generator: "'pages'" } }],
    },
    {
      name: 'the same under stack and zone: the body follows whoever iterates under every manager',
      code: `${GENERATOR_HEADER}
export const search = (query: string) => context.with(trace.setSpan(context.active(), tracer.startSpan('search')), () => pages(query));`,
      settings: under('stack'),
      errors: [{ messageId: 'generatorOutlivesScope', line: 19, data: { scope: 'the context.with callback', generator: "'pages'" } }],
    },
    {
      name: 'a const holding the generator, returned after an await; a sync generator method of the class',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('tools');
export class Tool {
  *steps(input: string) {
    yield tracer.startSpan(input);
  }
  call(input: string) {
    return tracer.startActiveSpan('tool', async (span) => {
      const steps = this.steps(input);
      await Promise.resolve();
      span.end();
      return steps;
    });
  }
}`,
      errors: [{ messageId: 'generatorOutlivesScope', line: 13, data: { scope: 'the startActiveSpan callback', generator: "'steps'" } }],
    },
    {
      name: 'the traced callback is itself a generator function',
      code: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('tools');
declare function fetchPage(n: number): Promise<string[]>;
export function pagesInSpan(span: ReturnType<typeof tracer.startSpan>) {
  return context.with(trace.setSpan(context.active(), span), async function* () {
    yield await fetchPage(0);
  });
}`,
      errors: [{ messageId: 'generatorOutlivesScope', line: 6, data: { scope: 'the context.with callback', generator: 'this generator callback' } }],
    },
    {
      name: 'a span-running helper of the file whose callback returns a generator',
      code: `${GENERATOR_HEADER}
function withSpan<T>(name: string, work: () => T): T {
  return tracer.startActiveSpan(name, (span) => {
    try {
      return work();
    } finally {
      span.end();
    }
  });
}
export const search = (query: string) => withSpan('search', () => pages(query));`,
      errors: [{ messageId: 'generatorOutlivesScope', line: 28, data: { scope: 'the withSpan callback', generator: "'pages'" } }],
    },
    {
      name: 'als.run in a file without OpenTelemetry: the store is lost the same way',
      code: `
import { AsyncLocalStorage } from 'node:async_hooks';
declare function log(line: string): void;
const requestStore = new AsyncLocalStorage<{ id: string }>();
async function* lines(text: string) {
  for (const line of text.split('\\n')) {
    log(line);
    yield line;
  }
}
export function parse(id: string, text: string) {
  return requestStore.run({ id }, () => lines(text));
}`,
      errors: [{ messageId: 'generatorOutlivesScope', line: 12, data: { scope: 'the requestStore.run callback', generator: "'lines'" } }],
    },
    {
      name: 'the langchain shape: a context helper\u2019s result tested with isAsyncGenerator, then consumed outside it',
      code: `
import { AsyncLocalStorage } from 'node:async_hooks';
declare function isAsyncGenerator(x: unknown): x is AsyncGenerator;
declare function consumeAsyncGenerator(it: AsyncGenerator, onYield: (chunk: unknown) => Promise<void>): Promise<unknown>;
declare const runManager: { withRunContext<T>(fn: () => T): T; handleToolEvent(chunk: unknown): Promise<void> } | undefined;
export const storage = new AsyncLocalStorage();
export async function call(tool: { run(): Promise<unknown> }) {
  const run = () => tool.run();
  const raw = await (runManager ? runManager.withRunContext(run) : run());
  return isAsyncGenerator(raw) ? consumeAsyncGenerator(raw, async (chunk) => runManager?.handleToolEvent(chunk)) : raw;
}`,
      errors: [{ messageId: 'generatorIteratedOutsideScope', line: 9, column: 35, data: { scope: 'the runManager.withRunContext callback', name: 'raw' } }],
    },
    {
      name: 'an imported span helper (runWithSpan) whose result is tested with isAsyncIteratorObject and returned untraced',
      code: `
import { trace } from '@opentelemetry/api';
import { isAsyncIteratorObject, runWithSpan } from '@orpc/shared';
declare function execute(input: unknown): Promise<unknown>;
declare function consume(it: AsyncIterator<unknown>): Promise<void>;
export const tracer = trace.getTracer('rpc');
export async function call(input: unknown) {
  const output = await runWithSpan('call_procedure', () => execute(input));
  if (isAsyncIteratorObject(output)) await consume(output);
  return output;
}`,
      errors: [{ messageId: 'generatorIteratedOutsideScope', line: 8, data: { scope: 'the runWithSpan callback', name: 'output' } }],
    },
    {
      name: 'iterating inside a context.with of the caller\u2019s context does not bring the span back',
      code: `
import { context, trace } from '@opentelemetry/api';
declare function isAsyncGenerator(x: unknown): x is AsyncGenerator;
declare function execute(input: unknown): unknown;
const tracer = trace.getTracer('tools');
export async function call(input: unknown) {
  const output = await tracer.startActiveSpan('tool', async (span) => {
    try {
      return execute(input);
    } finally {
      span.end();
    }
  });
  const ctx = context.active();
  if (isAsyncGenerator(output)) {
    return context.with(ctx, async () => {
      for await (const part of output) console.log(part);
    });
  }
  return output;
}`,
      errors: [{ messageId: 'generatorIteratedOutsideScope', line: 7, data: { scope: 'the startActiveSpan callback', name: 'output' } }],
    },
    {
      name: 'one defect, one finding: the returned generator and the caller\u2019s two tests of the result',
      code: `${GENERATOR_HEADER}
declare function isAsyncGenerator(x: unknown): x is AsyncGenerator;
export async function search(query: string) {
  const found = await tracer.startActiveSpan('search', async (span) => {
    try {
      return pages(query);
    } finally {
      span.end();
    }
  });
  if (isAsyncGenerator(found)) for await (const rows of found) console.log(rows);
  return isAsyncGenerator(found) ? undefined : found;
}`,
      errors: [{ messageId: 'generatorOutlivesScope', line: 23 }],
    },
    {
      name: 'two tests of one helper result: one finding',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('tools');
declare function isAsyncGenerator(x: unknown): x is AsyncGenerator;
declare const execute: (input: string) => unknown;
export async function invoke(input: string) {
  const output = await tracer.startActiveSpan('tool', async () => execute(input));
  if (isAsyncGenerator(output)) for await (const part of output) console.log(part);
  return isAsyncGenerator(output) ? undefined : output;
}`,
      errors: [{ messageId: 'generatorIteratedOutsideScope', line: 7 }],
    },
    {
      name: 'startActiveSpan whose result is tested with isAsyncIterable and iterated by the caller',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('tools');
declare function isAsyncIterable(x: unknown): x is AsyncIterable<unknown>;
declare const execute: (input: string) => unknown;
export async function invoke(input: string) {
  const output = await tracer.startActiveSpan('tool', async (span) => {
    try {
      return execute(input);
    } finally {
      span.end();
    }
  });
  if (isAsyncIterable(output)) {
    for await (const part of output) console.log(part);
  }
}`,
      errors: [{ messageId: 'generatorIteratedOutsideScope', line: 7 }],
    },
  ],
});
