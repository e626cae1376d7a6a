/**
 * Creates the context manager a capture runs under. Every manager package is an optional peer
 * dependency, so each is imported only when asked for.
 */
import type { ContextManager } from '@opentelemetry/api';
import { CONTEXT_MANAGERS, isContextManagerName } from '../core/settings.js';
import type { ContextManagerName } from '../core/settings.js';

import { importPeer } from './peers.js';

export { CONTEXT_MANAGERS, isContextManagerName };

/** The manager a capture runs under when none is given: Node's default. */
export const DEFAULT_CONTEXT_MANAGER: ContextManagerName = 'async-local-storage';

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
  if (!isZoneLoaded()) await importPeer(() => import(ZONE_NODE), "a 'zone' capture (zone.js patches the process)");
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
    throw new Error(`Unknown contextManager ${JSON.stringify(name)}: pass one of ${CONTEXT_MANAGERS.map((m) => `'${m}'`).join(', ')}`);
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
      const { AsyncLocalStorageContextManager } = await importPeer(() => import('@opentelemetry/context-async-hooks'), "an 'async-local-storage' capture");
      return new AsyncLocalStorageContextManager();
    }
    case 'async-hooks': {
      const { AsyncHooksContextManager } = await importPeer(() => import('@opentelemetry/context-async-hooks'), "an 'async-hooks' capture");
      return new AsyncHooksContextManager();
    }
    case 'stack': {
      const { StackContextManager } = await importPeer(() => import('@opentelemetry/sdk-trace-web'), "a 'stack' capture (StackContextManager)");
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
      const { ZoneContextManager } = await importPeer(() => import('@opentelemetry/context-zone-peer-dep'), "a 'zone' capture (ZoneContextManager)");
      return new ZoneContextManager();
    }
  }
}
