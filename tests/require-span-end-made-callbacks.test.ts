/**
 * require-span-end: a span whose every end() is inside callbacks is ended only where one of them is
 * made, and made where something runs it (core/detectors/require-span-end/made-callbacks.ts).
 * Shapes from issue #11's span-end family: Honeycomb's pg instrumentation (the ending wrapper made
 * only when the caller passed a callback) and envelop's OpenTelemetry plugin (the hooks object
 * holding the only end() never returned).
 */
import rule from '../rules/require-span-end.js';
import { createRuleTester } from './rule-tester.js';

const ruleTester = createRuleTester();

const HEADER = `
import { context, trace } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/api';
const tracer = trace.getTracer('db');
type Callback = (...args: unknown[]) => unknown;
function endWith(span: Span, callback: Callback): Callback {
  return (...args) => { span.end(); return callback(...args); };
}`;

ruleTester.run('require-span-end (ending callbacks made on some paths)', rule, {
  valid: [
    {
      name: 'both paths end it: the callback wrapper, or the promise settling',
      code: `${HEADER}
export function instrument(query: (sql: string, cb?: Callback) => Promise<unknown>) {
  return function (this: unknown, sql: string, cb?: Callback) {
    const span = tracer.startSpan('query');
    if (typeof cb === 'function') return query.call(this, sql, endWith(span, cb));
    return query.call(this, sql).finally(() => span.end());
  };
}`,
    },
    {
      name: 'a conditional that makes an ending callback in both branches',
      code: `${HEADER}
export function instrument(query: (sql: string, cb?: Callback) => Promise<unknown>) {
  return function (this: unknown, sql: string, cb?: Callback) {
    const span = tracer.startSpan('query');
    return cb ? query.call(this, sql, endWith(span, cb)) : query.call(this, sql).then((r: unknown) => { span.end(); return r; });
  };
}`,
    },
    {
      name: 'the wrapper is made on every path',
      code: `${HEADER}
export function instrument(query: (sql: string, cb: Callback) => unknown) {
  return function (this: unknown, sql: string, cb: Callback) {
    const span = tracer.startSpan('query');
    return query.call(this, sql, endWith(span, cb));
  };
}`,
    },
    {
      name: 'an if/else that makes the wrapper in both branches',
      code: `${HEADER}
export function instrument(query: (sql: string, cb: Callback) => unknown) {
  return function (this: unknown, sql: string, cb?: Callback) {
    const span = tracer.startSpan('query');
    let done: Callback;
    if (cb) done = endWith(span, cb);
    else done = endWith(span, () => undefined);
    return query.call(this, sql, done);
  };
}`,
    },
    {
      name: 'a throw on the path without a wrapper is not this check\'s concern',
      code: `${HEADER}
export function instrument(query: (sql: string, cb: Callback) => unknown) {
  return function (this: unknown, sql: string, cb?: Callback) {
    const span = tracer.startSpan('query');
    if (typeof cb !== 'function') throw new TypeError('callback required');
    return query.call(this, sql, endWith(span, cb));
  };
}`,
    },
    {
      name: 'the wrapper is made in a loop over the arguments: the path is not followed',
      code: `${HEADER}
export function instrument(original: (...args: unknown[]) => unknown) {
  return function (this: unknown, ...args: unknown[]) {
    const span = tracer.startSpan('op');
    for (let i = 0; i < args.length; i++) if (typeof args[i] === 'function') args[i] = endWith(span, args[i] as Callback);
    return original.apply(this, args);
  };
}`,
    },
    {
      name: 'the span ends in the then of the work run in its context',
      code: `${HEADER}
export function instrument(original: (...args: unknown[]) => Promise<unknown>) {
  return function (this: unknown, ...args: unknown[]) {
    const span = tracer.startSpan('op');
    return context.with(trace.setSpan(context.active(), span), () => original.apply(this, args).then((r) => { span.end(); return r; }));
  };
}`,
    },
    {
      name: 'the hooks object holding the end() is returned',
      code: `${HEADER}
export function onExecute() {
  const span = tracer.startSpan('execute');
  const hooks: Record<string, Callback> = { onDone: () => { span.end(); } };
  hooks.onResolve = () => undefined;
  return hooks;
}`,
    },
    {
      name: 'the hooks object is handed to the engine',
      code: `${HEADER}
declare function register(hooks: object): void;
export function onExecute() {
  const span = tracer.startSpan('execute');
  const hooks = { onDone() { span.end(); } };
  register(hooks);
}`,
    },
    {
      name: 'the span itself is returned with its ending function: handed over',
      code: `${HEADER}
export function start() {
  const span = tracer.startSpan('op');
  const done = () => span.end();
  return { span, done };
}`,
    },
    {
      name: 'a span started in a loop, ended in the then of the work run in its context (not followed: the declaration is not in the function body)',
      code: `${HEADER}
export const onClick = (getData: () => Promise<unknown>) => {
  for (let i = 0; i < 5; i += 1) {
    const span = tracer.startSpan(\`files-series-info-\${i}\`);
    context.with(trace.setSpan(context.active(), span), () => {
      getData().then(() => { span.end(); });
    });
  }
};`,
    },
  ],
  invalid: [
    {
      name: 'the wrapper only when a callback was passed (Honeycomb pg, in the OpenTelemetry API)',
      code: `${HEADER}
export function instrument(query: (...args: unknown[]) => unknown) {
  return function (this: unknown, sql: string, values: unknown, callback?: Callback) {
    return tracer.startActiveSpan('query', (span) => {
      if (typeof callback === 'function') callback = endWith(span, callback);
      else if (typeof values === 'function') values = endWith(span, values as Callback);
      return query.apply(this, [sql, values, callback]);
    });
  };
}`,
      errors: [{ messageId: 'spanEndedOnlyInCallbackOnSomePaths', data: { span: 'span', exit: 'the return on line 14' } }],
    },
    {
      name: 'an inline wrapper put in place of the last argument, only when it is a function',
      code: `${HEADER}
export function instrument(original: (...args: unknown[]) => unknown) {
  return function (this: unknown, ...args: unknown[]) {
    const span = tracer.startSpan('op');
    const cb = args[args.length - 1];
    if (typeof cb === 'function') {
      args[args.length - 1] = function (this: unknown, ...results: unknown[]) { span.end(); return cb.apply(this, results); };
    }
    return original.apply(this, args);
  };
}`,
      errors: [{ messageId: 'spanEndedOnlyInCallbackOnSomePaths', data: { span: 'span', exit: 'the return on line 16' } }],
    },
    {
      name: 'an early return for the promise form, before the wrapper is made',
      code: `${HEADER}
export function instrument(original: (...args: unknown[]) => unknown) {
  return function (this: unknown, ...args: unknown[]) {
    const span = tracer.startSpan('op');
    const cb = args[args.length - 1];
    if (typeof cb !== 'function') return original.apply(this, args);
    args[args.length - 1] = endWith(span, cb as Callback);
    return original.apply(this, args);
  };
}`,
      errors: [{ messageId: 'spanEndedOnlyInCallbackOnSomePaths', data: { span: 'span', exit: 'the return on line 13' } }],
    },
    {
      name: 'a wrapper made behind `&&` and the function falls off its end',
      code: `${HEADER}
export function instrument(original: (cb?: Callback) => void, cb?: Callback) {
  const span = tracer.startSpan('op');
  original(cb && endWith(span, cb));
}`,
      errors: [{ messageId: 'spanEndedOnlyInCallbackOnSomePaths', data: { span: 'span', exit: 'the end of the function' } }],
    },
    {
      name: 'the hooks object holding the only end() is never returned (envelop, before 556b4ead)',
      code: `${HEADER}
export function onExecute(resolvers: boolean) {
  const span = tracer.startSpan('execute');
  const hooks: Record<string, Callback> = {
    onExecuteDone() { span.end(); },
  };
  if (resolvers) hooks.onResolverCalled = () => undefined;
  return {};
}`,
      errors: [{ messageId: 'spanEndedOnlyInUnusedFunction', data: { span: 'span', holder: 'hooks' } }],
    },
  ],
});
