/**
 * Test-runner knowledge: the functions handed to `it`, `test`, `beforeEach`, .. (mocha, jest,
 * vitest, node:test) and their `done` parameter, which records the test's end and starts no span.
 */
import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { getCallOfArgument, isFunctionLike } from './ast.js';

const TEST_FUNCTIONS = new Set(['it', 'test', 'specify', 'before', 'after', 'beforeEach', 'afterEach', 'beforeAll', 'afterAll']);

/** `fn` is the body of a test or hook: `it('..', (done) => ..)`, `test.only('..', ..)`. */
export function isTestRunnerCallback(fn: TSESTree.Node): boolean {
  if (!isFunctionLike(fn)) return false;
  const callee = getCallOfArgument(fn)?.call.callee;
  const name =
    callee?.type === AST_NODE_TYPES.Identifier
      ? callee.name
      : callee?.type === AST_NODE_TYPES.MemberExpression && callee.object.type === AST_NODE_TYPES.Identifier
        ? callee.object.name
        : undefined;
  return name !== undefined && TEST_FUNCTIONS.has(name);
}
