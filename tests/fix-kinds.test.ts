/**
 * Every fix and suggestion kind of every rule is runtime-proven, derived from rule metadata: each
 * message id of a rule with `meta.fixable` or `meta.hasSuggestions` is either covered by a fixture
 * whose runtime proof runs the rewrite it names, or listed below as a message that never carries a
 * rewrite (with the reason), which the fixtures must confirm. A new message id with a fix or a
 * suggestion cannot ship without a fixture that proves it at runtime.
 *
 * Covered means: in a fixture with `runtime` whose proof output differs from its input, the input
 * has a finding with that message id that carries a fix, or (with `unsafe`) whose first suggestion
 * the codemod applies, or whose suggestion named by `runtime.suggestion` the proof applies; a
 * suggestion's own message id is covered the same way.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lintWithRules } from '../codemods/fix-with-rule.js';
import plugin from '../index.js';
import { lintOptionsOf, listCases, listFixtureRules, listValid } from './fixture-cases.js';
import { asRuntimeSection, proofOutput } from './runtime-proofs.js';

interface RuleMeta {
  fixable?: string;
  hasSuggestions?: boolean;
  messages: Record<string, string>;
}

const rules = plugin.rules as unknown as Record<string, { meta: RuleMeta }>;

/** Message ids that are reported without any fix or suggestion, with the reason. */
const NEVER_REWRITTEN: Record<string, Record<string, string>> = {
  'no-unpaired-context-attach': {
    tokenDisposedTwice: 'which dispose is the wrong one depends on intent: reported only',
    escapingToken: 'the token leaves the function (returned, stored): no local rewrite can pair it',
    nonDisposableToken: "the API version's attach returns no disposable: the fix is an upgrade, not an edit",
    ambientWriteLeak: "a vendor's in-place write (Zipkin's setId, cls-hooked's enter) with no undo anywhere: where the scope should end is the author's choice (Zipkin's own fix moved to letId): reported only",
  },
  'require-context-propagation': {
    batchHandlerWithoutContext: 'a batch has many parents: span links are a design choice, not a mechanical edit',
  },
  'require-span-end': {
    spanDiscarded: 'the span object is dropped at the call: there is nothing to end',
    activeSpanUnreachable: 'the callback cannot reach its span: the author must pick where it ends',
    spanEndedOnlyInContinuation:
      "where the span should also end (the middleware's settling, an early answer) depends on the wrapper's contract with the middleware: reported only",
    spanHeldByResource:
      'ending the span before handing the resource over changes what the span measures (the resource is no longer inside it): the author decides, reported only',
    spanEndedOnlyInUnusedFunction:
      'whether the hooks object was meant to be returned, registered or dropped is the author\'s intent: reported only',
    spanEndedOnlyInCallbackOnSomePaths:
      'how the path without a callback should end the span (the returned promise settling, an emitter event, right away) depends on what that path returns: reported only',
  },
  'no-floating-promise-in-span': {
    spanEndsBeforeCallbackResult:
      'ending on a promised result needs a thenable test and a finally the helper may not want (a sync result must still end at once, and a lazy thenable must not be started): reported only',
    generatorOutlivesScope:
      'consuming the generator inside changes what the function returns, and binding each next() needs an iterator wrapper the caller may not expect (an isAsyncGenerator test fails on it): reported only',
    generatorIteratedOutsideScope:
      "the generator has already left the scope here: running each step in the scope's context again needs a wrapper around the caller's iteration (and the scope's context, often a library helper's own): reported only",
  },
  'no-unbound-listener': {
    persistentListenerKeepsRequest:
      "binding a persistent listener to this request pins every later event to this request's ended trace (tests/persistent-listeners.test.ts): reported only",
  },
};

const rewritingRules = Object.keys(rules)
  .filter((name) => rules[name]?.meta.fixable !== undefined || rules[name]?.meta.hasSuggestions === true)
  .sort();

function proven(rule: string): Map<string, string> {
  const covered = new Map<string, string>();
  for (const c of listCases(rule)) {
    if (c.config.runtime === undefined || !proofOutput(c).changed) continue;
    const wanted = asRuntimeSection(c.config.runtime).suggestion;
    const messages = lintWithRules(readFileSync(c.inputPath, 'utf8'), c.inputPath, lintOptionsOf(rule, c.config));
    for (const m of messages) {
      const id = m.messageId ?? '';
      if (wanted !== undefined) {
        if (m.suggestions?.some((s) => s.messageId === wanted)) {
          covered.set(id, c.name);
          covered.set(wanted, c.name);
        }
      } else if (m.fix) {
        covered.set(id, c.name);
      } else if (c.config.unsafe === true && m.suggestions?.[0]?.messageId !== undefined) {
        covered.set(id, c.name);
        covered.set(m.suggestions[0].messageId, c.name);
      }
    }
  }
  return covered;
}

describe('every fix and suggestion kind has a runtime-proven fixture (from rule metadata)', () => {
  it('there are rules with fixes or suggestions', () => {
    expect(rewritingRules.length).toBeGreaterThan(5);
  });

  describe.each(rewritingRules)('%s', (rule) => {
    const fixturesExist = listFixtureRules().includes(rule);
    const exempt = NEVER_REWRITTEN[rule] ?? {};
    const messageIds = Object.keys(rules[rule]?.meta.messages ?? {});

    it('every message id is runtime-proven or listed as never rewritten', () => {
      expect(fixturesExist).toBe(true);
      const covered = proven(rule);
      const missing = messageIds.filter((id) => !covered.has(id) && !(id in exempt));
      expect(missing, `no runtime-proven fixture for ${missing.join(', ')}`).toEqual([]);
    });

    it('the messages listed as never rewritten exist and carry no fix or suggestion in any fixture', () => {
      for (const id of Object.keys(exempt)) expect(messageIds).toContain(id);
      const rewritten = [...listCases(rule).map((c) => ({ path: c.inputPath, config: c.config })), ...listValid(rule)]
        .flatMap((f) => lintWithRules(readFileSync(f.path, 'utf8'), f.path, lintOptionsOf(rule, f.config)))
        .filter((m) => (m.messageId ?? '') in exempt && (m.fix !== undefined || (m.suggestions?.length ?? 0) > 0))
        .map((m) => m.messageId);
      expect(rewritten).toEqual([]);
    });
  });
});
