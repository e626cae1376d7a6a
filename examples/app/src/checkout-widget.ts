// Browser code: under the web SDK's default StackContextManager, deferred work loses the
// click's context. (The recommended preset targets Node; lint this file with
// settings['otel-context'].contextManager = 'stack' to see it.)
import { tracer } from './tracing.js';

export function onCheckoutClick(cartId: string): void {
  tracer.startActiveSpan('checkout.click', (span) => {
    span.setAttribute('cart.id', cartId);
    setTimeout(() => tracer.startSpan('analytics.send').end(), 0);
    span.end();
  });
}
