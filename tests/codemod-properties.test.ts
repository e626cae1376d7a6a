/**
 * Property-based tests (fast-check) of the `all` codemod's invariants, on generated programs built
 * from the constructs the rules care about (tests/support/program-gen.ts), under every context
 * manager:
 *
 * - a program without a fixable finding is returned unchanged (`undefined`), one with a fixable
 *   finding is rewritten;
 * - the output parses;
 * - a second run returns `undefined` (idempotent);
 * - the output has no fixable finding left;
 * - only lines with a finding (or the API import it extends) change; every comment survives.
 *
 * Runs: FC_RUNS (default 100) programs × 4 managers; FC_SEED replays a run.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { Linter } from 'eslint';
import jscodeshift from 'jscodeshift';
import { mkdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createCodemod } from '../codemods/create-codemod.js';
import { lintWithRules } from '../codemods/fix-with-rule.js';
import { CONTEXT_MANAGERS } from '../core/settings.js';
import type { ContextManagerName } from '../core/settings.js';
import { checkEdits } from './support/edit-check.js';
import { lintConfig, syntacticCodemodRuleNames, verifyOptions } from './support/lint-config.js';
import { printProgram, programArbitrary } from './support/program-gen.js';
import type { Program } from './support/program-gen.js';

const RULES = syntacticCodemodRuleNames();
// The generated files live in a package that depends on @opentelemetry/api: the codemod adds only
// imports that the file's package declares (codemods/dependency-guard.ts).
const PROJECT = join(tmpdir(), 'otel-codemod-properties');
mkdirSync(PROJECT, { recursive: true });
writeFileSync(join(PROJECT, 'package.json'), JSON.stringify({ name: 'generated', dependencies: { '@opentelemetry/api': '^1.9.0' } }));
const transform = createCodemod('all');
const j = jscodeshift.withParser('tsx');
const parser = new Linter({ configType: 'flat' });
const NUM_RUNS = Number(process.env.FC_RUNS ?? 100);
// A random seed unless FC_SEED is given; a failure names it, so the run can be replayed exactly.
const SEED = process.env.FC_SEED === undefined ? (Math.random() * 2 ** 31) | 0 : Number(process.env.FC_SEED);
const replay = (): string => `replay with FC_SEED=${SEED}${process.env.FC_RUNS ? ` FC_RUNS=${process.env.FC_RUNS}` : ''} npx vitest run tests/codemod-properties.test.ts`;

function codemod(source: string, path: string, manager: ContextManagerName): string | undefined {
  const stats: Record<string, number> = {};
  return transform(
    { path, source },
    { jscodeshift: j, j, stats: (name: string, n = 1) => void (stats[name] = (stats[name] ?? 0) + n), report: () => {} },
    { contextManager: manager },
  );
}

const lint = (source: string, path: string, manager: ContextManagerName) =>
  lintWithRules(source, path, { rules: RULES, settings: { contextManager: manager } });

/** A rule that throws is a crash: rethrown short (ESLint attaches the whole AST to the error), with the program. */
function crash(error: unknown, what: string, where: string): Error {
  const message = error instanceof Error ? error.message : String(error);
  return new Error(`${what} threw ${where}\n--- error: ${message.split('\n').slice(0, 4).join(' | ')}`);
}

function guarded<T>(what: string, where: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw crash(error, what, where);
  }
}

/** Every invariant for one program under one manager; returns what was seen (for coverage). */
function checkProgram(program: Program, manager: ContextManagerName): { findings: number; fixable: number; changed: boolean } {
  const source = printProgram(program);
  const path = join(PROJECT, `generated${program.ext}`);
  const where = `under ${manager}:\n${source}`;

  const before = guarded('lint(input)', where, () => lint(source, path, manager));
  expect(before.filter((m) => m.fatal), `the generated program must parse ${where}`).toEqual([]);
  const fixable = before.filter((m) => m.fix !== undefined);

  const output = guarded('codemod(input)', where, () => codemod(source, path, manager));
  if (fixable.length === 0) {
    expect(output, `no fixable finding, so no change ${where}`).toBeUndefined();
    return { findings: before.length, fixable: 0, changed: false };
  }
  expect(output, `a fixable finding, so a rewrite ${where}`).toBeTypeOf('string');
  if (output === undefined) return { findings: before.length, fixable: fixable.length, changed: false };
  expect(output).not.toBe(source);

  const fatal = parser.verify(output, lintConfig(path, [], manager), verifyOptions(path)).filter((m) => m.fatal);
  expect(fatal, `the output parses ${where}\n--- output:\n${output}`).toEqual([]);
  expect(guarded('codemod(output)', where, () => codemod(output, path, manager)), `idempotent ${where}\n--- output:\n${output}`).toBeUndefined();
  const after = guarded('lint(output)', where, () => lint(output, path, manager));
  expect(
    after.filter((m) => m.fix !== undefined || m.fatal === true).map((m) => `${m.line}:${m.column} ${m.ruleId} ${m.messageId}`),
    `no fixable finding left ${where}\n--- output:\n${output}`,
  ).toEqual([]);
  expect(checkEdits(source, output, path, before), `only lines with a finding change, comments kept ${where}\n--- output:\n${output}`).toEqual({
    outside: [],
    lostComments: [],
  });
  return { findings: before.length, fixable: fixable.length, changed: true };
}

describe('the `all` codemod on generated programs (fast-check)', () => {
  it('generates programs that parse, with and without findings', () => {
    const samples = fc.sample(programArbitrary, { numRuns: 20, seed: 7 });
    const sources = samples.map(printProgram);
    for (const [i, source] of sources.entries()) {
      const path = join(tmpdir(), `generated${samples[i]?.ext ?? '.ts'}`);
      expect(parser.verify(source, lintConfig(path, [], 'stack'), verifyOptions(path)).filter((m) => m.fatal), source).toEqual([]);
    }
    // The generator covers the constructs and the comment kinds.
    const all = sources.join('\n');
    for (const construct of ['startActiveSpan', 'setTimeout', 'queueMicrotask', 'emitter.on', 'queue.push', '.attach(', 'await ', '// note', '/* note']) {
      expect(all, construct).toContain(construct);
    }
  });

  it('every invariant holds under every manager', () => {
    const seen = { programs: 0, findings: 0, fixable: 0, changed: 0 };
    const details = fc.check(
      fc.property(programArbitrary, (program) => {
        seen.programs++;
        for (const manager of CONTEXT_MANAGERS) {
          const result = checkProgram(program, manager);
          seen.findings += result.findings;
          seen.fixable += result.fixable;
          if (result.changed) seen.changed++;
        }
      }),
      { numRuns: NUM_RUNS, seed: SEED },
    );
    if (details.failed) {
      throw new Error(`${fc.defaultReportMessage(details) ?? 'property failed'}\n${replay()}`, { cause: details.errorInstance });
    }
    console.log(`[properties] ${JSON.stringify(seen)}`);
    // The properties were not vacuous: programs were rewritten.
    expect(seen.changed).toBeGreaterThan(0);
    expect(seen.fixable).toBeGreaterThan(0);
    // CPU-bound (NUM_RUNS programs x 4 managers): on a loaded shared machine it ran past 60 s.
  }, 300_000);
});
