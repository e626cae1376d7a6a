/**
 * no-floating-promise-in-span: a span helper that ends its span as soon as the caller's callback
 * returns and hands the callback's result back (core/detectors/no-floating-promise-in-span/ends-before-result.ts;
 * issue #11 family 8, Logfire's `span()` helper).
 */
import rule from '../rules/no-floating-promise-in-span.js';
import { createRuleTester } from './rule-tester.js';

const ruleTester = createRuleTester();

const HEADER = `
import { trace } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/api';
const tracer = trace.getTracer('sdk');`;

ruleTester.run('no-floating-promise-in-span (span helper ends before the callback result)', rule, {
  valid: [
    {
      name: 'the helper ends the span when a promised result settles',
      code: `${HEADER}
export function inSpan<R>(name: string, callback: (span: Span) => R): R {
  return tracer.startActiveSpan(name, (span: Span) => {
    const result = callback(span);
    if (result instanceof Promise) return result.finally(() => span.end()) as R;
    span.end();
    return result;
  });
}`,
    },
    {
      name: 'the callback is typed to return void',
      code: `${HEADER}
export function inSpan(name: string, callback: (span: Span) => void) {
  return tracer.startActiveSpan(name, (span: Span) => {
    const result = callback(span);
    span.end();
    return result;
  });
}`,
    },
    {
      name: 'a helper named ..Sync',
      code: `${HEADER}
export function inSpanSync<R>(name: string, fn: () => R): R {
  const span = tracer.startSpan(name);
  const result = fn();
  span.end();
  return result;
}`,
    },
    {
      name: 'an async helper that awaits the callback',
      code: `${HEADER}
export async function inSpan<R>(name: string, fn: () => Promise<R>): Promise<R> {
  const span = tracer.startSpan(name);
  const result = await fn();
  span.end();
  return result;
}`,
    },
    {
      name: 'the result is not handed back',
      code: `${HEADER}
export function inSpan(name: string, fn: () => unknown) {
  return tracer.startActiveSpan(name, (span: Span) => {
    const result = fn();
    span.end();
    return result === undefined;
  });
}`,
    },
    {
      name: 'the called function is not a parameter (the helper knows it)',
      code: `${HEADER}
function compute() { return 42; }
export function inSpan(name: string) {
  return tracer.startActiveSpan(name, (span: Span) => {
    const result = compute();
    span.end();
    return result;
  });
}`,
    },
  ],
  invalid: [
    {
      name: 'startActiveSpan callback: the callback result goes back after end() (Logfire, before the fix)',
      code: `${HEADER}
export function span<R>(name: string, callback: (span: Span) => R): R {
  return tracer.startActiveSpan(name, (span: Span) => {
    const result = callback(span);
    span.end();
    return result;
  });
}`,
      errors: [{ messageId: 'spanEndsBeforeCallbackResult', data: { span: 'span', callback: 'callback', result: 'result' }, line: 8 }],
    },
    {
      name: 'a startSpan span and the callback run with .call',
      code: `${HEADER}
export function traced(name, fn) {
  const span = tracer.startSpan(name);
  const value = fn.call(this, span);
  span.end();
  return value;
}`,
      errors: [{ messageId: 'spanEndsBeforeCallbackResult', data: { span: 'span', callback: 'fn', result: 'value' } }],
    },
    {
      name: 'a callback typed to return a promise',
      code: `${HEADER}
export function inSpan<T>(name: string, fn: () => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, (span) => {
    const pending = fn();
    span.end();
    return pending;
  });
}`,
      errors: [{ messageId: 'spanEndsBeforeCallbackResult' }],
    },
  ],
});
