// The app's tracer. The SDK (provider, context manager, exporter) is set up by whoever runs the
// app: in production the NodeSDK, in the demo the plugin's test harness.
import { trace } from '@opentelemetry/api';

export const tracer = trace.getTracer('orders-service');
