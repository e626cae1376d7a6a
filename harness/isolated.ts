/**
 * captureTraceIsolated: the same capture, in a fresh `node` process per call.
 *
 * Needed for 'zone' (zone.js patches Promise, timers and EventEmitter for good once loaded, and
 * must be loaded before the code under test) and for anything that must not leak into the test
 * process. The child entry is always the compiled `child.js`:
 *  - running from dist/ (the published package): `child.js` sits next to this module;
 *  - running from the TypeScript sources (vitest): Node 20 cannot run `.ts`, so the child is
 *    `<project>/dist/harness/child.js` from `npm run build` (`npm test` builds first). A missing or
 *    stale build is a clear error rather than silently running old code.
 */
import { fork } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DEFAULT_TIMEOUT_MS, ScenarioError } from './capture.js';
import type { ChildRequest, ChildResponse } from './child.js';
import { RESULT_MARKER } from './child.js';
import { CONTEXT_MANAGERS, DEFAULT_CONTEXT_MANAGER, isContextManagerName } from './managers.js';
import type { CapturedTrace, IsolatedCaptureOptions } from './types.js';

/** Extra time the child gets beyond `timeoutMs` (process start, imports) before it is killed. */
const STARTUP_GRACE_MS = 30_000;
const TAIL = 8_000;

function newestMtime(dir: string, ext: string): number {
  return Math.max(0, ...readdirSync(dir).filter((f) => f.endsWith(ext)).map((f) => statSync(join(dir, f)).mtimeMs));
}

/** Path of the compiled child entry (see the file comment). */
export function childEntryPath(): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) return join(dirname(here), 'child.js');
  const sources = dirname(here);
  const built = resolve(sources, '../dist/harness/child.js');
  if (!existsSync(built)) {
    throw new Error(`captureTraceIsolated needs the compiled child entry ${built}: run \`npm run build\` first.`);
  }
  if (newestMtime(sources, '.ts') > statSync(built).mtimeMs) {
    throw new Error(`${built} is older than the harness sources in ${sources}: run \`npm run build\` first.`);
  }
  return built;
}

function toModuleUrl(modulePath: string | URL): string {
  if (modulePath instanceof URL) return modulePath.href;
  if (modulePath.startsWith('file:')) return modulePath;
  const absolute = resolve(modulePath);
  if (!existsSync(absolute)) throw new Error(`captureTraceIsolated: no such module ${absolute}`);
  return pathToFileURL(absolute).href;
}

function parseStdout(stdout: string): ChildResponse | undefined {
  const line = stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER));
  return line === undefined ? undefined : (JSON.parse(line.slice(RESULT_MARKER.length)) as ChildResponse);
}

/**
 * Imports `modulePath` in a fresh Node process under `options.contextManager` (zone.js loaded
 * first for 'zone'), calls its export `options.exportName` (default `scenario`) inside a capture,
 * and returns the CapturedTrace. Rejects with a ScenarioError (carrying the trace) when the
 * scenario throws, and with a plain Error when the child fails otherwise.
 */
export function captureTraceIsolated(modulePath: string | URL, options: IsolatedCaptureOptions = {}): Promise<CapturedTrace> {
  const contextManager = options.contextManager ?? DEFAULT_CONTEXT_MANAGER;
  if (!isContextManagerName(contextManager)) {
    return Promise.reject(new Error(`Unknown contextManager ${JSON.stringify(contextManager)}: pass one of ${CONTEXT_MANAGERS.map((m) => `'${m}'`).join(', ')}`));
  }
  let entry: string;
  let request: ChildRequest;
  try {
    entry = childEntryPath();
    request = {
      moduleUrl: toModuleUrl(modulePath),
      exportName: options.exportName ?? 'scenario',
      contextManager,
      settleMs: options.settleMs,
      timeoutMs: options.timeoutMs,
    };
  } catch (error) {
    return Promise.reject(error);
  }
  return new Promise((resolvePromise, reject) => {
    const child = fork(entry, [JSON.stringify(request)], {
      execArgv: options.execArgv ?? [],
      env: { ...process.env, ...options.env },
      ...(options.execPath !== undefined ? { execPath: options.execPath } : {}),
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    let stdout = '';
    let stderr = '';
    let response: ChildResponse | undefined;
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout = (stdout + chunk.toString()).slice(-TAIL * 4);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-TAIL);
    });
    child.on('message', (message) => {
      response = message as ChildResponse;
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), (options.timeoutMs ?? DEFAULT_TIMEOUT_MS) + STARTUP_GRACE_MS);
    child.on('error', (error) => {
      clearTimeout(killer);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(killer);
      response ??= parseStdout(stdout);
      if (response?.ok) return resolvePromise(response.trace);
      const where = `${request.moduleUrl} (${request.contextManager})`;
      if (response && response.trace) {
        const cause = new Error(response.message);
        cause.name = response.name;
        if (response.stack) cause.stack = response.stack;
        return reject(new ScenarioError(cause, response.trace));
      }
      const reason = response ? response.stack ?? `${response.name}: ${response.message}` : `child exited with ${signal ?? `code ${code}`} without a result`;
      reject(new Error(`captureTraceIsolated ${where}: ${reason}${stderr ? `\n--- child stderr ---\n${stderr.trimEnd()}` : ''}`));
    });
  });
}
