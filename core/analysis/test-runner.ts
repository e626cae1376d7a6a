/**
 * Test-runner knowledge: the functions handed to `it`, `test`, `beforeEach`, .. (mocha, jest,
 * vitest, node:test, bun:test; global or imported; ava's and tape's default export) run from the
 * runner's root context, and their `done` parameter records the end of the test: it starts no span.
 */
import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { getCallOfArgument, getEnclosingFunction, isFunctionLike, unwrapTypeScriptExpression } from './ast.js';
import type { OtelApi } from './otel-api.js';

const TEST_RUNNER_FUNCTIONS = new Set([
  'it', 'test', 'specify', 'describe', 'suite', 'before', 'beforeEach', 'after', 'afterEach', 'beforeAll', 'afterAll',
  'setup', 'teardown', 'suiteSetup', 'suiteTeardown',
]);
const TEST_RUNNER_MODULES = new Set(['vitest', 'mocha', '@jest/globals', 'node:test', 'bun:test']);
/** Runners whose default export is the test function: `import test from 'ava'`. */
const DEFAULT_EXPORT_RUNNERS = new Set(['ava', 'tape', 'node:test']);

/** `it(..)`, `test.only(..)`, `test.each(table)(..)`, `beforeEach(..)`: global, or imported from a test runner. */
export function isTestRunnerCall(api: OtelApi, call: TSESTree.CallExpression | TSESTree.NewExpression): boolean {
  let callee = unwrapTypeScriptExpression(call.callee);
  while (callee.type === AST_NODE_TYPES.MemberExpression || callee.type === AST_NODE_TYPES.CallExpression) {
    callee = unwrapTypeScriptExpression(callee.type === AST_NODE_TYPES.MemberExpression ? callee.object : callee.callee);
  }
  if (callee.type !== AST_NODE_TYPES.Identifier || !TEST_RUNNER_FUNCTIONS.has(callee.name)) return false;
  const path = api.resolver.pathOf(callee);
  if (path === undefined) return false;
  const separator = path.lastIndexOf(':');
  const module = path.slice(0, separator);
  const exported = path.slice(separator + 1);
  if (exported === '') return DEFAULT_EXPORT_RUNNERS.has(module);
  return exported === callee.name && (module === 'global' || TEST_RUNNER_MODULES.has(module));
}

/** `fn` is the body of a test or hook (`it('..', (done) => ..)`): its parameter is the runner's `done`. */
export function isTestRunnerCallback(api: OtelApi, fn: TSESTree.Node): boolean {
  if (!isFunctionLike(fn)) return false;
  const site = getCallOfArgument(fn);
  return site !== undefined && isTestRunnerCall(api, site.call);
}

/** `node` is written inside the body of a test, a hook or a suite (at any depth of nested functions). */
export function isInTestCode(api: OtelApi, node: TSESTree.Node): boolean {
  for (let fn = getEnclosingFunction(node); fn; fn = getEnclosingFunction(fn)) {
    if (isTestRunnerCallback(api, fn)) return true;
  }
  return false;
}

/** A directory of tests or of the scripts they run (also `e2e-tests/`, `browser-integration-tests/`), or a test file's own name. */
const TEST_PATH = /(?:^|[\\/])(?:[\w.]+-)*(?:tests?|__tests?__|specs?|e2e|__fixtures__)[\\/]|\.(?:test|spec)\.[cm]?[jt]sx?$/;

/**
 * `node` is script code of a test file or of a fixture script a test runs
 * (`test/fixtures/use-pg.mjs`): the file is under a test directory or named as a test, and
 * `node` is in a top-level statement, or in callbacks passed inline from one
 * (`await tracer.startActiveSpan('test-span', async (span) => { .. })`). A function declared
 * there (a helper) is not script code.
 */
export function isInTestScript(filename: string, node: TSESTree.Node): boolean {
  if (!TEST_PATH.test(filename)) return false;
  for (let fn = getEnclosingFunction(node); fn; fn = getEnclosingFunction(fn)) {
    if (fn.type === AST_NODE_TYPES.FunctionDeclaration || getCallOfArgument(fn) === undefined) return false;
  }
  return true;
}
