/**
 * `no-floating-promise-in-span`, the generator shape (core/detectors/no-floating-promise-in-span/
 * escaping-generators.ts): a generator object handed out of a traced scope runs its body when it
 * is iterated, outside the scope (measured: tests/generator-context.test.ts).
 */
import rule from '../../rules/no-floating-promise-in-span.js';
import { createRuleTester, under } from '../rule-tester.js';

const ruleTester = createRuleTester();

const HEADER = `
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
      code: `${HEADER}
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
      code: `${HEADER}
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
      code: `${HEADER}
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
      code: `${HEADER}
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
      code: `${HEADER}
import { ROOT_CONTEXT } from '@opentelemetry/api';
export function detached(query: string) {
  return context.with(ROOT_CONTEXT, () => pages(query));
}`,
    },
  ],
  invalid: [
    {
      name: 'an async generator of the file returned from the startActiveSpan callback (the span ends before it runs)',
      code: `${HEADER}
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
      code: `${HEADER}
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
      code: `${HEADER}
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
      code: `${HEADER}
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
