import rule from '../../rules/no-unpaired-context-attach.js';
import { createRuleTester, under } from '../rule-tester.js';

const ruleTester = createRuleTester();

const HEADER = `import { context } from '@opentelemetry/api';
import { AsyncLocalStorage } from 'node:async_hooks';
const als = new AsyncLocalStorage<string>();
`;

ruleTester.run('no-unpaired-context-attach', rule, {
  valid: [
    {
      name: 'field form (near miss): a context field put back in a finally',
      code: `
export class ExplicitContext {
  currentCtx: unknown = null;
  letContext<T>(ctx: unknown, callable: () => T): T {
    const prevCtx = this.currentCtx;
    this.currentCtx = ctx;
    try {
      return callable();
    } finally {
      this.currentCtx = prevCtx;
    }
  }
}`,
    },
    {
      name: 'field form (near miss): a field that is not a context (an indentation level) saved and put back around a callback',
      code: `
export class Printer {
  indent = 0;
  nested(print: () => void) {
    const previous = this.indent;
    this.indent += 2;
    print();
    this.indent = previous;
  }
}`,
    },
    {
      name: 'field form (near miss): a context field put back around work that is not the caller\'s function',
      code: `
declare function render(): void;
export class Renderer {
  currentContext: unknown = null;
  draw(ctx: unknown) {
    const previous = this.currentContext;
    this.currentContext = ctx;
    render();
    this.currentContext = previous;
  }
}`,
    },
    {
      name: 'an exception thrown or raised in a catch still runs the finally that disposes the token (a rethrow in a retry loop)',
      code: `import { context } from '@opentelemetry/api';
export function run(items: string[], ctx: any) {
  for (const item of items) {
    const token = context.attach(ctx);
    try {
      if (!item) return 1;
      handle(item);
    } catch (error) {
      if (error instanceof Error) throw error;
      log(error);
    } finally {
      token.dispose();
    }
  }
  return 0;
}`,
    },
    {
      name: 'a restore of the store named as the earlier one (parent, previous) in a method that enters nothing else: it puts back what was there',
      code: `import { storage } from './storage';
export class Plugin {
  finish(ctx: { parentStore: unknown }) { storage.enterWith(ctx.parentStore); }
  returnToParentStore(store: { sqlParentStore?: unknown }) { if (store.sqlParentStore) storage.enterWith(store.sqlParentStore); }
  end(previousStore: unknown) { storage.enterWith(previousStore); }
}`,
    },
    {
      name: "an enter on a channel's start event and the restore of the saved store on its end and error events, in other methods (dd-trace's plugins): one pair split across handlers",
      filename: 'file.js',
      code: `const { storage } = require('./storage');
const requests = new WeakMap();
class UndiciPlugin {
  onCreate({ request }) {
    const store = storage('legacy').getStore();
    const span = this.startSpan('undici.request', { childOf: store?.span });
    requests.set(request, { span, store });
    storage('legacy').enterWith({ ...store, span });
  }
  onBodySent({ request }) {
    const { span, store } = requests.get(request);
    span.finish();
    if (store) storage('legacy').enterWith(store);
  }
  onError({ request, error }) {
    const ctx = requests.get(request);
    ctx.span.setTag('error', error);
    storage('legacy').enterWith(ctx.store);
  }
}
module.exports = UndiciPlugin;`,
    },
    {
      name: 'an enter paired with a restore of the store named as the earlier one in another method (llmobs plugins)',
      code: `import { llmobsStorage } from './storage';
export class LLMObsPlugin {
  start(ctx: { llmobs: { parent?: unknown }; span: unknown }) {
    const parentStore = llmobsStorage.getStore();
    llmobsStorage.enterWith({ ...(parentStore as object), span: ctx.span });
    ctx.llmobs.parent = parentStore;
  }
  asyncEnd(ctx: { llmobs: { parent?: unknown } }) {
    const parentStore = ctx.llmobs.parent;
    llmobsStorage.enterWith(parentStore);
  }
}`,
    },
    {
      name: 'enterWith in the body of a test, a hook or a suite is test scaffolding: not reported without checkTests (vitest, mocha globals, node:test)',
      code: `import { it, beforeEach, describe } from 'vitest';
import { test } from 'node:test';
import { storage } from './storage';
describe('suite', () => {
  storage.enterWith({ user: 'suite' });
  beforeEach(() => { storage.enterWith({ user: 'a' }); });
  it('reads the store', async () => {
    storage.enterWith({ user: 'b' });
    await Promise.resolve();
  });
});
test('node test', () => { storage.enterWith({ user: 'c' }); });`,
    },

    // Issue #11 family 6, near misses: an enterWith this file defines itself.
    {
      name: 'enterWith implementing a scope primitive: a context manager\'s attach(), a token\'s dispose()',
      code: `import type { AsyncLocalStorage } from 'node:async_hooks';
export class Token {
  constructor(private readonly storage: AsyncLocalStorage<unknown>, private readonly previous: unknown) {}
  dispose() { this.storage.enterWith(this.previous); }
  [Symbol.dispose]() { this.storage.enterWith(this.previous); }
}
export class Manager {
  constructor(private readonly storage: AsyncLocalStorage<unknown>) {}
  attach(ctx: unknown) { this.storage.enterWith(ctx); return new Token(this.storage, ctx); }
  // a service's own enterWith() that hands on to the store's: its callers are checked
  enterWith(store?: unknown) { return this.storage.enterWith(store ?? {}); }
}`,
    },
    {
      name: 'enterWith on an instance of a class of this file',
      code: `class Recorder { enterWith(value: string) { return value; } }
const recorder = new Recorder();
recorder.enterWith('x');`,
    },
    // Precision on whole repositories: enters that leave nothing behind, and test setup.
    {
      name: 'a reset: enterWith(undefined), enterWith(void 0), enterWith() empty the store',
      code: `import { storage } from './storage';
export function clear() {
  storage.enterWith(undefined);
  storage.enterWith(void 0);
  storage.enterWith();
}`,
    },
    {
      name: "an enter undone in a finally from the store's own saved value (a hand-written run), the enter in an if, or inside the try",
      code: `import { storage } from './storage';
export function activate(span: unknown, callback: () => unknown) {
  const previous = storage.getStore();
  storage.enterWith({ span });
  try {
    return callback();
  } finally {
    storage.enterWith(previous);
  }
}
export function activateIf(enabled: boolean, span: unknown, callback: () => unknown) {
  const parent = storage.getStore();
  if (enabled) storage.enterWith({ span });
  record(span);
  try {
    return callback();
  } finally {
    if (enabled) storage.enterWith(parent);
  }
}
export function activateInside(span: unknown, callback: () => unknown) {
  const previous = storage.getStore();
  try {
    storage.enterWith({ span });
    return callback();
  } finally {
    storage.enterWith(previous);
  }
}
declare function record(span: unknown): void;`,
    },
    // Issue #11 family 7, near misses: binds whose result is used.
    {
      name: 'bound functions that are used, and a bound emitter (patched in place)',
      code: `import { context } from '@opentelemetry/api';
import { AsyncResource, AsyncLocalStorage } from 'node:async_hooks';
import { EventEmitter } from 'node:events';
export function f(emitter: EventEmitter, callback: () => void, queue: Array<() => void>) {
  context.bind(context.active(), emitter);
  const bound = context.bind(context.active(), callback);
  emitter.once('ready', bound);
  queue.push(AsyncResource.bind(callback), AsyncLocalStorage.bind(callback));
  callback = context.bind(context.active(), callback);
  return bound;
}`,
    },
    {
      name: 'Function.prototype.bind as a statement is not a context bind',
      code: `export function f(handler: () => void, self: unknown) {
  handler.bind(self);
}`,
    },
    {
      name: 'a bound function kept unused while the unbound one is not passed on',
      code: `import { context } from '@opentelemetry/api';
export function f(callback: () => void) {
  const bound = context.bind(context.active(), callback);
  callback();
}`,
    },
    {
      name: 'token disposed in finally (8e-after)',
      code: `${HEADER}export function handle(ctx: any) {
  const token = context.attach(ctx);
  try {
    work();
  } finally {
    token.dispose();
  }
}`,
    },
    {
      name: 'attach after the first await: the caller already has its promise',
      code: `${HEADER}export async function handle(ctx: any) {
  await ready();
  const token = context.attach(ctx);
  try {
    await work();
  } finally {
    token.dispose();
  }
}`,
    },
    {
      name: 'token passed to a helper of this file that disposes it',
      code: `${HEADER}function restore(t: { dispose(): void }) {
  t.dispose();
}
export function handle(ctx: any) {
  const token = context.attach(ctx);
  try {
    work();
  } finally {
    restore(token);
  }
}`,
    },
    {
      name: 'withScope held by using (a RunScope is really disposable)',
      code: `${HEADER}export function handle(id: string) {
  using scope = als.withScope(id);
  work();
}`,
    },
    {
      name: 'catch disposes and rethrows, normal path disposes after the try',
      code: `${HEADER}export function handle(ctx: any) {
  const token = context.attach(ctx);
  try {
    work();
  } catch (error) {
    token.dispose();
    throw error;
  }
  token.dispose();
}`,
    },
    {
      name: 'als.run instead of enterWith',
      code: `${HEADER}export function middleware(req: any, next: () => void) {
  als.run(req.id, next);
}`,
    },
    {
      name: 'a local object called context is not the API',
      code: `const context = { attach: (ctx: unknown) => ctx };
context.attach({});`,
    },
    {
      name: 'enterWith on something that is not an AsyncLocalStorage',
      code: `const store = { enterWith: (value: string) => value };
store.enterWith('x');`,
    },
    {
      name: 'attach inside a sync callback of an async function, disposed in finally',
      code: `${HEADER}export async function handleAll(ctxs: any[]) {
  ctxs.forEach((ctx) => {
    const token = context.attach(ctx);
    try {
      work();
    } finally {
      token.dispose();
    }
  });
  await flush();
}`,
    },
    {
      name: 'context-setter APIs: a function named set…/supersede…/remove…/clear…/reset… whose own body enters the store (its contract: the caller\'s run keeps it)',
      code: `import { AsyncLocalStorage } from 'node:async_hooks';
const als = new AsyncLocalStorage<Record<string, string>>();
export class RunContextManager {
  private _als = new AsyncLocalStorage<object>();
  supersedeRunContext(runContext: object) { this._als.enterWith(runContext); }
  setContext(newContext: object) { this._als.enterWith(newContext); }
  #setSpan(span: object) { this._als.enterWith({ span }); }
}
export function setBaggageItem(key: string, value: string) {
  const store = als.getStore();
  als.enterWith(Object.freeze({ ...store, [key]: value }));
}
export const removeAllBaggageItems = () => { als.enterWith({}); };
module.exports.set_context = function (ctx: Record<string, string>) { als.enterWith(ctx); };`,
    },
    {
      name: 'a subclass\'s hand-written run() restores through the prototype\'s methods in its finally (dd-trace\'s DatadogStorage)',
      code: `import { AsyncLocalStorage } from 'node:async_hooks';
const superGetStore = AsyncLocalStorage.prototype.getStore;
const superEnterWith = AsyncLocalStorage.prototype.enterWith;
export class Storage extends AsyncLocalStorage<object> {
  run<R>(store: object, fn: () => R): R {
    const prior = superGetStore.call(this);
    this.enterWith(store);
    try {
      return fn();
    } finally {
      superEnterWith.call(this, prior);
    }
  }
}`,
    },
  ],
  invalid: [
    {
      name: 'field form (issue #11 family 6): a hand-rolled context manager saves its current-context field, runs the callable and puts the field back with no finally (Zipkin ExplicitContext#scoped)',
      code: `
module.exports = class ExplicitContext {
  constructor() {
    this.currentCtx = null;
  }
  scoped(callable) {
    const prevCtx = this.currentCtx;
    const result = callable();
    this.currentCtx = prevCtx;
    return result;
  }
};`,
      output: `
module.exports = class ExplicitContext {
  constructor() {
    this.currentCtx = null;
  }
  scoped(callable) {
    const prevCtx = this.currentCtx;
    try {
      const result = callable();
      return result;
    } finally {
      this.currentCtx = prevCtx;
    }
  }
};`,
      errors: [{ messageId: 'fieldRestoreSkippedOnThrow', data: { field: 'this.currentCtx', call: 'callable(..)' }, line: 9, column: 5 }],
    },
    {
      name: 'field form: a bound wrapper that sets the captured context on a const holder and calls the outer function\'s fn through apply (Cloud Trace CLS)',
      code: `
type Holder = { value: unknown };
export function bindWithCurrentContext<T>(currentContext: Holder, fn: (...args: unknown[]) => T): (...args: unknown[]) => T {
  const current = currentContext;
  const boundContext = current.value;
  return function (this: unknown, ...args: unknown[]) {
    const oldContext = current.value;
    current.value = boundContext;
    const res = fn.apply(this, args);
    current.value = oldContext;
    return res;
  };
}`,
      output: `
type Holder = { value: unknown };
export function bindWithCurrentContext<T>(currentContext: Holder, fn: (...args: unknown[]) => T): (...args: unknown[]) => T {
  const current = currentContext;
  const boundContext = current.value;
  return function (this: unknown, ...args: unknown[]) {
    const oldContext = current.value;
    try {
      current.value = boundContext;
      const res = fn.apply(this, args);
      return res;
    } finally {
      current.value = oldContext;
    }
  };
}`,
      errors: [{ messageId: 'fieldRestoreSkippedOnThrow', data: { field: 'current.value', call: 'fn.apply(..)' }, line: 10, column: 5 }],
    },
    {
      name: 'near miss: a catch whose finally does not dispose the token, disposed after the try',
      code: `import { context } from '@opentelemetry/api';
export function run(item: string, ctx: any) {
  const token = context.attach(ctx);
  try {
    handle(item);
  } catch (error) {
    log(error);
  } finally {
    audit(item);
  }
  token.dispose();
}`,
      output: `import { context } from '@opentelemetry/api';
export function run(item: string, ctx: any) {
  const token = context.attach(ctx);
  try {
    try {
      handle(item);
    } catch (error) {
      log(error);
    } finally {
      audit(item);
    }
  } finally {
    token.dispose();
  }
}`,
      errors: [
        {
          messageId: 'undisposedToken',
          line: 3,
          data: { call: 'context.attach()', token: 'token', when: 'when the code that follows it throws' },
          suggestions: [
            { messageId: 'useContextWith', data: { head: 'context.with(ctx, ..)' }, output: `import { context } from '@opentelemetry/api';
export function run(item: string, ctx: any) {
  context.with(ctx, () => {
    try {
      handle(item);
    } catch (error) {
      log(error);
    } finally {
      audit(item);
    }
  });
}` },
          ],
        },
      ],
    },

    // Near misses of the precision exemptions above.
    {
      name: 'near miss of the context-setter exemption: a name that only starts like a setter, a hook, a plugin\'s skip(), an enter in a callback of a setter',
      code: `import { storage } from './storage';
export function setup(store: object) { storage.enterWith(store); }
export const hooks = { before_handle: (event: object) => { storage.enterWith({ event }); } };
export class Plugin {
  skip() { storage.enterWith({ noop: true }); }
  setHandler(emitter: { on(e: string, f: () => void): void }) { emitter.on('x', () => { storage.enterWith({}); }); }
}`,
      output: null,
      errors: [
        { messageId: 'enterWithLeak', line: 2 },
        { messageId: 'enterWithLeak', line: 3 },
        { messageId: 'enterWithLeak', line: 5 },
        { messageId: 'enterWithLeak', line: 6 },
      ],
    },
    {
      name: 'near misses of the split enter/restore pair: a file that never restores the store; a restore of another store; a restore in the function of the enter itself (no finally)',
      code: `import { storage, other } from './storage';
export class Plugin {
  skip() { storage.enterWith({ noop: true }); }
  start(span: unknown) { const store = other.getStore(); storage.enterWith({ ...(store as object), span }); }
  end(store: unknown) { other.enterWith(store); }
}
export class Inline {
  run(span: unknown, work: () => void) {
    const store = storage.getStore();
    storage.enterWith({ span });
    work();
    storage.enterWith(store);
  }
}`,
      output: null,
      errors: [
        { messageId: 'enterWithLeak', line: 3 },
        { messageId: 'enterWithLeak', line: 4 },
        { messageId: 'enterWithLeak', line: 10 },
      ],
    },
    {
      name: 'near miss of the parent-store restore: the enter of another method, a store not named as the earlier one, a name that only starts like it',
      code: `import { storage } from './storage';
export class Plugin {
  start(ctx: { parentStore: unknown; span: unknown }) { ctx.parentStore = storage.getStore(); storage.enterWith({ span: ctx.span }); }
  finish(ctx: { store: unknown }) { storage.enterWith(ctx.store); }
  parental(parentalStore: unknown) { storage.enterWith(parentalStore); }
}`,
      output: null,
      errors: [
        { messageId: 'enterWithLeak', line: 3 },
        { messageId: 'enterWithLeak', line: 4 },
        { messageId: 'enterWithLeak', line: 5 },
      ],
    },
    {
      name: 'a restore that does not undo the enter: another store, a value not saved from the store; no finally (the restore itself is not reported)',
      code: `import { storage, other } from './storage';
export function wrongStore(span: unknown, callback: () => unknown) {
  const previous = other.getStore();
  storage.enterWith({ span });
  try { return callback(); } finally { storage.enterWith(previous); }
}
export function notSaved(span: unknown, callback: () => unknown, previous: unknown) {
  storage.enterWith({ span });
  try { return callback(); } finally { storage.enterWith(previous); }
}
export function noFinally(span: unknown, callback: () => unknown) {
  const previous = storage.getStore();
  storage.enterWith({ span });
  const result = callback();
  storage.enterWith(previous);
  return result;
}`,
      output: null,
      errors: [
        { messageId: 'enterWithLeak', line: 4 },
        { messageId: 'enterWithLeak', line: 5 },
        { messageId: 'enterWithLeak', line: 8 },
        { messageId: 'enterWithLeak', line: 9 },
        { messageId: 'enterWithLeak', line: 13 },
      ],
    },
    {
      name: 'checkTests: enterWith in a test body is reported: under vitest a synchronous test hands the store on to every later test of the file, an afterEach reset included (measured)',
      options: [{ checkTests: true }],
      code: `import { it, afterEach } from 'vitest';
import { storage } from './storage';
afterEach(() => { storage.enterWith(undefined); });
it('reads the store', () => {
  storage.enterWith({ user: 'b' });
});`,
      output: null,
      errors: [{ messageId: 'enterWithLeak', line: 5, suggestions: [] }],
    },
    {
      name: 'checkTests: enterWith in a mocha hook and in a nested helper of a test (global it/beforeEach)',
      options: [{ checkTests: true }],
      code: `const { storage } = require('./storage');
describe('plugin', () => {
  beforeEach(() => { storage.enterWith({ span: 'parent' }); });
  it('runs under the span', (done) => {
    const enter = () => storage.enterWith({ span: 'child' });
    enter();
    done();
  });
});`,
      output: null,
      errors: [
        { messageId: 'enterWithLeak', line: 3 },
        { messageId: 'enterWithLeak', line: 5 },
      ],
    },
    {
      name: 'near miss of the test exemption: a helper outside any test body, in a test file, is reported without checkTests',
      code: `import { it } from 'vitest';
import { storage } from './storage';
function asUser(user: string) {
  storage.enterWith({ user });
}
it('reads the store', () => {
  asUser('b');
});`,
      output: null,
      errors: [{ messageId: 'enterWithLeak', line: 4 }],
    },
    {
      name: 'near miss of the test exemption: a function named it that is not a test runner (a local) does not make its callback a test',
      code: `import { storage } from './storage';
function it(name: string, fn: () => void) { fn(); }
it('not a test', () => {
  storage.enterWith({ user: 'b' });
});`,
      output: null,
      errors: [{ messageId: 'enterWithLeak', line: 4 }],
    },
    // Issue #11 family 6: enterWith on any store, recognised by the method name.
    {
      name: 'enterWith on an imported store (no AsyncLocalStorage or OpenTelemetry in the file)',
      code: `import { requestContext } from './context';
export function middleware(req: { id: string }, next: () => void) {
  requestContext.enterWith(req.id);
  next();
}`,
      output: null,
      errors: [
        {
          messageId: 'enterWithLeak',
          data: { store: 'requestContext' },
          line: 3,
          column: 3,
          endColumn: 27,
          suggestions: [
            {
              messageId: 'useAlsRun',
              data: { head: 'requestContext.run(store, ..)' },
              output: `import { requestContext } from './context';
export function middleware(req: { id: string }, next: () => void) {
  requestContext.run(req.id, next);
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'enterWith on a property and on a parameter (CommonJS)',
      code: `class ContextManager {
  constructor(storage) { this._storage = storage; }
  handle(store, next) { this._storage.enterWith(store); return next(); }
}
function enter(storage, store) {
  storage.enterWith(store);
}
module.exports = { ContextManager, enter };`,
      output: null,
      errors: [
        {
          messageId: 'enterWithLeak',
          data: { store: 'this._storage' },
          line: 3,
          suggestions: [
            {
              messageId: 'useAlsRun',
              data: { head: 'this._storage.run(store, ..)' },
              output: `class ContextManager {
  constructor(storage) { this._storage = storage; }
  handle(store, next) { return this._storage.run(store, next); }
}
function enter(storage, store) {
  storage.enterWith(store);
}
module.exports = { ContextManager, enter };`,
            },
          ],
        },
        { messageId: 'enterWithLeak', data: { store: 'storage' }, line: 6, suggestions: [] },
      ],
    },
    // Issue #11 family 7: a bind whose result is thrown away.
    {
      name: 'context.bind(ctx, callback) as a statement',
      code: `import { context } from '@opentelemetry/api';
import { EventEmitter } from 'node:events';
const pool = new EventEmitter();
export function whenReady(callback: () => void) {
  context.bind(context.active(), callback);
  pool.once('ready', callback);
}`,
      output: null,
      errors: [
        {
          messageId: 'discardedBind',
          data: { call: 'context.bind()', target: 'callback' },
          line: 5,
          column: 3,
          endColumn: 15,
          suggestions: [
            {
              messageId: 'assignBound',
              data: { target: 'callback' },
              output: `import { context } from '@opentelemetry/api';
import { EventEmitter } from 'node:events';
const pool = new EventEmitter();
export function whenReady(callback: () => void) {
  callback = context.bind(context.active(), callback);
  pool.once('ready', callback);
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'AsyncResource.bind, AsyncLocalStorage.bind and resource.bind as statements (no OpenTelemetry in the file)',
      code: `const { AsyncResource, AsyncLocalStorage } = require('node:async_hooks');
function enqueue(queue, task) {
  AsyncResource.bind(task);
  AsyncLocalStorage.bind(() => task());
  const resource = new AsyncResource('job');
  resource.bind(task);
  queue.push(task);
}
module.exports = { enqueue };`,
      output: null,
      errors: [
        { messageId: 'discardedBind', data: { call: 'AsyncResource.bind()', target: 'task' }, line: 3, suggestions: [{ messageId: 'assignBound', data: { target: 'task' }, output: `const { AsyncResource, AsyncLocalStorage } = require('node:async_hooks');
function enqueue(queue, task) {
  task = AsyncResource.bind(task);
  AsyncLocalStorage.bind(() => task());
  const resource = new AsyncResource('job');
  resource.bind(task);
  queue.push(task);
}
module.exports = { enqueue };` }] },
        { messageId: 'discardedBind', data: { call: 'AsyncLocalStorage.bind()', target: '() => task()' }, line: 4, suggestions: [] },
        { messageId: 'discardedBind', data: { call: 'resource.bind()', target: 'task' }, line: 6, suggestions: [{ messageId: 'assignBound', data: { target: 'task' }, output: `const { AsyncResource, AsyncLocalStorage } = require('node:async_hooks');
function enqueue(queue, task) {
  AsyncResource.bind(task);
  AsyncLocalStorage.bind(() => task());
  const resource = new AsyncResource('job');
  task = resource.bind(task);
  queue.push(task);
}
module.exports = { enqueue };` }] },
      ],
    },
    {
      name: 'this.asyncResource.bind(cb) as a statement in a class over AsyncResource',
      code: `import { AsyncResource } from 'node:async_hooks';
export class Job {
  asyncResource = new AsyncResource('job');
  run(cb: () => void) {
    this.asyncResource.bind(cb);
    setImmediate(cb);
  }
}`,
      output: null,
      errors: [
        {
          messageId: 'discardedBind',
          data: { call: 'this.asyncResource.bind()', target: 'cb' },
          line: 5,
          suggestions: [
            {
              messageId: 'assignBound',
              data: { target: 'cb' },
              output: `import { AsyncResource } from 'node:async_hooks';
export class Job {
  asyncResource = new AsyncResource('job');
  run(cb: () => void) {
    cb = this.asyncResource.bind(cb);
    setImmediate(cb);
  }
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'a bound function never used while the unbound one is passed on',
      code: `import { context } from '@opentelemetry/api';
export function listen(bus: { on(e: string, f: () => void): void }, handler: () => void) {
  const boundHandler = context.bind(context.active(), handler);
  bus.on('message', handler);
}`,
      output: null,
      errors: [
        {
          messageId: 'unusedBind',
          data: { bound: 'boundHandler', target: 'handler' },
          line: 3,
          column: 9,
          endColumn: 21,
          suggestions: [
            {
              messageId: 'passBound',
              data: { bound: 'boundHandler', target: 'handler' },
              output: `import { context } from '@opentelemetry/api';
export function listen(bus: { on(e: string, f: () => void): void }, handler: () => void) {
  const boundHandler = context.bind(context.active(), handler);
  bus.on('message', boundHandler);
}`,
            },
          ],
        },
      ],
    },
    {
      name: "discarded token: fixed with try/finally",
      code: `import { context } from '@opentelemetry/api';
import { AsyncLocalStorage } from 'node:async_hooks';
const als = new AsyncLocalStorage<string>();
export function handle(ctx: any) {
  context.attach(ctx);
  work();
}`,
      output: `import { context } from '@opentelemetry/api';
import { AsyncLocalStorage } from 'node:async_hooks';
const als = new AsyncLocalStorage<string>();
export function handle(ctx: any) {
  const token = context.attach(ctx);
  try {
    work();
  } finally {
    token.dispose();
  }
}`,
      errors: [
      {
        messageId: 'discardedToken',
        line: 5,
        column: 3,
        endLine: 5,
        endColumn: 17,
        data: {"call":"context.attach()"},
        suggestions: [
          { messageId: 'useContextWith', data: {"head":"context.with(ctx, ..)"}, output: `import { context } from '@opentelemetry/api';
import { AsyncLocalStorage } from 'node:async_hooks';
const als = new AsyncLocalStorage<string>();
export function handle(ctx: any) {
  context.with(ctx, () => {
    work();
  });
}` },
        ],
      },
      ],
    },
    {
      name: "token disposed only on the normal path",
      code: `import { context } from '@opentelemetry/api';
import { AsyncLocalStorage } from 'node:async_hooks';
const als = new AsyncLocalStorage<string>();
export function handle(ctx: any) {
  const token = context.attach(ctx);
  work();
  token.dispose();
}`,
      output: `import { context } from '@opentelemetry/api';
import { AsyncLocalStorage } from 'node:async_hooks';
const als = new AsyncLocalStorage<string>();
export function handle(ctx: any) {
  const token = context.attach(ctx);
  try {
    work();
  } finally {
    token.dispose();
  }
}`,
      errors: [
      {
        messageId: 'undisposedToken',
        line: 5,
        column: 17,
        endLine: 5,
        endColumn: 31,
        data: {"call":"context.attach()","token":"token","when":"when the code that follows it throws"},
        suggestions: [
          { messageId: 'useContextWith', data: {"head":"context.with(ctx, ..)"}, output: `import { context } from '@opentelemetry/api';
import { AsyncLocalStorage } from 'node:async_hooks';
const als = new AsyncLocalStorage<string>();
export function handle(ctx: any) {
  context.with(ctx, () => {
    work();
  });
}` },
        ],
      },
      ],
    },
    {
      name: "token never disposed",
      code: `import { context } from '@opentelemetry/api';
import { AsyncLocalStorage } from 'node:async_hooks';
const als = new AsyncLocalStorage<string>();
export function handle(ctx: any) {
  const token = context.attach(ctx);
  work();
}`,
      output: `import { context } from '@opentelemetry/api';
import { AsyncLocalStorage } from 'node:async_hooks';
const als = new AsyncLocalStorage<string>();
export function handle(ctx: any) {
  const token = context.attach(ctx);
  try {
    work();
  } finally {
    token.dispose();
  }
}`,
      errors: [
      {
        messageId: 'undisposedToken',
        line: 5,
        column: 17,
        endLine: 5,
        endColumn: 31,
        data: {"call":"context.attach()","token":"token","when":"on every path"},
        suggestions: [
          { messageId: 'useContextWith', data: {"head":"context.with(ctx, ..)"}, output: `import { context } from '@opentelemetry/api';
import { AsyncLocalStorage } from 'node:async_hooks';
const als = new AsyncLocalStorage<string>();
export function handle(ctx: any) {
  context.with(ctx, () => {
    work();
  });
}` },
        ],
      },
      ],
    },
    {
      name: "disposed on one branch only",
      code: `import { context } from '@opentelemetry/api';
import { AsyncLocalStorage } from 'node:async_hooks';
const als = new AsyncLocalStorage<string>();
export function handle(ctx: any, ok: boolean) {
  const token = context.attach(ctx);
  try {
    work();
  } finally {
    if (ok) token.dispose();
  }
}`,
      output: null,
      errors: [
      {
        messageId: 'undisposedToken',
        line: 5,
        column: 17,
        endLine: 5,
        endColumn: 31,
        data: {"call":"context.attach()","token":"token","when":"on every path"},
        suggestions: [],
      },
      ],
    },
    {
      name: "result returned after the dispose moves into the try",
      code: `import { context } from '@opentelemetry/api';
import { AsyncLocalStorage } from 'node:async_hooks';
const als = new AsyncLocalStorage<string>();
export function handle(ctx: any) {
  const token = context.attach(ctx);
  const result = work();
  token.dispose();
  return result;
}`,
      output: `import { context } from '@opentelemetry/api';
import { AsyncLocalStorage } from 'node:async_hooks';
const als = new AsyncLocalStorage<string>();
export function handle(ctx: any) {
  const token = context.attach(ctx);
  try {
    const result = work();
    return result;
  } finally {
    token.dispose();
  }
}`,
      errors: [
      {
        messageId: 'undisposedToken',
        line: 5,
        column: 17,
        endLine: 5,
        endColumn: 31,
        data: {"call":"context.attach()","token":"token","when":"when the code that follows it throws"},
        suggestions: [
          { messageId: 'useContextWith', data: {"head":"context.with(ctx, ..)"}, output: `import { context } from '@opentelemetry/api';
import { AsyncLocalStorage } from 'node:async_hooks';
const als = new AsyncLocalStorage<string>();
export function handle(ctx: any) {
  return context.with(ctx, () => {
    const result = work();
    return result;
  });
}` },
        ],
      },
      ],
    },
    {
      name: "attach before the first await (8g)",
      code: `import { context } from '@opentelemetry/api';
import { AsyncLocalStorage } from 'node:async_hooks';
const als = new AsyncLocalStorage<string>();
export async function handle(ctx: any) {
  const token = context.attach(ctx);
  try {
    await work();
  } finally {
    token.dispose();
  }
}`,
      output: null,
      errors: [
      {
        messageId: 'attachBeforeAwait',
        line: 5,
        column: 17,
        endLine: 5,
        endColumn: 31,
        data: {"call":"context.attach()","alternative":"context.with(ctx, async () => ..)"},
        suggestions: [
          { messageId: 'useContextWith', data: {"head":"context.with(ctx, ..)"}, output: `import { context } from '@opentelemetry/api';
import { AsyncLocalStorage } from 'node:async_hooks';
const als = new AsyncLocalStorage<string>();
export async function handle(ctx: any) {
  await context.with(ctx, async () => {
    await work();
  });
}` },
        ],
      },
      ],
    },
    {
      name: "attach in an async arrow with a return",
      code: `import { context } from '@opentelemetry/api';
import { AsyncLocalStorage } from 'node:async_hooks';
const als = new AsyncLocalStorage<string>();
export const handle = async (ctx: any) => {
  const token = context.attach(ctx);
  const value = await work();
  token.dispose();
  return value;
};`,
      output: null,
      errors: [
      {
        messageId: 'attachBeforeAwait',
        line: 5,
        column: 17,
        endLine: 5,
        endColumn: 31,
        data: {"call":"context.attach()","alternative":"context.with(ctx, async () => ..)"},
        suggestions: [
          { messageId: 'useContextWith', data: {"head":"context.with(ctx, ..)"}, output: `import { context } from '@opentelemetry/api';
import { AsyncLocalStorage } from 'node:async_hooks';
const als = new AsyncLocalStorage<string>();
export const handle = async (ctx: any) => {
  return context.with(ctx, async () => {
    const value = await work();
    return value;
  });
};` },
        ],
      },
      ],
    },
    {
      name: "disposed twice",
      code: `import { context } from '@opentelemetry/api';
import { AsyncLocalStorage } from 'node:async_hooks';
const als = new AsyncLocalStorage<string>();
export function handle(ctx: any) {
  const token = context.attach(ctx);
  try {
    work();
    token.dispose();
  } finally {
    token.dispose();
  }
}`,
      output: null,
      errors: [
      {
        messageId: 'tokenDisposedTwice',
        line: 10,
        column: 5,
        endLine: 10,
        endColumn: 20,
        data: {"token":"token"},
        suggestions: [],
      },
      ],
    },
    {
      name: "token returned",
      code: `import { context } from '@opentelemetry/api';
import { AsyncLocalStorage } from 'node:async_hooks';
const als = new AsyncLocalStorage<string>();
export function enter(ctx: any) {
  return context.attach(ctx);
}`,
      output: null,
      errors: [
      {
        messageId: 'escapingToken',
        line: 5,
        column: 10,
        endLine: 5,
        endColumn: 24,
        data: {"call":"context.attach()","how":"is returned","alternative":"context.with(ctx, () => ..)"},
        suggestions: [],
      },
      ],
    },
    {
      name: "token disposed in a callback",
      code: `import { context } from '@opentelemetry/api';
import { AsyncLocalStorage } from 'node:async_hooks';
const als = new AsyncLocalStorage<string>();
export function handle(ctx: any, res: any) {
  const token = context.attach(ctx);
  res.on('finish', () => token.dispose());
}`,
      output: null,
      errors: [
      {
        messageId: 'escapingToken',
        line: 5,
        column: 17,
        endLine: 5,
        endColumn: 31,
        data: {"call":"context.attach()","how":"is used inside a nested function","alternative":"context.with(ctx, () => ..)"},
        suggestions: [],
      },
      ],
    },
    {
      name: "using with a context.attach token",
      code: `import { context } from '@opentelemetry/api';
import { AsyncLocalStorage } from 'node:async_hooks';
const als = new AsyncLocalStorage<string>();
export function handle(ctx: any) {
  using token = context.attach(ctx);
  work();
}`,
      output: null,
      errors: [
      {
        messageId: 'nonDisposableToken',
        line: 5,
        column: 17,
        endLine: 5,
        endColumn: 31,
        data: {"call":"context.attach()"},
        suggestions: [],
      },
      ],
    },
    {
      name: "enterWith middleware",
      code: `import { context } from '@opentelemetry/api';
import { AsyncLocalStorage } from 'node:async_hooks';
const als = new AsyncLocalStorage<string>();
export function middleware(req: any, next: () => void) {
  als.enterWith(req.id);
  next();
}`,
      output: null,
      errors: [
      {
        messageId: 'enterWithLeak',
        line: 5,
        column: 3,
        endLine: 5,
        endColumn: 16,
        data: {"store":"als"},
        suggestions: [
          { messageId: 'useAlsRun', data: {"head":"als.run(store, ..)"}, output: `import { context } from '@opentelemetry/api';
import { AsyncLocalStorage } from 'node:async_hooks';
const als = new AsyncLocalStorage<string>();
export function middleware(req: any, next: () => void) {
  als.run(req.id, next);
}` },
        ],
      },
      ],
    },
    {
      name: "enterWith returning next(req)",
      code: `import { context } from '@opentelemetry/api';
import { AsyncLocalStorage } from 'node:async_hooks';
const als = new AsyncLocalStorage<string>();
export function middleware(req: any, next: (r: any) => unknown) {
  als.enterWith(req.id);
  return next(req);
}`,
      output: null,
      errors: [
      {
        messageId: 'enterWithLeak',
        line: 5,
        column: 3,
        endLine: 5,
        endColumn: 16,
        data: {"store":"als"},
        suggestions: [
          { messageId: 'useAlsRun', data: {"head":"als.run(store, ..)"}, output: `import { context } from '@opentelemetry/api';
import { AsyncLocalStorage } from 'node:async_hooks';
const als = new AsyncLocalStorage<string>();
export function middleware(req: any, next: (r: any) => unknown) {
  return als.run(req.id, () => next(req));
}` },
        ],
      },
      ],
    },
    {
      name: "enterWith at module level",
      code: `import { context } from '@opentelemetry/api';
import { AsyncLocalStorage } from 'node:async_hooks';
const als = new AsyncLocalStorage<string>();
als.enterWith('boot');`,
      output: null,
      errors: [
      {
        messageId: 'enterWithLeak',
        line: 4,
        column: 1,
        endLine: 4,
        endColumn: 14,
        data: {"store":"als"},
        suggestions: [],
      },
      ],
    },
    {
      name: "withScope not disposed",
      code: `import { context } from '@opentelemetry/api';
import { AsyncLocalStorage } from 'node:async_hooks';
const als = new AsyncLocalStorage<string>();
export function handle(id: string) {
  const scope = als.withScope(id);
  work();
}`,
      output: `import { context } from '@opentelemetry/api';
import { AsyncLocalStorage } from 'node:async_hooks';
const als = new AsyncLocalStorage<string>();
export function handle(id: string) {
  const scope = als.withScope(id);
  try {
    work();
  } finally {
    scope.dispose();
  }
}`,
      errors: [
      {
        messageId: 'undisposedToken',
        line: 5,
        column: 17,
        endLine: 5,
        endColumn: 30,
        data: {"call":"als.withScope()","token":"scope","when":"on every path"},
        suggestions: [
          { messageId: 'useAlsRun', data: {"head":"als.run(id, ..)"}, output: `import { context } from '@opentelemetry/api';
import { AsyncLocalStorage } from 'node:async_hooks';
const als = new AsyncLocalStorage<string>();
export function handle(id: string) {
  als.run(id, () => {
    work();
  });
}` },
        ],
      },
      ],
    },
    {
      name: "attach under stack",
      settings: under('stack'),
      code: `import { context } from '@opentelemetry/api';
import { AsyncLocalStorage } from 'node:async_hooks';
const als = new AsyncLocalStorage<string>();
export function handle(ctx: any) {
  const token = context.attach(ctx);
  try {
    work();
  } finally {
    token.dispose();
  }
}`,
      output: null,
      errors: [
      {
        messageId: 'attachNotImplemented',
        line: 5,
        column: 17,
        endLine: 5,
        endColumn: 31,
        data: {"manager":"stack"},
        suggestions: [
          { messageId: 'useContextWith', data: {"head":"context.with(ctx, ..)"}, output: `import { context } from '@opentelemetry/api';
import { AsyncLocalStorage } from 'node:async_hooks';
const als = new AsyncLocalStorage<string>();
export function handle(ctx: any) {
  context.with(ctx, () => {
    work();
  });
}` },
        ],
      },
      ],
    },
    {
      name: "attach under zone, discarded",
      settings: under('zone'),
      code: `import { context } from '@opentelemetry/api';
import { AsyncLocalStorage } from 'node:async_hooks';
const als = new AsyncLocalStorage<string>();
export function handle(ctx: any) {
  context.attach(ctx);
  work();
}`,
      output: null,
      errors: [
      {
        messageId: 'attachNotImplemented',
        line: 5,
        column: 3,
        endLine: 5,
        endColumn: 17,
        data: {"manager":"zone"},
        suggestions: [
          { messageId: 'useContextWith', data: {"head":"context.with(ctx, ..)"}, output: `import { context } from '@opentelemetry/api';
import { AsyncLocalStorage } from 'node:async_hooks';
const als = new AsyncLocalStorage<string>();
export function handle(ctx: any) {
  context.with(ctx, () => {
    work();
  });
}` },
        ],
      },
      ],
    },
    {
      name: "attach under async-hooks",
      settings: under('async-hooks'),
      code: `import { context } from '@opentelemetry/api';
import { AsyncLocalStorage } from 'node:async_hooks';
const als = new AsyncLocalStorage<string>();
export function handle(ctx: any) {
  const token = context.attach(ctx);
  try {
    work();
  } finally {
    token.dispose();
  }
}`,
      output: null,
      errors: [
      {
        messageId: 'attachNotImplemented',
        line: 5,
        column: 17,
        endLine: 5,
        endColumn: 31,
        data: {"manager":"async-hooks"},
        suggestions: [
          { messageId: 'useContextWith', data: {"head":"context.with(ctx, ..)"}, output: `import { context } from '@opentelemetry/api';
import { AsyncLocalStorage } from 'node:async_hooks';
const als = new AsyncLocalStorage<string>();
export function handle(ctx: any) {
  context.with(ctx, () => {
    work();
  });
}` },
        ],
      },
      ],
    },
    {
      name: "re-attached in a loop without dispose",
      code: `import { context } from '@opentelemetry/api';
import { AsyncLocalStorage } from 'node:async_hooks';
const als = new AsyncLocalStorage<string>();
export function handleAll(ctxs: any[]) {
  for (const ctx of ctxs) {
    const token = context.attach(ctx);
    work();
  }
}`,
      output: `import { context } from '@opentelemetry/api';
import { AsyncLocalStorage } from 'node:async_hooks';
const als = new AsyncLocalStorage<string>();
export function handleAll(ctxs: any[]) {
  for (const ctx of ctxs) {
    const token = context.attach(ctx);
    try {
      work();
    } finally {
      token.dispose();
    }
  }
}`,
      errors: [
      {
        messageId: 'undisposedToken',
        line: 6,
        column: 19,
        endLine: 6,
        endColumn: 33,
        data: {"call":"context.attach()","token":"token","when":"on every path"},
        suggestions: [
          { messageId: 'useContextWith', data: {"head":"context.with(ctx, ..)"}, output: `import { context } from '@opentelemetry/api';
import { AsyncLocalStorage } from 'node:async_hooks';
const als = new AsyncLocalStorage<string>();
export function handleAll(ctxs: any[]) {
  for (const ctx of ctxs) {
    context.with(ctx, () => {
      work();
    });
  }
}` },
        ],
      },
      ],
    },
    {
      name: "declaration used after the block: reported without a fix",
      code: `import { context } from '@opentelemetry/api';
import { AsyncLocalStorage } from 'node:async_hooks';
const als = new AsyncLocalStorage<string>();
export function handle(ctx: any) {
  const token = context.attach(ctx);
  const span = start();
  token.dispose();
  span.end();
}`,
      output: null,
      errors: [
      {
        messageId: 'undisposedToken',
        line: 5,
        column: 17,
        endLine: 5,
        endColumn: 31,
        data: {"call":"context.attach()","token":"token","when":"when the code that follows it throws"},
        suggestions: [],
      },
      ],
    },
    {
      name: "enterWith in an async function before await",
      code: `import { context } from '@opentelemetry/api';
import { AsyncLocalStorage } from 'node:async_hooks';
const als = new AsyncLocalStorage<string>();
export async function handle(id: string) {
  als.enterWith(id);
  await work();
}`,
      output: null,
      errors: [
      {
        messageId: 'enterWithLeak',
        line: 5,
        column: 3,
        endLine: 5,
        endColumn: 16,
        data: {"store":"als"},
        suggestions: [
          { messageId: 'useAlsRun', data: {"head":"als.run(store, ..)"}, output: `import { context } from '@opentelemetry/api';
import { AsyncLocalStorage } from 'node:async_hooks';
const als = new AsyncLocalStorage<string>();
export async function handle(id: string) {
  await als.run(id, work);
}` },
        ],
      },
      ],
    },
    {
      name: 'discarded token, a module-level token is visible: the fix names it token2',
      code: `import { context } from '@opentelemetry/api';
const token = process.env.API_TOKEN;
export function handle(ctx: any) {
  context.attach(ctx);
  work(token);
}`,
      output: `import { context } from '@opentelemetry/api';
const token = process.env.API_TOKEN;
export function handle(ctx: any) {
  const token2 = context.attach(ctx);
  try {
    work(token);
  } finally {
    token2.dispose();
  }
}`,
      errors: [
        {
          messageId: 'discardedToken',
          line: 4,
          column: 3,
          data: { call: 'context.attach()' },
          suggestions: [{ messageId: 'useContextWith', data: { head: 'context.with(ctx, ..)' }, output: `import { context } from '@opentelemetry/api';
const token = process.env.API_TOKEN;
export function handle(ctx: any) {
  context.with(ctx, () => {
    work(token);
  });
}` }],
        },
      ],
    },
    {
      name: 'discarded token, the function uses an undeclared global token: the fix names it token2',
      code: `import { context } from '@opentelemetry/api';
export function handle(ctx: any) {
  context.attach(ctx);
  work(token);
}`,
      output: `import { context } from '@opentelemetry/api';
export function handle(ctx: any) {
  const token2 = context.attach(ctx);
  try {
    work(token);
  } finally {
    token2.dispose();
  }
}`,
      errors: [
        {
          messageId: 'discardedToken',
          line: 3,
          column: 3,
          data: { call: 'context.attach()' },
          suggestions: [{ messageId: 'useContextWith', data: { head: 'context.with(ctx, ..)' }, output: `import { context } from '@opentelemetry/api';
export function handle(ctx: any) {
  context.with(ctx, () => {
    work(token);
  });
}` }],
        },
      ],
    },
    {
      name: 'discarded token, a module-level token is visible but not used in the function: the fix still names it token2',
      code: `import { context } from '@opentelemetry/api';
export const token = process.env.API_TOKEN;
export function handle(ctx: any) {
  context.attach(ctx);
  work();
}`,
      output: `import { context } from '@opentelemetry/api';
export const token = process.env.API_TOKEN;
export function handle(ctx: any) {
  const token2 = context.attach(ctx);
  try {
    work();
  } finally {
    token2.dispose();
  }
}`,
      errors: [
        {
          messageId: 'discardedToken',
          line: 4,
          column: 3,
          data: { call: 'context.attach()' },
          suggestions: [{ messageId: 'useContextWith', data: { head: 'context.with(ctx, ..)' }, output: `import { context } from '@opentelemetry/api';
export const token = process.env.API_TOKEN;
export function handle(ctx: any) {
  context.with(ctx, () => {
    work();
  });
}` }],
        },
      ],
    },
  ],
});
