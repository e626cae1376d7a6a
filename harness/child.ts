/**
 * Child-process entry of captureTraceIsolated (run as `node dist/harness/child.js <request-json>`).
 *
 * Order matters: zone.js (for 'zone') is loaded first, then the capture code, and the module under
 * test is imported last, inside the capture, so that it only ever sees the patched globals and the
 * installed context manager. The result goes back over the IPC channel (or, without one, as a
 * marked line on stdout), then the process exits: leftover timers cannot keep it alive.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CapturedTrace, ContextManagerName } from './types.js';

export interface ChildRequest {
  moduleUrl: string;
  exportName: string;
  contextManager: ContextManagerName;
  settleMs?: number;
  timeoutMs?: number;
}

export type ChildResponse =
  | { ok: true; trace: CapturedTrace }
  | { ok: false; name: string; message: string; stack?: string; trace?: CapturedTrace };

/** Prefix of the stdout line carrying the response when there is no IPC channel. */
export const RESULT_MARKER = '@@otel-context-harness-result ';

function pickExport(mod: Record<string, unknown>, name: string, url: string): () => unknown {
  const direct = mod[name];
  if (typeof direct === 'function') return direct as () => unknown;
  const fallback = (mod.default as Record<string, unknown> | undefined)?.[name];
  if (typeof fallback === 'function') return fallback as () => unknown;
  throw new Error(`${url} has no exported function '${name}' (exports: ${Object.keys(mod).join(', ') || 'none'})`);
}

async function run(request: ChildRequest): Promise<ChildResponse> {
  const { loadZone } = await import('./managers.js');
  if (request.contextManager === 'zone') await loadZone();
  const { captureTrace, ScenarioError } = await import('./capture.js');
  try {
    const trace = await captureTrace(
      async () => {
        const mod = (await import(request.moduleUrl)) as Record<string, unknown>;
        await pickExport(mod, request.exportName, request.moduleUrl)();
      },
      { contextManager: request.contextManager, settleMs: request.settleMs, timeoutMs: request.timeoutMs },
    );
    return { ok: true, trace };
  } catch (error) {
    const cause = error instanceof ScenarioError ? error.cause : error;
    const response: ChildResponse = cause instanceof Error
      ? { ok: false, name: cause.name, message: cause.message }
      : { ok: false, name: 'Error', message: String(cause) };
    if (cause instanceof Error && cause.stack) response.stack = cause.stack;
    if (error instanceof ScenarioError) response.trace = error.trace;
    return response;
  }
}

function send(response: ChildResponse): void {
  if (process.send) {
    process.send(response, (error: Error | null) => process.exit(error ? 1 : 0));
  } else {
    process.stdout.write(`${RESULT_MARKER}${JSON.stringify(response)}\n`, () => process.exit(0));
  }
}

const isEntry = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isEntry) {
  let request: ChildRequest;
  try {
    request = JSON.parse(process.argv[2] ?? '') as ChildRequest;
  } catch {
    process.stderr.write('usage: node child.js \'{"moduleUrl":"file:///…","exportName":"scenario","contextManager":"zone"}\'\n');
    process.exit(2);
  }
  run(request).then(send, (error: unknown) => send({ ok: false, name: 'Error', message: String(error) }));
}
