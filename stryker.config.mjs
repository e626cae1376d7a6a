// Mutation testing of the code that builds fixes: `npm run mutation` (not part of `npm test`).
// Results: mutation/report.json (Stryker's mutation-testing-elements schema) and mutation/RESULTS.md
// (score, survivors judged equivalent, and the command). See docs/testing.md.
//
// MUTATE lists the fix builders: every edit builder under core/edits/ (bindToCurrentContext, the
// callback binder every "bind it" fix goes through, is in core/edits/wrap.ts). The detectors' fix
// parts are not mutated yet; add them by line range ('core/detectors/<file>.ts:<from>-<to>').
// The committed results (mutation/RESULTS.md) were measured on the pre-move files core/edits.ts and
// core/callbacks.ts:173-190, whose code is now core/edits/*.ts.
const MUTATE = ['core/edits/**/*.ts'];

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
