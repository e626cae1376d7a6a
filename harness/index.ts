/**
 * `eslint-plugin-otel-context/testing`: run code with the real OpenTelemetry SDK under a chosen
 * context manager and assert on the spans it produced.
 *
 * ```ts
 * import { captureTrace, assertParent } from 'eslint-plugin-otel-context/testing';
 *
 * const trace = await captureTrace(() => handleRequest(), { contextManager: 'stack' });
 * assertParent(trace, 'db.query', 'GET /users'); // throws with a text waterfall on failure
 * ```
 *
 * In-process captures (`captureTrace`) share one BasicTracerProvider for the whole process and
 * switch only the context manager and propagator, so module-level `trace.getTracer()` tracers keep
 * working and captures under different managers can follow each other in one test file. A tracer
 * provider registered by someone else makes `captureTrace` throw.
 *
 * zone.js cannot be unloaded: an in-process `'zone'` capture loads `zone.js/node` and patches the
 * process for good (Promise, timers, EventEmitter), and zone.js must be loaded before the code
 * under test is imported. For zone, prefer `captureTraceIsolated`, which runs a module's export in
 * a fresh Node process with zone.js and the manager set up before the module is imported.
 *
 * @packageDocumentation
 */

export type {
  AssertOptions,
  AttributeValue,
  CaptureOptions,
  CapturedSpan,
  CapturedTrace,
  ContextManagerName,
  Expectation,
  ExpectationResult,
  ExpectationSpan,
  IsolatedCaptureOptions,
  SpanKindName,
  SpanSelector,
  StatusCodeName,
} from './types.js';

/**
 * The context managers a capture can run under: `'async-local-storage'`
 * (AsyncLocalStorageContextManager, the Node default), `'async-hooks'` (AsyncHooksContextManager),
 * `'zone'` (ZoneContextManager + zone.js/node) and `'stack'` (StackContextManager, the web default).
 */
export { CONTEXT_MANAGERS } from './managers.js';

/**
 * Runs `fn` in this process with the real SDK under `options.contextManager` (default
 * `'async-local-storage'`), waits for its work: the timers, immediates, I/O, sockets, child
 * processes and workers it started must have finished (tracked with an async hook), then
 * `settleMs` (default 20 ms) with no span activity; at most `timeoutMs` (default 5000 ms), after
 * which `timedOut` is true (a recurring interval never finishes). Unhandled rejections during the
 * capture are recorded rather than reported to the test runner. The caller's context manager,
 * active context and propagator are left exactly as they were.
 * Throws a {@link ScenarioError} (with `.trace`) if `fn` throws, and a {@link MissingPeerError}
 * (one line naming the package to install) if a peer dependency it needs is not installed.
 *
 * @example
 * const trace = await captureTrace(async () => { await handler(); });
 */
export { captureTrace, ScenarioError } from './capture.js';
export { MissingPeerError } from './peers.js';

/**
 * Runs the export `options.exportName` (default `scenario`) of the module at `modulePath` in a
 * fresh `node` process under `options.contextManager` and returns the same CapturedTrace. Use it
 * for `'zone'` and whenever the scenario must not touch the test process. The module must be
 * JavaScript Node can import, or pass `execArgv` (e.g. `['--import', 'tsx']`).
 */
export { captureTraceIsolated } from './isolated.js';

/**
 * Renders a CapturedTrace as a text waterfall: one tree per root span (orphans and extra roots
 * under their own heading), start offsets, duration bars, unfinished spans marked.
 */
export { renderWaterfall } from './waterfall.js';
export type { WaterfallOptions } from './waterfall.js';

/**
 * Assertions for any test runner: each throws a {@link TraceAssertionError} whose message ends
 * with the waterfall, and each fails on a timed-out capture unless given `{ allowTimedOut: true }`.
 * Spans are picked by name, by `{ name, nth }` (n-th of that name in start order, 1-based) or by a
 * CapturedSpan; parents are matched by span identity. `findSpans` returns what a selector picks.
 * `checkExpectations` is the pure form used for fixture `runtime.expect` lists.
 */
export {
  assertEnded,
  assertEndedBeforeParent,
  assertNoOrphans,
  assertNoUnhandledRejections,
  assertNotTimedOut,
  assertParent,
  assertRoot,
  assertSingleTrace,
  checkExpectation,
  checkExpectations,
  findSpans,
  TraceAssertionError,
} from './assertions.js';

/**
 * Internal: used by this project's fixture proofs (transpile a fixture into `<package>/.tmp/runtime`
 * and run it with captureTraceIsolated). Not a stable API.
 *
 * @internal
 */
export { runFixture, transpileFixture } from './fixtures.js';
export type { FixtureSource, RunFixtureOptions } from './fixtures.js';
