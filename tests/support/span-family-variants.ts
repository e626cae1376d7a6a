/**
 * Spellings of issue #11's span families 1, 2, 3 and 8 that real code writes (API access, tracer,
 * wrapped call, span end, function form, JS/TS, CommonJS/ESM), for tests/span-family-matrix.test.ts.
 * One dimension varies at a time around a shape the family's rule catches. `want` is the rule and
 * message a variant must get (null: a near miss that rule must leave alone); `gap` marks a variant
 * deliberately left uncaught, with the reason (the test asserts it stays uncaught, so a change that
 * catches it updates this list on purpose).
 */
export interface Variant {
  name: string;
  want: string | null;
  code: string;
  cjs?: boolean;
  ts?: boolean;
  gap?: string;
}
export const variants: Variant[] = [];
const add = (name: string, want: string | null, code: string, o: { cjs?: boolean; ts?: boolean; gap?: string } = {}): void => {
  variants.push({ name, want, code, ...(o.cjs ? { cjs: true } : {}), ...(o.ts ? { ts: true } : {}), ...(o.gap ? { gap: o.gap } : {}) });
};
const F1 = 'require-context-propagation:extractedContextIgnored';
const F2 = 'no-inactive-parent-span:opaqueCallWithoutParent';
const F3 = 'no-late-context-capture:callbackInEndedSpan';
const F8 = 'no-floating-promise-in-span:floatingPromiseInSpan';

interface ApiSpelling { hdr: string; p: string; cjs?: boolean; alias?: boolean }
type Names = Record<'context' | 'trace' | 'propagation' | 'ROOT_CONTEXT' | 'SpanKind', string>;
const APIS: Record<string, ApiSpelling> = {
  'esm-named': { hdr: `import { context, trace, propagation, ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';`, p: '' },
  'esm-ns': { hdr: `import * as api from '@opentelemetry/api';`, p: 'api.' },
  'esm-default': { hdr: `import otel from '@opentelemetry/api';`, p: 'otel.' },
  'cjs-ns': { hdr: `const api = require('@opentelemetry/api');`, p: 'api.', cjs: true },
  'cjs-destr': { hdr: `const { context, trace, propagation, ROOT_CONTEXT, SpanKind } = require('@opentelemetry/api');`, p: '', cjs: true },
  'cjs-member': { hdr: `const context = require('@opentelemetry/api').context;\nconst trace = require('@opentelemetry/api').trace;\nconst propagation = require('@opentelemetry/api').propagation;\nconst ROOT_CONTEXT = require('@opentelemetry/api').ROOT_CONTEXT;\nconst SpanKind = require('@opentelemetry/api').SpanKind;`, p: '', cjs: true },
  'esm-alias': { hdr: `import { context as otelContext, trace as otelTrace, propagation as otelPropagation, ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';`, p: '', alias: true },
};
const names = (a: ApiSpelling): Names => a.alias
  ? { context: 'otelContext', trace: 'otelTrace', propagation: 'otelPropagation', ROOT_CONTEXT: 'ROOT_CONTEXT', SpanKind: 'SpanKind' }
  : { context: a.p + 'context', trace: a.p + 'trace', propagation: a.p + 'propagation', ROOT_CONTEXT: a.p + 'ROOT_CONTEXT', SpanKind: a.p + 'SpanKind' };
const exp = (a: ApiSpelling, body: string, fn: string): string => a.cjs ? `${body}\nmodule.exports = { ${fn} };` : body.replace(`function ${fn}(`, `export function ${fn}(`);

// =============== Family 2: wrapped work under a span never made active
function f2({ api = 'esm-named', start = 'tracer.startSpan', call = 'const result = original.apply(this, arguments);', end = 'span.end();', ret = 'return result;', form = 'fnexpr', pre = '', ts = false } = {}): { code: string; cjs?: boolean; ts: boolean } {
  const a = APIS[api]!; const n = names(a);
  const tracerDecl = `const tracer = ${n.trace}.getTracer('x');`;
  const inner = `    const span = ${start}('op');\n    ${call}\n    ${end}\n    ${ret}`;
  let body = '';
  if (form === 'fnexpr') body = `function patch(original) {\n  ${pre}\n  return function patched(${ts ? 'this: unknown, ...args: unknown[]' : '...args'}) {\n${inner}\n  };\n}`;
  else if (form === 'async-fnexpr') body = `function patch(original) {\n  ${pre}\n  return async function patched(...args) {\n${inner}\n  };\n}`;
  else if (form === 'arrow') body = `function patch(original) {\n  ${pre}\n  return (...args) => {\n${inner}\n  };\n}`;
  else if (form === 'async-arrow') body = `function patch(original) {\n  ${pre}\n  return async (...args) => {\n${inner}\n  };\n}`;
  const code = `${a.hdr}\n${tracerDecl}\n${exp(a, body, 'patch')}`;
  return { code, ...(a.cjs ? { cjs: true } : {}), ts };
}
for (const api of Object.keys(APIS)) { const v = f2({ api }); add(`f2 api ${api}`, F2, v.code, v); }
const CALLS: Record<string, string> = {
  'apply-arguments': 'const result = original.apply(this, arguments);',
  'apply-args': 'const result = original.apply(this, args);',
  'call-spread': 'const result = original.call(this, ...args);',
  'reflect-apply': 'const result = Reflect.apply(original, this, args);',
  'direct-spread': 'const result = original(...args);',
  'await-apply': 'const result = await original.apply(this, args);',
  'await-direct': 'const result = await original(...args);',
};
for (const [k, c] of Object.entries(CALLS)) { const v = f2({ call: c, form: c.includes('await') ? 'async-fnexpr' : 'fnexpr' }); add(`f2 call ${k}`, F2, v.code, v); }
const ENDS: Record<string, string> = {
  'optional': 'span?.end();',
  'ended-in-then': 'Promise.resolve(result).then(() => span.end());',
  'ended-in-finally-method': 'Promise.resolve(result).finally(() => span.end());',
};
const LEAF = 'a span ended in a callback (the wrapped call\'s callback, a `.then` of another promise such as `Promise.resolve(result)`) is a leaf client span kept inactive on purpose in contrib\'s instrumentations: left out (docs/architecture.md, family 2); a handler on the wrapped call\'s own promise is caught (settlement.ts)';
for (const [k, e] of Object.entries(ENDS)) { const v = f2({ end: e }); add(`f2 end ${k}`, F2, v.code, k === 'optional' ? v : { ...v, gap: LEAF }); }
{ // try/finally
  const v = f2({ form: 'async-fnexpr', call: 'try {\n      return await original.apply(this, args);\n    } finally {\n      span.end();\n    }', end: '', ret: '' });
  add('f2 end try-finally await', F2, v.code, v);
  const w = f2({ call: 'try {\n      return original.apply(this, args);\n    } finally {\n      span.end();\n    }', end: '', ret: '' });
  add('f2 end try-finally sync', F2, w.code, w);
}
for (const form of ['arrow', 'async-arrow']) { const v = f2({ form, call: form.startsWith('async') ? 'const result = await original(...args);' : 'const result = original(...args);' }); add(`f2 form ${form}`, F2, v.code, v); }
{ const v = f2({ start: `${'trace'}.getTracer('x').startSpan` }); add('f2 tracer trace.getTracer().startSpan', F2, v.code, v); }

// tracer spellings in a class (instrumentation) and wrap via shimmer-ish
const CLASS_TRACERS: Record<string, string> = { 'this.tracer': 'this.tracer', 'this._tracer': 'this._tracer', 'this.getTracer()': 'this.getTracer()' };
for (const [k, t] of Object.entries(CLASS_TRACERS)) {
  add(`f2 class tracer ${k} arrow-closure`, F2, `import { trace } from '@opentelemetry/api';
export class Instr {
  constructor() { this._tracer = trace.getTracer('x'); this.tracer = this._tracer; }
  getTracer() { return this._tracer; }
  _patch(original) {
    const self = this;
    return function patched(...args) {
      const span = ${t.replace('this', 'self')}.startSpan('op');
      const result = original.apply(this, args);
      span.end();
      return result;
    };
  }
  _patch2(original) {
    return (...args) => {
      const span = ${t}.startSpan('op');
      const result = original(...args);
      span.end();
      return result;
    };
  }
}`);
}
for (const holder of ['instrumentation', 'plugin']) {
  add(`f2 tracer ${holder}.tracer`, F2, `import { trace } from '@opentelemetry/api';
export function patch(${holder}, original) {
  return function patched(...args) {
    const span = ${holder}.tracer.startSpan('op');
    const result = original.apply(this, args);
    span.end();
    return result;
  };
}`);
}
add('f2 tracer param + handler(req,res)', F2, `import { trace } from '@opentelemetry/api';
export function wrap(tracer, handler) {
  return function (req, res) {
    const span = tracer.startSpan('op');
    handler(req, res);
    span.end();
  };
}`);
add('f2 middleware next()', F2, `import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export function middleware(req, res, next) {
  const span = tracer.startSpan('mw');
  next();
  span.end();
}`);
add('f2 async middleware await next()', F2, `import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export async function middleware(ctx, next) {
  const span = tracer.startSpan('mw');
  try {
    await next();
  } finally {
    span.end();
  }
}`);
add('f2 koa class field arrow', F2, `import { trace } from '@opentelemetry/api';
export class Mw {
  tracer = trace.getTracer('x');
  handle = async (ctx, next) => {
    const span = this.tracer.startSpan('mw');
    await next();
    span.end();
  };
}`);
add('f2 object method shorthand', F2, `import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export const plugin = {
  async run(job, handler) {
    const span = tracer.startSpan('job');
    await handler(job);
    span.end();
  },
};`);
add('f2 imported awaited ESM', F2, `import { trace } from '@opentelemetry/api';
import { query } from './db';
const tracer = trace.getTracer('x');
export async function reindex() {
  const span = tracer.startSpan('reindex');
  await query('x');
  span.end();
}`);
add('f2 imported awaited CJS destr', F2, `const { trace } = require('@opentelemetry/api');
const { query } = require('./db');
const tracer = trace.getTracer('x');
async function reindex() {
  const span = tracer.startSpan('reindex');
  await query('x');
  span.end();
}
module.exports = { reindex };`, { cjs: true });
add('f2 imported ns awaited db.query', F2, `import { trace } from '@opentelemetry/api';
import * as db from './db';
const tracer = trace.getTracer('x');
export async function reindex() {
  const span = tracer.startSpan('reindex');
  const rows = await db.query('x');
  span.end();
  return rows;
}`);
add('f2 imported default client awaited', F2, `import { trace } from '@opentelemetry/api';
import client from './client';
const tracer = trace.getTracer('x');
export async function reindex() {
  const span = tracer.startSpan('reindex');
  const rows = await client.search({ q: 1 });
  span.end();
  return rows;
}`);
add('f2 TS typed method with as/!', F2, `import { trace, Span, Tracer } from '@opentelemetry/api';
type Fn = (...a: unknown[]) => Promise<unknown>;
export class Instr {
  private _tracer!: Tracer;
  wrap(original: Fn): Fn {
    const tracer = this._tracer!;
    return async function (this: unknown, ...args: unknown[]) {
      const span: Span = tracer.startSpan('op');
      try {
        return await (original as Fn).apply(this, args);
      } finally {
        span.end();
      }
    };
  }
}`, { ts: true });
add('f2 TS arrow generic handler', F2, `import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export function withTracing<T>(handler: (e: T) => Promise<void>) {
  return async (event: T): Promise<void> => {
    const span = tracer.startSpan('handle');
    await handler(event);
    span.end();
  };
}`, { ts: true });
add('f2 inject-only (setSpan for inject) then original', F2, `import { context, trace, propagation } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export function patch(original) {
  return function (options, ...rest) {
    const span = tracer.startSpan('GET');
    propagation.inject(trace.setSpan(context.active(), span), options.headers);
    const req = original.apply(this, [options, ...rest]);
    span.end();
    return req;
  };
}`);
add('f2 span held in let, assigned later', F2, `import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export async function run(handler) {
  let span;
  span = tracer.startSpan('job');
  await handler();
  span.end();
}`, { gap: 'a span held in `let` may be reassigned or activated elsewhere: out of the rule\'s scope (no-inactive-parent-span header)' });
add('f2 awaited method of a field (this.client.query)', F2, `import { trace } from '@opentelemetry/api';
export class Repo {
  tracer = trace.getTracer('x');
  async reindex() {
    const span = this.tracer.startSpan('reindex');
    await this.client.query('x');
    span.end();
  }
}`, { gap: 'methods of `this` and of local objects are out of the scope of isOpaqueWork by design (its header)' });
// near misses family 2
add('f2 ok: context.with around original', null, `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export function patch(original) {
  return function (...args) {
    const span = tracer.startSpan('op');
    const result = context.with(trace.setSpan(context.active(), span), () => original.apply(this, args));
    span.end();
    return result;
  };
}`);
add('f2 ok: ns api.context.with around original', null, `import * as api from '@opentelemetry/api';
const tracer = api.trace.getTracer('x');
export function patch(original) {
  return function (...args) {
    const span = tracer.startSpan('op');
    const result = api.context.with(api.trace.setSpan(api.context.active(), span), () => original.apply(this, args));
    span.end();
    return result;
  };
}`);
add('f2 ok: startActiveSpan', null, `import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export function patch(original) {
  return function (...args) {
    return tracer.startActiveSpan('op', (span) => {
      try { return original.apply(this, args); } finally { span.end(); }
    });
  };
}`);
add('f2 ok: leaf span ended in callback', null, `import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export function patch(original) {
  return function (sql, cb) {
    const span = tracer.startSpan('q');
    return original.call(this, sql, (err, res) => { span.end(); cb(err, res); });
  };
}`);
add('f2 ok: imported not awaited formatter', null, `import { trace } from '@opentelemetry/api';
import { format } from './fmt';
const tracer = trace.getTracer('x');
export function op(x) {
  const span = tracer.startSpan('op');
  span.setAttribute('x', format(x));
  span.end();
}`);
add('f2 ok: awaited node:timers/promises (context-free)', null, `import { trace } from '@opentelemetry/api';
import { setTimeout as sleep } from 'node:timers/promises';
const tracer = trace.getTracer('x');
export async function op() {
  const span = tracer.startSpan('wait');
  try {
    await sleep(10);
  } finally {
    span.end();
  }
}`);

// =============== Family 1: extracted context ignored
function f1({ api = 'esm-named', setSpanBase = undefined as string | undefined, run = 'with', extractBase = undefined as string | undefined, parentArg = 'parentContext', tracer = 'tracer' } = {}): { code: string; cjs?: boolean } {
  const a = APIS[api]!; const n = names(a);
  const base = setSpanBase ?? `${n.context}.active()`;
  const eb = extractBase ?? n.ROOT_CONTEXT;
  const runLine = run === 'with' ? `return ${n.context}.with(${n.trace}.setSpan(${base}, span), () => handler(msg));`
    : run === 'bind' ? `return ${n.context}.bind(${n.trace}.setSpan(${base}, span), handler)(msg);`
    : run === 'const' ? `const ctx = ${n.trace}.setSpan(${base}, span);\n  return ${n.context}.with(ctx, () => handler(msg));`
    : run === 'const-with-args' ? `const ctx = ${n.trace}.setSpan(${base}, span);\n  return ${n.context}.with(ctx, handler, undefined, msg);`
    : run === 'setSpanContext' ? `return ${n.context}.with(${n.trace}.setSpanContext(${base}, span.spanContext()), () => handler(msg));`
    : run;
  const body = `function onMessage(msg, handler) {
  const parentContext = ${n.propagation}.extract(${eb}, msg.headers);
  const span = ${tracer}.startSpan('consume', { kind: ${n.SpanKind}.CONSUMER }, ${parentArg});
  ${runLine}
}`;
  return { code: `${a.hdr}\nconst tracer = ${n.trace}.getTracer('x');\n${exp(a, body, 'onMessage')}`, ...(a.cjs ? { cjs: true } : {}) };
}
for (const api of Object.keys(APIS)) { const v = f1({ api }); add(`f1 api ${api}`, F1, v.code, v); }
for (const run of ['bind', 'const', 'const-with-args', 'setSpanContext']) { const v = f1({ run }); add(`f1 run ${run}`, F1, v.code, run === 'setSpanContext' ? { ...v, gap: 'trace.setSpanContext(context.active(), span.spanContext()) around the handler: not seen in the corpus or the checkouts, left out' } : v); }
{ const v = f1({ api: 'esm-ns', run: 'const' }); add('f1 ns + const ctx', F1, v.code, v); }
{ const v = f1({ tracer: `trace.getTracer('x')` }); add('f1 tracer inline getTracer', F1, v.code, v); }
add('f1 class this.tracer + ts', F1, `import { context, trace, propagation, ROOT_CONTEXT, SpanKind, Tracer } from '@opentelemetry/api';
type Msg = { headers: Record<string, string> };
export class Consumer {
  private tracer: Tracer = trace.getTracer('x');
  async onMessage(msg: Msg, handler: (m: Msg) => Promise<void>): Promise<void> {
    const parentContext = propagation.extract(ROOT_CONTEXT, msg.headers);
    const span = this.tracer.startSpan('consume', { kind: SpanKind.CONSUMER }, parentContext);
    try {
      await context.with(trace.setSpan(context.active(), span), () => handler(msg));
    } finally {
      span.end();
    }
  }
}`, { ts: true });
add('f1 arrow wrapper in subscribe', F1, `import { context, trace, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export function subscribe(consumer, handler) {
  consumer.on('message', (msg) => {
    const extracted = propagation.extract(ROOT_CONTEXT, msg.headers);
    const span = tracer.startSpan('consume', {}, extracted);
    context.with(trace.setSpan(context.active(), span), () => handler(msg));
    span.end();
  });
}`);
add('f1 extracted inline as parent', F1, `import { context, trace, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export function onMessage(msg, handler) {
  const span = tracer.startSpan('consume', {}, propagation.extract(ROOT_CONTEXT, msg.headers));
  return context.with(trace.setSpan(context.active(), span), () => handler(msg));
}`);
add('f1 extracted unused, span ambient', F1, `import { context, trace, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export function onMessage(msg, handler) {
  const extracted = propagation.extract(ROOT_CONTEXT, msg.headers);
  const span = tracer.startSpan('consume');
  return context.with(trace.setSpan(context.active(), span), () => handler(msg));
}`);
add('f1 let span = ..', F1, `import { context, trace, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export function onMessage(msg, handler) {
  const parentContext = propagation.extract(ROOT_CONTEXT, msg.headers);
  let span = tracer.startSpan('consume', {}, parentContext);
  return context.with(trace.setSpan(context.active(), span), () => handler(msg));
}`);
add('f1 extract(context.active(),..) consumer kind', F1, f1({ extractBase: 'context.active()' }).code);
add('f1 extract(api.context.active(),..) consumer kind ns', F1, f1({ api: 'esm-ns', extractBase: 'api.context.active()' }).code);
add('f1 span from the file\'s own helper handed the extracted context', F1, `import { context, trace, propagation, ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
function startConsumerSpan(topic, parent) {
  return tracer.startSpan(topic, { kind: SpanKind.CONSUMER }, parent);
}
export function onMessage(msg, handler) {
  const propagated = propagation.extract(ROOT_CONTEXT, msg.headers);
  const span = startConsumerSpan(msg.topic, propagated);
  return context.with(trace.setSpan(context.active(), span), () => handler(msg));
}`);
add('f1 span from this._startSpan(.., extract(..)) inline', F1, `import { context, trace, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
export class Consumer {
  wrap(original) {
    const self = this;
    return function (payload) {
      const span = self._startConsumerSpan(payload.topic, propagation.extract(ROOT_CONTEXT, payload.message.headers));
      return context.with(trace.setSpan(context.active(), span), () => original.apply(this, arguments));
    };
  }
}`);
// near misses family 1
add('f1 ok: setSpan(extracted, span)', null, f1({ setSpanBase: 'parentContext' }).code);
add('f1 ok: ns setSpan(extracted, span)', null, f1({ api: 'esm-ns', setSpanBase: 'parentContext' }).code);
add('f1 ok: within context.with(extracted)', null, `import { context, trace, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export function onMessage(msg, handler) {
  const parentContext = propagation.extract(ROOT_CONTEXT, msg.headers);
  return context.with(parentContext, () => {
    const span = tracer.startSpan('consume');
    return context.with(trace.setSpan(context.active(), span), () => handler(msg));
  });
}`);
add('f1 ok: helper not handed the extracted context, which is run in', null, `import { context, trace, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
export function onMessage(msg, handler, startConsumerSpan) {
  const propagated = propagation.extract(ROOT_CONTEXT, msg.headers);
  const span = startConsumerSpan(msg.topic);
  return context.with(propagated, () => context.with(trace.setSpan(context.active(), span), () => handler(msg)));
}`);
add('f1 ok: HTTP server extract(active)', null, `import { context, trace, propagation, SpanKind } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export function onRequest(req, res, handler) {
  const parentContext = propagation.extract(context.active(), req.headers);
  const span = tracer.startSpan('GET', { kind: SpanKind.SERVER }, parentContext);
  return context.with(trace.setSpan(parentContext, span), () => handler(req, res));
}`);

// =============== Family 3: user callbacks inside the instrumentation's span
function f3({ api = 'esm-named', scope = 'with', cbFrom = 'last-arg', cbCall = 'cb.apply(this, arguments)', endStmt = 'span.end();', tracer = 'tracer' } = {}): { code: string; cjs?: boolean } {
  const a = APIS[api]!; const n = names(a);
  const getCb = cbFrom === 'last-arg' ? 'const cb = args[args.length - 1];' : cbFrom === 'arguments' ? 'const cb = arguments[arguments.length - 1];' : cbFrom === 'pop' ? 'const cb = args.pop();' : cbFrom === 'findIndex' ? 'const idx = args.findIndex((a) => typeof a === "function");\n    const cb = args[idx];' : cbFrom === 'at' ? 'const cb = args.at(-1);' : '';
  const wrapper = `function () {\n        ${endStmt}\n        return ${cbCall};\n      }`;
  const inner = scope === 'with'
    ? `return ${n.context}.with(${n.trace}.setSpan(${n.context}.active(), span), () => original.call(this, sql, ${wrapper}));`
    : scope === 'with-ns-const' ? `const spanCtx = ${n.trace}.setSpan(${n.context}.active(), span);\n    return ${n.context}.with(spanCtx, () => original.call(this, sql, ${wrapper}));` : '';
  const body = `function patchQuery(original) {
  return function (sql, ...args) {
    ${getCb}
    const span = ${tracer}.startSpan('q');
    ${inner}
  };
}`;
  return { code: `${a.hdr}\nconst tracer = ${n.trace}.getTracer('x');\n${exp(a, body, 'patchQuery')}`, ...(a.cjs ? { cjs: true } : {}) };
}
for (const api of Object.keys(APIS)) { const v = f3({ api }); add(`f3 api ${api}`, F3, v.code, v); }
for (const cbFrom of ['arguments', 'pop', 'findIndex', 'at']) { const v = f3({ cbFrom }); add(`f3 cb from ${cbFrom}`, F3, v.code, v); }
for (const [k, c] of Object.entries({ 'call-this': 'cb.call(this, err, res)', 'direct': 'cb(err, res)', 'reflect': 'Reflect.apply(cb, this, arguments)' })) { const v = f3({ cbCall: c }); add(`f3 cbcall ${k}`, F3, v.code.replace('function () {', 'function (err, res) {'), v); }
for (const e of ['span?.end();', 'if (span) span.end();']) { const v = f3({ endStmt: e }); add(`f3 end ${e}`, F3, v.code, v); }
{ const v = f3({ scope: 'with-ns-const', api: 'esm-ns' }); add('f3 ns const spanCtx', F3, v.code, v); }
add('f3 startActiveSpan method cb param', F3, `import { trace } from '@opentelemetry/api';
export class Client {
  tracer = trace.getTracer('x');
  get(key, callback) {
    this.tracer.startActiveSpan('get', (span) => {
      this.conn.get(key, (err, value) => {
        span.end();
        callback(err, value);
      });
    });
  }
}`);
add('f3 args[last] replaced before context.with', F3, `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export function patch(original) {
  return function (...args) {
    const span = tracer.startSpan('q');
    const cb = args[args.length - 1];
    args[args.length - 1] = function (err, res) { span.end(); return cb.apply(this, arguments); };
    return context.with(trace.setSpan(context.active(), span), () => original.apply(this, args));
  };
}`);
add('f3 arguments[i] replaced, api.context.with(.., original.bind)', F3, `const api = require('@opentelemetry/api');
const tracer = api.trace.getTracer('x');
function patch(original) {
  return function () {
    const span = tracer.startSpan('q');
    const last = arguments.length - 1;
    const cb = arguments[last];
    arguments[last] = function (err, res) { span.end(); return cb.apply(this, arguments); };
    return api.context.with(api.trace.setSpan(api.context.active(), span), original, this, ...arguments);
  };
}
module.exports = { patch };`, { cjs: true });
add('f3 TS typed callback', F3, `import { context, trace } from '@opentelemetry/api';
type Cb = (err: Error | null, res?: unknown) => void;
const tracer = trace.getTracer('x');
export function patchQuery(original: (this: unknown, sql: string, cb: Cb) => void) {
  return function (this: unknown, sql: string, callback: Cb) {
    const span = tracer.startSpan('q');
    return context.with(trace.setSpan(context.active(), span), () =>
      original.call(this, sql, (err: Error | null, res?: unknown) => {
        span.end();
        callback!(err, res);
      }));
  };
}`, { ts: true });
add('f3 ok: callback bound to parent ctx', null, `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export function patchQuery(original) {
  return function (sql, cb) {
    const parent = context.active();
    const span = tracer.startSpan('q');
    return context.with(trace.setSpan(parent, span), () => original.call(this, sql, function () {
      span.end();
      return context.with(parent, () => cb.apply(this, arguments));
    }));
  };
}`);
add('f3 ok: cb called before end (child on purpose)', null, `import { context, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export function patchQuery(original) {
  return function (sql, cb) {
    const span = tracer.startSpan('q');
    return context.with(trace.setSpan(context.active(), span), () => original.call(this, sql, function () {
      const r = cb.apply(this, arguments);
      span.end();
      return r;
    }));
  };
}`);

// =============== Family 8: span-running helpers, floating promise in their callback
const F8_HELPERS: Record<string, string> = {
  'local fn startActiveSpan': `function runInSpan(name, fn) { return tracer.startActiveSpan(name, (span) => { try { return fn(span); } finally { span.end(); } }); }`,
  'local fn context.with': `function traced(name, fn) { const span = tracer.startSpan(name); return context.with(trace.setSpan(context.active(), span), () => fn(span)); }`,
  'local arrow startActiveSpan': `const runInSpan = (name, fn) => tracer.startActiveSpan(name, fn);`,
  'local async fn await fn': `async function withSpan(name, fn) { return tracer.startActiveSpan(name, async (span) => { try { return await fn(span); } finally { span.end(); } }); }`,
  'local fn oddly named': `function measure(name, fn) { return tracer.startActiveSpan(name, (span) => { try { return fn(span); } finally { span.end(); } }); }`,
  'local fn ns api.context.with': `function measure(name, fn) { const span = tracer.startSpan(name); return api.context.with(api.trace.setSpan(api.context.active(), span), fn, undefined, span); }`,
  'local fn fn.call in cb': `function measure(name, fn) { return tracer.startActiveSpan(name, (span) => fn.call(null, span)); }`,
};
for (const [k, h] of Object.entries(F8_HELPERS)) {
  add(`f8 ${k}`, F8, `import * as api from '@opentelemetry/api';
import { context, trace } from '@opentelemetry/api';
async function save(x: unknown): Promise<void> {}
const tracer = trace.getTracer('x');
${h}
export function handle(x: unknown) {
  return ${/runInSpan|withSpan|traced|measure/.exec(h)?.[0] ?? ''}('handle', () => {
    save(x);
  });
}`, { ts: true });
}
add('f8 class method helper this.runInSpan', F8, `import { trace } from '@opentelemetry/api';
async function save(x: unknown): Promise<void> {}
export class Svc {
  tracer = trace.getTracer('x');
  runInSpan<T>(name: string, fn: () => T): T { return this.tracer.startActiveSpan(name, (span) => { try { return fn(); } finally { span.end(); } }); }
  handle(x: unknown) {
    return this.runInSpan('handle', () => { save(x); });
  }
}`, { ts: true });
add('f8 local object helper tracing.inSpan', F8, `import { trace } from '@opentelemetry/api';
async function save(x: unknown): Promise<void> {}
const tracer = trace.getTracer('x');
const tracing = { inSpan(name: string, fn: () => void) { return tracer.startActiveSpan(name, (span) => { fn(); span.end(); }); } };
export function handle(x: unknown) {
  return tracing.inSpan('handle', () => { save(x); });
}`, { ts: true, gap: 'a method of a local object literal is not resolved; an imported one is judged by its name' });
for (const [k, imp, call] of [
  ['imported named runInSpan', `import { runInSpan } from './tracing';`, 'runInSpan'],
  ['imported named withSpan cjs', `const { withSpan } = require('./tracing');`, 'withSpan'],
  ['imported ns tracing.withActiveSpan', `import * as tracing from './tracing';`, 'tracing.withActiveSpan'],
  ['imported asyncRunInSpan', `import { asyncRunInSpan } from '../utils/otel';`, 'asyncRunInSpan'],
  ['imported traceAsync (name not matched)', `import { traceAsync } from './tracing';`, 'traceAsync'],
  ['imported startActiveSpanWrapper', `import { withTracing } from './tracing';`, 'withTracing'],
  ['imported runWithSpan', `import { runWithSpan } from './tracing';`, 'runWithSpan'],
  ['imported wrapWithSpan', `import { wrapWithSpan } from './tracing';`, 'wrapWithSpan'],
  ['imported withNewSpan', `import { withNewSpan } from './tracing';`, 'withNewSpan'],
  ['imported startSpanAndRun?', `import { inActiveSpan } from './tracing';`, 'inActiveSpan'],
  ['imported trace()', `import { trace as traceFn } from './tracing';`, 'traceFn'],
]) {
  const unnamed = /traceAsync|withTracing|traceFn/.test(call ?? '');
  add(`f8 ${k}`, F8, `${imp}
async function save(x: unknown): Promise<void> {}
export function handle(x: unknown) {
  return ${call}('handle', () => {
    save(x);
  });
}`, { ts: true, ...(unnamed ? { gap: 'an imported helper whose name does not say span (traceAsync, withTracing, trace) is not a span runner without the spanWrappers setting' } : {}) });
}
add('f8 ok: awaited inside helper', null, `import { runInSpan } from './tracing';
async function save(x: unknown): Promise<void> {}
export function handle(x: unknown) {
  return runInSpan('handle', async () => {
    await save(x);
  });
}`, { ts: true });
