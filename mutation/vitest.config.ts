// The tests a mutation run (npm run mutation: scripts/mutation.mjs, stryker.config.mjs) runs
// against each mutant of the fix builders.
//   MUTATION_STAGE=rules   the rule tests only (exact fix and suggestion outputs): fast, every mutant
//   (default)              the rule tests and the runtime proofs (the rewritten code, run under the
//                          real SDK): for the mutants the rule tests left alive
// tests/fixtures.test.ts is left out on purpose: it lints while collecting its tests, which Stryker
// counts as "static" coverage and answers by running every test for every mutant; the runtime
// proofs run the same fixtures' rewrites inside their tests.
import { defineConfig } from 'vitest/config';

const RULE_TESTS = ['tests/rules/*.test.ts'];

export default defineConfig({
  test: {
    include: process.env.MUTATION_STAGE === 'rules' ? RULE_TESTS : [...RULE_TESTS, 'tests/runtime.test.ts'],
    setupFiles: ['tests/setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
