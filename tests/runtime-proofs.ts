/**
 * What a fixture's `runtime` section says, and the checks the runtime proofs make of it
 * (tests/runtime.test.ts). Kept apart from the test so that the metadata coverage test and the
 * proofs read the same definitions.
 *
 * ```json
 * "runtime": {
 *   "expect": [ { "span": "db.query", "parent": "GET /users", "breaks": true }, { "span": "poll", "root": true } ],
 *   "suggestion": "detachInOwnSpan",
 *   "allow": { "lateSpans": "why the fixed code leaves work behind the scenario" }
 * }
 * ```
 *
 * - `breaks: true` marks the expectations the defect breaks. The input must fail exactly those,
 *   on their relation (every span they name is captured, so the failure is the parent, root,
 *   end order or end itself, never a missing span), and hold every other one.
 * - The output must hold every expectation, with no timeout, no unhandled rejection, no span left
 *   unfinished and no late span (one that started or ended after the scenario settled), unless
 *   `allow` gives the reason.
 * - `suggestion` picks the suggestion the proof applies (by message id) instead of the codemod's
 *   default, the first one.
 */
import { readFileSync } from 'node:fs';
import { applyNonOverlapping, fixWithRules, lintWithRules } from '../codemods/fix-with-rule.js';
import type { CapturedSpan, CapturedTrace, Expectation, ExpectationSpan } from '../harness/index.js';
import { lintOptionsOf } from './fixture-cases.js';
import type { FixtureCase } from './fixture-cases.js';

/** The relations a defect can break. Status and rejections are checked, but are never "the" break. */
export const BREAKABLE_RELATIONS = ['parent', 'root', 'endsBefore', 'endsBeforeParent', 'ended', 'baggage'] as const;

export type FixtureExpectation = Expectation & { breaks?: true };

export interface RuntimeAllowances {
  timedOut?: string;
  unhandledRejections?: string;
  lateSpans?: string;
  unfinished?: string;
}

export interface RuntimeSection {
  expect: FixtureExpectation[];
  suggestion?: string;
  allow?: RuntimeAllowances;
}

export function asRuntimeSection(value: unknown): RuntimeSection {
  return value as RuntimeSection;
}

/** The expectation without the fixture-only `breaks` marker. */
export function stripMarker(e: FixtureExpectation): Expectation {
  const { breaks: _breaks, ...rest } = e as FixtureExpectation & Record<string, unknown>;
  return rest as Expectation;
}

const nameOf = (s: ExpectationSpan): string => (typeof s === 'string' ? s : s.name);

/** The span names an expectation refers to (span, parent, endsBefore). */
export function namesIn(e: FixtureExpectation): string[] {
  const x = e as Record<string, unknown>;
  return ['span', 'parent', 'endsBefore']
    .map((key) => x[key])
    .filter((v): v is ExpectationSpan => typeof v === 'string' || (typeof v === 'object' && v !== null))
    .map(nameOf);
}

/** Which relation an expectation is about (`status`, `noUnhandledRejections`, .. for the others). */
export function relationOf(e: FixtureExpectation): string {
  const x = e as Record<string, unknown>;
  for (const key of ['parent', 'root', 'endsBefore', 'endsBeforeParent', 'ended', 'baggage', 'status', 'noUnhandledRejections', 'noOrphans']) if (key in x) return key;
  return 'unknown';
}

const all = (t: CapturedTrace): CapturedSpan[] => [...t.spans, ...t.unfinished];

/** Spans that started or ended after the scenario's promise settled. */
export function lateSpans(t: CapturedTrace): CapturedSpan[] {
  const end = t.scenarioEndOrder;
  if (end === undefined) return all(t);
  return all(t).filter((s) => s.startOrder >= end || (s.endOrder !== undefined && s.endOrder >= end));
}

/** What the output run shows that the fixture did not allow: timeout, rejections, unfinished or late spans. */
export function hygieneFailures(t: CapturedTrace, allow: RuntimeAllowances = {}): string[] {
  const failures: string[] = [];
  if (t.timedOut && !allow.timedOut) failures.push(`timed out (pending: ${(t.pendingAtTimeout ?? []).join(', ') || 'the scenario itself'})`);
  if (t.unhandledRejections.length > 0 && !allow.unhandledRejections) failures.push(`unhandled rejections: ${t.unhandledRejections.join('; ')}`);
  if (t.unfinished.length > 0 && !allow.unfinished) failures.push(`spans never ended: ${t.unfinished.map((s) => s.name).join(', ')}`);
  const late = lateSpans(t);
  if (late.length > 0 && !allow.lateSpans) failures.push(`late spans (after the scenario settled): ${late.map((s) => s.name).join(', ')}`);
  return failures;
}

/**
 * The output a proof runs: the codemod's (fixes, plus first suggestions with `unsafe`), or, with
 * `runtime.suggestion`, the input with every suggestion of that message id applied (in passes, the
 * way the codemod applies suggestions).
 */
export function proofOutput(c: FixtureCase): { changed: boolean; output: string } {
  const source = readFileSync(c.inputPath, 'utf8');
  const lintOptions = lintOptionsOf(c.rule, c.config);
  const wanted = asRuntimeSection(c.config.runtime).suggestion;
  if (wanted === undefined) {
    const fixed = fixWithRules(source, c.inputPath, { ...lintOptions, unsafe: c.config.unsafe === true });
    return { changed: fixed.changed, output: fixed.output ?? source };
  }
  let output = source;
  for (let pass = 0; pass < 10; pass++) {
    const edits = lintWithRules(output, c.inputPath, lintOptions)
      .flatMap((m) => m.suggestions ?? [])
      .filter((s) => s.messageId === wanted)
      .map((s) => ({ range: s.fix.range, text: s.fix.text }));
    if (edits.length === 0) break;
    output = applyNonOverlapping(output, edits).output;
  }
  return { changed: output !== source, output };
}
