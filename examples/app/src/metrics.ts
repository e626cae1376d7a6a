// Batches metric points and flushes them every few milliseconds. The flusher is started lazily,
// by the first request that records a point.
import { tracer } from './tracing.js';

const points: string[] = [];
let flusher: ReturnType<typeof setInterval> | undefined;

export function record(point: string): void {
  points.push(point);
}

export function flush(): void {
  tracer.startActiveSpan('metrics.flush', (span) => {
    span.setAttribute('metrics.points', points.splice(0).length);
    span.end();
  });
}

export function ensureFlusher(intervalMs: number): void {
  if (!flusher) flusher = setInterval(() => flush(), intervalMs);
}

export function stopFlusher(): void {
  clearInterval(flusher);
  flusher = undefined;
}
