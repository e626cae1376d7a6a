/**
 * The sweep over real code (issue 7): every syntactic rule under every context manager over the
 * whole corpus of bench/corpus.mjs (sources shipped in node_modules that no one here wrote), and
 * the `all` codemod over a copy of it.
 *
 * - No rule may crash (throw) on any file; findings per rule × manager are counted, printed and
 *   written to .tmp/sweep/findings.json (with a few samples per rule for review).
 * - The codemod changes exactly the files with a fixable finding; every changed file parses, has
 *   no fixable finding left, and differs from the original only on lines where a finding was (or
 *   in the API import it extends), with every comment kept; a second run changes nothing; every
 *   other file is byte-identical.
 *
 * Each file is parsed once per manager (all rules in one config); a file on which the combined run
 * throws is linted again rule by rule, reusing the parsed SourceCode, to name the crashing rule(s).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Linter } from 'eslint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SKIPPED_DIRECTORIES } from '../codemods/cli.js';
import { lintWithRules } from '../codemods/fix-with-rule.js';
import { CONTEXT_MANAGERS } from '../core/settings.js';
import type { ContextManagerName } from '../core/settings.js';
import { runCli, parseSummary } from './support/cli.js';
import type { Summary } from './support/cli.js';
import { loadCorpus, PROJECT_ROOT, sweepName } from './support/corpus.js';
import type { CorpusFile } from './support/corpus.js';
import { checkEdits } from './support/edit-check.js';
import { lintConfig, PREFIX, syntacticCodemodRuleNames, syntacticRuleNames, verifyOptions } from './support/lint-config.js';

const OUT_DIR = join(PROJECT_ROOT, '.tmp', 'sweep');
const SAMPLES_PER_RULE = 8;

interface Crash {
  file: string;
  manager: ContextManagerName;
  rule?: string;
  error: string;
}

interface Sample {
  file: string;
  line: number;
  column: number;
  messageId: string;
  fixable: boolean;
  message: string;
  code: string;
}

const RULES = syntacticRuleNames();
const CODEMOD_RULES = syntacticCodemodRuleNames();

let corpus: CorpusFile[] = [];
/** counts[rule][manager] */
const counts: Record<string, Record<string, number>> = {};
const byMessageId: Record<string, Record<string, number>> = {};
const samples: Record<string, Record<string, Sample[]>> = {};
const crashes: Crash[] = [];
const parseErrors: { file: string; manager: ContextManagerName; message: string }[] = [];
/** Relative paths of the files with a fixable finding of a codemod rule, per manager. */
const fixableFiles: Record<string, Set<string>> = {};
const sweepMs: Record<string, number> = {};

function errorText(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n').slice(0, 3).join(' | ');
}

function sweep(manager: ContextManagerName): void {
  const linter = new Linter({ configType: 'flat', cwd: PROJECT_ROOT });
  const fixable = (fixableFiles[manager] = new Set());
  for (const file of corpus) {
    const name = sweepName(file, SKIPPED_DIRECTORIES);
    const filename = join(PROJECT_ROOT, name);
    const config = lintConfig(filename, RULES, manager);
    const options = verifyOptions(filename);
    let messages: Linter.LintMessage[];
    try {
      messages = linter.verify(file.source, config, options);
    } catch (error) {
      // Name the crashing rule(s): each rule alone, on the SourceCode already parsed.
      const sourceCode = linter.getSourceCode();
      let named = false;
      for (const rule of RULES) {
        try {
          if (sourceCode) linter.verify(sourceCode, lintConfig(filename, [rule], manager), options);
          else linter.verify(file.source, lintConfig(filename, [rule], manager), options);
        } catch (ruleError) {
          crashes.push({ file: name, manager, rule, error: errorText(ruleError) });
          named = true;
        }
      }
      if (!named) crashes.push({ file: name, manager, error: errorText(error) });
      continue;
    }
    const lines = file.source.split('\n');
    for (const message of messages) {
      if (message.fatal === true) {
        parseErrors.push({ file: name, manager, message: message.message });
        continue;
      }
      if (message.ruleId === null || !message.ruleId.startsWith(PREFIX)) continue;
      const rule = message.ruleId.slice(PREFIX.length);
      const ruleCounts = (counts[rule] ??= {});
      ruleCounts[manager] = (ruleCounts[manager] ?? 0) + 1;
      const ids = (byMessageId[rule] ??= {});
      const idKey = `${manager}:${message.messageId ?? '?'}`;
      ids[idKey] = (ids[idKey] ?? 0) + 1;
      if (message.fix !== undefined && CODEMOD_RULES.includes(rule)) fixable.add(file.relativePath);
      const ruleSamples = ((samples[rule] ??= {})[manager] ??= []);
      // Spread the samples over the corpus: at most one per file.
      if (ruleSamples.length < SAMPLES_PER_RULE && !ruleSamples.some((s) => s.file === name)) {
        ruleSamples.push({
          file: name,
          line: message.line,
          column: message.column,
          messageId: message.messageId ?? '',
          fixable: message.fix !== undefined,
          message: message.message,
          code: (lines[message.line - 1] ?? '').trim().slice(0, 200),
        });
      }
    }
  }
}

beforeAll(async () => {
  corpus = await loadCorpus();
  for (const rule of RULES) counts[rule] = Object.fromEntries(CONTEXT_MANAGERS.map((manager) => [manager, 0]));
  for (const manager of CONTEXT_MANAGERS) {
    const started = performance.now();
    sweep(manager);
    sweepMs[manager] = Math.round(performance.now() - started);
  }
  mkdirSync(OUT_DIR, { recursive: true });
  const report = {
    date: new Date().toISOString(),
    node: process.version,
    corpus: { files: corpus.length, lines: corpus.reduce((n, f) => n + f.source.split('\n').length, 0) },
    rules: RULES,
    managers: CONTEXT_MANAGERS,
    findings: counts,
    byMessageId,
    crashes,
    parseErrors,
    sweepMs,
    samples,
  };
  writeFileSync(join(OUT_DIR, 'findings.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(
    `[sweep] ${corpus.length} files, ${report.corpus.lines} lines; crashes: ${crashes.length}; parse errors: ${parseErrors.length}; ms per manager: ${JSON.stringify(sweepMs)}`,
  );
  const width = Math.max(...RULES.map((rule) => rule.length));
  const header = `${'rule'.padEnd(width)}  ${CONTEXT_MANAGERS.map((m) => m.padStart(19)).join('  ')}`;
  const rows = RULES.map((rule) => `${rule.padEnd(width)}  ${CONTEXT_MANAGERS.map((m) => String(counts[rule]?.[m] ?? 0).padStart(19)).join('  ')}`);
  console.log(['[sweep] findings per rule × manager:', header, ...rows].join('\n'));
}, 600_000);

describe('sweep: every rule, every manager, the whole corpus', () => {
  it('reads a corpus of thousands of real files', () => {
    expect(corpus.length).toBeGreaterThan(1000);
    expect(RULES.length).toBeGreaterThan(0);
  });

  it('no rule crashes on any file under any manager', () => {
    expect(crashes).toEqual([]);
  });

  it('counts the findings of every rule under every manager (.tmp/sweep/findings.json)', () => {
    for (const rule of RULES) {
      expect(Object.keys(counts[rule] ?? {}).sort(), rule).toEqual([...CONTEXT_MANAGERS].sort());
      for (const manager of CONTEXT_MANAGERS) expect(Number.isInteger(counts[rule]?.[manager]), `${rule} × ${manager}`).toBe(true);
    }
    const written = JSON.parse(readFileSync(join(OUT_DIR, 'findings.json'), 'utf8')) as { findings: unknown; crashes: unknown[] };
    expect(written.findings).toEqual(counts);
    expect(written.crashes).toEqual(crashes);
  });

  // The judged bound. The corpus is library code (the OpenTelemetry SDK and context managers,
  // ESLint, typescript-eslint, jscodeshift, recast, zone.js and four messaging clients). The rules
  // need an OpenTelemetry API import (or an AsyncLocalStorage of the file's own) to fire, and the
  // files that have one are the SDK's own context plumbing, which handles context deliberately
  // (suppressTracing, context.with around exports, ROOT_CONTEXT timers). Measured: 0 findings in
  // every rule x manager cell (.tmp/sweep/findings.json, 2026-12-06). So every finding here is a
  // regression until reviewed: a false positive is a rule bug; a true positive in a dependency is
  // added to EXPECTED_FINDINGS with the file and the reason.
  it('finds nothing in the library corpus beyond the reviewed findings (judged bound)', () => {
    const EXPECTED_FINDINGS: Record<string, number> = {
      // ioredis/built/cluster/index.js:318: refreshSlotsCache(callback) parks a second caller's
      // callback in _refreshSlotsCacheCallbacks while a refresh runs and calls it when the first
      // refresh completes, in the first caller's async context: a true positive (issue #11 family 5,
      // read and judged), under the two Node managers only.
      'no-unbound-queued-callback async-local-storage': 1,
      'no-unbound-queued-callback async-hooks': 1,
      // bullmq/dist/{cjs,esm}/classes/{job-scheduler,job,worker,flow-producer}.js: BullMQ's own
      // span helper, `this.trace(SpanKind.PRODUCER, 'add', name, async (span, ..) => ..)` (recognised
      // by how its callback uses the span, session 12), called after an await: its tracer starts the
      // span from the active context, which zone.js and the stack manager have lost by then, so the
      // span is a new root. True by mechanism under those two managers (read and judged); nobody
      // runs BullMQ under them, and under the Node managers nothing is reported.
      'no-late-context-capture zone': 8,
      'no-late-context-capture stack': 8,
    };
    const over = RULES.flatMap((rule) =>
      CONTEXT_MANAGERS.filter((manager) => (counts[rule]?.[manager] ?? 0) > (EXPECTED_FINDINGS[`${rule} ${manager}`] ?? 0)).map(
        (manager) => `${rule} under ${manager}: ${counts[rule]?.[manager]} (samples in .tmp/sweep/findings.json)`,
      ),
    );
    expect(over).toEqual([]);
  });

  it('the corpus parses (a file that does not parse would hide from the sweep; listed in findings.json)', () => {
    expect(parseErrors.length).toBeLessThanOrEqual(Math.ceil(corpus.length * 0.005) * CONTEXT_MANAGERS.length);
  });
});

/** The copy's path of a corpus file: the sweep's name (directories the CLI skips renamed). */
const copyName = (file: CorpusFile): string => sweepName(file, SKIPPED_DIRECTORIES);

describe('the `all` codemod over a copy of the corpus (CLI, in-process)', () => {
  const manager: ContextManagerName = 'async-local-storage';
  let dir = '';
  let first: { code: number; stderr: string; summary: Summary } | undefined;
  const originals = new Map<string, CorpusFile>();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'otel-sweep-codemod-'));
    for (const file of corpus) {
      const name = copyName(file);
      originals.set(name, file);
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      copyFileSync(file.path, join(dir, name));
    }
    const started = performance.now();
    const run = await runCli(['all', 'corpus', '--force'], dir);
    const ms = Math.round(performance.now() - started);
    first = { code: run.code, stderr: run.stderr, summary: parseSummary(run.stderr) };
    console.log(
      `[sweep] codemod all (${manager}) on ${first.summary.scanned} files in ${ms} ms: exit ${run.code}, changed ${first.summary.changed.length}, fixed ${first.summary.fixed} ${JSON.stringify(first.summary.fixedByRule)}, left unfixed ${first.summary.unfixed.length}, failed ${first.summary.failed.length}`,
    );
    for (const line of first.summary.changed) console.log(`[sweep]   changed: ${line}`);
    for (const line of first.summary.failed) console.log(`[sweep]   failed: ${line}`);
  }, 600_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('scans every corpus file, exits 0 and fails no file', () => {
    expect(first?.summary.failed).toEqual([]);
    expect(first?.code).toBe(0);
    expect(first?.summary.scanned).toBe(corpus.length);
  });

  it('changes exactly the files with a fixable finding, and leaves every other file byte-identical', () => {
    const changed = new Set(first?.summary.changed);
    const fixable = fixableFiles[manager] ?? new Set();
    const expected = corpus.filter((file) => fixable.has(file.relativePath)).map(copyName);
    expect([...changed].sort()).toEqual(expected.sort());
    for (const [name, original] of originals) {
      if (changed.has(name)) continue;
      expect(readFileSync(join(dir, name)).equals(readFileSync(original.path)), name).toBe(true);
    }
    // No temp file of the atomic writes is left anywhere.
    const leftovers = (readdirSync(dir, { recursive: true }) as string[]).filter((entry) => entry.endsWith('.tmp'));
    expect(leftovers).toEqual([]);
  });

  it('every changed file parses, has no fixable finding left, and changed only lines with a finding (comments kept)', () => {
    const parser = new Linter({ configType: 'flat' });
    for (const name of first?.summary.changed ?? []) {
      const original = originals.get(name);
      expect(original, name).toBeDefined();
      if (!original) continue;
      const path = join(dir, name);
      const after = readFileSync(path, 'utf8');
      expect(after).not.toBe(original.source);
      const fatal = parser.verify(after, lintConfig(path, [], manager), verifyOptions(path)).filter((m) => m.fatal);
      expect(fatal, name).toEqual([]);
      const left = lintWithRules(after, path, { rules: CODEMOD_RULES, settings: { contextManager: manager } });
      expect(left.filter((m) => m.fatal === true || m.fix !== undefined), name).toEqual([]);
      const findings = lintWithRules(original.source, path, { rules: CODEMOD_RULES, settings: { contextManager: manager } });
      const check = checkEdits(original.source, after, path, findings);
      expect(check, name).toEqual({ outside: [], lostComments: [] });
    }
  });

  it('a second run over the changed files changes nothing', async () => {
    // The transform is a function of the file's text: a file the first run left alone is the same
    // input again, so only the changed files need a second run (saves a full pass over the corpus).
    const changed = first?.summary.changed ?? [];
    if (changed.length === 0) {
      // Nothing to re-run: then the corpus had no fixable finding at all.
      expect(fixableFiles[manager]?.size).toBe(0);
      return;
    }
    const before = new Map(changed.map((name) => [name, readFileSync(join(dir, name))]));
    const second = await runCli(['all', ...changed, '--force'], dir);
    const summary = parseSummary(second.stderr);
    expect(second.code).toBe(0);
    expect(summary.scanned).toBe(changed.length);
    expect(summary.changed).toEqual([]);
    expect(summary.fixed).toBe(0);
    expect(summary.failed).toEqual([]);
    for (const [name, bytes] of before) expect(readFileSync(join(dir, name)).equals(bytes), name).toBe(true);
  }, 600_000);
});
