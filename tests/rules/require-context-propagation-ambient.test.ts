// require-context-propagation, "consumer context built on the ambient context" (issue #11, family 1):
// a consumer extracts onto context.active() instead of ROOT_CONTEXT. Runtime truth:
// bench/real-world/ambient-at-delivery.mjs; runtime proof of the fix: fixture
// fixtures/require-context-propagation/consumer-extract-onto-ambient.
import rule from '../../rules/require-context-propagation.js';
import { createRuleTester } from '../rule-tester.js';

const ruleTester = createRuleTester();

const where = (w: string) => ({ where: w, ambient: 'context.active()', root: 'ROOT_CONTEXT' });

ruleTester.run('require-context-propagation (consumer context on the ambient context)', rule, {
  valid: [
    {
      name: "near miss: an HTTP server extracts onto context.active() (OpenTelemetry's documented form; SERVER kind)",
      code: `
import http from 'node:http';
import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('web');
http.createServer((req, res) => {
  const parent = propagation.extract(context.active(), req.headers);
  const span = tracer.startSpan('GET /', { kind: SpanKind.SERVER }, parent);
  context.with(trace.setSpan(parent, span), () => res.end('ok'));
  span.end();
}).listen(8080);`,
    },
    {
      name: 'near miss: a producer injects from context.active() under a PRODUCER span',
      code: `
import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('orders');
export function send(publish: (headers: Record<string, string>) => void) {
  const span = tracer.startSpan('orders publish', { kind: SpanKind.PRODUCER });
  const headers: Record<string, string> = {};
  propagation.inject(trace.setSpan(context.active(), span), headers);
  publish(headers);
  span.end();
}`,
    },
    {
      name: 'near miss: the consumer already extracts onto ROOT_CONTEXT',
      code: `
import { context, propagation, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('consumer');
export function onMessage(message: { headers: Record<string, string> }, handle: () => void) {
  const parent = propagation.extract(ROOT_CONTEXT, message.headers);
  const span = tracer.startSpan('orders process', { kind: SpanKind.CONSUMER }, parent);
  context.with(trace.setSpan(parent, span), handle);
  span.end();
}`,
    },
    {
      name: 'near miss: an explicit root parent held in a variable',
      code: `
import { context, propagation, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('consumer');
export function onMessage(message: { headers: Record<string, string> }) {
  const base = ROOT_CONTEXT;
  const span = tracer.startSpan('process', { kind: SpanKind.CONSUMER }, propagation.extract(base, message.headers));
  span.end();
}`,
    },
    {
      name: 'near miss: extract onto context.active() for a span of another kind (an RPC server)',
      code: `
import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('rpc');
export function onCall(metadata: Record<string, string>) {
  const span = tracer.startSpan('rpc', { kind: SpanKind.SERVER }, propagation.extract(context.active(), metadata));
  span.end();
}`,
    },
    {
      name: "near miss: a worker thread's parentPort handler (its port delivers at the thread's root)",
      code: `
import { parentPort } from 'node:worker_threads';
import { context, propagation, trace } from '@opentelemetry/api';
parentPort!.on('message', (message) => {
  context.with(propagation.extract(context.active(), message), () => {
    trace.getTracer('w').startSpan('resize').end();
  });
});`,
    },
    {
      name: 'near miss: kafkajs is instrumented (the handler runs in the instrumentation\'s consumer span)',
      code: `
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { context, propagation, trace } from '@opentelemetry/api';
import { Kafka } from 'kafkajs';
new KafkaJsInstrumentation();
const consumer = new Kafka({ brokers: ['k:9092'] }).consumer({ groupId: 'g' });
export async function start() {
  await consumer.run({
    eachMessage: async ({ message }) => {
      const parent = propagation.extract(context.active(), message.headers ?? {});
      trace.getTracer('c').startSpan('work', {}, parent).end();
    },
  });
}`,
    },
    {
      name: 'near miss: the extracted context only feeds a CONSUMER span in another function (not followed)',
      code: `
import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('c');
function parentOf(headers: Record<string, string>) {
  return propagation.extract(context.active(), headers);
}
export function onMessage(headers: Record<string, string>) {
  tracer.startSpan('process', { kind: SpanKind.CONSUMER }, parentOf(headers)).end();
}`,
    },
  ],
  invalid: [
    {
      name: 'a consume wrapper parents its CONSUMER span on an extract onto context.active() (contrib-amqplib-extract-from-active)',
      code: `
import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('amqp');
export function patchConsume(original: Function) {
  return function consume(this: unknown, queue: string, onMessage: (msg: any) => void) {
    const patched = function (this: unknown, msg: any) {
      const parentContext = propagation.extract(context.active(), msg.properties.headers ?? {});
      const span = tracer.startSpan(queue + ' process', { kind: SpanKind.CONSUMER }, parentContext);
      context.with(trace.setSpan(parentContext, span), () => onMessage.call(this, msg));
      span.end();
    };
    return original.call(this, queue, patched);
  };
}`,
      output: `
import { context, propagation, SpanKind, trace, ROOT_CONTEXT } from '@opentelemetry/api';
const tracer = trace.getTracer('amqp');
export function patchConsume(original: Function) {
  return function consume(this: unknown, queue: string, onMessage: (msg: any) => void) {
    const patched = function (this: unknown, msg: any) {
      const parentContext = propagation.extract(ROOT_CONTEXT, msg.properties.headers ?? {});
      const span = tracer.startSpan(queue + ' process', { kind: SpanKind.CONSUMER }, parentContext);
      context.with(trace.setSpan(parentContext, span), () => onMessage.call(this, msg));
      span.end();
    };
    return original.call(this, queue, patched);
  };
}`,
      errors: [{ messageId: 'extractOntoAmbientContext', data: where('this CONSUMER span'), line: 7, column: 49, endLine: 7, endColumn: 65 }],
    },
    {
      name: 'inline as the parent argument; CommonJS namespace: the fix uses api.ROOT_CONTEXT',
      filename: 'file.js',
      code: `
const api = require('@opentelemetry/api');
const tracer = api.trace.getTracer('sqs');
exports.process = function process(message, handler) {
  const span = tracer.startSpan('queue process', { kind: api.SpanKind.CONSUMER }, api.propagation.extract(api.context.active(), message.attributes));
  return api.context.with(api.trace.setSpan(api.context.active(), span), handler);
};`,
      output: `
const api = require('@opentelemetry/api');
const tracer = api.trace.getTracer('sqs');
exports.process = function process(message, handler) {
  const span = tracer.startSpan('queue process', { kind: api.SpanKind.CONSUMER }, api.propagation.extract(api.ROOT_CONTEXT, message.attributes));
  return api.context.with(api.trace.setSpan(api.context.active(), span), handler);
};`,
      errors: [
        { messageId: 'extractOntoAmbientContext', data: { where: 'this CONSUMER span', ambient: 'api.context.active()', root: 'api.ROOT_CONTEXT' }, line: 5, column: 107 },
        // the handler's context is rebuilt from the ambient one too (the extracted-context-ignored shape, no fix)
        { messageId: 'extractedContextIgnored', line: 6, column: 45 },
      ],
    },
    {
      name: 'context.with(extracted, ..) around a CONSUMER startActiveSpan; the active context held in a const',
      code: `
import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('nats');
export function subscribe(sub: AsyncIterable<{ headers: Record<string, string>; data: string }>, handle: (data: string) => Promise<void>) {
  return (async () => {
    for await (const msg of sub) {
      const current = context.active();
      await context.with(propagation.extract(current, msg.headers), () =>
        tracer.startActiveSpan('updates process', { kind: SpanKind.CONSUMER }, async (span) => {
          await handle(msg.data);
          span.end();
        }),
      );
    }
  })();
}`,
      output: `
import { context, propagation, SpanKind, trace, ROOT_CONTEXT } from '@opentelemetry/api';
const tracer = trace.getTracer('nats');
export function subscribe(sub: AsyncIterable<{ headers: Record<string, string>; data: string }>, handle: (data: string) => Promise<void>) {
  return (async () => {
    for await (const msg of sub) {
      const current = context.active();
      await context.with(propagation.extract(ROOT_CONTEXT, msg.headers), () =>
        tracer.startActiveSpan('updates process', { kind: SpanKind.CONSUMER }, async (span) => {
          await handle(msg.data);
          span.end();
        }),
      );
    }
  })();
}`,
      errors: [{ messageId: 'extractOntoAmbientContext', data: { where: 'this CONSUMER span', ambient: 'current', root: 'ROOT_CONTEXT' }, line: 8, column: 46, endLine: 8, endColumn: 53 }],
    },
    {
      name: 'a kafkajs eachMessage handler (a broker consumer slot) extracts onto context.active(), no span kind needed',
      code: `
import { context, propagation, trace } from '@opentelemetry/api';
import { Kafka } from 'kafkajs';
const consumer = new Kafka({ brokers: ['k:9092'] }).consumer({ groupId: 'billing' });
export async function start() {
  await consumer.run({
    eachMessage: async ({ message }) => {
      const parent = propagation.extract(context.active(), message.headers ?? {});
      await context.with(parent, async () => {
        trace.getTracer('billing').startSpan('invoice').end();
      });
    },
  });
}`,
      output: `
import { context, propagation, trace, ROOT_CONTEXT } from '@opentelemetry/api';
import { Kafka } from 'kafkajs';
const consumer = new Kafka({ brokers: ['k:9092'] }).consumer({ groupId: 'billing' });
export async function start() {
  await consumer.run({
    eachMessage: async ({ message }) => {
      const parent = propagation.extract(ROOT_CONTEXT, message.headers ?? {});
      await context.with(parent, async () => {
        trace.getTracer('billing').startSpan('invoice').end();
      });
    },
  });
}`,
      errors: [{ messageId: 'extractOntoAmbientContext', data: where('this kafkajs eachMessage handler'), line: 8, column: 42 }],
    },
    {
      name: 'a BullMQ processor extracts onto context.active(); the file declares its own ROOT_CONTEXT: the import is aliased',
      code: `
import { context, propagation, trace } from '@opentelemetry/api';
import { Worker } from 'bullmq';
const ROOT_CONTEXT = 'jobs';
new Worker(ROOT_CONTEXT, async (job) => {
  const parent = propagation.extract(context.active(), JSON.parse(job.opts.telemetry?.metadata ?? '{}'));
  return context.with(parent, () => trace.getTracer('jobs').startSpan('send mail').end());
});`,
      output: `
import { context, propagation, trace, ROOT_CONTEXT as OTEL_ROOT_CONTEXT } from '@opentelemetry/api';
import { Worker } from 'bullmq';
const ROOT_CONTEXT = 'jobs';
new Worker(ROOT_CONTEXT, async (job) => {
  const parent = propagation.extract(OTEL_ROOT_CONTEXT, JSON.parse(job.opts.telemetry?.metadata ?? '{}'));
  return context.with(parent, () => trace.getTracer('jobs').startSpan('send mail').end());
});`,
      errors: [{ messageId: 'extractOntoAmbientContext', data: { where: 'this BullMQ Worker handler', ambient: 'context.active()', root: 'OTEL_ROOT_CONTEXT' }, line: 6 }],
    },
  ],
});
