/**
 * Measured semantics behind the generator family of `no-floating-promise-in-span` (issue #11):
 * a generator object created inside a traced scope runs its body on each `next()`, in the
 * context of whoever iterates, never in the scope that created it — under every context manager,
 * for async and sync generators alike. Scenarios in tests/semantics/generators.mjs; every one
 * iterates under a span `outer` of its own, so "follows the iterating context" shows as a child
 * of `outer` (or a root where the manager already lost `outer` after a native await).
 * Table: docs/runtime-semantics.md, "Generators created in a scope, iterated outside it".
 */
import { describe, expect, it } from 'vitest';
import { captureTrace, captureTraceIsolated, checkExpectations } from '../harness/index.js';
import type { CapturedTrace, ContextManagerName, Expectation } from '../harness/index.js';
import * as scenarios from './semantics/generators.mjs';

const MODULE = new URL('./semantics/generators.mjs', import.meta.url).pathname;
type Scenario = keyof typeof scenarios;

function run(name: Scenario, contextManager: ContextManagerName): Promise<CapturedTrace> {
  // zone.js patches the process for good: zone runs in a fresh process
  return contextManager === 'zone'
    ? captureTraceIsolated(MODULE, { contextManager, exportName: name })
    : captureTrace(scenarios[name], { contextManager });
}

/** `gen.first` → `tool` etc.: the parent each generator span must have (`null` = a root). */
function parents(expected: Record<string, string | null>): Expectation[] {
  return Object.entries(expected).map(([span, parent]) => (parent === null ? { span, root: true as const } : { span, parent }));
}

async function expectParents(name: Scenario, contextManager: ContextManagerName, expected: Record<string, string | null>): Promise<void> {
  const trace = await run(name, contextManager);
  const result = checkExpectations(trace, [...parents(expected), { noUnhandledRejections: true }]);
  expect(result.failures).toEqual([]);
  expect(trace.timedOut).toBe(false);
}

const ASYNC = ['gen.first', 'gen.afterAwait', 'gen.afterYield'] as const;
const all = (parent: string | null, spans: readonly string[] = ASYNC) => Object.fromEntries(spans.map((s) => [s, parent]));

describe.each(['async-local-storage', 'async-hooks'] as const)('under %s', (manager) => {
  it('an async generator returned from startActiveSpan runs in the iterating context, not the span', async () => {
    await expectParents('asyncReturned', manager, all('outer'));
  });
  it('the same with the span still open while the caller iterates', async () => {
    await expectParents('asyncReturnedSpanOpen', manager, all('outer'));
  });
  it("creating it inside context.with(context.active(), ..) (vercel/ai 2227c6a) changes nothing", async () => {
    await expectParents('asyncReturnedCreatedInWith', manager, all('outer'));
  });
  it('consumed inside the callback (near miss): linked', async () => {
    await expectParents('asyncConsumedInside', manager, all('tool'));
  });
  it('iteration bound to the captured context (each next() in context.with): linked', async () => {
    await expectParents('asyncReturnedBound', manager, all('tool'));
  });
  it('a generator of its own running each step in context.with(ctx, ..), the span ended when iteration ends: linked', async () => {
    await expectParents('asyncReturnedInContext', manager, all('tool'));
    const trace = await run('asyncReturnedInContext', manager);
    expect(checkExpectations(trace, ASYNC.map((span) => ({ span, endsBefore: 'tool' }))).failures).toEqual([]);
  });
  it('a sync generator created in context.with and iterated later runs in the iterating context', async () => {
    await expectParents('syncReturned', manager, all('outer', ['gen.first', 'gen.afterYield']));
  });
  it('a sync generator fully consumed inside (near miss): linked', async () => {
    await expectParents('syncConsumedInside', manager, all('tool', ['gen.first', 'gen.afterYield']));
  });
});

describe.each(['zone', 'stack'] as const)('under %s', (manager) => {
  // the caller iterates after a native await, where these managers already lost `outer` (0b)
  it('an async generator returned from startActiveSpan: every step is a root', async () => {
    await expectParents('asyncReturned', manager, all(null));
    await expectParents('asyncReturnedSpanOpen', manager, all(null));
    await expectParents('asyncReturnedCreatedInWith', manager, all(null));
  });
  it('consumed inside: linked until the body’s first native await (0b)', async () => {
    await expectParents('asyncConsumedInside', manager, { 'gen.first': 'tool', 'gen.afterAwait': null, 'gen.afterYield': null });
  });
  it('bound iteration: each next() starts in the span, the body still loses it after a native await', async () => {
    await expectParents('asyncReturnedBound', manager, { 'gen.first': 'tool', 'gen.afterAwait': null, 'gen.afterYield': 'tool' });
  });
  it('a generator of its own running each step in context.with(ctx, ..): as bound iteration', async () => {
    await expectParents('asyncReturnedInContext', manager, { 'gen.first': 'tool', 'gen.afterAwait': null, 'gen.afterYield': 'tool' });
  });
  it('sync generators follow the iterating context here too', async () => {
    await expectParents('syncReturned', manager, all('outer', ['gen.first', 'gen.afterYield']));
    await expectParents('syncConsumedInside', manager, all('tool', ['gen.first', 'gen.afterYield']));
  });
});
