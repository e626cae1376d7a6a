// Mutation testing of the code that builds fixes: `npm run mutation` (not part of `npm test`).
// Results: mutation/summary.json, the Stryker reports mutation/stage1*.json and mutation/stage2.json,
// and mutation/RESULTS.md (score, survivors judged equivalent, and the command). See docs/testing.md.
//
// MUTATE is everything that builds fixes: every edit builder under core/edits/ (bindToCurrentContext,
// the callback binder every "bind it" fix goes through, is in core/edits/wrap.ts), and the fix parts
// of the detectors, by line range (keep the ranges on the fix code when a detector changes; last
// checked against the detectors of commit d49f222). On a shared 2-core machine all of it does not
// fit one session: run it in parts with
// `--mutate <part> --stage1 <report>` (mutation/RESULTS.md says which parts have results).
const EDIT_BUILDERS = ['core/edits/**/*.ts'];
const DETECTOR_FIXES = [
  'core/detectors/no-unbound-timer.ts:38-67', // bindFix and each verdict's fix
  'core/detectors/no-unbound-listener.ts:55-72', // the bound declaration or listener
  'core/detectors/no-unbound-queued-callback.ts:100-117', // bind / AsyncResource.bind, `{ done }` shorthand
  'core/analysis/partial-binding.ts:99-113', // unscopedFix: this.runInAsyncScope(fn, thisArg, ..)
  'core/analysis/partial-binding.ts:182-192', // asBinderCall: the siblings' binder text reused as the fix
  'core/detectors/no-floating-promise-in-span.ts:190-269', // suggestAwait, suggestDetach, their names
  'core/detectors/no-inactive-parent-span.ts:83-89', // ctxText, fixWith
  'core/detectors/no-late-context-capture.ts:281-311', // report: one capture per group, the rewrites
  'core/detectors/no-late-context-capture/callbacks-in-span.ts:158-189', // buildFix, getCapturedContextName
  'core/detectors/require-span-end/suggest-finally.ts', // suggestFinally (moved out of require-span-end.ts after run 6: the runs above name require-span-end.ts:334-378)
  'core/detectors/require-context-propagation/fix.ts', // producer and consumer fixes
];
const MUTATE = [...EDIT_BUILDERS, ...DETECTOR_FIXES];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'mutation/vitest.config.ts', related: false },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: MUTATE,
  // the runtime proofs run the compiled harness child (dist/harness/child.js)
  buildCommand: 'npm run build',
  coverageAnalysis: 'perTest',
  // a 2-core machine shared with other jobs (several sessions at once): one test runner
  concurrency: 1,
  timeoutMS: 60_000,
  // the dry run executes every rule test and runtime proof once, with coverage
  dryRunTimeoutMinutes: 20,
  reporters: ['clear-text', 'progress-append-only', 'json'],
  jsonReporter: { fileName: process.env.MUTATION_REPORT ?? 'mutation/report.json' },
  // built (dist) and generated (.tmp: transpiled fixtures, linked support folders) in the sandbox
  ignorePatterns: ['/.tmp', '/dist', '/coverage', '/mutation/report.json'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
