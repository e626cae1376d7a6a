// The traced HTTP server of bench/doctor-http.mjs. With BENCH_REGISTER=1 it registers the real SDK
// itself (BasicTracerProvider with a batch processor to an exporter that drops spans, the
// AsyncLocalStorage context manager), as an instrumented service does; without it, it uses only
// @opentelemetry/api (under the doctor, the doctor's fallback SDK records the spans).
import http from 'node:http';
import { context, trace } from '@opentelemetry/api';

if (process.env.BENCH_REGISTER === '1') {
  const { BasicTracerProvider, BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
  const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
  const exporter = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {} };
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter)] }));
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
}

const tracer = trace.getTracer('bench-server');

function loadUser(id) {
  return tracer.startActiveSpan('db.select', async (span) => {
    try {
      await new Promise((resolve) => setImmediate(resolve));
      return { id, name: `user ${id}` };
    } finally {
      span.end();
    }
  });
}

const server = http.createServer((req, res) => {
  // the bench reads the server's CPU time around its measured load (not traced, not counted)
  if (req.url === '/__cpu') {
    const { user, system } = process.cpuUsage();
    res.end(JSON.stringify({ cpuMicros: user + system }));
    return;
  }
  tracer.startActiveSpan(`GET /users/:id`, async (span) => {
    res.on('finish', () => span.end());
    const user = await loadUser(req.url.slice(7));
    const render = tracer.startSpan('render');
    let body;
    try {
      body = JSON.stringify(user);
    } finally {
      render.end();
    }
    res.setHeader('content-type', 'application/json');
    res.end(body);
  });
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
