/**
 * Why no-unbound-listener never binds a persistent listener (issue 11, family 12), measured with
 * the harness under the real SDK: a listener that request A adds to a process-wide bus and never
 * removes runs for the events of requests B and C too. Unbound, each run lands under the request
 * that emitted (as a listener added at startup does, 5d); bound to A's context — the fix the rule
 * offers one-shot waits — B's and C's runs are pinned into A's ended trace.
 */
import { EventEmitter } from 'node:events';
import { context, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { captureTrace, checkExpectations } from '../harness/index.js';
import type { CapturedTrace, ContextManagerName } from '../harness/index.js';

const tracer = trace.getTracer('persistent-listeners');

async function threeRequests(bind: boolean, contextManager: ContextManagerName): Promise<CapturedTrace> {
  return captureTrace(
    async () => {
      const bus = new EventEmitter();
      let registered = false;
      const placeOrder = (id: string) =>
        tracer.startActiveSpan(`POST /orders ${id}`, (span) => {
          try {
            if (!registered) {
              registered = true;
              const listener = (orderId: string) => tracer.startSpan(`audit.write ${orderId}`).end();
              bus.on('order.placed', bind ? context.bind(context.active(), listener) : listener);
            }
            bus.emit('order.placed', id);
          } finally {
            span.end();
          }
        });
      placeOrder('A');
      await new Promise((resolve) => setTimeout(resolve, 2));
      placeOrder('B');
      placeOrder('C');
    },
    { contextManager },
  );
}

const ownRequests = ['A', 'B', 'C'].map((id) => ({ span: `audit.write ${id}`, parent: `POST /orders ${id}` }));

describe.each(['async-local-storage', 'async-hooks'] as const)('a persistent listener added by request A, under %s', (contextManager) => {
  it('unbound: every event runs under the request that emitted it', async () => {
    const result = checkExpectations(await threeRequests(false, contextManager), ownRequests);
    expect(result.failures).toEqual([]);
  });

  it("bound to A's context: the events of B and C are pinned into A's ended trace", async () => {
    const pinned = ['B', 'C'].map((id) => ({ span: `audit.write ${id}`, parent: 'POST /orders A' }));
    const result = checkExpectations(await threeRequests(true, contextManager), pinned);
    expect(result.failures).toEqual([]);
  });
});
