import rule from '../../rules/no-unbound-timer.js';
import { createRuleTester, under } from '../rule-tester.js';

const ruleTester = createRuleTester();

ruleTester.run('no-unbound-timer', rule, {
  valid: [
    {
      name: 'one-shot timer inside startActiveSpan under async-local-storage (1a: linked, the seed articles are wrong)',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
tracer.startActiveSpan('job', (span) => {
  setTimeout(() => tracer.startSpan('child').end(), 10);
  span.end();
});`,
    },
    {
      name: 'one-shot timer inside context.with under zone (zone.js patches timers)',
      settings: under('zone'),
      code: `
import { context, trace } from '@opentelemetry/api';
context.with(trace.setSpan(context.active(), parent), () => {
  setTimeout(() => trace.getTracer('a').startSpan('child').end(), 10);
});`,
    },
    {
      name: 'already bound callback is never bound twice',
      settings: under('stack'),
      code: `
import { context, trace } from '@opentelemetry/api';
trace.getTracer('a').startActiveSpan('job', (span) => {
  setTimeout(context.bind(context.active(), () => work()), 10);
  span.end();
});`,
    },
    {
      name: 'a const holding a bound callback counts as bound',
      settings: under('stack'),
      code: `
import { context, trace } from '@opentelemetry/api';
trace.getTracer('a').startActiveSpan('job', (span) => {
  const later = context.bind(context.active(), () => work());
  setTimeout(later, 10);
  span.end();
});`,
    },
    {
      name: 'timer outside traced code under stack',
      settings: under('stack'),
      code: `setTimeout(() => console.log('tick'), 10);`,
    },
    {
      name: 'a local function named setTimeout is not a timer',
      settings: under('stack'),
      code: `
import { trace } from '@opentelemetry/api';
function setTimeout(cb: () => void, ms: number) { cb(); }
trace.getTracer('a').startActiveSpan('job', (span) => {
  setTimeout(() => work(), 10);
  span.end();
});`,
    },
    {
      name: 'a local function named context is not the API: context.with(..) is not traced code',
      settings: under('stack'),
      code: `
const context = { with: (ctx: unknown, fn: () => void) => fn() };
context.with({}, () => { setTimeout(() => work(), 10); });`,
    },
    {
      name: 'context.with(ROOT_CONTEXT, ..) is not traced code',
      code: `
import { context, ROOT_CONTEXT } from '@opentelemetry/api';
context.with(ROOT_CONTEXT, () => { setInterval(() => poll(), 1000); });`,
    },
    {
      name: 'setInterval already started from the root context',
      code: `
import { context, trace, ROOT_CONTEXT } from '@opentelemetry/api';
trace.getTracer('a').startActiveSpan('boot', (span) => {
  setInterval(context.bind(ROOT_CONTEXT, () => poll()), 1000);
  span.end();
});`,
    },
    {
      name: 'recurring work under stack: ticks are roots already (binding would create the endless trace)',
      settings: under('stack'),
      code: `
import { trace } from '@opentelemetry/api';
trace.getTracer('a').startActiveSpan('boot', (span) => {
  setInterval(() => poll(), 1000);
  span.end();
});`,
    },
    {
      name: 'a callback bound to ROOT_CONTEXT is no longer traced code',
      settings: under('stack'),
      code: `
import { context, ROOT_CONTEXT } from '@opentelemetry/api';
context.with(ctx, () => {
  setInterval(context.bind(ROOT_CONTEXT, () => { setTimeout(flush, 10); }), 1000);
});`,
    },
    {
      name: 'a timer inside a callback bound to trace.setSpan(.., span) runs with that span active (found by the property tests)',
      code: `
import { context, trace } from '@opentelemetry/api';
import { EventEmitter } from 'node:events';
const tracer = trace.getTracer('gen');
const emitter = new EventEmitter();
export function handler1() {
  const span1 = tracer.startSpan('span1');
  emitter.on('data', context.bind(trace.setSpan(context.active(), span1), () => {
    setTimeout(() => { tracer.startSpan('leaf').end(); }, 10);
  }));
  span1.end();
}`,
    },
    {
      name: 'setInterval at module level is not in traced code',
      code: `setInterval(() => poll(), 1000);`,
    },
    {
      name: 'span made active with context.with: the timer is linked',
      code: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
export function handle() {
  const span = tracer.startSpan('parent');
  context.with(trace.setSpan(context.active(), span), () => {
    setTimeout(() => tracer.startSpan('child').end(), 5);
  });
  span.end();
}`,
    },
    {
      name: 'a span made active with context.attach(trace.setSpan(..)) is active for the rest of the region',
      code: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
export function handle() {
  const span = tracer.startSpan('parent');
  const token = context.attach(trace.setSpan(context.active(), span));
  try {
    setTimeout(() => tracer.startSpan('child').end(), 5);
  } finally {
    token.dispose();
    span.end();
  }
}`,
    },
    {
      name: 'timer after span.end() is not in the span region',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
export function handle() {
  const span = tracer.startSpan('parent');
  span.end();
  setTimeout(() => tracer.startSpan('later').end(), 5);
}`,
    },
    {
      name: 'inactive span, but the callback does no traced work',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
export function handle() {
  const span = tracer.startSpan('parent');
  setTimeout(() => console.log('done'), 5);
  span.end();
}`,
    },
    {
      name: 'inactive span whose callback passes the context explicitly',
      code: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
export function handle() {
  const span = tracer.startSpan('parent');
  const ctx = trace.setSpan(context.active(), span);
  setTimeout(() => tracer.startSpan('child', {}, ctx).end(), 5);
  span.end();
}`,
    },
    {
      name: 'ALS-only: one-shot timer inside als.run keeps its store (1h)',
      code: `
import { AsyncLocalStorage } from 'node:async_hooks';
const als = new AsyncLocalStorage<{ id: string }>();
als.run({ id: '1' }, () => { setTimeout(() => console.log(als.getStore()), 5); });`,
    },
    {
      name: 'node:timers/promises has no callback',
      settings: under('stack'),
      code: `
import { trace } from '@opentelemetry/api';
import { setTimeout as sleep } from 'node:timers/promises';
trace.getTracer('a').startActiveSpan('job', async (span) => {
  await sleep(10);
  span.end();
});`,
    },
  ],
  invalid: [
    {
      name: 'stack: setTimeout inside startActiveSpan (1a) gets bound, import extended',
      settings: under('stack'),
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
tracer.startActiveSpan('job', (span) => {
  setTimeout(() => tracer.startSpan('child').end(), 10);
  span.end();
});`,
      output: `
import { trace, context } from '@opentelemetry/api';
const tracer = trace.getTracer('app');
tracer.startActiveSpan('job', (span) => {
  setTimeout(context.bind(context.active(), () => tracer.startSpan('child').end()), 10);
  span.end();
});`,
      errors: [{ messageId: 'timerLosesContext', data: { timer: 'setTimeout' }, line: 5, column: 3, endLine: 5, endColumn: 13 }],
    },
    {
      name: 'stack: every callback timer kind, through globalThis/window/process and node:timers',
      settings: under('stack'),
      code: `
import { context } from '@opentelemetry/api';
import { setImmediate as later } from 'node:timers';
context.with(ctx, () => {
  globalThis.setTimeout(a, 1);
  window.requestAnimationFrame(b);
  queueMicrotask(c);
  process.nextTick(d);
  later(e);
});`,
      output: `
import { context } from '@opentelemetry/api';
import { setImmediate as later } from 'node:timers';
context.with(ctx, () => {
  globalThis.setTimeout(context.bind(context.active(), a), 1);
  window.requestAnimationFrame(context.bind(context.active(), b));
  queueMicrotask(context.bind(context.active(), c));
  process.nextTick(context.bind(context.active(), d));
  later(context.bind(context.active(), e));
});`,
      errors: [
        { messageId: 'timerLosesContext', data: { timer: 'setTimeout' }, line: 5, column: 3, endLine: 5, endColumn: 24 },
        { messageId: 'timerLosesContext', data: { timer: 'requestAnimationFrame' }, line: 6, column: 3, endLine: 6, endColumn: 31 },
        { messageId: 'timerLosesContext', data: { timer: 'queueMicrotask' }, line: 7, column: 3, endLine: 7, endColumn: 17 },
        { messageId: 'timerLosesContext', data: { timer: 'process.nextTick' }, line: 8, column: 3, endLine: 8, endColumn: 19 },
        { messageId: 'timerLosesContext', data: { timer: 'setImmediate' }, line: 9, column: 3, endLine: 9, endColumn: 8 },
      ],
    },
    {
      name: 'stack: a parameter named context forces an alias for the API import',
      settings: under('stack'),
      code: `
import { trace } from '@opentelemetry/api';
export function handler(event: unknown, context: { id: string }) {
  trace.getTracer('lambda').startActiveSpan('handle', (span) => {
    setTimeout(() => work(context.id), 1);
    span.end();
  });
}`,
      output: `
import { trace, context as otelContext } from '@opentelemetry/api';
export function handler(event: unknown, context: { id: string }) {
  trace.getTracer('lambda').startActiveSpan('handle', (span) => {
    setTimeout(otelContext.bind(otelContext.active(), () => work(context.id)), 1);
    span.end();
  });
}`,
      errors: [{ messageId: 'timerLosesContext', data: { timer: 'setTimeout' }, line: 5, column: 5, endLine: 5, endColumn: 15 }],
    },
    {
      name: 'stack: namespace import is used as is',
      settings: under('stack'),
      code: `
import * as api from '@opentelemetry/api';
api.context.with(ctx, () => { setTimeout(run, 1); });`,
      output: `
import * as api from '@opentelemetry/api';
api.context.with(ctx, () => { setTimeout(api.context.bind(api.context.active(), run), 1); });`,
      errors: [{ messageId: 'timerLosesContext', data: { timer: 'setTimeout' }, line: 3, column: 31, endLine: 3, endColumn: 41 }],
    },
    {
      name: 'stack: CommonJS destructuring is extended',
      settings: under('stack'),
      code: `
const { trace } = require('@opentelemetry/api');
trace.getTracer('a').startActiveSpan('job', (span) => {
  setTimeout(() => trace.getTracer('a').startSpan('c').end(), 1);
  span.end();
});`,
      output: `
const { trace, context } = require('@opentelemetry/api');
trace.getTracer('a').startActiveSpan('job', (span) => {
  setTimeout(context.bind(context.active(), () => trace.getTracer('a').startSpan('c').end()), 1);
  span.end();
});`,
      errors: [{ messageId: 'timerLosesContext', data: { timer: 'setTimeout' }, line: 4, column: 3, endLine: 4, endColumn: 13 }],
    },
    {
      name: 'stack: no API import yet (tracer from another module): a new import is added after the imports',
      settings: under('stack'),
      code: `
import { tracer } from './tracing';
tracer.startActiveSpan('job', (span) => {
  setTimeout(() => tracer.startSpan('c').end(), 1);
  span.end();
});`,
      output: `
import { tracer } from './tracing';
import { context } from '@opentelemetry/api';
tracer.startActiveSpan('job', (span) => {
  setTimeout(context.bind(context.active(), () => tracer.startSpan('c').end()), 1);
  span.end();
});`,
      errors: [{ messageId: 'timerLosesContext', data: { timer: 'setTimeout' }, line: 4, column: 3, endLine: 4, endColumn: 13 }],
    },
    {
      name: 'stack: apiModules re-export is recognised and extended',
      settings: { 'otel-context': { contextManager: 'stack', apiModules: ['@acme/otel'] } },
      code: `
import { context as ctxApi } from '@acme/otel';
ctxApi.with(parentCtx, () => { setTimeout(run, 1); });`,
      output: `
import { context as ctxApi } from '@acme/otel';
ctxApi.with(parentCtx, () => { setTimeout(ctxApi.bind(ctxApi.active(), run), 1); });`,
      errors: [{ messageId: 'timerLosesContext', data: { timer: 'setTimeout' }, line: 3, column: 32, endLine: 3, endColumn: 42 }],
    },
    {
      name: 'stack: spanWrappers helper counts as traced code',
      settings: { 'otel-context': { contextManager: 'stack', spanWrappers: ['withSpan'] } },
      code: `
import { context } from '@opentelemetry/api';
withSpan('load', () => { setTimeout(refresh, 100); });`,
      output: `
import { context } from '@opentelemetry/api';
withSpan('load', () => { setTimeout(context.bind(context.active(), refresh), 100); });`,
      errors: [{ messageId: 'timerLosesContext', data: { timer: 'setTimeout' }, line: 3, column: 26, endLine: 3, endColumn: 36 }],
    },
    {
      name: 'stack: timer in a .forEach callback inside traced code',
      settings: under('stack'),
      code: `
import { context } from '@opentelemetry/api';
context.with(ctx, () => { items.forEach((item) => setTimeout(() => send(item), 1)); });`,
      output: `
import { context } from '@opentelemetry/api';
context.with(ctx, () => { items.forEach((item) => setTimeout(context.bind(context.active(), () => send(item)), 1)); });`,
      errors: [{ messageId: 'timerLosesContext', data: { timer: 'setTimeout' }, line: 3, column: 51, endLine: 3, endColumn: 61 }],
    },
    {
      name: 'stack: a timer inside an already bound callback is still traced code',
      settings: under('stack'),
      code: `
import { context } from '@opentelemetry/api';
context.with(ctx, () => {
  setTimeout(context.bind(context.active(), () => { setTimeout(retry, 10); }), 1);
});`,
      output: `
import { context } from '@opentelemetry/api';
context.with(ctx, () => {
  setTimeout(context.bind(context.active(), () => { setTimeout(context.bind(context.active(), retry), 10); }), 1);
});`,
      errors: [{ messageId: 'timerLosesContext', data: { timer: 'setTimeout' }, line: 4, column: 53, endLine: 4, endColumn: 63 }],
    },
    {
      name: 'any manager: timer callback expects a span that was never made active (2b)',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
export function handle() {
  const span = tracer.startSpan('parent');
  setTimeout(() => {
    tracer.startSpan('child').end();
    span.end();
  }, 5);
}`,
      output: `
import { trace, context } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
export function handle() {
  const span = tracer.startSpan('parent');
  setTimeout(context.bind(trace.setSpan(context.active(), span), () => {
    tracer.startSpan('child').end();
    span.end();
  }), 5);
}`,
      errors: [{ messageId: 'timerExpectsInactiveSpan', data: { timer: 'setTimeout', span: 'span' }, line: 6, column: 3, endLine: 6, endColumn: 13 }],
    },
    {
      name: 'inactive span: two timers need the span; a context built for one site does not cover the other',
      code: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
export function handle() {
  const span = tracer.startSpan('parent');
  setTimeout(context.bind(trace.setSpan(context.active(), span), () => tracer.startSpan('first').end()), 5);
  setTimeout(() => tracer.startSpan('second').end(), 10);
  span.end();
}`,
      output: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
export function handle() {
  const span = tracer.startSpan('parent');
  setTimeout(context.bind(trace.setSpan(context.active(), span), () => tracer.startSpan('first').end()), 5);
  setTimeout(context.bind(trace.setSpan(context.active(), span), () => tracer.startSpan('second').end()), 10);
  span.end();
}`,
      errors: [{ messageId: 'timerExpectsInactiveSpan', data: { timer: 'setTimeout', span: 'span' }, line: 7, column: 3, endLine: 7, endColumn: 13 }],
    },
    {
      name: 'inactive span: the callback calls a function of the file that starts spans',
      settings: under('zone'),
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
function refresh() { return tracer.startActiveSpan('refresh', (s) => s.end()); }
export function handle() {
  const root = tracer.startSpan('parent');
  queueMicrotask(refresh);
  root.end();
}`,
      output: `
import { trace, context } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
function refresh() { return tracer.startActiveSpan('refresh', (s) => s.end()); }
export function handle() {
  const root = tracer.startSpan('parent');
  queueMicrotask(context.bind(trace.setSpan(context.active(), root), refresh));
  root.end();
}`,
      errors: [{ messageId: 'timerExpectsInactiveSpan', data: { timer: 'queueMicrotask', span: 'root' }, line: 7, column: 3, endLine: 7, endColumn: 17 }],
    },
    {
      name: 'recurring: setInterval started inside startActiveSpan joins the trace forever (6b)',
      code: `
import { trace } from '@opentelemetry/api';
trace.getTracer('a').startActiveSpan('first-request', (span) => {
  const timer = setInterval(() => flush(), 1000);
  span.end();
});`,
      output: `
import { trace, context, ROOT_CONTEXT } from '@opentelemetry/api';
trace.getTracer('a').startActiveSpan('first-request', (span) => {
  const timer = setInterval(context.bind(ROOT_CONTEXT, () => flush()), 1000);
  span.end();
});`,
      errors: [{ messageId: 'recurringTimerInTrace', data: { timer: 'setInterval' }, line: 4, column: 17, endLine: 4, endColumn: 28 }],
    },
    {
      name: 'recurring: a self-rescheduling setTimeout (named function expression)',
      settings: under('zone'),
      code: `
import { context, ROOT_CONTEXT } from '@opentelemetry/api';
context.with(requestCtx, () => {
  setTimeout(function tick() { poll(); setTimeout(tick, 500); }, 500);
});`,
      output: `
import { context, ROOT_CONTEXT } from '@opentelemetry/api';
context.with(requestCtx, () => {
  setTimeout(context.bind(ROOT_CONTEXT, function tick() { poll(); setTimeout(tick, 500); }), 500);
});`,
      errors: [{ messageId: 'recurringTimerInTrace', data: { timer: 'setTimeout' }, line: 4, column: 3, endLine: 4, endColumn: 13 }],
    },
    {
      name: 'recurring: a class poller that reschedules this.poll',
      code: `
import { trace } from '@opentelemetry/api';
export class Poller {
  start() {
    trace.getTracer('a').startActiveSpan('start', (span) => {
      setTimeout(() => this.poll(), 100);
      span.end();
    });
  }
  poll() { fetchUpdates(); setTimeout(() => this.poll(), 100); }
}`,
      output: `
import { trace, context, ROOT_CONTEXT } from '@opentelemetry/api';
export class Poller {
  start() {
    trace.getTracer('a').startActiveSpan('start', (span) => {
      setTimeout(context.bind(ROOT_CONTEXT, () => this.poll()), 100);
      span.end();
    });
  }
  poll() { fetchUpdates(); setTimeout(() => this.poll(), 100); }
}`,
      errors: [{ messageId: 'recurringTimerInTrace', data: { timer: 'setTimeout' }, line: 6, column: 7, endLine: 6, endColumn: 17 }],
    },
    {
      name: 'ALS-only: recurring work inside als.run is started outside the store',
      code: `
import { AsyncLocalStorage } from 'node:async_hooks';
const requestStore = new AsyncLocalStorage<{ id: string }>();
export function handle(id: string) {
  requestStore.run({ id }, () => {
    const t = setInterval(() => report(), 1000);
  });
}`,
      output: `
import { AsyncLocalStorage } from 'node:async_hooks';
const requestStore = new AsyncLocalStorage<{ id: string }>();
export function handle(id: string) {
  requestStore.run({ id }, () => {
    const t = requestStore.exit(() => setInterval(() => report(), 1000));
  });
}`,
      errors: [{ messageId: 'recurringTimerInStore', data: { timer: 'setInterval', store: 'requestStore' }, line: 6, column: 15, endLine: 6, endColumn: 26 }],
    },
    {
      name: 'ALS-only with a class field store',
      code: `
import { AsyncLocalStorage } from 'node:async_hooks';
class Ctx {
  private storage = new AsyncLocalStorage<string>();
  handle() { this.storage.run('r1', () => { setInterval(() => this.tick(), 10); }); }
  tick() {}
}`,
      output: `
import { AsyncLocalStorage } from 'node:async_hooks';
class Ctx {
  private storage = new AsyncLocalStorage<string>();
  handle() { this.storage.run('r1', () => { this.storage.exit(() => setInterval(() => this.tick(), 10)); }); }
  tick() {}
}`,
      errors: [{ messageId: 'recurringTimerInStore', data: { timer: 'setInterval', store: 'this.storage' }, line: 5, column: 45, endLine: 5, endColumn: 56 }],
    },
    // The names a fix imports must not collide with the file's own (core/edits/api-imports.ts ALIASES):
    // one case per alias, so that each is pinned by an exact output.
    {
      name: 'the file declares its own context and ROOT_CONTEXT: the fix imports them under aliases',
      code: `
import { trace } from '@opentelemetry/api';
const context = { region: 'eu' };
const ROOT_CONTEXT = 'root';
trace.getTracer('a').startActiveSpan('first-request', (span) => {
  const timer = setInterval(() => flush(context.region, ROOT_CONTEXT), 1000);
  span.end();
});`,
      output: `
import { trace, context as otelContext, ROOT_CONTEXT as OTEL_ROOT_CONTEXT } from '@opentelemetry/api';
const context = { region: 'eu' };
const ROOT_CONTEXT = 'root';
trace.getTracer('a').startActiveSpan('first-request', (span) => {
  const timer = setInterval(otelContext.bind(OTEL_ROOT_CONTEXT, () => flush(context.region, ROOT_CONTEXT)), 1000);
  span.end();
});`,
      errors: [{ messageId: 'recurringTimerInTrace', data: { timer: 'setInterval' }, line: 6, column: 17, endLine: 6, endColumn: 28 }],
    },
    {
      name: 'the file declares context and otelContext: the alias is numbered (otelContext2)',
      settings: under('stack'),
      code: `
import { trace } from '@opentelemetry/api';
const context = { region: 'eu' };
const otelContext = { region: 'us' };
trace.getTracer('a').startActiveSpan('job', (span) => {
  setTimeout(() => trace.getTracer('a').startSpan(context.region + otelContext.region).end(), 10);
  span.end();
});`,
      output: `
import { trace, context as otelContext2 } from '@opentelemetry/api';
const context = { region: 'eu' };
const otelContext = { region: 'us' };
trace.getTracer('a').startActiveSpan('job', (span) => {
  setTimeout(otelContext2.bind(otelContext2.active(), () => trace.getTracer('a').startSpan(context.region + otelContext.region).end()), 10);
  span.end();
});`,
      errors: [{ messageId: 'timerLosesContext', data: { timer: 'setTimeout' } }],
    },
    {
      name: 'the file declares its own trace: the fix imports trace as otelTrace',
      code: `
import { context } from '@opentelemetry/api';
import type { Tracer } from '@opentelemetry/api';
declare const tracer: Tracer;
const trace: string[] = [];
export function handle() {
  const span = tracer.startSpan('parent');
  setTimeout(() => {
    trace.push('tick');
    tracer.startSpan('child').end();
    span.end();
  }, 5);
}`,
      output: `
import { context, trace as otelTrace } from '@opentelemetry/api';
import type { Tracer } from '@opentelemetry/api';
declare const tracer: Tracer;
const trace: string[] = [];
export function handle() {
  const span = tracer.startSpan('parent');
  setTimeout(context.bind(otelTrace.setSpan(context.active(), span), () => {
    trace.push('tick');
    tracer.startSpan('child').end();
    span.end();
  }), 5);
}`,
      errors: [{ messageId: 'timerExpectsInactiveSpan', data: { timer: 'setTimeout', span: 'span' }, line: 8, column: 3, endLine: 8, endColumn: 13 }],
    },
    // Where a fix adds the API member it needs (core/edits/api-imports.ts), one case per import shape.
    {
      name: 'the API is imported with empty braces only (import {} from ..): the member goes inside them',
      settings: under('stack'),
      filename: 'worker.ts',
      code: `
import {} from '@opentelemetry/api';
import type { Tracer } from '@opentelemetry/api';
declare const tracer: Tracer;
tracer.startActiveSpan('job', (span) => {
  setTimeout(() => tracer.startSpan('child').end(), 10);
  span.end();
});`,
      output: `
import { context } from '@opentelemetry/api';
import type { Tracer } from '@opentelemetry/api';
declare const tracer: Tracer;
tracer.startActiveSpan('job', (span) => {
  setTimeout(context.bind(context.active(), () => tracer.startSpan('child').end()), 10);
  span.end();
});`,
      errors: [{ messageId: 'timerLosesContext', data: { timer: 'setTimeout' }, line: 6, column: 3, endLine: 6, endColumn: 13 }],
    },
    {
      name: 'the API is imported for types only: a new import statement after the last import',
      settings: under('stack'),
      filename: 'worker.ts',
      code: `
import type { Tracer } from '@opentelemetry/api';
import { loadConfig } from './config';
declare const tracer: Tracer;
tracer.startActiveSpan('job', (span) => {
  setTimeout(() => tracer.startSpan(loadConfig()).end(), 10);
  span.end();
});`,
      output: `
import type { Tracer } from '@opentelemetry/api';
import { loadConfig } from './config';
import { context } from '@opentelemetry/api';
declare const tracer: Tracer;
tracer.startActiveSpan('job', (span) => {
  setTimeout(context.bind(context.active(), () => tracer.startSpan(loadConfig()).end()), 10);
  span.end();
});`,
      errors: [{ messageId: 'timerLosesContext', data: { timer: 'setTimeout' }, line: 6, column: 3, endLine: 6, endColumn: 13 }],
    },
    {
      name: "CommonJS with a directive and a 'let' require pattern (not extended): a new require after them",
      settings: under('stack'),
      filename: 'worker.cjs',
      code: `'use strict';
let { trace } = require('@opentelemetry/api');
const tracer = trace.getTracer('a');
tracer.startActiveSpan('job', (span) => {
  setTimeout(() => tracer.startSpan('child').end(), 10);
  span.end();
});`,
      output: `'use strict';
let { trace } = require('@opentelemetry/api');
const { context } = require('@opentelemetry/api');
const tracer = trace.getTracer('a');
tracer.startActiveSpan('job', (span) => {
  setTimeout(context.bind(context.active(), () => tracer.startSpan('child').end()), 10);
  span.end();
});`,
      errors: [{ messageId: 'timerLosesContext', data: { timer: 'setTimeout' }, line: 5, column: 3, endLine: 5, endColumn: 13 }],
    },
    {
      name: 'CommonJS whose first statement is not a require: the new require goes first',
      settings: under('stack'),
      filename: 'worker.cjs',
      code: `const name = 'job';
let { trace } = require('@opentelemetry/api');
const tracer = trace.getTracer('a');
tracer.startActiveSpan(name, (span) => {
  setTimeout(() => tracer.startSpan('child').end(), 10);
  span.end();
});`,
      output: `const { context } = require('@opentelemetry/api');
const name = 'job';
let { trace } = require('@opentelemetry/api');
const tracer = trace.getTracer('a');
tracer.startActiveSpan(name, (span) => {
  setTimeout(context.bind(context.active(), () => tracer.startSpan('child').end()), 10);
  span.end();
});`,
      errors: [{ messageId: 'timerLosesContext', data: { timer: 'setTimeout' }, line: 5, column: 3, endLine: 5, endColumn: 13 }],
    },
    {
      name: 'CommonJS require pattern ending in a rest element: not extended, a new require',
      settings: under('stack'),
      filename: 'worker.cjs',
      code: `const { trace, ...otel } = require('@opentelemetry/api');
const tracer = trace.getTracer('a');
tracer.startActiveSpan('job', (span) => {
  setTimeout(() => tracer.startSpan('child').end(), 10);
  span.end();
});`,
      output: `const { trace, ...otel } = require('@opentelemetry/api');
const { context } = require('@opentelemetry/api');
const tracer = trace.getTracer('a');
tracer.startActiveSpan('job', (span) => {
  setTimeout(context.bind(context.active(), () => tracer.startSpan('child').end()), 10);
  span.end();
});`,
      errors: [{ messageId: 'timerLosesContext', data: { timer: 'setTimeout' }, line: 4, column: 3, endLine: 4, endColumn: 13 }],
    },
    {
      name: 'CommonJS require pattern, the file has its own context: the pattern gets context: otelContext',
      settings: under('stack'),
      filename: 'worker.cjs',
      code: `const { trace } = require('@opentelemetry/api');
const context = { region: 'eu' };
const tracer = trace.getTracer('a');
tracer.startActiveSpan('job', (span) => {
  setTimeout(() => tracer.startSpan(context.region).end(), 10);
  span.end();
});`,
      output: `const { trace, context: otelContext } = require('@opentelemetry/api');
const context = { region: 'eu' };
const tracer = trace.getTracer('a');
tracer.startActiveSpan('job', (span) => {
  setTimeout(otelContext.bind(otelContext.active(), () => tracer.startSpan(context.region).end()), 10);
  span.end();
});`,
      errors: [{ messageId: 'timerLosesContext', data: { timer: 'setTimeout' }, line: 5, column: 3, endLine: 5, endColumn: 13 }],
    },
    {
      name: 'CommonJS, a new require under an alias (const { context: otelContext } = ..)',
      settings: under('stack'),
      filename: 'worker.cjs',
      code: `let { trace } = require('@opentelemetry/api');
const context = { region: 'eu' };
const tracer = trace.getTracer('a');
tracer.startActiveSpan('job', (span) => {
  setTimeout(() => tracer.startSpan(context.region).end(), 10);
  span.end();
});`,
      output: `let { trace } = require('@opentelemetry/api');
const { context: otelContext } = require('@opentelemetry/api');
const context = { region: 'eu' };
const tracer = trace.getTracer('a');
tracer.startActiveSpan('job', (span) => {
  setTimeout(otelContext.bind(otelContext.active(), () => tracer.startSpan(context.region).end()), 10);
  span.end();
});`,
      errors: [{ messageId: 'timerLosesContext', data: { timer: 'setTimeout' }, line: 5, column: 3, endLine: 5, endColumn: 13 }],
    },
    {
      name: 'a new import statement under an alias (import { context as otelContext } ..)',
      settings: under('stack'),
      filename: 'worker.ts',
      code: `
import type { Tracer } from '@opentelemetry/api';
declare const tracer: Tracer;
const context = { region: 'eu' };
tracer.startActiveSpan('job', (span) => {
  setTimeout(() => tracer.startSpan(context.region).end(), 10);
  span.end();
});`,
      output: `
import type { Tracer } from '@opentelemetry/api';
import { context as otelContext } from '@opentelemetry/api';
declare const tracer: Tracer;
const context = { region: 'eu' };
tracer.startActiveSpan('job', (span) => {
  setTimeout(otelContext.bind(otelContext.active(), () => tracer.startSpan(context.region).end()), 10);
  span.end();
});`,
      errors: [{ messageId: 'timerLosesContext', data: { timer: 'setTimeout' }, line: 6, column: 3, endLine: 6, endColumn: 13 }],
    },
    {
      name: 'CommonJS whose first declaration also calls something other than require: the new require goes first',
      settings: under('stack'),
      filename: 'worker.cjs',
      code: `const config = loadConfig(), fs = require('node:fs');
let { trace } = require('@opentelemetry/api');
const tracer = trace.getTracer(config.name);
tracer.startActiveSpan('job', (span) => {
  setTimeout(() => tracer.startSpan(fs.name).end(), 10);
  span.end();
});`,
      output: `const { context } = require('@opentelemetry/api');
const config = loadConfig(), fs = require('node:fs');
let { trace } = require('@opentelemetry/api');
const tracer = trace.getTracer(config.name);
tracer.startActiveSpan('job', (span) => {
  setTimeout(context.bind(context.active(), () => tracer.startSpan(fs.name).end()), 10);
  span.end();
});`,
      errors: [{ messageId: 'timerLosesContext', data: { timer: 'setTimeout' }, line: 5, column: 3, endLine: 5, endColumn: 13 }],
    },
    {
      name: 'CommonJS whose first declaration has no initialiser: the new require goes first',
      settings: under('stack'),
      filename: 'worker.cjs',
      code: `let cache;
let { trace } = require('@opentelemetry/api');
const tracer = trace.getTracer('a');
tracer.startActiveSpan('job', (span) => {
  setTimeout(() => tracer.startSpan(String(cache)).end(), 10);
  span.end();
});`,
      output: `const { context } = require('@opentelemetry/api');
let cache;
let { trace } = require('@opentelemetry/api');
const tracer = trace.getTracer('a');
tracer.startActiveSpan('job', (span) => {
  setTimeout(context.bind(context.active(), () => tracer.startSpan(String(cache)).end()), 10);
  span.end();
});`,
      errors: [{ messageId: 'timerLosesContext', data: { timer: 'setTimeout' }, line: 5, column: 3, endLine: 5, endColumn: 13 }],
    },
    {
      name: 'the API is imported for its side effects only (import \'@opentelemetry/api\'): no braces to extend, a new import statement',
      settings: under('stack'),
      filename: 'worker.ts',
      code: `
import '@opentelemetry/api';
import type { Tracer } from '@opentelemetry/api';
declare const tracer: Tracer;
tracer.startActiveSpan('job', (span) => {
  setTimeout(() => tracer.startSpan('child').end(), 10);
  span.end();
});`,
      output: `
import '@opentelemetry/api';
import type { Tracer } from '@opentelemetry/api';
import { context } from '@opentelemetry/api';
declare const tracer: Tracer;
tracer.startActiveSpan('job', (span) => {
  setTimeout(context.bind(context.active(), () => tracer.startSpan('child').end()), 10);
  span.end();
});`,
      errors: [{ messageId: 'timerLosesContext', data: { timer: 'setTimeout' }, line: 6, column: 3, endLine: 6, endColumn: 13 }],
    },
  ],
});
