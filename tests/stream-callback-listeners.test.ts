/**
 * Measured semantics behind no-unbound-listener's check for files with no tracing
 * (core/analysis/stream-callbacks.ts; issue 11, listener family: multer, raw-body): a caller's
 * callback called from a listener on a stream the function received or piped a received stream
 * into. With the real SDK, a real `http` server and no http instrumentation (what a library sees
 * under a bare AsyncLocalStorage manager: nobody binds the request emitter), a request handled
 * inside its own span:
 * - the request stream's `data`/`end` listeners, registered inside the span, run outside it (the
 *   events come from the connection's socket): the callback's span becomes a root;
 * - the same through a parser the request is piped into (a `Writable`'s `finish`);
 * - `AsyncResource.bind(listener)` keeps the span (the fix);
 * - near misses: a `Readable` made and fed inside the span keeps it (so emitters the function
 *   makes itself are not reported), and one fed from another context runs in that context.
 */
import { trace } from '@opentelemetry/api';
import { AsyncResource } from 'node:async_hooks';
import http from 'node:http';
import type { IncomingMessage } from 'node:http';
import { Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { captureTrace, checkExpectations } from '../harness/index.js';

const tracer = trace.getTracer('stream-callbacks');
type Done = (err: Error | null, size?: number) => void;

/** raw-body's shape: the caller's callback called from the received stream's listeners. */
function readBody(stream: IncomingMessage, done: Done, bind: boolean): void {
  let size = 0;
  const onData = (chunk: Buffer) => {
    size += chunk.length;
  };
  const onEnd = () => done(null, size);
  stream.on('data', onData);
  stream.on('end', bind ? AsyncResource.bind(onEnd) : onEnd);
}

/** multer's shape: the caller's callback called from a parser the request is piped into. */
function parse(req: IncomingMessage, next: Done, bind: boolean): void {
  const parser = new Writable({
    write(_chunk, _encoding, callback) {
      setImmediate(callback);
    },
  });
  const onFinish = () => next(null);
  parser.on('finish', bind ? AsyncResource.bind(onFinish) : onFinish);
  req.pipe(parser);
}

/** Two POST requests with a body sent in two parts; each is handled inside `POST <path> <id>`. */
async function serve(path: string, handle: (req: IncomingMessage, done: Done) => void): Promise<void> {
  const server = http.createServer((req, res) => {
    const id = String(req.headers['x-id']);
    tracer.startActiveSpan(`POST ${path} ${id}`, (span) => {
      handle(req, (err) => {
        tracer.startSpan(`body.read ${id}`).end();
        res.end(err ? 'error' : 'ok');
        span.end();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const post = (id: string) =>
    new Promise<void>((resolve, reject) => {
      const request = http.request({ port, host: '127.0.0.1', path, method: 'POST', headers: { 'x-id': id } }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      request.on('error', reject);
      request.write('a'.repeat(64));
      setTimeout(() => request.end('b'), 10);
    });
  try {
    await Promise.all([post('A'), post('B')]);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

const linked = (path: string) => [
  { span: 'body.read A', parent: `POST ${path} A` },
  { span: 'body.read B', parent: `POST ${path} B` },
];

describe.each(['async-local-storage', 'async-hooks'] as const)('under %s', (contextManager) => {
  it("a received request stream's listeners run outside the request's span; AsyncResource.bind(listener) keeps it", async () => {
    const before = await captureTrace(() => serve('/raw', (req, done) => readBody(req, done, false)), { contextManager });
    expect(before.timedOut).toBe(false);
    const roots = before.spans.filter((s) => s.name.startsWith('body.read') && s.parentSpanId === undefined);
    expect(roots.map((s) => s.name).sort()).toEqual(['body.read A', 'body.read B']);
    expect(checkExpectations(before, linked('/raw')).failures).toHaveLength(2);
    const after = await captureTrace(() => serve('/raw', (req, done) => readBody(req, done, true)), { contextManager });
    expect(checkExpectations(after, linked('/raw')).failures).toEqual([]);
  });

  it("a parser the request is piped into emits outside the request's span; AsyncResource.bind(listener) keeps it", async () => {
    const before = await captureTrace(() => serve('/upload', (req, next) => parse(req, next, false)), { contextManager });
    expect(before.timedOut).toBe(false);
    expect(checkExpectations(before, linked('/upload')).failures).toHaveLength(2);
    const after = await captureTrace(() => serve('/upload', (req, next) => parse(req, next, true)), { contextManager });
    expect(checkExpectations(after, linked('/upload')).failures).toEqual([]);
  });

  it('near miss: a Readable made and fed inside the span emits inside it; one fed from another span emits in that one', async () => {
    const captured = await captureTrace(
      async () => {
        await tracer.startActiveSpan('own', async (span) => {
          const own = new Readable({ read() {} });
          const ended = new Promise<void>((resolve) => own.on('end', () => { tracer.startSpan('own.end').end(); resolve(); }));
          own.resume();
          setTimeout(() => { own.push('x'); own.push(null); }, 5);
          await ended;
          span.end();
        });
        const shared = new Readable({ read() {} });
        const ended = tracer.startActiveSpan('reader', (span) => new Promise<void>((resolve) => {
          shared.on('end', () => { tracer.startSpan('shared.end').end(); span.end(); resolve(); });
          shared.resume();
        }));
        tracer.startActiveSpan('feeder', (span) => {
          setTimeout(() => { shared.push('x'); shared.push(null); span.end(); }, 5);
        });
        await ended;
      },
      { contextManager },
    );
    expect(checkExpectations(captured, [{ span: 'own.end', parent: 'own' }, { span: 'shared.end', parent: 'feeder' }]).failures).toEqual([]);
  });
});
