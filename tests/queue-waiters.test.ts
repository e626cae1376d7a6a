/**
 * Measured semantics behind `no-unbound-queued-callback`'s waiter exemption (core/analysis/queues.ts):
 * a waiter parked in a queue as `{ predicate, resolve }` and settled later by whoever drains the
 * queue (here a timer started under another span) resumes the awaiting code in the context of the
 * `await`, not the drainer's, under the managers that carry context across promises. The predicate
 * itself runs in the drainer's context: it tests the delivered value, it starts no work.
 */
import { trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { captureTrace, checkExpectations } from '../harness/index.js';

const tracer = trace.getTracer('queue-waiters');

function scenario(): Promise<void> {
  const waiters: { predicate: (value: number) => boolean; resolve: (value: number) => void }[] = [];
  const waitFor = (predicate: (value: number) => boolean) =>
    new Promise<number>((resolve) => {
      waiters.push({ predicate, resolve });
    });
  const waiting = tracer.startActiveSpan('request', async (span) => {
    try {
      const value = await waitFor((v) => v === 2);
      tracer.startSpan(`after.await.${value}`).end();
    } finally {
      span.end();
    }
  });
  tracer.startActiveSpan('drainer', (span) => {
    setTimeout(() => {
      for (const value of [1, 2]) {
        for (const waiter of waiters.splice(0)) {
          if (waiter.predicate(value)) waiter.resolve(value);
          else waiters.push(waiter);
        }
      }
      span.end();
    }, 5);
  });
  return waiting;
}

describe.each(['async-local-storage', 'async-hooks'] as const)('under %s', (contextManager) => {
  it('a waiter settled by a drainer resumes the awaiting code in its own context', async () => {
    const captured = await captureTrace(scenario, { contextManager });
    expect(captured.timedOut).toBe(false);
    expect(checkExpectations(captured, [{ span: 'after.await.2', parent: 'request' }, { noUnhandledRejections: true }]).failures).toEqual([]);
    // the near miss: the drainer's span exists and is not the parent
    expect(captured.spans.some((s) => s.name === 'drainer')).toBe(true);
  });
});
