// Issue 11, families 6 and 7 through tracers' and libraries' own context APIs
// (core/analysis/context-apis.ts): a vendor binder whose result is thrown away, and an in-place
// vendor write (cls-hooked's ns.enter, Zipkin's tracer.setId) that is not undone. Each shape has
// its near misses (valid): the emitter and property binders that patch in place, same-named
// methods on other receivers or without the library's import, writes undone in a finally, inside a
// scope runner, split across handlers, or through a tracer handed in by the caller.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import noUnpairedContextAttach from '../rules/no-unpaired-context-attach.js';
import { CONTEXT_APIS, contextApiMethods } from '../core/analysis/context-apis.js';
import { createRuleTester, FIXTURES_DIR } from './rule-tester.js';

const ruleTester = createRuleTester({ contextManager: 'async-hooks' });
const at = (name: string): string => join(FIXTURES_DIR, name);

describe('context-apis data', () => {
  it('records why each entry is precise enough, and reports no unchecked entry', () => {
    for (const entry of CONTEXT_APIS) expect(entry.why.length, `${entry.library} ${entry.method}`).toBeGreaterThan(10);
    expect(contextApiMethods(['ambient-write'])).not.toContain('set');
    expect(contextApiMethods(['binder'])).toContain('wrap');
  });
});

ruleTester.run('no-unpaired-context-attach (vendor binders, family 7)', noUnpairedContextAttach, {
  valid: [
    // the bound result is kept (cloud-trace-nodejs 9c3487a's fix shape)
    { name: 'f7v-ok-wrap-kept', filename: at('f7v-ok-wrap-kept.ts'), code: `function start(api: any, next: () => void) {
  api.runInRootSpan({ name: 'koa' }, () => {
    next = api.wrap(next);
  });
  return next;
}` },
    // shimmer's wrap patches a property in place (three arguments)
    { name: 'f7v-ok-shimmer-wrap', filename: at('f7v-ok-shimmer-wrap.js'), code: `const shimmer = require('shimmer');
function patch(api, mod) {
  shimmer.wrap(mod, 'query', (original) => original);
  api.wrap(mod, 'query', (original) => original);
}` },
    // a stream's wrap(oldStream): the receiver is not a tracer
    { name: 'f7v-ok-stream-wrap', filename: at('f7v-ok-stream-wrap.js'), code: `function adapt(readable, old) {
  readable.wrap(old);
  return readable;
}` },
    // emitter binders patch in place
    { name: 'f7v-ok-wrap-emitter', filename: at('f7v-ok-wrap-emitter.js'), code: `function hook(api, req, res, ins, ns) {
  api.wrapEmitter(req);
  ins.bindEmitter(res);
  ns.bindEmitter(req);
}` },
    // New Relic's bindSegment(nodule, 'property') wraps the property in place
    { name: 'f7v-ok-bind-segment-property', filename: at('f7v-ok-bind-segment-property.js'), code: `function instrument(shim, args, segment) {
  shim.bindSegment(args, shim.LAST, segment);
  shim.bindSegment(args, 'callback', segment);
}` },
    // something that does not look like a function is bound (an emitter, a promise)
    { name: 'f7v-ok-scope-bind-emitter', filename: at('f7v-ok-scope-bind-emitter.js'), code: `function track(tracer, emitter, span) {
  tracer.scope().bind(emitter, span);
}` },
    // ns.bind without the library's import or a namespace factory: any object's bind
    { name: 'f7v-ok-ns-bind-unknown', filename: at('f7v-ok-ns-bind-unknown.js'), code: `function hold(ns, callback) {
  ns.bind(callback);
  return callback;
}` },
  ],
  invalid: [
    // googleapis/cloud-trace-nodejs 84a5f7d src/plugins/plugin-koa.ts:77 (the corpus case, minimal)
    {
      name: 'f7v-cloud-trace-wrap-discarded',
      filename: at('f7v-cloud-trace-wrap-discarded.ts'),
      code: `function startSpanForRequest(api: any, req: unknown, next: () => void) {
  api.runInRootSpan({ name: 'koa' }, (root: any) => {
    api.wrap(next);
  });
}`,
      errors: [{ messageId: 'discardedBind', line: 3, column: 5, suggestions: [{ messageId: 'assignBound', output: `function startSpanForRequest(api: any, req: unknown, next: () => void) {
  api.runInRootSpan({ name: 'koa' }, (root: any) => {
    next = api.wrap(next);
  });
}` }] }],
    },
    {
      name: 'f7v-elastic-bind-function',
      filename: at('f7v-elastic-bind-function.js'),
      code: `function patch(agent, callback) {
  agent._instrumentation.bindFunction(callback);
  return queue.push(callback);
}`,
      errors: [{ messageId: 'discardedBind', suggestions: [{ messageId: 'assignBound', output: `function patch(agent, callback) {
  callback = agent._instrumentation.bindFunction(callback);
  return queue.push(callback);
}` }] }],
    },
    {
      name: 'f7v-newrelic-bind-segment-function',
      filename: at('f7v-newrelic-bind-segment-function.js'),
      code: `function wrapCb(shim, cb, segment) {
  shim.bindSegment(cb, segment);
  return cb;
}`,
      errors: [{ messageId: 'discardedBind', suggestions: [{ messageId: 'assignBound', output: `function wrapCb(shim, cb, segment) {
  cb = shim.bindSegment(cb, segment);
  return cb;
}` }] }],
    },
    {
      name: 'f7v-cls-hooked-ns-bind',
      filename: at('f7v-cls-hooked-ns-bind.js'),
      code: `const cls = require('cls-hooked');
const ns = cls.createNamespace('request');
function later(callback) {
  ns.bind(callback);
  setImmediate(callback);
}`,
      errors: [{ messageId: 'discardedBind', suggestions: [{ messageId: 'assignBound', output: `const cls = require('cls-hooked');
const ns = cls.createNamespace('request');
function later(callback) {
  callback = ns.bind(callback);
  setImmediate(callback);
}` }] }],
    },
    {
      name: 'f7v-dd-scope-bind-function',
      filename: at('f7v-dd-scope-bind-function.js'),
      code: `function run(tracer, span, done) {
  tracer.scope().bind(done, span);
  process.nextTick(done);
}`,
      errors: [{ messageId: 'discardedBind', suggestions: [{ messageId: 'assignBound', output: `function run(tracer, span, done) {
  done = tracer.scope().bind(done, span);
  process.nextTick(done);
}` }] }],
    },
  ],
});

ruleTester.run('no-unpaired-context-attach (vendor in-place writes, family 6)', noUnpairedContextAttach, {
  valid: [
    // cls-hooked's own run(): enter, then exit in finally
    { name: 'f6v-ok-enter-exit-finally', filename: at('f6v-ok-enter-exit-finally.js'), code: `const cls = require('cls-hooked');
const ns = cls.createNamespace('app');
function runIn(ctx, fn) {
  ns.enter(ctx);
  try {
    return fn();
  } finally {
    ns.exit(ctx);
  }
}` },
    // enter/exit on something that is not a cls namespace (no import, no factory)
    { name: 'f6v-ok-enter-other-object', filename: at('f6v-ok-enter-other-object.js'), code: `function lock(ns, ctx) {
  ns.enter(ctx);
  work();
}` },
    // the primitive itself (a method named enter)
    { name: 'f6v-ok-scope-primitive', filename: at('f6v-ok-scope-primitive.js'), code: `const cls = require('cls-hooked');
const ns = cls.createNamespace('app');
module.exports = { enter(ctx) { ns.enter(ctx); } };` },
    // Zipkin: setId inside a scope runner, and letId
    { name: 'f6v-ok-zipkin-scoped', filename: at('f6v-ok-zipkin-scoped.js'), code: `const { Annotation } = require('zipkin');
class Client {
  start(method) {
    return this.tracer.scoped(() => {
      this.tracer.setId(this.tracer.createChildId());
      this.tracer.recordRpc(method);
      return this.tracer.id;
    });
  }
}
module.exports = Client;` },
    // Zipkin: saved and put back in finally
    { name: 'f6v-ok-zipkin-restored', filename: at('f6v-ok-zipkin-restored.js'), code: `const zipkin = require('zipkin');
function record(tracer, id, fn) {
  const previous = tracer.id;
  tracer.setId(id);
  try { fn(); } finally { tracer.setId(previous); }
}
class Recorder { run(id, fn) { const previous = this.tracer.id; this.tracer.setId(id); try { fn(); } finally { this.tracer.setId(previous); } } }` },
    // Zipkin: set in one handler, put back from a saved value in another (hapiMiddleware.js)
    { name: 'f6v-ok-zipkin-split-handlers', filename: at('f6v-ok-zipkin-split-handlers.js'), code: `const { Instrumentation } = require('zipkin');
exports.register = (server, { tracer }) => {
  const sentinelTraceId = tracer.id;
  server.ext('onPreHandler', (request, h) => { tracer.setId(request._trace_id); return h.continue; });
  server.ext('onPreResponse', (request, h) => { tracer.setId(sentinelTraceId); return h.continue; });
};` },
    // Zipkin: a helper handed the tracer by a caller that owns the scope (kafka-recorder.js)
    { name: 'f6v-ok-zipkin-helper-handed-tracer', filename: at('f6v-ok-zipkin-helper-handed-tracer.js'), code: `const { Annotation } = require('zipkin');
const recordStart = (tracer, name) => {
  tracer.setId(tracer.createRootId());
  tracer.recordRpc(name);
  return tracer.id;
};
module.exports = { recordStart };` },
    // setId on a tracer-named receiver in a file that is not Zipkin's
    { name: 'f6v-ok-setid-not-zipkin', filename: at('f6v-ok-setid-not-zipkin.js'), code: `class Entity { save() { this.tracer.setId(4); } }` },
    // a context class entering its base context once, in its constructor (zipkin-js CLSContext.js)
    { name: 'f6v-ok-constructor-base-context', filename: at('f6v-ok-constructor-base-context.js'), code: `const clsHooked = require('cls-hooked');
module.exports = class CLSContext {
  constructor(namespace = 'zipkin') {
    this._session = clsHooked.getNamespace(namespace) || clsHooked.createNamespace(namespace);
    const defaultContext = this._session.createContext();
    this._session.enter(defaultContext);
  }
};` },
    // nestjs-cls's opt-in enter() (documented, not reported)
    { name: 'f6v-ok-nestjs-cls-enter', filename: at('f6v-ok-nestjs-cls-enter.ts'), code: `import { ClsService } from 'nestjs-cls';
export function use(cls: ClsService, next: () => void) { cls.enter(); next(); }` },
  ],
  invalid: [
    // openzipkin/zipkin-js 1c2e6a0 grpcClientInstrumentation.js:84 and :106 (the corpus case, minimal)
    {
      name: 'f6v-zipkin-setid-leaks',
      filename: at('f6v-zipkin-setid-leaks.js'),
      code: `const { Annotation } = require('zipkin');
class GrpcClientInstrumentation {
  start(method) {
    this.tracer.setId(this.tracer.createChildId());
    this.tracer.recordRpc(method);
    return this.tracer.id;
  }
}
module.exports = GrpcClientInstrumentation;`,
      errors: [{ messageId: 'ambientWriteLeak', line: 4, column: 5 }],
    },
    // cls-hooked: enter without exit in a middleware
    {
      name: 'f6v-cls-enter-no-exit',
      filename: at('f6v-cls-enter-no-exit.js'),
      code: `const { getNamespace } = require('cls-hooked');
const session = getNamespace('session');
function middleware(req, res, next) {
  session.enter(session.createContext());
  next();
}`,
      errors: [{ messageId: 'ambientWriteLeak', line: 4 }],
    },
    // the same class's enter outside its constructor
    {
      name: 'f6v-cls-session-enter-in-method',
      filename: at('f6v-cls-session-enter-in-method.js'),
      code: `const clsHooked = require('cls-hooked');
module.exports = class CLSContext {
  begin(ctx) {
    this._session.enter(ctx);
  }
};`,
      errors: [{ messageId: 'ambientWriteLeak', line: 4 }],
    },
    // cls-hooked: exit not in finally (a throw skips it); fixed with try/finally
    {
      name: 'f6v-cls-exit-skipped-on-throw',
      filename: at('f6v-cls-exit-skipped-on-throw.js'),
      code: `const cls = require('continuation-local-storage');
const ns = cls.createNamespace('app');
function runIn(ctx, fn) {
  ns.enter(ctx);
  const result = fn();
  ns.exit(ctx);
  return result;
}`,
      output: `const cls = require('continuation-local-storage');
const ns = cls.createNamespace('app');
function runIn(ctx, fn) {
  ns.enter(ctx);
  try {
    const result = fn();
    return result;
  } finally {
    ns.exit(ctx);
  }
}`,
      errors: [{ messageId: 'ambientRestoreSkippedOnThrow', line: 4, column: 3 }],
    },
  ],
});
