// Span starts recognised by how the file uses the span (core/analysis/spans.ts, getUsageSpanCallback;
// issue #11: spans started through helpers no rule knew — Spanner's `startTrace(name, config,
// span => ..)`, vercel/ai's `recordSpan({ fn: async (span) => .. })`, Sentry's `startSpanManual`).
// The helpers wrap `startActiveSpan`, so every rule sees their callback as a `startActiveSpan`
// callback; `require-span-end` claims the span only when the callback ends it itself.
import lateCapture from '../rules/no-late-context-capture.js';
import spanEnd from '../rules/require-span-end.js';
import { createRuleTester, under } from './rule-tester.js';

const ruleTester = createRuleTester();

ruleTester.run('no-late-context-capture (span helpers recognised by usage)', lateCapture, {
  valid: [
    {
      name: 'near miss: an array of spans ended in forEach is no span start (forEach is not named for spans)',
      code: `
import { trace } from '@opentelemetry/api';
export function finish(spans: { end(): void; setStatus(s: unknown): void }[], callback: () => void) {
  spans.forEach((span) => {
    span.setStatus({ code: 2 });
    span.end();
    callback();
  });
}`,
    },
    {
      name: 'near miss: a helper named for traces whose callback does not use its parameter as a span',
      code: `
import { trace } from '@opentelemetry/api';
declare function traceRequest(name: string, fn: (req: { end(): void }) => void): void;
export function get(callback: (err: Error | null) => void) {
  traceRequest('get', (req) => {
    req.end();
    callback(null);
  });
}`,
    },
    {
      name: 'near miss: the span helper is handed the captured context as an option, so the nested span has its parent',
      settings: under('stack'),
      code: `
import { context } from '@opentelemetry/api';
declare function recordSpan<T>(options: { name: string; context?: unknown; fn: (span: { setAttributes(a: object): void }) => Promise<T> }): Promise<T>;
export function embed(load: () => Promise<number>) {
  return recordSpan({
    name: 'embed',
    fn: async (span) => {
      const ctx = context.active();
      const limit = await load();
      span.setAttributes({ limit });
      return recordSpan({ name: 'embed.call', context: ctx, fn: async (inner) => { inner.setAttributes({ limit }); return limit; } });
    },
  });
}`,
    },
    {
      name: 'near miss: span.end() only in a sibling branch that returns: on the success path the callback runs while the span is still open',
      code: `
declare function startTrace(name: string, config: object, fn: (span: { end(): void }) => void): void;
declare const pool: { getSession(cb: (err: Error | null, session?: object) => void): void };
declare function releaseOnEnd(session: object, span: { end(): void }): void;
export function getSnapshot(callback: (err: Error | null, session?: object) => void) {
  startTrace('Database.getSnapshot', {}, (span) => {
    pool.getSession((err, session) => {
      if (err) {
        span.end();
        return;
      }
      releaseOnEnd(session!, span);
      callback(null, session);
    });
  });
}`,
    },
    {
      name: 'near miss: the caller\'s callback runs while the helper\'s span is still open (meant to be its child)',
      code: `
declare function startTrace(name: string, config: object, fn: (span: { end(): void; addEvent(n: string): void }) => void): void;
declare const pool: { getSession(cb: (err: Error | null) => void): void };
export function getSession(callback: (err: Error | null) => void) {
  startTrace('Database.getSession', {}, (span) => {
    pool.getSession((err) => {
      span.addEvent('session');
      callback(err);
      span.end();
    });
  });
}`,
    },
  ],
  invalid: [
    {
      name: 'a library helper that runs its callback in a span (startTrace): the caller\'s callback runs inside the ended span; no API import, so no fix',
      code: `
declare function startTrace(name: string, config: object, fn: (span: { end(): void; addEvent(n: string): void }) => void): void;
declare const pool: { getSession(cb: (err: Error | null, session?: object) => void): void };
export function getSession(callback: (err: Error | null, session?: object) => void) {
  startTrace('Database.getSession', {}, (span) => {
    pool.getSession((err, session) => {
      span.end();
      callback(err, session);
    });
  });
}`,
      errors: [{ messageId: 'callbackInEndedSpan', data: { callback: 'callback', span: 'span' }, line: 8, column: 7 }],
    },
    {
      name: 'the optional-callback idiom (const callback = typeof a === "function" ? a : cb) is the caller\'s callback; with the API imported, the fix runs it in the context captured before the span',
      code: `
import { context } from '@opentelemetry/api';
type Cb = (err: Error | null) => void;
declare function startTrace(name: string, config: object, fn: (span: { end(): void }) => void): void;
declare const pool: { getSession(cb: (err: Error | null) => void): void };
export function getSession(optionsOrCallback?: object | Cb, cb?: Cb) {
  const callback = typeof optionsOrCallback === 'function' ? optionsOrCallback : cb;
  startTrace('Database.getSession', {}, (span) => {
    pool.getSession((err) => {
      span.end();
      callback!(err);
    });
  });
}`,
      output: `
import { context } from '@opentelemetry/api';
type Cb = (err: Error | null) => void;
declare function startTrace(name: string, config: object, fn: (span: { end(): void }) => void): void;
declare const pool: { getSession(cb: (err: Error | null) => void): void };
export function getSession(optionsOrCallback?: object | Cb, cb?: Cb) {
  const callback = typeof optionsOrCallback === 'function' ? optionsOrCallback : cb;
  const parentContext = context.active();
  startTrace('Database.getSession', {}, (span) => {
    pool.getSession((err) => {
      span.end();
      context.with(parentContext, () => callback!(err));
    });
  });
}`,
      errors: [{ messageId: 'callbackInEndedSpan', data: { callback: 'callback', span: 'span' }, line: 11, column: 7 }],
    },
    {
      name: 'stack: a nested span started through the helper after an await in the helper\'s callback (an option-object callback) has no parent; no fix (the helper decides where a context goes)',
      settings: under('stack'),
      code: `
declare function recordSpan<T>(options: { name: string; fn: (span: { setAttributes(a: object): void }) => Promise<T> }): Promise<T>;
export function embed(load: () => Promise<number>) {
  return recordSpan({
    name: 'embed',
    fn: async (span) => {
      const limit = await load();
      span.setAttributes({ limit });
      return recordSpan({ name: 'embed.call', fn: async (inner) => { inner.setAttributes({ limit }); return limit; } });
    },
  });
}`,
      errors: [{ messageId: 'lateImplicitParent', data: { read: 'recordSpan(..)', boundary: 'after an await', manager: 'stack' }, line: 9, column: 14 }],
    },
    {
      name: 'stack: a span helper whose callback only names its parameter as a span (async (doStreamSpan) => ({ doStreamSpan })), called through retry after the step\'s awaits (vercel/ai stream steps)',
      settings: under('stack'),
      code: `
import type { Span } from '@opentelemetry/api';
declare function recordSpan<T>(options: { name: string; fn: (span: Span) => Promise<T> }): Promise<T>;
declare function retry<T>(fn: () => Promise<T>): Promise<T>;
export async function streamStep(prepare: () => Promise<string>) {
  const prompt = await prepare();
  const { doStreamSpan } = await retry(() =>
    recordSpan({ name: 'ai.streamText.doStream', fn: async (doStreamSpan) => ({ doStreamSpan, prompt }) }),
  );
  return doStreamSpan;
}`,
      errors: [{ messageId: 'lateImplicitParent', data: { read: 'recordSpan(..)', boundary: 'after an await', manager: 'stack' }, line: 8, column: 5 }],
    },
  ],
});

ruleTester.run('require-span-end (span helpers recognised by usage)', spanEnd, {
  valid: [
    {
      name: 'near miss: the script code of a test suite under a *-tests directory (browser-integration-tests/) is test scaffolding, as under tests/',
      filename: 'dev-packages/browser-integration-tests/suites/tracing/ignore/init.ts',
      code: `
declare function startSpanManual(options: object, fn: (span: { end(): void }) => Promise<void>): Promise<void>;
declare function waitFor(ms: number): Promise<void>;
startSpanManual({ name: 'parent' }, async (span) => {
  await waitFor(500);
  span.end();
});`,
    },
    {
      name: 'near miss: a helper that ends its own span (the callback never calls end) is not claimed',
      code: `
declare function startTrace<T>(name: string, fn: (span: { setAttribute(k: string, v: unknown): void }) => T): T;
export function load(id: string) {
  return startTrace('load', (span) => {
    span.setAttribute('id', id);
    if (!id) return undefined;
    return id.length;
  });
}`,
    },
    {
      name: 'near miss: the helper\'s callback ends its span on every path',
      code: `
declare function startTrace(name: string, config: object, fn: (span: { end(): void; addEvent(n: string): void }) => void): void;
export function load(id: string, done: (n: number) => void) {
  startTrace('load', {}, (span) => {
    if (!id) {
      span.addEvent('empty');
      span.end();
      return;
    }
    span.end();
    done(id.length);
  });
}`,
    },
  ],
  invalid: [
    {
      name: 'a helper\'s callback that ends its span itself owns it: a return that skips the end leaves it open',
      code: `
declare function startTrace(name: string, config: object, fn: (span: { end(): void; addEvent(n: string): void }) => void): void;
export function load(id: string, done: (n: number) => void) {
  startTrace('load', {}, (span) => {
    if (!id) {
      span.addEvent('empty');
      return;
    }
    span.end();
    done(id.length);
  });
}`,
      output: null,
      errors: [
        {
          messageId: 'spanNotEndedOnEveryPath',
          line: 4,
          suggestions: [
            {
              messageId: 'endSpanInFinally',
              output: `
declare function startTrace(name: string, config: object, fn: (span: { end(): void; addEvent(n: string): void }) => void): void;
export function load(id: string, done: (n: number) => void) {
  startTrace('load', {}, (span) => {
    try {
      if (!id) {
        span.addEvent('empty');
        return;
      }
      done(id.length);
    } finally {
      span.end();
    }
  });
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'a helper\'s span handed to a function of the file that ends it (a next proxy) is the callback\'s own: ended only in the next the caller\'s middleware may never call (Sentry tanstack middleware)',
      code: `
import type { Span } from '@opentelemetry/api';
declare function startSpanManual<T>(options: { name: string }, fn: (span: Span) => T): T;
function getNextProxy<T extends (...args: unknown[]) => unknown>(next: T, span: Span): T {
  return new Proxy(next, {
    apply: (target, thisArg, args) => {
      span.end();
      return Reflect.apply(target, thisArg, args);
    },
  });
}
export function wrapMiddleware(server: (args: { next: () => unknown }) => unknown) {
  return (args: { next: () => unknown }) =>
    startSpanManual({ name: 'middleware' }, (span: Span) => {
      args.next = getNextProxy(args.next, span);
      return server(args);
    });
}`,
      output: null,
      errors: [{ messageId: 'spanEndedOnlyInContinuation', line: 14 }],
    },
  ],
});
