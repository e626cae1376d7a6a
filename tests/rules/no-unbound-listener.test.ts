import rule from '../../rules/no-unbound-listener.js';
import { createRuleTester, under } from '../rule-tester.js';

const ruleTester = createRuleTester();

const RUNS_IN_EMITTER = 'listenerRunsInEmitterContext' as const;
const PERSISTENT = 'persistentListenerKeepsRequest' as const;

ruleTester.run('no-unbound-listener', rule, {
  valid: [
    {
      name: 'an emitter bound with context.bind(ctx, emitter) before the listener is added: the API patched it, every later listener runs in ctx',
      code: `
import { context, trace } from '@opentelemetry/api';
import { connect } from 'node:net';
export function createClient(port: number) {
  const socket = connect(port);
  return {
    send(msg: string) {
      trace.getTracer('rpc').startActiveSpan('rpc.send', (span) => {
        context.bind(context.active(), socket);
        socket.once('data', () => onReply(span));
        socket.write(msg);
      });
    },
  };
}`,
    },
    {
      name: 'stack: listeners whose behaviour does not depend on the context (span methods, errors, console, assert, removal; also by name)',
      settings: under('stack'),
      code: `
import { context, trace } from '@opentelemetry/api';
import * as assert from 'node:assert';
import type { Socket } from 'node:net';
const tracer = trace.getTracer('t');
export function connect(socket: Socket) {
  const span = tracer.startSpan('connect');
  context.with(trace.setSpan(context.active(), span), () => {
    const onDone = () => span.end();
    socket.once('connect', onDone);
    socket.once('error', (e: Error) => { span.recordException(e); socket.removeListener('connect', onDone); });
    socket.once('end', () => { console.log(socket.remoteAddress); });
    socket.once('close', () => { assert.strictEqual(socket.destroyed, true); });
    return new Promise<void>((resolve, reject) => socket.once('timeout', () => reject(new Error('timed out'))));
  });
}`,
    },
    {
      name: 'in a never-activated span region, a listener that does traced work belongs to no-inactive-parent-span',
      code: `
import { trace } from '@opentelemetry/api';
import { EventEmitter } from 'node:events';
const tracer = trace.getTracer('a');
const bus = new EventEmitter();
export function handle() {
  const span = tracer.startSpan('parent');
  bus.on('done', () => tracer.startSpan('child').end());
  span.end();
}`,
    },
    {
      name: 'emitter created in the same scope emits in the right context under async-local-storage (12d)',
      code: `
import { trace } from '@opentelemetry/api';
import { createReadStream } from 'node:fs';
const tracer = trace.getTracer('files');
export function checksum(path: string) {
  tracer.startActiveSpan('checksum', (span) => {
    const stream = createReadStream(path);
    stream.on('end', () => { tracer.startSpan('checksum.done').end(); span.end(); });
  });
}`,
    },
    {
      name: 'the request being handled (a parameter) emits in its own context',
      code: `
import { trace } from '@opentelemetry/api';
import type { IncomingMessage } from 'node:http';
const tracer = trace.getTracer('http');
export function handle(req: IncomingMessage) {
  tracer.startActiveSpan('POST /upload', (span) => {
    req.on('end', () => { tracer.startSpan('upload.store').end(); span.end(); });
  });
}`,
    },
    {
      name: 'startup listener on a process-wide bus is not in traced code (5d: the emitter context is wanted)',
      code: `
import { trace } from '@opentelemetry/api';
import { EventEmitter } from 'node:events';
const tracer = trace.getTracer('audit');
export const bus = new EventEmitter();
bus.on('order.placed', () => tracer.startSpan('audit.write').end());`,
    },
    {
      name: 'already bound listener',
      code: `
import { context, trace } from '@opentelemetry/api';
import { EventEmitter } from 'node:events';
const bus = new EventEmitter();
trace.getTracer('a').startActiveSpan('job', (span) => {
  bus.once('done', context.bind(context.active(), () => span.end()));
});`,
    },
    {
      name: 'a listener that only settles a promise does not depend on its context',
      code: `
import { trace } from '@opentelemetry/api';
import { EventEmitter } from 'node:events';
const bus = new EventEmitter();
trace.getTracer('a').startActiveSpan('job', async (span) => {
  await new Promise((resolve, reject) => { bus.once('ready', resolve); bus.once('error', (e) => reject(e)); });
  span.end();
});`,
    },
    {
      name: 'zone: zone.js runs a listener in its registration zone (5a, 5b linked)',
      settings: under('zone'),
      code: `
import { trace } from '@opentelemetry/api';
import { EventEmitter } from 'node:events';
const bus = new EventEmitter();
trace.getTracer('a').startActiveSpan('job', (span) => {
  bus.on('tick', () => trace.getTracer('a').startSpan('tick').end());
  span.end();
});`,
    },
    {
      name: 'a listener object is not a function to bind',
      code: `
import { trace } from '@opentelemetry/api';
const shutdown = new AbortController();
trace.getTracer('a').startActiveSpan('job', (span) => {
  shutdown.signal.addEventListener('abort', { handleEvent: () => span.end() });
});`,
    },
    {
      name: 'a local object with an on method, outside traced code',
      code: `
import { EventEmitter } from 'node:events';
const bus = new EventEmitter();
export function wire() { bus.on('x', () => console.log('x')); }`,
    },
    {
      name: 'a persistent listener that uses nothing of the request runs in each emitter\'s context, like a startup listener (5d): binding would pin later events to this trace',
      code: `
import { trace } from '@opentelemetry/api';
import { EventEmitter } from 'node:events';
const bus = new EventEmitter();
const onTick = () => trace.getTracer('a').startSpan('tick').end();
trace.getTracer('a').startActiveSpan('job', (span) => {
  bus.on('tick', onTick);
  bus.addListener('order.placed', () => trace.getTracer('a').startSpan('audit.write').end());
  span.end();
});
export function stop() { bus.off('tick', onTick); }`,
    },
    {
      name: 'a persistent listener on an emitter kept by a factory uses only the emitter, not the request',
      code: `
import { trace } from '@opentelemetry/api';
import { connect } from 'node:net';
export function createClient(port: number) {
  const socket = connect(port);
  return {
    send(msg: string) {
      trace.getTracer('rpc').startActiveSpan('rpc.send', (span) => {
        socket.on('drain', () => socket.write(''));
        socket.write(msg);
        span.end();
      });
    },
  };
}`,
    },
  ],
  invalid: [
    {
      name: 'module-level bus, listener added in a request (5a: wrong parent)',
      code: `
import { trace } from '@opentelemetry/api';
import { EventEmitter } from 'node:events';
const tracer = trace.getTracer('orders');
const bus = new EventEmitter();
export function placeOrder(id: string) {
  tracer.startActiveSpan('POST /orders', (span) => {
    bus.once('order.confirmed', () => { tracer.startSpan('email.send').end(); span.end(); });
  });
}`,
      output: `
import { trace, context } from '@opentelemetry/api';
import { EventEmitter } from 'node:events';
const tracer = trace.getTracer('orders');
const bus = new EventEmitter();
export function placeOrder(id: string) {
  tracer.startActiveSpan('POST /orders', (span) => {
    bus.once('order.confirmed', context.bind(context.active(), () => { tracer.startSpan('email.send').end(); span.end(); }));
  });
}`,
      errors: [
        {
          messageId: RUNS_IN_EMITTER,
          data: { event: 'order.confirmed', emitter: 'bus', lifetime: 'a module-level emitter' },
          line: 8, column: 33, endLine: 8, endColumn: 92,
        },
      ],
    },
    {
      name: 'class member socket opened at startup (12e: orphaned), CommonJS require extended',
      code: `
const { trace } = require('@opentelemetry/api');
const net = require('node:net');
class Client {
  socket = net.connect(6379);
  get(key, cb) {
    trace.getTracer('redis').startActiveSpan('GET', (span) => {
      this.socket.once('data', (data) => { span.end(); cb(data); });
      this.socket.write(key);
    });
  }
}
module.exports = { Client };`,
      output: `
const { trace, context } = require('@opentelemetry/api');
const net = require('node:net');
class Client {
  socket = net.connect(6379);
  get(key, cb) {
    trace.getTracer('redis').startActiveSpan('GET', (span) => {
      this.socket.once('data', context.bind(context.active(), (data) => { span.end(); cb(data); }));
      this.socket.write(key);
    });
  }
}
module.exports = { Client };`,
      errors: [
        {
          messageId: RUNS_IN_EMITTER,
          data: { event: 'data', emitter: 'this.socket', lifetime: 'a class member' },
          line: 8, column: 32, endLine: 8, endColumn: 67,
        },
      ],
    },
    {
      name: 'AbortSignal of a module-level controller (5e), named listener, namespace import',
      code: `
import * as api from '@opentelemetry/api';
const shutdown = new AbortController();
function onAbort() { api.trace.getTracer('jobs').startSpan('job.cancelled').end(); }
export function runJob() {
  api.trace.getTracer('jobs').startActiveSpan('job', (span) => {
    shutdown.signal.addEventListener('abort', onAbort);
    span.end();
  });
}`,
      output: `
import * as api from '@opentelemetry/api';
const shutdown = new AbortController();
function onAbort() { api.trace.getTracer('jobs').startSpan('job.cancelled').end(); }
export function runJob() {
  api.trace.getTracer('jobs').startActiveSpan('job', (span) => {
    shutdown.signal.addEventListener('abort', api.context.bind(api.context.active(), onAbort));
    span.end();
  });
}`,
      errors: [
        {
          messageId: RUNS_IN_EMITTER,
          data: { event: 'abort', emitter: 'shutdown.signal', lifetime: 'a module-level emitter' },
          line: 7, column: 47, endLine: 7, endColumn: 54,
        },
      ],
    },
    {
      name: 'process and an imported singleton; a connection taken from a pool: one-shot waits are bound',
      code: `
import { context, trace } from '@opentelemetry/api';
import { pool, events } from './db.js';
export async function handle(id: string) {
  await trace.getTracer('a').startActiveSpan('job', async (span) => {
    process.once('beforeExit', () => flush(span));
    events.on(\`reconnect:\${id}\`, () => trace.getTracer('a').startSpan('db.reconnect').end());
    const conn = await pool.acquire();
    conn.on('end', (n: unknown) => log(n));
  });
}`,
      output: `
import { context, trace } from '@opentelemetry/api';
import { pool, events } from './db.js';
export async function handle(id: string) {
  await trace.getTracer('a').startActiveSpan('job', async (span) => {
    process.once('beforeExit', context.bind(context.active(), () => flush(span)));
    events.on(\`reconnect:\${id}\`, context.bind(context.active(), () => trace.getTracer('a').startSpan('db.reconnect').end()));
    const conn = await pool.acquire();
    conn.on('end', context.bind(context.active(), (n: unknown) => log(n)));
  });
}`,
      errors: [
        { messageId: RUNS_IN_EMITTER, data: { event: 'beforeExit', emitter: 'process', lifetime: 'the process-wide emitter' }, line: 6, column: 32, endLine: 6, endColumn: 49 },
        { messageId: RUNS_IN_EMITTER, data: { event: '`reconnect:${id}`', emitter: 'events', lifetime: 'an imported emitter' }, line: 7, column: 34, endLine: 7, endColumn: 92 },
        { messageId: RUNS_IN_EMITTER, data: { event: 'end', emitter: 'conn', lifetime: 'a pooled connection' }, line: 9, column: 20, endLine: 9, endColumn: 42 },
      ],
    },
    {
      name: 'a persistent listener that uses the request\'s state: reported without a fix (binding would pin later events of other requests to this trace)',
      code: `
import { trace } from '@opentelemetry/api';
import { EventEmitter } from 'node:events';
const tracer = trace.getTracer('orders');
const bus = new EventEmitter();
export function placeOrder(orderId: string) {
  tracer.startActiveSpan('POST /orders', (span) => {
    bus.on('payment.settled', () => { tracer.startSpan('order.ship').end(); span.addEvent('shipped', { orderId }); });
    span.end();
  });
}`,
      output: null,
      errors: [
        {
          messageId: PERSISTENT,
          data: { event: 'payment.settled', emitter: 'bus', lifetime: 'a module-level emitter', name: 'span' },
          line: 8, column: 31, endLine: 8, endColumn: 117,
        },
      ],
    },
    {
      name: 'an on() removed when the awaited reply arrives is a one-shot wait: bound where the listener is declared, so off() still matches',
      code: `
import { trace } from '@opentelemetry/api';
import { EventEmitter } from 'node:events';
const tracer = trace.getTracer('rpc');
export const replies = new EventEmitter();
export function call(id: string): Promise<string> {
  return tracer.startActiveSpan('rpc.call', (span) => new Promise<string>((resolve) => {
    const onReply = (replyId: string, body: string) => {
      if (replyId !== id) return;
      replies.off('reply', onReply);
      tracer.startSpan('rpc.decode').end();
      span.end();
      resolve(body);
    };
    replies.on('reply', onReply);
  }));
}`,
      output: `
import { trace, context } from '@opentelemetry/api';
import { EventEmitter } from 'node:events';
const tracer = trace.getTracer('rpc');
export const replies = new EventEmitter();
export function call(id: string): Promise<string> {
  return tracer.startActiveSpan('rpc.call', (span) => new Promise<string>((resolve) => {
    const onReply = context.bind(context.active(), (replyId: string, body: string) => {
      if (replyId !== id) return;
      replies.off('reply', onReply);
      tracer.startSpan('rpc.decode').end();
      span.end();
      resolve(body);
    });
    replies.on('reply', onReply);
  }));
}`,
      errors: [{ messageId: RUNS_IN_EMITTER, data: { event: 'reply', emitter: 'replies', lifetime: 'a module-level emitter' }, line: 15, column: 25, endLine: 15, endColumn: 32 }],
    },
    {
      name: 'addEventListener with { once: true } on a module-level EventTarget is a one-shot wait',
      code: `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('web');
const channel = new EventTarget();
export function send() {
  tracer.startActiveSpan('send', (span) => {
    channel.addEventListener('ack', () => { tracer.startSpan('ack').end(); span.end(); }, { once: true });
  });
}`,
      output: `
import { trace, context } from '@opentelemetry/api';
const tracer = trace.getTracer('web');
const channel = new EventTarget();
export function send() {
  tracer.startActiveSpan('send', (span) => {
    channel.addEventListener('ack', context.bind(context.active(), () => { tracer.startSpan('ack').end(); span.end(); }), { once: true });
  });
}`,
      errors: [{ messageId: RUNS_IN_EMITTER, data: { event: 'ack', emitter: 'channel', lifetime: 'a module-level emitter' }, line: 7, column: 37, endLine: 7, endColumn: 89 }],
    },
    {
      name: 'near miss, stack: context.bind(ctx, emitter) leaves an emitter untouched under StackContextManager (it binds functions only)',
      settings: under('stack'),
      code: `
import { context, trace } from '@opentelemetry/api';
export function upload(xhr: XMLHttpRequest) {
  trace.getTracer('web').startActiveSpan('upload', (span) => {
    context.bind(context.active(), xhr);
    xhr.addEventListener('load', () => { trace.getTracer('web').startSpan('upload.done').end(); span.end(); });
    xhr.send();
  });
}`,
      output: `
import { context, trace } from '@opentelemetry/api';
export function upload(xhr: XMLHttpRequest) {
  trace.getTracer('web').startActiveSpan('upload', (span) => {
    context.bind(context.active(), xhr);
    xhr.addEventListener('load', context.bind(context.active(), () => { trace.getTracer('web').startSpan('upload.done').end(); span.end(); }));
    xhr.send();
  });
}`,
      errors: [{ messageId: 'listenerLosesContext', data: { event: 'load', emitter: 'xhr', lifetime: 'an emitter' }, line: 6, column: 34, endLine: 6, endColumn: 110 }],
    },
    {
      name: 'stack: even the request emitter emits later from a task with no context (12d orphaned under stack)',
      settings: under('stack'),
      code: `
import { context, trace } from '@opentelemetry/api';
export function upload(xhr: XMLHttpRequest) {
  trace.getTracer('web').startActiveSpan('upload', (span) => {
    xhr.addEventListener('load', () => { trace.getTracer('web').startSpan('upload.done').end(); span.end(); });
    xhr.send();
  });
}`,
      output: `
import { context, trace } from '@opentelemetry/api';
export function upload(xhr: XMLHttpRequest) {
  trace.getTracer('web').startActiveSpan('upload', (span) => {
    xhr.addEventListener('load', context.bind(context.active(), () => { trace.getTracer('web').startSpan('upload.done').end(); span.end(); }));
    xhr.send();
  });
}`,
      errors: [{ messageId: 'listenerLosesContext', data: { event: 'load', emitter: 'xhr', lifetime: 'an emitter' }, line: 5, column: 34, endLine: 5, endColumn: 110 }],
    },
    {
      name: 'async-hooks behaves like async-local-storage; an emitter kept by a factory closure',
      settings: under('async-hooks'),
      code: `
import { context, trace } from '@opentelemetry/api';
import { connect } from 'node:net';
export function createClient(port: number) {
  const socket = connect(port);
  return {
    send(msg: string) {
      trace.getTracer('rpc').startActiveSpan('rpc.send', (span) => {
        socket.once('data', () => onReply(span));
        socket.write(msg);
      });
    },
  };
}`,
      output: `
import { context, trace } from '@opentelemetry/api';
import { connect } from 'node:net';
export function createClient(port: number) {
  const socket = connect(port);
  return {
    send(msg: string) {
      trace.getTracer('rpc').startActiveSpan('rpc.send', (span) => {
        socket.once('data', context.bind(context.active(), () => onReply(span)));
        socket.write(msg);
      });
    },
  };
}`,
      errors: [{ messageId: RUNS_IN_EMITTER, data: { event: 'data', emitter: 'socket', lifetime: 'an emitter kept by an enclosing function' }, line: 9, column: 29, endLine: 9, endColumn: 48 }],
    },
    {
      name: 'near miss: an emitter bound only after the listener was added (context.bind patches later registrations only)',
      code: `
import { context, trace } from '@opentelemetry/api';
import { connect } from 'node:net';
export function createClient(port: number) {
  const socket = connect(port);
  return {
    send(msg: string) {
      trace.getTracer('rpc').startActiveSpan('rpc.send', (span) => {
        socket.once('data', () => onReply(span));
        context.bind(context.active(), socket);
        socket.write(msg);
      });
    },
  };
}`,
      output: `
import { context, trace } from '@opentelemetry/api';
import { connect } from 'node:net';
export function createClient(port: number) {
  const socket = connect(port);
  return {
    send(msg: string) {
      trace.getTracer('rpc').startActiveSpan('rpc.send', (span) => {
        socket.once('data', context.bind(context.active(), () => onReply(span)));
        context.bind(context.active(), socket);
        socket.write(msg);
      });
    },
  };
}`,
      errors: [{ messageId: RUNS_IN_EMITTER, data: { event: 'data', emitter: 'socket', lifetime: 'an emitter kept by an enclosing function' }, line: 9, column: 29, endLine: 9, endColumn: 48 }],
    },
    {
      name: 'a listener inside a callback already bound to its creation context is still in traced code',
      code: `
import { context, trace } from '@opentelemetry/api';
import { EventEmitter } from 'node:events';
const bus = new EventEmitter();
trace.getTracer('a').startActiveSpan('job', (span) => {
  setTimeout(context.bind(context.active(), () => {
    bus.once('done', () => trace.getTracer('a').startSpan('done').end());
  }), 1);
  span.end();
});`,
      output: `
import { context, trace } from '@opentelemetry/api';
import { EventEmitter } from 'node:events';
const bus = new EventEmitter();
trace.getTracer('a').startActiveSpan('job', (span) => {
  setTimeout(context.bind(context.active(), () => {
    bus.once('done', context.bind(context.active(), () => trace.getTracer('a').startSpan('done').end()));
  }), 1);
  span.end();
});`,
      errors: [{ messageId: RUNS_IN_EMITTER, data: { event: 'done', emitter: 'bus', lifetime: 'a module-level emitter' }, line: 7, column: 22, endLine: 7, endColumn: 72 }],
    },
    {
      name: 'ALS-only code binds with AsyncLocalStorage.bind',
      code: `
import { AsyncLocalStorage } from 'node:async_hooks';
import { EventEmitter } from 'node:events';
const requests = new AsyncLocalStorage<{ id: string }>();
const bus = new EventEmitter();
export function handle(id: string) {
  requests.run({ id }, () => {
    bus.once('flushed', () => console.log(requests.getStore()?.id));
  });
}`,
      output: `
import { AsyncLocalStorage } from 'node:async_hooks';
import { EventEmitter } from 'node:events';
const requests = new AsyncLocalStorage<{ id: string }>();
const bus = new EventEmitter();
export function handle(id: string) {
  requests.run({ id }, () => {
    bus.once('flushed', AsyncLocalStorage.bind(() => console.log(requests.getStore()?.id)));
  });
}`,
      errors: [{ messageId: RUNS_IN_EMITTER, data: { event: 'flushed', emitter: 'bus', lifetime: 'a module-level emitter' }, line: 8, column: 25, endLine: 8, endColumn: 67 }],
    },
    {
      name: 'the emitter in the message: cut to 37 characters and ... when longer than 40, whole at 40',
      code: `
import { trace } from '@opentelemetry/api';
import { EventEmitter } from 'node:events';
const tracer = trace.getTracer('orders');
const orderConfirmationNotificationsBusForTheApp = new EventEmitter();
const orderConfirmationNotificationsBusForApps = new EventEmitter();
export function placeOrder(id: string) {
  tracer.startActiveSpan('POST /orders', (span) => {
    orderConfirmationNotificationsBusForTheApp.once('order.confirmed', () => { tracer.startSpan('email.send').end(); });
    orderConfirmationNotificationsBusForApps.once('order.confirmed', () => { tracer.startSpan('sms.send').end(); });
    span.end();
  });
}`,
      output: [
        `
import { trace, context } from '@opentelemetry/api';
import { EventEmitter } from 'node:events';
const tracer = trace.getTracer('orders');
const orderConfirmationNotificationsBusForTheApp = new EventEmitter();
const orderConfirmationNotificationsBusForApps = new EventEmitter();
export function placeOrder(id: string) {
  tracer.startActiveSpan('POST /orders', (span) => {
    orderConfirmationNotificationsBusForTheApp.once('order.confirmed', context.bind(context.active(), () => { tracer.startSpan('email.send').end(); }));
    orderConfirmationNotificationsBusForApps.once('order.confirmed', () => { tracer.startSpan('sms.send').end(); });
    span.end();
  });
}`,
        `
import { trace, context } from '@opentelemetry/api';
import { EventEmitter } from 'node:events';
const tracer = trace.getTracer('orders');
const orderConfirmationNotificationsBusForTheApp = new EventEmitter();
const orderConfirmationNotificationsBusForApps = new EventEmitter();
export function placeOrder(id: string) {
  tracer.startActiveSpan('POST /orders', (span) => {
    orderConfirmationNotificationsBusForTheApp.once('order.confirmed', context.bind(context.active(), () => { tracer.startSpan('email.send').end(); }));
    orderConfirmationNotificationsBusForApps.once('order.confirmed', context.bind(context.active(), () => { tracer.startSpan('sms.send').end(); }));
    span.end();
  });
}`,
      ],
      errors: [
        { messageId: RUNS_IN_EMITTER, data: { event: 'order.confirmed', emitter: 'orderConfirmationNotificationsBusForT...', lifetime: 'a module-level emitter' }, line: 9, column: 72, endLine: 9, endColumn: 119 },
        { messageId: RUNS_IN_EMITTER, data: { event: 'order.confirmed', emitter: 'orderConfirmationNotificationsBusForApps', lifetime: 'a module-level emitter' }, line: 10, column: 70, endLine: 10, endColumn: 115 },
      ],
    },
  ],
});
