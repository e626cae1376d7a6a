import rule from '../../rules/no-inactive-parent-span.js';
import { createRuleTester, under } from '../rule-tester.js';

const ruleTester = createRuleTester();

ruleTester.run('no-inactive-parent-span', rule, {
  valid: [
    {
      name: 'spelling (issue #11 family 2): the span injected and also run for the awaited fetch is active for it',
      code: `
import { context, propagation, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('client');
export async function callInventory(url: string) {
  const span = tracer.startSpan('inventory.get');
  const outgoing = trace.setSpan(context.active(), span);
  const headers: Record<string, string> = {};
  propagation.inject(outgoing, headers);
  try {
    return await context.with(outgoing, () => fetch(url, { headers }));
  } finally {
    span.end();
  }
}`,
    },
    {
      name: "an APM agent's startSpan (the receiver also starts transactions) makes its span current itself: not OpenTelemetry's",
      code: `
import { trace } from '@opentelemetry/api';
declare const agent: { _instrumentation: { startTransaction(n: string): { end(): void }; startSpan(n: string): { end(): void } } };
export function run() {
  const ins = agent._instrumentation;
  const trans = ins.startTransaction('foo');
  const t0 = ins.startSpan('t0');
  const t1 = ins.startSpan('t1');
  t1.end();
  t0.end();
  trans.end();
  return trace.getActiveSpan();
}`,
    },
    {
      name: 'a span the author activates for a block, and a span started after that block: kept out on purpose (a series of roots)',
      code: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('web');
declare function getData(url: string): Promise<unknown>;
export function onClick(url: string) {
  const single = tracer.startSpan('files-series-info');
  context.with(trace.setSpan(context.active(), single), () => {
    getData(url).then(() => single.end());
  });
  const next = tracer.startSpan('files-series-info-1');
  next.end();
}`,
    },
    {
      name: 'near miss of the promise form: a span ended in a callback handed to the work (an HTTP response callback, kept out of the span on purpose), or in a handler of another promise',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('http');
export function patchRequest(original: (opts: unknown, cb: (res: unknown) => void) => unknown) {
  return function request(this: unknown, opts: unknown, cb: (res: unknown) => void) {
    const span = tracer.startSpan('GET');
    return original.call(this, opts, (res: unknown) => {
      span.end();
      cb(res);
    });
  };
}
export function patchOther(original: (...args: unknown[]) => Promise<unknown>, other: Promise<unknown>) {
  return function run(this: unknown, ...args: unknown[]) {
    const span = tracer.startSpan('run');
    original.apply(this, args);
    return other.then(() => span.end());
  };
}`,
    },
    {
      name: 'spans started in a test body: the test asserts the parenting it means',
      code: `
import { trace } from '@opentelemetry/api';
import { it } from 'mocha';
const tracer = trace.getTracer('test');
it('starts two parents', () => {
  const span1 = tracer.startSpan('test1');
  const span2 = tracer.startSpan('test2');
  span2.end();
  span1.end();
});`,
    },
    {
      name: 'spans started in the script code of a test fixture script (elastic\'s test/opentelemetry-bridge/fixtures): the script asserts the parenting it means',
      filename: 'test/opentelemetry-bridge/fixtures/interface-span.js',
      code: `
const otel = require('@opentelemetry/api');
const tracer = otel.trace.getTracer('test');
const sSetAttribute = tracer.startSpan('sSetAttribute');
const child = tracer.startSpan('child');
child.end();
sSetAttribute.end();`,
    },
    {
      name: 'near miss of the saved handler: a value read off an object and called without the wrapper\'s arguments (a formatter, not what it wraps)',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
export function wrapRoute(route: { handler: (req: unknown) => Promise<unknown>; describe: () => string }) {
  const describe = route.describe;
  route.handler = async function (req: unknown) {
    const span = tracer.startSpan('route');
    span.setAttribute('route', describe());
    span.end();
    return req;
  };
}`,
    },
    {
      name: 'near miss of the class method: a method of the class that starts no span and reads no context',
      code: `
import { trace } from '@opentelemetry/api';
export class Net {
  private tracer = trace.getTracer('net');
  private describe(options: { path?: string }) { return options.path ?? 'tcp'; }
  connect(options: { path?: string }) {
    const span = this.tracer.startSpan('connect');
    span.setAttribute('kind', this.describe(options));
    span.end();
  }
}`,
    },

    // Issue #11 family 2, near misses: work the rule cannot see that is context-free, not wrapped
    // by the span, or run under it.
    {
      name: 'wrapped work: known context-free calls and span methods between start and end',
      code: `
import { trace } from '@opentelemetry/api';
import { format } from 'node:util';
import { join } from 'node:path';
import { getAttributes } from './attributes';
const tracer = trace.getTracer('a');
export async function f(name: string) {
  const span = tracer.startSpan('op', { attributes: getAttributes(name) });
  console.log(format('%s', name), JSON.stringify({ name }), Math.max(1, 2), join('a', name));
  span.setAttribute('k', 1);
  span.addEvent('e');
  await new Promise((resolve) => setImmediate(resolve));
  span.end();
}`,
    },
    {
      name: 'wrapped work: an imported helper that is not awaited (attribute builder, formatter)',
      code: `
import { trace } from '@opentelemetry/api';
import { sanitize } from './utils';
const tracer = trace.getTracer('a');
export function f(sql: string) {
  const span = tracer.startSpan('db.query');
  span.setAttribute('db.statement', sanitize(sql));
  span.end();
}`,
    },
    {
      name: 'wrapped work: the handler runs under the span',
      code: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
export function wrap(handler: (req: unknown) => Promise<unknown>) {
  return async (req: unknown) => {
    const span = tracer.startSpan('handle');
    try {
      return await context.with(trace.setSpan(context.active(), span), () => handler(req));
    } finally {
      span.end();
    }
  };
}`,
    },
    {
      name: 'wrapped work: the callback is called after end()',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
export function f(done: (err?: Error) => void) {
  const span = tracer.startSpan('op');
  span.end();
  done();
}`,
    },
    {
      name: 'wrapped work: a leaf client span ended in the callback handed to the wrapped method (kept inactive so the caller callback runs outside it)',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
export function patch(original: (cmd: string, cb: (err: Error | null) => void) => void) {
  return function (this: unknown, cmd: string, cb: (err: Error | null) => void) {
    const span = tracer.startSpan('redis ' + cmd);
    return original.call(this, cmd, (err) => {
      span.end();
      cb(err);
    });
  };
}`,
    },
    {
      name: 'wrapped work: the span is activated for a block of work, so unknown calls outside it are the author\'s choice (test setup)',
      code: `
import { context, trace } from '@opentelemetry/api';
import { createServer } from './utils';
const tracer = trace.getTracer('a');
export async function f() {
  const rootSpan = tracer.startSpan('rootSpan');
  const server = await createServer();
  await context.with(trace.setSpan(context.active(), rootSpan), async () => {
    await server.get('/');
  });
  rootSpan.end();
}`,
    },
    {
      name: 'wrapped work: the test runner\'s done callback',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
it('x', (done) => {
  const span = tracer.startSpan('root');
  done();
  span.end();
});`,
    },
    {
      name: 'wrapped work: the span was handed to a function before the call (it may have attached it)',
      code: `
import { trace } from '@opentelemetry/api';
import { attachSpan } from './scope';
const tracer = trace.getTracer('a');
export async function f(next: () => Promise<void>) {
  const span = tracer.startSpan('op');
  attachSpan(span);
  await next();
  span.end();
}`,
    },
    {
      name: 'wrapped work: a method of this or of a local object is out of scope',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
export class Runner {
  async run() {
    const span = tracer.startSpan('op');
    await this.step();
    span.end();
  }
  async step() {}
}`,
    },
    {
      name: 'span made active with context.with: the work inside it is linked',
      code: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
export function f() {
  const span = tracer.startSpan('parent');
  context.with(trace.setSpan(context.active(), span), () => {
    tracer.startSpan('child').end();
  });
  span.end();
}`,
    },
    {
      name: 'span ended in a finally block before the work that follows the try',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
function traced(fn: () => void) {
  return tracer.startActiveSpan('inner', (s) => { fn(); s.end(); });
}
export function f() {
  const span = tracer.startSpan('parent');
  try {
    span.setAttribute('k', 1);
  } finally {
    span.end();
  }
  tracer.startSpan('after').end();
  traced();
  run(() => tracer.startSpan('cb').end());
}`,
    },
    {
      name: 'child started with an explicit context',
      code: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
export function f() {
  const span = tracer.startSpan('parent');
  tracer.startSpan('child', undefined, trace.setSpan(context.active(), span)).end();
  span.end();
}`,
    },
    {
      name: 'timer callbacks are no-unbound-timer territory (2b): one defect, one finding',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
export function f() {
  const span = tracer.startSpan('parent');
  setTimeout(() => {
    tracer.startSpan('child').end();
    span.end();
  }, 5);
}`,
    },
    {
      name: 'span handed to another function: it may activate it',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
export function f(run: (s: unknown) => void) {
  const span = tracer.startSpan('parent');
  run(span);
  tracer.startSpan('child').end();
  span.end();
}`,
    },
    {
      name: 'work after span.end() does not expect the span as parent',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
export function f() {
  const span = tracer.startSpan('parent');
  span.end();
  tracer.startSpan('next').end();
}`,
    },
    {
      name: 'a call into a function that does no traced work',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
function format(n: number) { return n.toFixed(2); }
export function f() {
  const span = tracer.startSpan('parent');
  span.setAttribute('total', format(1));
  span.end();
}`,
    },
    {
      name: 'spans started inside startActiveSpan already have an active parent',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
tracer.startActiveSpan('parent', (span) => {
  tracer.startSpan('child').end();
  span.end();
});`,
    },
    {
      name: 'an explicit third argument counts as a parent context, whoever builds it',
      code: `
const trace = { setSpan: (a: unknown, b: unknown) => b };
const tracer = { startSpan: (n: string) => ({ end() {}, n }) };
export function f() {
  const span = tracer.startSpan('parent');
  tracer.startSpan('child', undefined, trace.setSpan({}, span));
  span.end();
}`,
    },
    {
      name: 'a callback that is the activation of the span itself (koa middleware: next runs under rootSpan)',
      code: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('t');
declare const app: { use(fn: (ctx: unknown, next: () => Promise<void>) => unknown): void };
export async function test() {
  const rootSpan = tracer.startSpan('rootSpan');
  app.use((_ctx, next) => context.with(trace.setSpan(context.active(), rootSpan), next));
  await context.with(trace.setSpan(context.active(), rootSpan), async () => { rootSpan.end(); });
}`,
    },
    {
      name: 'a called function whose traced work is all inside an activation of the span',
      code: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
export function f() {
  const span = tracer.startSpan('parent');
  const underSpan = () => context.with(trace.setSpan(context.active(), span), () => tracer.startSpan('child').end());
  underSpan();
  span.end();
}`,
    },
    {
      name: 'calling a middleware factory starts nothing: the middleware it returns runs later',
      code: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('t');
declare const app: { use(fn: (ctx: unknown, next: () => Promise<void>) => unknown): void };
const spanCreateMiddleware = () => async function mw(_ctx: unknown, next: () => Promise<void>) {
  tracer.startSpan('foo').end();
  await next();
};
function handlerFactory() {
  const handler = () => tracer.startSpan('later').end();
  return handler;
}
export async function test() {
  const rootSpan = tracer.startSpan('rootSpan');
  app.use(spanCreateMiddleware());
  app.use(handlerFactory());
  await context.with(trace.setSpan(context.active(), rootSpan), async () => { rootSpan.end(); });
}`,
    },

  ],
  invalid: [
    {
      name: 'family 2, promise form: a span ended in .then/.catch on the wrapped call\'s own chain encloses that call (knex instrumentation, fresh corpus case contrib-knex-query-not-under-span)',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('knex');
export function patchQuery(original: (...args: unknown[]) => Promise<unknown>) {
  return function query(this: unknown, ...args: unknown[]) {
    const span = tracer.startSpan('query');
    return original
      .apply(this, args)
      .then((result) => {
        span.end();
        return result;
      })
      .catch((err: Error) => {
        span.recordException(err);
        span.end();
        throw err;
      });
  };
}`,
      output: `
import { trace, context } from '@opentelemetry/api';
const tracer = trace.getTracer('knex');
export function patchQuery(original: (...args: unknown[]) => Promise<unknown>) {
  return function query(this: unknown, ...args: unknown[]) {
    const span = tracer.startSpan('query');
    return context.with(trace.setSpan(context.active(), span), () => original
      .apply(this, args))
      .then((result) => {
        span.end();
        return result;
      })
      .catch((err: Error) => {
        span.recordException(err);
        span.end();
        throw err;
      });
  };
}`,
      errors: [{ messageId: 'opaqueCallWithoutParent', line: 7 }],
    },
    {
      name: 'family 2, promise form: .finally on the const holding the wrapped call\'s promise',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('knex');
export function patchHeld(original: (...args: unknown[]) => Promise<unknown>) {
  return function run(this: unknown, ...args: unknown[]) {
    const span = tracer.startSpan('run');
    const result = original.apply(this, args);
    return result.finally(() => span.end());
  };
}`,
      output: `
import { trace, context } from '@opentelemetry/api';
const tracer = trace.getTracer('knex');
export function patchHeld(original: (...args: unknown[]) => Promise<unknown>) {
  return function run(this: unknown, ...args: unknown[]) {
    const span = tracer.startSpan('run');
    const result = context.with(trace.setSpan(context.active(), span), () => original.apply(this, args));
    return result.finally(() => span.end());
  };
}`,
      errors: [{ messageId: 'opaqueCallWithoutParent', line: 7 }],
    },
    {
      name: 'near miss of the test-script exemption: the same script outside a test directory',
      filename: 'scripts/interface-span.js',
      code: `
const otel = require('@opentelemetry/api');
const tracer = otel.trace.getTracer('test');
const sSetAttribute = tracer.startSpan('sSetAttribute');
const child = tracer.startSpan('child');
child.end();
sSetAttribute.end();`,
      output: `
const otel = require('@opentelemetry/api');
const tracer = otel.trace.getTracer('test');
const sSetAttribute = tracer.startSpan('sSetAttribute');
const child = tracer.startSpan('child', undefined, otel.trace.setSpan(otel.context.active(), sSetAttribute));
child.end();
sSetAttribute.end();`,
      errors: [{ messageId: 'childSpanWithoutParent', line: 5 }],
    },
    {
      name: 'spelling (issue #11 family 2): a span put into a context only for propagation.inject is still inactive for the awaited fetch',
      code: `
import { context, propagation, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('client');
export async function callInventory(url: string) {
  const span = tracer.startSpan('inventory.get');
  const headers: Record<string, string> = {};
  propagation.inject(trace.setSpan(context.active(), span), headers);
  try {
    return await fetch(url, { headers });
  } finally {
    span.end();
  }
}`,
      errors: [{ messageId: 'opaqueCallWithoutParent', data: { span: 'span', callee: 'fetch' }, line: 9, column: 18, endColumn: 23 }],
      output: `
import { context, propagation, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('client');
export async function callInventory(url: string) {
  const span = tracer.startSpan('inventory.get');
  const headers: Record<string, string> = {};
  propagation.inject(trace.setSpan(context.active(), span), headers);
  try {
    return await context.with(trace.setSpan(context.active(), span), () => fetch(url, { headers }));
  } finally {
    span.end();
  }
}`,
    },
    {
      name: 'spelling (issue #11 family 2): Reflect.apply of the wrapped original, the span injected through a const',
      code: `
import { context, propagation, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('http');
export function patchRequest(original: (...args: unknown[]) => unknown) {
  return function (this: unknown, ...args: unknown[]) {
    const span = tracer.startSpan('GET');
    const outgoing = trace.setSpan(context.active(), span);
    propagation.inject(outgoing, {});
    const result = Reflect.apply(original, this, args);
    span.end();
    return result;
  };
}`,
      errors: [{ messageId: 'opaqueCallWithoutParent', data: { span: 'span', callee: 'original' }, line: 9, column: 20, endColumn: 33 }],
      output: `
import { context, propagation, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('http');
export function patchRequest(original: (...args: unknown[]) => unknown) {
  return function (this: unknown, ...args: unknown[]) {
    const span = tracer.startSpan('GET');
    const outgoing = trace.setSpan(context.active(), span);
    propagation.inject(outgoing, {});
    const result = context.with(trace.setSpan(context.active(), span), () => Reflect.apply(original, this, args));
    span.end();
    return result;
  };
}`,
    },
    {
      name: 'near miss of the activated block: activated for a single call (the shape of this rule\'s own fix), a span started after it is still reported',
      code: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('web');
declare function load(): void;
export function onClick() {
  const single = tracer.startSpan('outer');
  context.with(trace.setSpan(context.active(), single), () => load());
  const next = tracer.startSpan('inner');
  next.end();
  single.end();
}`,
      output: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('web');
declare function load(): void;
export function onClick() {
  const single = tracer.startSpan('outer');
  context.with(trace.setSpan(context.active(), single), () => load());
  const next = tracer.startSpan('inner', undefined, trace.setSpan(context.active(), single));
  next.end();
  single.end();
}`,
      errors: [{ messageId: 'childSpanWithoutParent', line: 8 }],
    },

    // Issue #11 family 2: wrapped work under a span that was never made active.
    {
      name: 'wrapped work: a route handler read off the route by the patching code, awaited by the replacement with its own arguments',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
type Route = { handler?: (req: unknown, h: unknown) => Promise<unknown>; options?: { handler?: (req: unknown, h: unknown) => Promise<unknown> } };
export function wrapRoute(route: Route) {
  const oldHandler = route.options?.handler ?? route.handler;
  if (typeof oldHandler !== 'function') return route;
  route.handler = async function (req: unknown, h: unknown) {
    const span = tracer.startSpan('route');
    try {
      return await oldHandler(req, h);
    } finally {
      span.end();
    }
  };
  return route;
}`,
      errors: [{ messageId: 'opaqueCallWithoutParent', data: { span: 'span', callee: 'oldHandler' }, line: 11 }],
      output: `
import { trace, context } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
type Route = { handler?: (req: unknown, h: unknown) => Promise<unknown>; options?: { handler?: (req: unknown, h: unknown) => Promise<unknown> } };
export function wrapRoute(route: Route) {
  const oldHandler = route.options?.handler ?? route.handler;
  if (typeof oldHandler !== 'function') return route;
  route.handler = async function (req: unknown, h: unknown) {
    const span = tracer.startSpan('route');
    try {
      return await context.with(trace.setSpan(context.active(), span), () => oldHandler(req, h));
    } finally {
      span.end();
    }
  };
  return route;
}`,
    },
    {
      name: 'a method of the same class that starts spans (through another method), called under a span never made active: its span becomes a sibling',
      code: `
import { trace } from '@opentelemetry/api';
export class Net {
  private tracer = trace.getTracer('net');
  private startConnect(options: { path?: string } | undefined) {
    return options?.path ? this.startIpc() : this.tracer.startSpan('tcp.connect');
  }
  private startIpc() { return this.tracer.startSpan('ipc.connect'); }
  startTls(options: { path?: string } | undefined, onSecure: (cb: () => void) => void) {
    const tlsSpan = this.tracer.startSpan('tls.connect');
    const netSpan = this.startConnect(options);
    onSecure(() => tlsSpan.end());
    return netSpan;
  }
}`,
      errors: [{ messageId: 'tracedCallWithoutParent', data: { span: 'tlsSpan', callee: 'this.startConnect' }, line: 11 }],
      output: `
import { trace, context } from '@opentelemetry/api';
export class Net {
  private tracer = trace.getTracer('net');
  private startConnect(options: { path?: string } | undefined) {
    return options?.path ? this.startIpc() : this.tracer.startSpan('tcp.connect');
  }
  private startIpc() { return this.tracer.startSpan('ipc.connect'); }
  startTls(options: { path?: string } | undefined, onSecure: (cb: () => void) => void) {
    const tlsSpan = this.tracer.startSpan('tls.connect');
    const netSpan = context.with(trace.setSpan(context.active(), tlsSpan), () => this.startConnect(options));
    onSecure(() => tlsSpan.end());
    return netSpan;
  }
}`,
    },
    {
      name: 'wrapped work: the awaited handler received as a parameter',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
export function wrap(handler: (req: unknown) => Promise<unknown>) {
  return async (req: unknown) => {
    const span = tracer.startSpan('handle');
    try {
      return await handler(req);
    } finally {
      span.end();
    }
  };
}`,
      errors: [{ messageId: 'opaqueCallWithoutParent', data: { span: 'span', callee: 'handler' }, line: 8, column: 20, endColumn: 27 }],
      output: `
import { trace, context } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
export function wrap(handler: (req: unknown) => Promise<unknown>) {
  return async (req: unknown) => {
    const span = tracer.startSpan('handle');
    try {
      return await context.with(trace.setSpan(context.active(), span), () => handler(req));
    } finally {
      span.end();
    }
  };
}`,
    },
    {
      name: 'wrapped work: the wrapped original.apply(this, arguments)',
      code: `
import * as api from '@opentelemetry/api';
const tracer = api.trace.getTracer('a');
export function patch(original: (...args: unknown[]) => unknown) {
  return function patched(this: unknown) {
    const span = tracer.startSpan('op');
    const result = original.apply(this, arguments as unknown as unknown[]);
    span.end();
    return result;
  };
}`,
      errors: [{ messageId: 'opaqueCallWithoutParent', data: { span: 'span', callee: 'original.apply' }, line: 7 }],
      output: `
import * as api from '@opentelemetry/api';
const tracer = api.trace.getTracer('a');
export function patch(original: (...args: unknown[]) => unknown) {
  return function patched(this: unknown) {
    const span = tracer.startSpan('op');
    const result = api.context.with(api.trace.setSpan(api.context.active(), span), () => original.apply(this, arguments as unknown as unknown[]));
    span.end();
    return result;
  };
}`,
    },
    {
      name: 'wrapped work: middleware next() and an awaited imported function (CommonJS) and fetch',
      code: `
const { trace } = require('@opentelemetry/api');
const { query } = require('./db');
const tracer = trace.getTracer('a');
async function middleware(req, res, next) {
  const span = tracer.startSpan('auth');
  await query('select 1');
  await fetch('http://auth/check');
  await next();
  span.end();
}
module.exports = { middleware };`,
      errors: [
        { messageId: 'opaqueCallWithoutParent', data: { span: 'span', callee: 'query' }, line: 7 },
        { messageId: 'opaqueCallWithoutParent', data: { span: 'span', callee: 'fetch' }, line: 8 },
        { messageId: 'opaqueCallWithoutParent', data: { span: 'span', callee: 'next' }, line: 9 },
      ],
      output: [
        `
const { trace, context } = require('@opentelemetry/api');
const { query } = require('./db');
const tracer = trace.getTracer('a');
async function middleware(req, res, next) {
  const span = tracer.startSpan('auth');
  await context.with(trace.setSpan(context.active(), span), () => query('select 1'));
  await fetch('http://auth/check');
  await next();
  span.end();
}
module.exports = { middleware };`,
        `
const { trace, context } = require('@opentelemetry/api');
const { query } = require('./db');
const tracer = trace.getTracer('a');
async function middleware(req, res, next) {
  const span = tracer.startSpan('auth');
  await context.with(trace.setSpan(context.active(), span), () => query('select 1'));
  await context.with(trace.setSpan(context.active(), span), () => fetch('http://auth/check'));
  await context.with(trace.setSpan(context.active(), span), () => next());
  span.end();
}
module.exports = { middleware };`
      ],
    },
    {
      name: 'wrapped work: the testing helper\'s two roots (await query(..) between startSpan and end), also inside safeExecuteInTheMiddle',
      code: `
import { trace } from '@opentelemetry/api';
import { safeExecuteInTheMiddle } from '@opentelemetry/instrumentation';
import db from './db';
const tracer = trace.getTracer('a');
export async function reindex(run: () => void) {
  const span = tracer.startSpan('reindex');
  await db.query('reindex');
  safeExecuteInTheMiddle(() => run(), () => undefined);
  span.end();
}`,
      errors: [
        { messageId: 'opaqueCallWithoutParent', data: { span: 'span', callee: 'db.query' }, line: 8 },
        { messageId: 'opaqueCallWithoutParent', data: { span: 'span', callee: 'run' }, line: 9 },
      ],
      output: [
        `
import { trace, context } from '@opentelemetry/api';
import { safeExecuteInTheMiddle } from '@opentelemetry/instrumentation';
import db from './db';
const tracer = trace.getTracer('a');
export async function reindex(run: () => void) {
  const span = tracer.startSpan('reindex');
  await context.with(trace.setSpan(context.active(), span), () => db.query('reindex'));
  safeExecuteInTheMiddle(() => run(), () => undefined);
  span.end();
}`,
        `
import { trace, context } from '@opentelemetry/api';
import { safeExecuteInTheMiddle } from '@opentelemetry/instrumentation';
import db from './db';
const tracer = trace.getTracer('a');
export async function reindex(run: () => void) {
  const span = tracer.startSpan('reindex');
  await context.with(trace.setSpan(context.active(), span), () => db.query('reindex'));
  safeExecuteInTheMiddle(() => context.with(trace.setSpan(context.active(), span), () => run()), () => undefined);
  span.end();
}`,
      ],
    },
    {
      name: 'wrapped work: a middleware whose span ends when the response finishes calls next() without activating it',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
export function tracing(req: { path: string }, res: { on(e: string, f: () => void): void }, next: () => void) {
  const span = tracer.startSpan(req.path);
  res.on('finish', () => span.end());
  next();
}`,
      errors: [{ messageId: 'opaqueCallWithoutParent', data: { span: 'span', callee: 'next' }, line: 7 }],
      output: `
import { trace, context } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
export function tracing(req: { path: string }, res: { on(e: string, f: () => void): void }, next: () => void) {
  const span = tracer.startSpan(req.path);
  res.on('finish', () => span.end());
  context.with(trace.setSpan(context.active(), span), () => next());
}`,
    },
    {
      name: 'wrapped work: the saved original of a monkey-patched method, called on this',
      code: `
const { trace } = require('@opentelemetry/api');
const { Client } = require('pg');
const tracer = trace.getTracer('a');
const originalQuery = Client.prototype.query;
Client.prototype.query = function (...args) {
  const span = tracer.startSpan('pg.query');
  const result = originalQuery.apply(this, args);
  span.end();
  return result;
};`,
      errors: [{ messageId: 'opaqueCallWithoutParent', data: { span: 'span', callee: 'originalQuery.apply' }, line: 8 }],
      output: `
const { trace, context } = require('@opentelemetry/api');
const { Client } = require('pg');
const tracer = trace.getTracer('a');
const originalQuery = Client.prototype.query;
Client.prototype.query = function (...args) {
  const span = tracer.startSpan('pg.query');
  const result = context.with(trace.setSpan(context.active(), span), () => originalQuery.apply(this, args));
  span.end();
  return result;
};`,
    },
    {
      name: 'wrapped work: a call with an await in its arguments is reported without a fix',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
export async function f(handler: (x: unknown) => Promise<void>, load: () => Promise<unknown>) {
  const span = tracer.startSpan('op');
  await handler(await load());
  span.end();
}`,
      errors: [
        { messageId: 'opaqueCallWithoutParent', data: { span: 'span', callee: 'handler' }, line: 6 },
        { messageId: 'opaqueCallWithoutParent', data: { span: 'span', callee: 'load' }, line: 6 },
      ],
      output: `
import { trace, context } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
export async function f(handler: (x: unknown) => Promise<void>, load: () => Promise<unknown>) {
  const span = tracer.startSpan('op');
  await handler(await context.with(trace.setSpan(context.active(), span), () => load()));
  span.end();
}`,
    },
    {
      name: 'an end() that a finally block runs only sometimes does not end the span for what follows',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
export function f(done: boolean) {
  const span = tracer.startSpan('parent');
  try {
    span.setAttribute('k', 1);
  } finally {
    if (done) span.end();
  }
  tracer.startSpan('after').end();
}`,
      output: `
import { trace, context } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
export function f(done: boolean) {
  const span = tracer.startSpan('parent');
  try {
    span.setAttribute('k', 1);
  } finally {
    if (done) span.end();
  }
  tracer.startSpan('after', undefined, trace.setSpan(context.active(), span)).end();
}`,
      errors: [{ messageId: 'childSpanWithoutParent', line: 11, column: 3 }],
    },
    {
      name: 'a child span started while the parent was never made active (2a): explicit context',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('billing');
export function invoice() {
  const span = tracer.startSpan('invoice.create');
  const render = tracer.startSpan('invoice.render');
  render.end();
  span.end();
}`,
      output: `
import { trace, context } from '@opentelemetry/api';
const tracer = trace.getTracer('billing');
export function invoice() {
  const span = tracer.startSpan('invoice.create');
  const render = tracer.startSpan('invoice.render', undefined, trace.setSpan(context.active(), span));
  render.end();
  span.end();
}`,
      errors: [
        { messageId: 'childSpanWithoutParent', data: { span: 'span', method: 'startSpan' }, line: 6, column: 18, endLine: 6, endColumn: 34 },
      ],
    },
    {
      name: 'the span variable is shadowed where the child starts (a callback parameter named span): reported, no fix (it would parent the child under the string)',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('batch');
export function run(names: string[]) {
  const span = tracer.startSpan('batch');
  names.forEach((span) => {
    tracer.startSpan(span).end();
  });
  span.end();
}`,
      output: null,
      errors: [
        { messageId: 'childSpanWithoutParent', data: { span: 'span', method: 'startSpan' }, line: 7, column: 5, endLine: 7, endColumn: 21 },
      ],
    },
    {
      name: 'startActiveSpan with and without options inside a .then callback (2c)',
      code: `
import { trace, context } from '@opentelemetry/api';
const tracer = trace.getTracer('billing');
export function invoice() {
  const span = tracer.startSpan('invoice.create');
  return Promise.resolve().then(() => {
    tracer.startActiveSpan('a', (a) => a.end());
    tracer.startActiveSpan('b', { attributes: {} }, (b) => b.end());
    span.end();
  });
}`,
      output: `
import { trace, context } from '@opentelemetry/api';
const tracer = trace.getTracer('billing');
export function invoice() {
  const span = tracer.startSpan('invoice.create');
  return Promise.resolve().then(() => {
    tracer.startActiveSpan('a', {}, trace.setSpan(context.active(), span), (a) => a.end());
    tracer.startActiveSpan('b', { attributes: {} }, trace.setSpan(context.active(), span), (b) => b.end());
    span.end();
  });
}`,
      errors: [
        { messageId: 'childSpanWithoutParent', data: { span: 'span', method: 'startActiveSpan' }, line: 7, column: 5, endLine: 7, endColumn: 27 },
        { messageId: 'childSpanWithoutParent', data: { span: 'span', method: 'startActiveSpan' }, line: 8, column: 5, endLine: 8, endColumn: 27 },
      ],
    },
    {
      name: 'a call into a function of the file that starts spans',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('billing');
function persist(id: string) {
  tracer.startSpan('db.insert', { attributes: { id } }).end();
}
export function save(id: string) {
  const span = tracer.startSpan('invoice.save');
  persist(id);
  span.end();
}`,
      output: `
import { trace, context } from '@opentelemetry/api';
const tracer = trace.getTracer('billing');
function persist(id: string) {
  tracer.startSpan('db.insert', { attributes: { id } }).end();
}
export function save(id: string) {
  const span = tracer.startSpan('invoice.save');
  context.with(trace.setSpan(context.active(), span), () => persist(id));
  span.end();
}`,
      errors: [
        { messageId: 'tracedCallWithoutParent', data: { span: 'span', callee: 'persist' }, line: 9, column: 3, endLine: 9, endColumn: 10 },
      ],
    },
    {
      name: 'a callback handed to another API (not a timer), CommonJS, under stack',
      settings: under('stack'),
      code: `
const { trace } = require('@opentelemetry/api');
const fs = require('node:fs');
const tracer = trace.getTracer('files');
function load(path) {
  const span = tracer.startSpan('file.load');
  fs.readFile(path, (err, data) => {
    tracer.startSpan('file.parse').end();
    span.end();
  });
}`,
      output: `
const { trace, context } = require('@opentelemetry/api');
const fs = require('node:fs');
const tracer = trace.getTracer('files');
function load(path) {
  const span = tracer.startSpan('file.load');
  fs.readFile(path, context.bind(trace.setSpan(context.active(), span), (err, data) => {
    tracer.startSpan('file.parse').end();
    span.end();
  }));
}`,
      errors: [
        { messageId: 'callbackWithoutParent', data: { span: 'span', callee: 'fs.readFile' }, line: 7, column: 21, endLine: 10, endColumn: 4 },
      ],
    },
    {
      name: 'module-level span (zone)',
      settings: under('zone'),
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('boot');
const span = tracer.startSpan('boot');
tracer.startSpan('boot.config').end();
span.end();`,
      output: `
import { trace, context } from '@opentelemetry/api';
const tracer = trace.getTracer('boot');
const span = tracer.startSpan('boot');
tracer.startSpan('boot.config', undefined, trace.setSpan(context.active(), span)).end();
span.end();`,
      errors: [
        { messageId: 'childSpanWithoutParent', data: { span: 'span', method: 'startSpan' }, line: 5, column: 1, endLine: 5, endColumn: 17 },
      ],
    },
    {
      name: 'a middleware that starts a span, handed to app.use without any activation',
      code: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('t');
declare const app: { use(fn: (ctx: unknown, next: () => Promise<void>) => unknown): void };
async function mw(_ctx: unknown, next: () => Promise<void>) {
  tracer.startSpan('foo').end();
  await next();
}
export async function test() {
  const rootSpan = tracer.startSpan('rootSpan');
  app.use(mw);
  app.use(async (_ctx, next) => { tracer.startSpan('inline').end(); await next(); });
  rootSpan.end();
}`,
      output: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('t');
declare const app: { use(fn: (ctx: unknown, next: () => Promise<void>) => unknown): void };
async function mw(_ctx: unknown, next: () => Promise<void>) {
  tracer.startSpan('foo').end();
  await next();
}
export async function test() {
  const rootSpan = tracer.startSpan('rootSpan');
  app.use(context.bind(trace.setSpan(context.active(), rootSpan), mw));
  app.use(context.bind(trace.setSpan(context.active(), rootSpan), async (_ctx, next) => { tracer.startSpan('inline').end(); await next(); }));
  rootSpan.end();
}`,
      errors: [
        { messageId: 'callbackWithoutParent', data: { span: 'rootSpan', callee: 'app.use' }, line: 11 },
        { messageId: 'callbackWithoutParent', data: { span: 'rootSpan', callee: 'app.use' }, line: 12 },
      ],
    },
    {
      name: 'a callback that activates the span for next but starts a span outside that activation',
      code: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('t');
declare const app: { use(fn: (ctx: unknown, next: () => Promise<void>) => unknown): void };
export function test() {
  const rootSpan = tracer.startSpan('rootSpan');
  app.use((_ctx, next) => {
    tracer.startSpan('before').end();
    return context.with(trace.setSpan(context.active(), rootSpan), next);
  });
  rootSpan.end();
}`,
      output: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('t');
declare const app: { use(fn: (ctx: unknown, next: () => Promise<void>) => unknown): void };
export function test() {
  const rootSpan = tracer.startSpan('rootSpan');
  app.use(context.bind(trace.setSpan(context.active(), rootSpan), (_ctx, next) => {
    tracer.startSpan('before').end();
    return context.with(trace.setSpan(context.active(), rootSpan), next);
  }));
  rootSpan.end();
}`,
      errors: [{ messageId: 'callbackWithoutParent', data: { span: 'rootSpan', callee: 'app.use' }, line: 7 }],
    },
    {
      name: 'a factory that starts a span in its own body, or in callbacks that run right there',
      code: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('t');
declare const app: { use(fn: () => unknown): void };
const makeMiddleware = () => {
  tracer.startSpan('setup').end();
  return () => undefined;
};
function persistAll(ids: string[]) {
  ids.forEach((id) => tracer.startSpan('db.insert', { attributes: { id } }).end());
  return () => undefined;
}
function later() {
  return new Promise<void>((resolve) => { tracer.startSpan('executor').end(); resolve(); });
}
export async function test() {
  const rootSpan = tracer.startSpan('rootSpan');
  app.use(makeMiddleware());
  persistAll(['a']);
  await later();
  rootSpan.end();
}`,
      output: `
import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('t');
declare const app: { use(fn: () => unknown): void };
const makeMiddleware = () => {
  tracer.startSpan('setup').end();
  return () => undefined;
};
function persistAll(ids: string[]) {
  ids.forEach((id) => tracer.startSpan('db.insert', { attributes: { id } }).end());
  return () => undefined;
}
function later() {
  return new Promise<void>((resolve) => { tracer.startSpan('executor').end(); resolve(); });
}
export async function test() {
  const rootSpan = tracer.startSpan('rootSpan');
  app.use(context.with(trace.setSpan(context.active(), rootSpan), () => makeMiddleware()));
  context.with(trace.setSpan(context.active(), rootSpan), () => persistAll(['a']));
  await context.with(trace.setSpan(context.active(), rootSpan), () => later());
  rootSpan.end();
}`,
      errors: [
        { messageId: 'tracedCallWithoutParent', data: { span: 'rootSpan', callee: 'makeMiddleware' }, line: 18 },
        { messageId: 'tracedCallWithoutParent', data: { span: 'rootSpan', callee: 'persistAll' }, line: 19 },
        { messageId: 'tracedCallWithoutParent', data: { span: 'rootSpan', callee: 'later' }, line: 20 },
      ],
    },

    {
      name: 'wrapped work: a call holding a yield cannot move into an arrow (no fix); the call inside the yield can',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
export function* steps(handler: (input: unknown) => unknown, next: () => unknown) {
  const span = tracer.startSpan('steps');
  handler(yield next());
  span.end();
}`,
      errors: [
        { messageId: 'opaqueCallWithoutParent', data: { span: 'span', callee: 'handler' }, line: 6, column: 3, endColumn: 10 },
        { messageId: 'opaqueCallWithoutParent', data: { span: 'span', callee: 'next' }, line: 6, column: 17, endColumn: 21 },
      ],
      output: `
import { trace, context } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
export function* steps(handler: (input: unknown) => unknown, next: () => unknown) {
  const span = tracer.startSpan('steps');
  handler(yield context.with(trace.setSpan(context.active(), span), () => next()));
  span.end();
}`,
    },
    {
      name: 'wrapped work: a call holding super cannot move into an arrow: reported without a fix',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
class Base { load(): unknown { return 1; } }
export class Loader extends Base {
  run(handler: (input: unknown) => unknown) {
    const span = tracer.startSpan('load');
    handler(super.load());
    span.end();
  }
}`,
      errors: [{ messageId: 'opaqueCallWithoutParent', data: { span: 'span', callee: 'handler' }, line: 8, column: 5, endColumn: 12 }],
      output: null,
    },
    {
      name: 'wrapped work: an await inside a nested function does not stop the call moving into an arrow',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
export function wrap(handler: (done: () => Promise<unknown>) => unknown, next: () => Promise<unknown>) {
  const span = tracer.startSpan('handle');
  handler(async () => await next());
  span.end();
}`,
      errors: [{ messageId: 'opaqueCallWithoutParent', data: { span: 'span', callee: 'handler' }, line: 6, column: 3, endColumn: 10 }],
      output: `
import { trace, context } from '@opentelemetry/api';
const tracer = trace.getTracer('a');
export function wrap(handler: (done: () => Promise<unknown>) => unknown, next: () => Promise<unknown>) {
  const span = tracer.startSpan('handle');
  context.with(trace.setSpan(context.active(), span), () => handler(async () => await next()));
  span.end();
}`,
    },
  ],
});
