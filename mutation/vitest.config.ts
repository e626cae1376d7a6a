// The tests a mutation run (npm run mutation, stryker.config.mjs) runs against each mutant of the
// fix builders: the rule tests (exact fix and suggestion outputs) and the runtime proofs (the
// rewritten code, run under the real SDK). tests/fixtures.test.ts is left out on purpose: it lints
// while collecting its tests, which Stryker counts as "static" coverage and answers by running
// every test for every mutant; the runtime proofs run the same fixtures' rewrites inside tests.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/rules/*.test.ts', 'tests/runtime.test.ts'],
    setupFiles: ['tests/setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
