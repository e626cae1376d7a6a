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
  AttributeValue,
  CaptureOptions,
  CapturedSpan,
  CapturedTrace,
  ContextManagerName,
  Expectation,
  ExpectationResult,
  IsolatedCaptureOptions,
  SpanKindName,
  StatusCodeName,
} from './types.js';

/**
 * The context managers a capture can run under: `'async-local-storage'`
 * (AsyncLocalStorageContextManager, the Node default), `'async-hooks'` (AsyncHooksContextManager),
 * `'zone'` (ZoneContextManager + zone.js/node) and `'stack'` (StackContextManager, the web default).
 */
export { CONTEXT_MANAGERS } from './managers.js';

/**
 * Runs `fn` in this process with the real SDK under `options.contextManager`, waits for its async
 * work to settle (no span started or ended for `settleMs`, default 50 ms; at most `timeoutMs`,
 * default 5000 ms, after which `timedOut` is true), and returns the captured spans. Unhandled
 * rejections during the capture are recorded rather than reported to the test runner.
 * The previous global context manager and propagator are restored afterwards.
 * Throws a {@link ScenarioError} (with `.trace`) if `fn` throws.
 *
 * @example
 * const trace = await captureTrace(async () => { await handler(); }, { contextManager: 'async-local-storage' });
 */
export { captureTrace, ScenarioError } from './capture.js';

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
 * with the waterfall. `checkExpectations` is the pure form used for fixture `runtime.expect` lists.
 */
export {
  assertEndedBeforeParent,
  assertNoUnhandledRejections,
  assertParent,
  assertRoot,
  assertSingleTrace,
  checkExpectations,
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
