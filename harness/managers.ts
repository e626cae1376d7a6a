/**
 * Creates the context manager a capture runs under. Every manager package is an optional peer
 * dependency, so each is imported only when asked for.
 */
import type { ContextManager } from '@opentelemetry/api';
import { CONTEXT_MANAGERS, isContextManagerName } from '../core/settings.js';
import type { ContextManagerName } from '../core/settings.js';

export { CONTEXT_MANAGERS, isContextManagerName };

// A variable specifier keeps TypeScript from looking for zone.js types (it ships none for ./node).
const ZONE_NODE = 'zone.js/node';

/** Whether zone.js has been loaded into this process (it cannot be unloaded). */
export function isZoneLoaded(): boolean {
  return typeof (globalThis as { Zone?: unknown }).Zone !== 'undefined';
}

/**
 * Loads `zone.js/node`. From then on the process is patched for good: the global `Promise`,
 * timers, `process.nextTick` and `EventEmitter.prototype` are zone-aware, also for later
 * captures under other managers. Code imported before this call may hold unpatched references.
 */
export async function loadZone(): Promise<void> {
  if (!isZoneLoaded()) await import(ZONE_NODE);
}

const warned = new Set<string>();
function warnOnce(key: string, message: string): void {
  if (warned.has(key)) return;
  warned.add(key);
  process.emitWarning(message, { code: 'OTEL_CONTEXT_HARNESS' });
}

/** A new, not yet enabled instance of the named context manager. */
export async function createContextManager(name: ContextManagerName): Promise<ContextManager> {
  if (!isContextManagerName(name)) {
    throw new Error(`Unknown contextManager ${JSON.stringify(name)}; expected one of ${CONTEXT_MANAGERS.join(', ')}`);
  }
  if (name !== 'zone' && isZoneLoaded()) {
    warnOnce(
      'zone-loaded',
      `zone.js is loaded in this process: captures under '${name}' see zone-patched Promise/timers/EventEmitter ` +
        '(e.g. .then callbacks take the resolver\'s context). Use captureTraceIsolated() for faithful results.',
    );
  }
  switch (name) {
    case 'async-local-storage': {
      const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
      return new AsyncLocalStorageContextManager();
    }
    case 'async-hooks': {
      const { AsyncHooksContextManager } = await import('@opentelemetry/context-async-hooks');
      return new AsyncHooksContextManager();
    }
    case 'stack': {
      const { StackContextManager } = await import('@opentelemetry/sdk-trace-web');
      return new StackContextManager();
    }
    case 'zone': {
      if (!isZoneLoaded()) {
        warnOnce(
          'zone-in-process',
          "captureTrace loaded zone.js/node for a 'zone' capture: this process is now patched for good, and code " +
            'imported before may hold unpatched references. Prefer captureTraceIsolated() for zone captures.',
        );
      }
      await loadZone();
      const { ZoneContextManager } = await import('@opentelemetry/context-zone-peer-dep');
      return new ZoneContextManager();
    }
  }
}
