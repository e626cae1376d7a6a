import rule from '../../rules/require-context-propagation.js';
import { createRuleTester, under } from '../rule-tester.js';

const ruleTester = createRuleTester();

/**
 * A kafkajs producer in traced code and an `eachMessage` handler that starts a span: both are
 * reported (see the invalid case below) unless kafkajs is instrumented. `prelude` goes first;
 * `fixed` gives the code after the producer's fix (pass 1) or both fixes (pass 2).
 */
const kafkaApp = (prelude = '', fixed: 0 | 1 | 2 = 0): string => `
${prelude}import { trace${fixed ? ', context, propagation' : ''}${fixed === 2 ? ', ROOT_CONTEXT' : ''} } from '@opentelemetry/api';
import { Kafka } from 'kafkajs';
const kafka = new Kafka({ brokers: ['kafka:9092'] });
const producer = kafka.producer();
const consumer = kafka.consumer({ groupId: 'fulfilment' });
export function placeOrder(orderId: string) {
  return trace.getTracer('orders').startActiveSpan('POST /orders', async (span) => {
${fixed ? `    const traceHeaders: Record<string, string> = {};
    propagation.inject(context.active(), traceHeaders);
    await producer.send({ topic: 'order.placed', messages: [{ key: orderId, value: orderId, headers: traceHeaders }] });` : `    await producer.send({ topic: 'order.placed', messages: [{ key: orderId, value: orderId }] });`}
    span.end();
  });
}
export async function fulfil() {
  await consumer.run({
    eachMessage: async ({ message }) => {
${fixed === 2 ? `      const producerContext = propagation.extract(ROOT_CONTEXT, message, {
        get: (carrier, key) => carrier.headers?.[key]?.toString(),
        keys: (carrier) => Object.keys(carrier.headers ?? {}),
      });
      return context.with(producerContext, async () => {
        trace.getTracer('fulfilment').startSpan('order.fulfil').end();
      });` : `      trace.getTracer('fulfilment').startSpan('order.fulfil').end();`}
    },
  });
}`;

/** The same with amqplib: a publish in traced code and a consumer that starts a span. */
const amqpApp = (prelude = '', fixed: 0 | 1 | 2 = 0): string => `
${prelude}import { trace${fixed ? ', context, propagation' : ''}${fixed === 2 ? ', ROOT_CONTEXT' : ''} } from '@opentelemetry/api';
import amqp from 'amqplib';
export async function notify(text: string) {
  const connection = await amqp.connect('amqp://rabbit');
  const channel = await connection.createChannel();
  await trace.getTracer('n').startActiveSpan('notify', async (span) => {
${fixed ? `    const traceHeaders: Record<string, string> = {};
    propagation.inject(context.active(), traceHeaders);
    channel.publish('events', 'notify', Buffer.from(text), { headers: traceHeaders });` : `    channel.publish('events', 'notify', Buffer.from(text));`}
    span.end();
  });
  await channel.consume('events', (msg) => {
${fixed === 2 ? `    const producerContext = propagation.extract(ROOT_CONTEXT, msg?.properties.headers ?? {});
    return context.with(producerContext, () => {
      trace.getTracer('n').startSpan('deliver').end();
    });` : `    trace.getTracer('n').startSpan('deliver').end();`}
  });
}`;

ruleTester.run('require-context-propagation', rule, {
  valid: [
    {
      name: "a send outside traced code is not reported by default (no span in play)",
      code: `
import type { Producer } from 'kafkajs';
export async function publish(producer: Producer, value: string) {
  await producer.send({ topic: 't', messages: [{ value }] });
}`,
    },
    {
      name: "already injected: the carrier variable travels in the headers",
      code: `
import { context, propagation, trace } from '@opentelemetry/api';
import type { Producer } from 'kafkajs';
export function publish(producer: Producer, value: string) {
  return trace.getTracer('a').startActiveSpan('p', async (span) => {
    const headers: Record<string, string> = {};
    propagation.inject(context.active(), headers);
    await producer.send({ topic: 't', messages: [{ value, headers }] });
    span.end();
  });
}`,
    },
    {
      name: "already injected through a helper of the file",
      code: `
import { context, propagation, trace } from '@opentelemetry/api';
import { spawn } from 'node:child_process';
function traceEnv() {
  const env: Record<string, string> = {};
  propagation.inject(context.active(), env, { set: (c, k, v) => { c[k.toUpperCase()] = v; } });
  return env;
}
trace.getTracer('a').startActiveSpan('p', (span) => {
  spawn('job', [], { env: { ...process.env, ...traceEnv() } });
  span.end();
});`,
    },
    {
      name: "a consumer that extracts before starting its span",
      code: `
import { context, propagation, trace } from '@opentelemetry/api';
import { parentPort } from 'node:worker_threads';
parentPort?.on('message', (message) => {
  context.with(propagation.extract(context.active(), message), () => trace.getTracer('w').startSpan('work').end());
});`,
    },
    {
      name: "a consumer that starts no span has nothing to parent",
      code: `
import type { Consumer } from 'kafkajs';
export async function consume(consumer: Consumer) {
  await consumer.run({ eachMessage: async ({ message }) => { console.log(message.offset); } });
}`,
    },
    {
      name: "recognised by import, not by name: a local Queue class is no broker",
      code: `
import { trace } from '@opentelemetry/api';
class Queue { add(item: string) { return item; } }
const queue = new Queue();
trace.getTracer('a').startActiveSpan('p', (span) => { queue.add('x'); span.end(); });`,
    },
    {
      name: "a BullMQ queue with its own telemetry option propagates by itself",
      code: `
import { trace } from '@opentelemetry/api';
import { Queue } from 'bullmq';
import type { Telemetry } from 'bullmq';
declare const telemetry: Telemetry;
const queue = new Queue('emails', { telemetry });
trace.getTracer('a').startActiveSpan('p', async (span) => { await queue.add('send', {}); span.end(); });`,
    },
    {
      name: "a worker started and fed at startup, with no span in play",
      code: `
import { Worker } from 'node:worker_threads';
const worker = new Worker('./warmup.js', { workerData: { models: ['a'] } });
worker.postMessage({ type: 'load' });`,
    },
    {
      name: "a BullMQ sandboxed processor file is not a handler of this file",
      code: `
import { Worker } from 'bullmq';
export const worker = new Worker('emails', './processor.js');`,
    },
    {
      name: "a message listener on something other than parentPort or process",
      code: `
import { trace } from '@opentelemetry/api';
import { EventEmitter } from 'node:events';
const bus = new EventEmitter();
bus.on('message', () => trace.getTracer('a').startSpan('x').end());`,
    },
    {
      name: "instrumentedTransports: kafkajs is instrumented elsewhere, so its producer and consumer are not reported",
      options: [{ instrumentedTransports: ['kafkajs'] }],
      code: kafkaApp(),
    },
    {
      name: "the file imports @opentelemetry/instrumentation-kafkajs: kafkajs counts as instrumented without the option",
      code: kafkaApp(`import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
registerInstrumentations({ instrumentations: [new KafkaJsInstrumentation()] });
`),
    },
    {
      name: "the same with require() in a CommonJS file",
      filename: 'file.js',
      code: `
const { KafkaJsInstrumentation } = require('@opentelemetry/instrumentation-kafkajs');
const { trace } = require('@opentelemetry/api');
const { Kafka } = require('kafkajs');
new KafkaJsInstrumentation();
const producer = new Kafka({ brokers: ['kafka:9092'] }).producer();
trace.getTracer('orders').startActiveSpan('POST /orders', async (span) => {
  await producer.send({ topic: 'order.placed', messages: [{ value: 'x' }] });
  span.end();
});`,
    },
    {
      // the instrumentation's own tests (opentelemetry-js-contrib, instrumentation-kafkajs) import it from '../src'
      name: "the official instrumentation class imported under its own name from a local module",
      code: kafkaApp(`import { KafkaJsInstrumentation } from '../src';
const instrumentation = new KafkaJsInstrumentation();
`),
    },
    {
      name: "the file imports @opentelemetry/auto-instrumentations-node: amqplib counts as instrumented",
      code: amqpApp(`import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';
`),
    },
    {
      name: "auto-instrumentations-node's register entry point, imported for its side effect",
      code: amqpApp(`import '@opentelemetry/auto-instrumentations-node/register';
`),
    },
    {
      name: "instrumentedTransports: bullmq (telemetry set up where the rule cannot see it)",
      options: [{ instrumentedTransports: ['bullmq'] }],
      code: `
import { trace } from '@opentelemetry/api';
import { Queue, Worker } from 'bullmq';
const emails = new Queue('emails');
trace.getTracer('a').startActiveSpan('p', async (span) => { await emails.add('send', {}); span.end(); });
export const worker = new Worker('emails', async (job) => { trace.getTracer('mail').startSpan('email.send').end(); });`,
    },
    {
      name: 'extracted context ignored (near miss): the handler runs in trace.setSpan(extracted, span)',
      code: `
import { context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('consumer');
export function traced(handler: (msg: { headers: Record<string, string> }) => Promise<void>) {
  return (msg: { headers: Record<string, string> }) => {
    const producerContext = propagation.extract(ROOT_CONTEXT, msg.headers);
    const span = tracer.startSpan('orders process', {}, producerContext);
    return context.with(trace.setSpan(producerContext, span), () => handler(msg)).finally(() => span.end());
  };
}`,
    },
    {
      name: 'extracted context ignored (near miss): context.active() is the extracted context inside context.with(extracted, ..)',
      code: `
import { context, propagation, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('consumer');
export function handle(headers: Record<string, string>, work: () => void) {
  const extracted = propagation.extract(context.active(), headers);
  context.with(extracted, () => {
    const span = tracer.startSpan('process');
    context.with(trace.setSpan(context.active(), span), work);
    span.end();
  });
}`,
    },
    {
      name: 'extracted context ignored (near miss): the extracted context only feeds a span link (a deliberate new trace)',
      code: `
import { context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('consumer');
export function handle(headers: Record<string, string>, work: () => void) {
  const extracted = propagation.extract(ROOT_CONTEXT, headers);
  const producer = trace.getSpanContext(extracted);
  const span = tracer.startSpan('process', { links: producer ? [{ context: producer }] : [] }, ROOT_CONTEXT);
  context.with(trace.setSpan(context.active(), span), work);
  span.end();
}`,
    },
    {
      name: "extracted context ignored (near miss): a batch span in the ambient context, each message's context extracted in a nested callback",
      code: `
import { context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('consumer');
export function batch(messages: { headers: Record<string, string> }[], work: () => void) {
  const batchSpan = tracer.startSpan('batch receive');
  context.with(trace.setSpan(context.active(), batchSpan), () => {
    for (const message of messages) {
      const parent = propagation.extract(ROOT_CONTEXT, message.headers);
      tracer.startSpan('message process', {}, parent).end();
    }
    work();
  });
  batchSpan.end();
}`,
    },
    {
      name: 'extracted context ignored (near miss): extract and the ambient setSpan in different functions',
      code: `
import { context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('consumer');
export function parentOf(headers: Record<string, string>) {
  return propagation.extract(ROOT_CONTEXT, headers);
}
export function run(work: () => void) {
  const span = tracer.startSpan('work');
  context.with(trace.setSpan(context.active(), span), work);
  span.end();
}`,
    },
  ],
  invalid: [
    {
      name: "kafkajs producer.send inside startActiveSpan: headers get a carrier",
      code: `
import { trace } from '@opentelemetry/api';
import { Kafka } from 'kafkajs';
const producer = new Kafka({ brokers: ['kafka:9092'] }).producer();
export function publish(orderId: string) {
  return trace.getTracer('orders').startActiveSpan('POST /orders', async (span) => {
    await producer.send({ topic: 'order.placed', messages: [{ key: orderId, value: orderId }] });
    span.end();
  });
}`,
      output: `
import { trace, context, propagation } from '@opentelemetry/api';
import { Kafka } from 'kafkajs';
const producer = new Kafka({ brokers: ['kafka:9092'] }).producer();
export function publish(orderId: string) {
  return trace.getTracer('orders').startActiveSpan('POST /orders', async (span) => {
    const traceHeaders: Record<string, string> = {};
    propagation.inject(context.active(), traceHeaders);
    await producer.send({ topic: 'order.placed', messages: [{ key: orderId, value: orderId, headers: traceHeaders }] });
    span.end();
  });
}`,
      errors: [
        {
          messageId: 'sendWithoutContext',
          line: 7,
          column: 11,
          endLine: 7,
          endColumn: 24,
          data: {"transport":"kafkajs producer.send","slot":"each message's headers"},
        },
      ],
    },
    {
      name: "the same under stack (no manager carries context across a process)",
      settings: under('stack'),
      code: `
import { trace } from '@opentelemetry/api';
import type { Producer } from 'kafkajs';
export function publish(producer: Producer, value: string) {
  trace.getTracer('web').startActiveSpan('click', (span) => {
    void producer.send({ topic: 't', messages: [{ value, headers: { source: 'web' } }] });
    span.end();
  });
}`,
      output: `
import { trace, context, propagation } from '@opentelemetry/api';
import type { Producer } from 'kafkajs';
export function publish(producer: Producer, value: string) {
  trace.getTracer('web').startActiveSpan('click', (span) => {
    const traceHeaders: Record<string, string> = {};
    propagation.inject(context.active(), traceHeaders);
    void producer.send({ topic: 't', messages: [{ value, headers: { source: 'web', ...traceHeaders } }] });
    span.end();
  });
}`,
      errors: [
        {
          messageId: 'sendWithoutContext',
          line: 6,
          column: 10,
          endLine: 6,
          endColumn: 23,
          data: {"transport":"kafkajs producer.send","slot":"each message's headers"},
        },
      ],
    },
    {
      name: "kafkajs sendBatch with a messages expression: each message gets the headers",
      code: `
import { trace } from '@opentelemetry/api';
import type { Message, Producer } from 'kafkajs';
export async function flush(producer: Producer, messages: Message[]) {
  await trace.getTracer('outbox').startActiveSpan('outbox.flush', async (span) => {
    await producer.sendBatch({ topicMessages: [{ topic: 'events', messages }] });
    span.end();
  });
}`,
      output: `
import { trace, context, propagation } from '@opentelemetry/api';
import type { Message, Producer } from 'kafkajs';
export async function flush(producer: Producer, messages: Message[]) {
  await trace.getTracer('outbox').startActiveSpan('outbox.flush', async (span) => {
    const traceHeaders: Record<string, string> = {};
    propagation.inject(context.active(), traceHeaders);
    await producer.sendBatch({ topicMessages: [{ topic: 'events', messages: messages.map((message) => ({ ...message, headers: { ...message.headers, ...traceHeaders } })) }] });
    span.end();
  });
}`,
      errors: [
        {
          messageId: 'sendWithoutContext',
          line: 6,
          column: 11,
          endLine: 6,
          endColumn: 29,
          data: {"transport":"kafkajs producer.sendBatch","slot":"each message's headers"},
        },
      ],
    },
    {
      name: "child_process.spawn without options: env with TRACEPARENT is added",
      code: `
import { context } from '@opentelemetry/api';
import { spawn } from 'node:child_process';
export function convert(ctx: ReturnType<typeof context.active>) {
  context.with(ctx, () => {
    spawn('ffmpeg');
  });
}`,
      output: `
import { context, propagation } from '@opentelemetry/api';
import { spawn } from 'node:child_process';
export function convert(ctx: ReturnType<typeof context.active>) {
  context.with(ctx, () => {
    const traceEnv: Record<string, string> = {};
    propagation.inject(context.active(), traceEnv, { set: (env, key, value) => { env[key.toUpperCase()] = value; } });
    spawn('ffmpeg', [], { env: { ...process.env, ...traceEnv } });
  });
}`,
      errors: [
        {
          messageId: 'sendWithoutContext',
          line: 6,
          column: 5,
          endLine: 6,
          endColumn: 10,
          data: {"transport":"child_process.spawn","slot":"the child's env (TRACEPARENT, TRACESTATE)"},
        },
      ],
    },
    {
      name: "child_process.exec with an env option: the carrier is merged into it",
      settings: under('async-hooks'),
      code: `
import { trace } from '@opentelemetry/api';
import * as cp from 'child_process';
trace.getTracer('ops').startActiveSpan('backup', (span) => {
  cp.exec('pg_dump', { env: { PGHOST: 'db' } }, () => span.end());
});`,
      output: `
import { trace, context, propagation } from '@opentelemetry/api';
import * as cp from 'child_process';
trace.getTracer('ops').startActiveSpan('backup', (span) => {
  const traceEnv: Record<string, string> = {};
  propagation.inject(context.active(), traceEnv, { set: (env, key, value) => { env[key.toUpperCase()] = value; } });
  cp.exec('pg_dump', { env: { PGHOST: 'db', ...traceEnv } }, () => span.end());
});`,
      errors: [
        {
          messageId: 'sendWithoutContext',
          line: 5,
          column: 3,
          endLine: 5,
          endColumn: 10,
          data: {"transport":"child_process.exec","slot":"the child's env (TRACEPARENT, TRACESTATE)"},
        },
      ],
    },
    {
      name: "a span never made active: the carrier is injected from that span",
      code: `
import { trace } from '@opentelemetry/api';
import { Queue } from 'bullmq';
const tracer = trace.getTracer('orders');
const queue = new Queue('emails');
export async function confirm(orderId: string) {
  const span = tracer.startSpan('order.confirm');
  await queue.add('send', { orderId });
  span.end();
}`,
      output: `
import { trace, context, propagation } from '@opentelemetry/api';
import { Queue } from 'bullmq';
const tracer = trace.getTracer('orders');
const queue = new Queue('emails');
export async function confirm(orderId: string) {
  const span = tracer.startSpan('order.confirm');
  const traceCarrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(context.active(), span), traceCarrier);
  await queue.add('send', { orderId }, { telemetry: { metadata: JSON.stringify(traceCarrier) } });
  span.end();
}`,
      errors: [
        {
          messageId: 'sendWithoutContext',
          line: 8,
          column: 9,
          endLine: 8,
          endColumn: 18,
          data: {"transport":"BullMQ queue.add","slot":"the job options (telemetry.metadata)"},
        },
      ],
    },
    {
      name: "BullMQ addBulk: each job gets telemetry metadata",
      code: `
import { trace } from '@opentelemetry/api';
import { Queue } from 'bullmq';
class Mailer {
  private readonly queue = new Queue('emails');
  send(ids: string[]) {
    return trace.getTracer('mail').startActiveSpan('mail.batch', async (span) => {
      await this.queue.addBulk([{ name: 'send', data: { id: ids[0] } }, { name: 'send', data: { id: ids[1] }, opts: { delay: 10 } }]);
      span.end();
    });
  }
}`,
      output: `
import { trace, context, propagation } from '@opentelemetry/api';
import { Queue } from 'bullmq';
class Mailer {
  private readonly queue = new Queue('emails');
  send(ids: string[]) {
    return trace.getTracer('mail').startActiveSpan('mail.batch', async (span) => {
      const traceCarrier: Record<string, string> = {};
      propagation.inject(context.active(), traceCarrier);
      await this.queue.addBulk([{ name: 'send', data: { id: ids[0] }, opts: { telemetry: { metadata: JSON.stringify(traceCarrier) } } }, { name: 'send', data: { id: ids[1] }, opts: { delay: 10, telemetry: { metadata: JSON.stringify(traceCarrier) } } }]);
      span.end();
    });
  }
}`,
      errors: [
        {
          messageId: 'sendWithoutContext',
          line: 8,
          column: 13,
          endLine: 8,
          endColumn: 31,
          data: {"transport":"BullMQ queue.addBulk","slot":"the job options (telemetry.metadata)"},
        },
      ],
    },
    {
      name: "amqplib sendToQueue from a channel made by import: headers are added",
      code: `
import { trace } from '@opentelemetry/api';
import amqp from 'amqplib';
export async function notify(text: string) {
  const connection = await amqp.connect('amqp://rabbit');
  const channel = await connection.createChannel();
  await trace.getTracer('n').startActiveSpan('notify', async (span) => {
    channel.sendToQueue('notifications', Buffer.from(text));
    span.end();
  });
}`,
      output: `
import { trace, context, propagation } from '@opentelemetry/api';
import amqp from 'amqplib';
export async function notify(text: string) {
  const connection = await amqp.connect('amqp://rabbit');
  const channel = await connection.createChannel();
  await trace.getTracer('n').startActiveSpan('notify', async (span) => {
    const traceHeaders: Record<string, string> = {};
    propagation.inject(context.active(), traceHeaders);
    channel.sendToQueue('notifications', Buffer.from(text), { headers: traceHeaders });
    span.end();
  });
}`,
      errors: [
        {
          messageId: 'sendWithoutContext',
          line: 8,
          column: 5,
          endLine: 8,
          endColumn: 24,
          data: {"transport":"amqplib channel.sendToQueue","slot":"the message headers"},
        },
      ],
    },
    {
      name: "worker.postMessage with a payload that is not an object literal: suggestion only",
      code: `
import { trace } from '@opentelemetry/api';
import { Worker } from 'node:worker_threads';
const worker = new Worker('./resize.js');
export function resize(job: { id: string }) {
  trace.getTracer('img').startActiveSpan('resize', (span) => {
    worker.postMessage(job);
    span.end();
  });
}`,
      output: null,
      errors: [
        {
          messageId: 'sendWithoutContext',
          line: 7,
          column: 5,
          endLine: 7,
          endColumn: 23,
          data: {"transport":"worker.postMessage","slot":"the message"},
          suggestions: [
            {
              messageId: 'mergeCarrierIntoPayload',
              data: {"transport":"worker.postMessage","slot":"the message"},
              output: `
import { trace, context, propagation } from '@opentelemetry/api';
import { Worker } from 'node:worker_threads';
const worker = new Worker('./resize.js');
export function resize(job: { id: string }) {
  trace.getTracer('img').startActiveSpan('resize', (span) => {
    const traceCarrier: Record<string, string> = {};
    propagation.inject(context.active(), traceCarrier);
    worker.postMessage({ ...job, ...traceCarrier });
    span.end();
  });
}`,
            },
          ],
        },
      ],
    },
    {
      name: "new Worker with workerData inside traced code (CommonJS file)",
      filename: 'file.js',
      code: `
const { trace } = require('@opentelemetry/api');
const { Worker } = require('worker_threads');
trace.getTracer('img').startActiveSpan('thumbnail', (span) => {
  new Worker('./thumb.js', { workerData: { file: 'a.png' } }).once('exit', () => span.end());
});`,
      output: `
const { trace, context, propagation } = require('@opentelemetry/api');
const { Worker } = require('worker_threads');
trace.getTracer('img').startActiveSpan('thumbnail', (span) => {
  const traceCarrier = {};
  propagation.inject(context.active(), traceCarrier);
  new Worker('./thumb.js', { workerData: { file: 'a.png', ...traceCarrier } }).once('exit', () => span.end());
});`,
      errors: [
        {
          messageId: 'sendWithoutContext',
          line: 5,
          column: 3,
          endLine: 5,
          endColumn: 62,
          data: {"transport":"new Worker(.., { workerData })","slot":"workerData"},
        },
      ],
    },
    {
      name: "checkAllProducers: a send outside lexically traced code",
      options: [{"checkAllProducers":true}],
      code: `
import type { Producer } from 'kafkajs';
export async function publish(producer: Producer, value: string) {
  await producer.send({ topic: 't', messages: [{ value }] });
}`,
      output: `
import type { Producer } from 'kafkajs';
import { context, propagation } from '@opentelemetry/api';
export async function publish(producer: Producer, value: string) {
  const traceHeaders: Record<string, string> = {};
  propagation.inject(context.active(), traceHeaders);
  await producer.send({ topic: 't', messages: [{ value, headers: traceHeaders }] });
}`,
      errors: [
        {
          messageId: 'sendWithoutContext',
          line: 4,
          column: 9,
          endLine: 4,
          endColumn: 22,
          data: {"transport":"kafkajs producer.send","slot":"each message's headers"},
        },
      ],
    },
    {
      name: "kafkajs eachMessage that starts spans without extract",
      code: `
import { trace } from '@opentelemetry/api';
import type { Consumer } from 'kafkajs';
export async function consume(consumer: Consumer) {
  await consumer.run({
    eachMessage: async ({ message }) => {
      trace.getTracer('c').startSpan('process').end();
    },
  });
}`,
      output: `
import { trace, context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
import type { Consumer } from 'kafkajs';
export async function consume(consumer: Consumer) {
  await consumer.run({
    eachMessage: async ({ message }) => {
      const producerContext = propagation.extract(ROOT_CONTEXT, message, {
        get: (carrier, key) => carrier.headers?.[key]?.toString(),
        keys: (carrier) => Object.keys(carrier.headers ?? {}),
      });
      return context.with(producerContext, async () => {
        trace.getTracer('c').startSpan('process').end();
      });
    },
  });
}`,
      errors: [
        {
          messageId: 'handlerWithoutContext',
          line: 6,
          column: 5,
          endLine: 6,
          endColumn: 16,
          data: {"transport":"kafkajs eachMessage","slot":"the message headers"},
        },
      ],
    },
    {
      name: "kafkajs eachBatch: reported, no fix (one batch has many parents: span links)",
      code: `
import { trace } from '@opentelemetry/api';
import type { Consumer } from 'kafkajs';
export async function consume(consumer: Consumer) {
  await consumer.run({
    eachBatch: async ({ batch }) => {
      trace.getTracer('c').startSpan(\`batch \${batch.topic}\`).end();
    },
  });
}`,
      output: null,
      errors: [
        {
          messageId: 'batchHandlerWithoutContext',
          line: 6,
          column: 5,
          endLine: 6,
          endColumn: 14,
          data: {"transport":"kafkajs eachBatch","slot":"each message's headers"},
        },
      ],
    },
    {
      name: "process.on(message) in a forked child: extract from the message",
      code: `
import { trace } from '@opentelemetry/api';
process.on('message', (message) => trace.getTracer('child').startSpan('job').end());`,
      output: `
import { trace, context, propagation } from '@opentelemetry/api';
process.on('message', (message) => {
  const producerContext = propagation.extract(context.active(), message);
  return context.with(producerContext, () => trace.getTracer('child').startSpan('job').end());
});`,
      errors: [
        {
          messageId: 'handlerWithoutContext',
          line: 3,
          column: 1,
          endLine: 3,
          endColumn: 11,
          data: {"transport":"process 'message'","slot":"the message"},
        },
      ],
    },
    {
      // the rule's file triggers (core/triggers.ts) must see "message" in either quote style: the
      // codemod skips a file without them before parsing it
      name: 'process.on("message") with double quotes, in a file that imports no transport',
      code: `
import { trace } from "@opentelemetry/api";
process.on("message", (message) => trace.getTracer("child").startSpan("job").end());`,
      output: `
import { trace, context, propagation } from "@opentelemetry/api";
process.on("message", (message) => {
  const producerContext = propagation.extract(context.active(), message);
  return context.with(producerContext, () => trace.getTracer("child").startSpan("job").end());
});`,
      errors: [{ messageId: 'handlerWithoutContext', line: 3, column: 1, endLine: 3, endColumn: 11 }],
    },
    {
      name: "BullMQ processor declared as a function used only here",
      code: `
import { trace } from '@opentelemetry/api';
import { Worker } from 'bullmq';
import type { Job } from 'bullmq';
async function sendEmail(job: Job) {
  const span = trace.getTracer('mail').startSpan('email.send');
  span.end();
}
export const worker = new Worker('emails', sendEmail);`,
      output: `
import { trace, context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
import { Worker } from 'bullmq';
import type { Job } from 'bullmq';
async function sendEmail(job: Job) {
  const producerContext = propagation.extract(ROOT_CONTEXT, JSON.parse(job.opts.telemetry?.metadata ?? '{}'));
  return context.with(producerContext, async () => {
    const span = trace.getTracer('mail').startSpan('email.send');
    span.end();
  });
}
export const worker = new Worker('emails', sendEmail);`,
      errors: [
        {
          messageId: 'handlerWithoutContext',
          line: 9,
          column: 27,
          endLine: 9,
          endColumn: 33,
          data: {"transport":"BullMQ Worker","slot":"job.opts.telemetry.metadata"},
        },
      ],
    },
    {
      name: "the kafkajs app without the option or an instrumentation import: both sides are reported",
      code: kafkaApp(),
      output: [kafkaApp('', 1), kafkaApp('', 2)],
      errors: [
        { messageId: 'sendWithoutContext', line: 9, data: {"transport":"kafkajs producer.send","slot":"each message's headers"} },
        { messageId: 'handlerWithoutContext', line: 15, data: {"transport":"kafkajs eachMessage","slot":"the message headers"} },
      ],
    },
    {
      name: "listing kafkajs does not silence amqplib in the same file",
      options: [{ instrumentedTransports: ['kafkajs'] }],
      code: amqpApp(),
      output: [amqpApp('', 1), amqpApp('', 2)],
      errors: [
        { messageId: 'sendWithoutContext', line: 8, data: {"transport":"amqplib channel.publish","slot":"the message headers"} },
        { messageId: 'handlerWithoutContext', line: 11, data: {"transport":"amqplib channel.consume","slot":"msg.properties.headers"} },
      ],
    },
    {
      name: "importing the kafkajs instrumentation does not cover amqplib",
      code: amqpApp(`import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
`),
      output: [
        amqpApp(`import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
`, 1),
        amqpApp(`import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
`, 2),
      ],
      errors: [
        { messageId: 'sendWithoutContext', line: 9 },
        { messageId: 'handlerWithoutContext', line: 12 },
      ],
    },
    {
      name: "a type-only import of the instrumentation sets nothing up",
      code: kafkaApp(`import type { KafkaJsInstrumentationConfig } from '@opentelemetry/instrumentation-kafkajs';
`),
      output: [
        kafkaApp(`import type { KafkaJsInstrumentationConfig } from '@opentelemetry/instrumentation-kafkajs';
`, 1),
        kafkaApp(`import type { KafkaJsInstrumentationConfig } from '@opentelemetry/instrumentation-kafkajs';
`, 2),
      ],
      errors: [
        { messageId: 'sendWithoutContext', line: 10 },
        { messageId: 'handlerWithoutContext', line: 16 },
      ],
    },
    {
      name: "a handler that starts no span but reads the active context (log correlation) is reported too",
      code: `
import { trace } from '@opentelemetry/api';
import type { Consumer } from 'kafkajs';
export async function consume(consumer: Consumer) {
  await consumer.run({
    eachMessage: async ({ message }) => {
      console.log({ traceId: trace.getActiveSpan()?.spanContext().traceId, offset: message.offset });
    },
  });
}`,
      output: `
import { trace, context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
import type { Consumer } from 'kafkajs';
export async function consume(consumer: Consumer) {
  await consumer.run({
    eachMessage: async ({ message }) => {
      const producerContext = propagation.extract(ROOT_CONTEXT, message, {
        get: (carrier, key) => carrier.headers?.[key]?.toString(),
        keys: (carrier) => Object.keys(carrier.headers ?? {}),
      });
      return context.with(producerContext, async () => {
        console.log({ traceId: trace.getActiveSpan()?.spanContext().traceId, offset: message.offset });
      });
    },
  });
}`,
      errors: [{ messageId: 'handlerWithoutContext', line: 6, data: {"transport":"kafkajs eachMessage","slot":"the message headers"} }],
    },
    {
      name: "extracted context ignored: the extracted context is only the span's parent, the handler runs in trace.setSpan(context.active(), span)",
      code: `
import { context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('consumer');
export function traced(handler: (msg: { headers: Record<string, string> }) => Promise<void>) {
  return async (msg: { headers: Record<string, string> }) => {
    const producerContext = propagation.extract(ROOT_CONTEXT, msg.headers);
    const span = tracer.startSpan('orders process', {}, producerContext);
    try {
      return await context.with(trace.setSpan(context.active(), span), () => handler(msg));
    } finally {
      span.end();
    }
  };
}`,
      output: `
import { context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('consumer');
export function traced(handler: (msg: { headers: Record<string, string> }) => Promise<void>) {
  return async (msg: { headers: Record<string, string> }) => {
    const producerContext = propagation.extract(ROOT_CONTEXT, msg.headers);
    const span = tracer.startSpan('orders process', {}, producerContext);
    try {
      return await context.with(trace.setSpan(producerContext, span), () => handler(msg));
    } finally {
      span.end();
    }
  };
}`,
      errors: [{ messageId: 'extractedContextIgnored', data: { extracted: 'producerContext', span: 'span' }, line: 9, column: 47, endLine: 9, endColumn: 63 }],
    },
    {
      name: 'extracted context ignored: the handler context held in a variable, CommonJS namespace require',
      filename: 'file.js',
      code: `
const api = require('@opentelemetry/api');
const tracer = api.trace.getTracer('consumer');
exports.wrap = function wrap(original) {
  return function patched(message) {
    const parentContext = api.propagation.extract(api.ROOT_CONTEXT, message.properties.headers);
    const span = tracer.startSpan('deliver', { kind: api.SpanKind.CONSUMER }, parentContext);
    const handlerContext = api.trace.setSpan(api.context.active(), span);
    try {
      return api.context.with(handlerContext, () => original.apply(this, arguments));
    } finally {
      span.end();
    }
  };
};`,
      output: `
const api = require('@opentelemetry/api');
const tracer = api.trace.getTracer('consumer');
exports.wrap = function wrap(original) {
  return function patched(message) {
    const parentContext = api.propagation.extract(api.ROOT_CONTEXT, message.properties.headers);
    const span = tracer.startSpan('deliver', { kind: api.SpanKind.CONSUMER }, parentContext);
    const handlerContext = api.trace.setSpan(parentContext, span);
    try {
      return api.context.with(handlerContext, () => original.apply(this, arguments));
    } finally {
      span.end();
    }
  };
};`,
      errors: [{ messageId: 'extractedContextIgnored', data: { extracted: 'parentContext', span: 'span' }, line: 8, column: 46, endLine: 8, endColumn: 66 }],
    },
    {
      name: "extracted context ignored: the span comes from the file's own helper handed the extracted context (aspecto kafkajs shape)",
      code: `
import { context, propagation, ROOT_CONTEXT, trace, type Context, type Span } from '@opentelemetry/api';
declare function startConsumerSpan(topic: string, parent: Context): Span;
export function patchEachMessage(original: (payload: { topic: string; headers: Record<string, string> }) => Promise<void>) {
  return function (this: unknown, payload: { topic: string; headers: Record<string, string> }): Promise<void> {
    const propagatedContext: Context = propagation.extract(ROOT_CONTEXT, payload.headers);
    const span = startConsumerSpan(payload.topic, propagatedContext);
    return context.with(trace.setSpan(context.active(), span), () => original.call(this, payload)).finally(() => span.end());
  };
}`,
      output: `
import { context, propagation, ROOT_CONTEXT, trace, type Context, type Span } from '@opentelemetry/api';
declare function startConsumerSpan(topic: string, parent: Context): Span;
export function patchEachMessage(original: (payload: { topic: string; headers: Record<string, string> }) => Promise<void>) {
  return function (this: unknown, payload: { topic: string; headers: Record<string, string> }): Promise<void> {
    const propagatedContext: Context = propagation.extract(ROOT_CONTEXT, payload.headers);
    const span = startConsumerSpan(payload.topic, propagatedContext);
    return context.with(trace.setSpan(propagatedContext, span), () => original.call(this, payload)).finally(() => span.end());
  };
}`,
      errors: [{ messageId: 'extractedContextIgnored', data: { extracted: 'propagatedContext', span: 'span' }, line: 8, column: 39, endLine: 8, endColumn: 55 }],
    },
    {
      name: 'extracted context ignored: extracted inline as the parent (reported, no fix: nothing holds the extracted context)',
      code: `
import { context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('consumer');
export function handle(headers: Record<string, string>, work: () => void) {
  const span = tracer.startSpan('process', {}, propagation.extract(ROOT_CONTEXT, headers));
  context.with(trace.setSpan(context.active(), span), work);
  span.end();
}`,
      output: null,
      errors: [{ messageId: 'extractedContextIgnored', data: { extracted: 'propagation.extract(..)', span: 'span' }, line: 6, column: 30, endLine: 6, endColumn: 46 }],
    },
    {
      name: 'extracted context ignored: extracted and never used, the span starts from the ambient context (reported, no fix: the span needs the parent too)',
      code: `
import { context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
const tracer = trace.getTracer('consumer');
export function handle(headers: Record<string, string>, work: () => void) {
  const remote = propagation.extract(ROOT_CONTEXT, headers);
  const span = tracer.startSpan('process');
  context.with(trace.setSpan(context.active(), span), work);
  span.end();
}`,
      output: null,
      errors: [{ messageId: 'extractedContextIgnored', data: { extracted: 'remote', span: 'span' }, line: 7, column: 30, endLine: 7, endColumn: 46 }],
    },
    {
      name: 'the file declares its own propagation: the fix imports it as otelPropagation',
      code: `
import { trace } from '@opentelemetry/api';
import { Worker } from 'node:worker_threads';
const propagation = 'eager';
const worker = new Worker('./resize.js');
export function resize(id: string) {
  trace.getTracer('a').startActiveSpan('resize', (span) => {
    worker.postMessage({ id, propagation });
    span.end();
  });
}`,
      output: `
import { trace, context, propagation as otelPropagation } from '@opentelemetry/api';
import { Worker } from 'node:worker_threads';
const propagation = 'eager';
const worker = new Worker('./resize.js');
export function resize(id: string) {
  trace.getTracer('a').startActiveSpan('resize', (span) => {
    const traceCarrier: Record<string, string> = {};
    otelPropagation.inject(context.active(), traceCarrier);
    worker.postMessage({ id, propagation, ...traceCarrier });
    span.end();
  });
}`,
      errors: [{ messageId: 'sendWithoutContext', line: 8, column: 5, endLine: 8, endColumn: 23 }],
    },
    {
      name: "the handler's nested callback declares producerContext: the extracted context is producerContext2",
      code: `
import { trace } from '@opentelemetry/api';
process.on('message', (message) => {
  [message].forEach((producerContext) => trace.getTracer('child').startSpan(String(producerContext)).end());
});`,
      output: `
import { trace, context, propagation } from '@opentelemetry/api';
process.on('message', (message) => {
  const producerContext2 = propagation.extract(context.active(), message);
  return context.with(producerContext2, () => {
    [message].forEach((producerContext) => trace.getTracer('child').startSpan(String(producerContext)).end());
  });
});`,
      errors: [{ messageId: 'handlerWithoutContext', line: 3, column: 1, endLine: 3, endColumn: 11 }],
    },
    {
      name: "a module-level producerContext is visible in the handler (unused there): the extracted context is producerContext2",
      code: `
import { trace } from '@opentelemetry/api';
export const producerContext = 'parent-process';
process.on('message', (message) => trace.getTracer('child').startSpan(String(message)).end());`,
      output: `
import { trace, context, propagation } from '@opentelemetry/api';
export const producerContext = 'parent-process';
process.on('message', (message) => {
  const producerContext2 = propagation.extract(context.active(), message);
  return context.with(producerContext2, () => trace.getTracer('child').startSpan(String(message)).end());
});`,
      errors: [{ messageId: 'handlerWithoutContext', line: 4, column: 1, endLine: 4, endColumn: 11 }],
    },
  ],
});

// The consumer context built on the ambient context (issue #11, family 1):
// a consumer extracts onto context.active() instead of ROOT_CONTEXT. Runtime truth:
// bench/real-world/ambient-at-delivery.mjs; runtime proof of the fix: fixture
// fixtures/require-context-propagation/consumer-extract-onto-ambient.
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
