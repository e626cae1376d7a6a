// The HTTP handler for GET /orders. It records a metric and, on the first request, starts the
// metrics flusher: under AsyncLocalStorage every later flush joins this first request's trace.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { flush, record, stopFlusher } from './metrics.js';
import { tracer } from './tracing.js';

let flusher: ReturnType<typeof setInterval> | undefined;

export function handleGetOrders(req: IncomingMessage, res: ServerResponse): void {
  tracer.startActiveSpan('GET /orders', (span) => {
    record(`orders.list ${req.url ?? '/'}`);
    if (!flusher) {
      flusher = setInterval(() => flush(), 20);
    }
    res.setHeader('content-type', 'application/json');
    res.end('[]');
    span.end();
  });
}

export function shutdown(): void {
  clearInterval(flusher);
  flusher = undefined;
  stopFlusher();
}
