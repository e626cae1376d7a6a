#!/usr/bin/env node
/**
 * Runtime truth for the "consumer context built on the ambient context" family
 * (corpus cases contrib-amqplib-extract-from-active, contrib-lambda-ambient-fallback; see
 * FAMILIES.md, family 1). Under the real OpenTelemetry SDK, the W3C propagator and each Node
 * context manager, it delivers a message WITHOUT trace headers to a consumer callback over a real
 * transport, and prints:
 *   - which span is active in the callback (the ambient context at delivery);
 *   - the parent a CONSUMER span gets when its context is `propagation.extract(context.active(), {})`;
 *   - the parent it gets with `propagation.extract(ROOT_CONTEXT, {})`.
 *
 * Transports: a TCP socket opened inside the first request (a broker connection made lazily, as
 * amqplib/kafkajs clients are), a poll loop started inside a startup span (setTimeout standing for a
 * broker client's fetch loop), an EventEmitter fed from that socket, a worker thread's
 * Worker's replies, and — the near miss — an HTTP server, listening since the root (the documented
 * case: each request starts at the root) and since a startup span (then every request inherits it).
 *
 * Usage: node bench/real-world/ambient-at-delivery.mjs [--json]
 * Exits 1 when a measured outcome differs from the expectation written next to it.
 */
import { EventEmitter } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import { Worker } from 'node:worker_threads';
import { context, propagation, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { AsyncHooksContextManager, AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
trace.setGlobalTracerProvider(provider);
propagation.setGlobalPropagator(new W3CTraceContextPropagator());
const tracer = trace.getTracer('ambient-at-delivery');

/** What a consumer sees for one delivered message without headers. */
function consume(label) {
  const ambient = trace.getSpan(context.active());
  // eslint-disable-next-line otel-context/require-context-propagation -- the defect this script measures
  const fromActive = tracer.startSpan(`${label} (extract onto active)`, { kind: SpanKind.CONSUMER }, propagation.extract(context.active(), {}));
  const fromRoot = tracer.startSpan(`${label} (extract onto root)`, { kind: SpanKind.CONSUMER }, propagation.extract(ROOT_CONTEXT, {}));
  fromActive.end();
  fromRoot.end();
  return { ambient: ambient ? nameOf(ambient) : 'root', fromActive, fromRoot };
}

const names = new Map();
function nameOf(span) {
  return names.get(span.spanContext().spanId) ?? span.spanContext().spanId;
}
function started(name, options) {
  const span = tracer.startSpan(name, options);
  names.set(span.spanContext().spanId, name);
  return span;
}
function parentName(span) {
  const finished = exporter.getFinishedSpans().find((s) => s.spanContext().spanId === span.spanContext().spanId);
  const parentId = finished?.parentSpanContext?.spanId ?? finished?.parentSpanId;
  return parentId ? (names.get(parentId) ?? parentId) : 'root';
}
const report = (label, seen) => ({ transport: label, ambient: seen.ambient, extractOntoActive: parentName(seen.fromActive), extractOntoRoot: parentName(seen.fromRoot) });

/** A broker connection opened lazily inside the first request; the broker pushes a message after the request ended. */
async function socketDelivery() {
  const server = net.createServer((socket) => setTimeout(() => socket.end('message-without-headers'), 20));
  await new Promise((resolve) => server.listen(0, resolve));
  const delivered = new Promise((resolve) => {
    const request = started('POST /first-order');
    context.with(trace.setSpan(context.active(), request), () => {
      const socket = net.connect(server.address().port);
      socket.on('data', () => resolve(consume('socket')));
    });
    request.end();
  });
  const seen = await delivered;
  server.close();
  return report("net socket 'data' (connection opened in a request)", seen);
}

/** An EventEmitter fed from the socket: the consumer listens on the client's emitter. */
async function emitterDelivery() {
  const server = net.createServer((socket) => setTimeout(() => socket.end('m'), 20));
  await new Promise((resolve) => server.listen(0, resolve));
  const client = new EventEmitter();
  const seen = await new Promise((resolve) => {
    client.on('message', () => resolve(consume('emitter')));
    const request = started('GET /subscribe');
    context.with(trace.setSpan(context.active(), request), () => {
      net.connect(server.address().port).on('data', (chunk) => client.emit('message', chunk));
    });
    request.end();
  });
  server.close();
  return report("EventEmitter 'message' fed by that socket", seen);
}

/** A poll loop (a broker client's fetch loop) started inside a startup span. */
async function pollLoopDelivery() {
  const seen = await new Promise((resolve) => {
    const startup = started('startup');
    context.with(trace.setSpan(context.active(), startup), () => {
      let polls = 0;
      const poll = () => {
        polls += 1;
        if (polls === 3) resolve(consume('poll'));
        else setTimeout(poll, 5);
      };
      // eslint-disable-next-line otel-context/no-unbound-timer -- the poll loop inherits the startup span on purpose: that is what is measured
      setTimeout(poll, 5);
    });
    startup.end();
  });
  return report('poll loop (setTimeout) started in a startup span', seen);
}

/**
 * A worker thread created lazily inside a request (a thread pool's first task): its replies are
 * delivered to the parent's 'message' listener in the context the Worker was created in. (Inside
 * the worker, `parentPort.on('message')` runs at the worker's own root: another isolate.)
 */
async function workerDelivery() {
  const source = `
    const { parentPort } = require('node:worker_threads');
    parentPort.on('message', () => setTimeout(() => parentPort.postMessage('got'), 20));
  `;
  let worker;
  const seen = await new Promise((resolve) => {
    const request = started('POST /resize');
    context.with(trace.setSpan(context.active(), request), () => {
      worker = new Worker(source, { eval: true });
      worker.postMessage('go');
    });
    request.end();
    // the listener is added at the root, after the request ended
    context.with(ROOT_CONTEXT, () => worker.on('message', () => resolve(consume('worker reply'))));
  });
  await worker.terminate();
  return report("Worker 'message' (Worker created in a request)", seen);
}

/** The near miss: an HTTP server listening since a startup span; a request arrives from the root. */
async function httpServerDelivery() {
  let resolveSeen;
  const seenPromise = new Promise((resolve) => (resolveSeen = resolve));
  const startup = started('server startup');
  const server = await context.with(trace.setSpan(context.active(), startup), async () => {
    const s = http.createServer((req, res) => {
      resolveSeen(consume('http request'));
      res.end('ok');
    });
    await new Promise((resolve) => s.listen(0, resolve));
    return s;
  });
  startup.end();
  await context.with(ROOT_CONTEXT, () => new Promise((resolve) => http.get(`http://127.0.0.1:${server.address().port}/`, (res) => res.resume().on('end', resolve))));
  const seen = await seenPromise;
  server.close();
  return report('http.createServer request (listen() inside a startup span)', seen);
}

/** The documented case: a server listening at the root; the request comes from a client inside a span (no headers). */
async function httpServerAtRootDelivery() {
  let resolveSeen;
  const seenPromise = new Promise((resolve) => (resolveSeen = resolve));
  const server = http.createServer((req, res) => {
    resolveSeen(consume('http request'));
    res.end('ok');
  });
  await context.with(ROOT_CONTEXT, () => new Promise((resolve) => server.listen(0, resolve)));
  const caller = started('client call');
  await context.with(trace.setSpan(context.active(), caller), () =>
    new Promise((resolve) => http.get(`http://127.0.0.1:${server.address().port}/`, (res) => res.resume().on('end', resolve))),
  );
  caller.end();
  const seen = await seenPromise;
  server.close();
  return report('http.createServer request (listen() at the root)', seen);
}

const EXPECTED = {
  "net socket 'data' (connection opened in a request)": 'POST /first-order',
  "EventEmitter 'message' fed by that socket": 'GET /subscribe',
  'poll loop (setTimeout) started in a startup span': 'startup',
  "Worker 'message' (Worker created in a request)": 'POST /resize',
  // not a consumer slot, but measured: a server that starts listening inside a span hands that span
  // to every request (OpenTelemetry's http instrumentation extracts onto ROOT_CONTEXT for this reason)
  'http.createServer request (listen() inside a startup span)': 'server startup',
  'http.createServer request (listen() at the root)': 'root',
};

const results = [];
for (const [managerName, Manager] of [['async-local-storage', AsyncLocalStorageContextManager], ['async-hooks', AsyncHooksContextManager]]) {
  const manager = new Manager().enable();
  context.setGlobalContextManager(manager);
  for (const run of [socketDelivery, emitterDelivery, pollLoopDelivery, workerDelivery, httpServerDelivery, httpServerAtRootDelivery]) {
    const row = { manager: managerName, ...(await run()) };
    row.asExpected = row.ambient === EXPECTED[row.transport] && row.extractOntoActive === row.ambient && row.extractOntoRoot === 'root';
    results.push(row);
  }
  context.disable();
  exporter.reset();
}

if (process.argv.includes('--json')) {
  console.log(JSON.stringify(results, null, 2));
} else {
  for (const r of results) {
    console.log(`${r.manager.padEnd(20)} ${r.transport.padEnd(62)} ambient=${r.ambient.padEnd(18)} extract(active)->${r.extractOntoActive.padEnd(18)} extract(ROOT)->${r.extractOntoRoot}${r.asExpected ? '' : '   UNEXPECTED'}`);
  }
}
process.exitCode = results.every((r) => r.asExpected) ? 0 : 1;
