#!/usr/bin/env node
// npm run bench — lint overhead, rule-time share, scaling, a 50,000-line file, editor latency and
// codemod throughput, on the corpus of bench/corpus.mjs. Writes bench/results.json and
// docs/benchmarks.md. Every ratio compares two things measured in the same run.
//   node bench/run.mjs [--rounds N] [--quick]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import os from 'node:os';
import tsParser from '@typescript-eslint/parser';
import { ESLint, Linter } from 'eslint';
import jscodeshift from 'jscodeshift';
import plugin from '../dist/index.js';
import { createCodemod } from '../dist/codemods/create-codemod.js';
import { corpusStats, loadCorpus, ROOT } from './corpus.mjs';
import { generateLargeFile } from './generate.mjs';
import { writeBenchmarksDoc } from './render.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const roundsArg = args.indexOf('--rounds');
const ROUNDS = roundsArg >= 0 ? Number(args[roundsArg + 1]) : quick ? 3 : 11;

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const round = (n, digits = 3) => Number(n.toFixed(digits));
const log = (...m) => console.error('[bench]', ...m);

const corpus = loadCorpus();
const stats = corpusStats(corpus);
log(`corpus: ${stats.files} files, ${stats.lines} lines, ${(stats.bytes / 1e6).toFixed(1)} MB`);

// Files under node_modules (nested ones too) are ignored by flat config; lint them under virtual folders.
const virtualName = (file) => file.relativePath.replace(/^node_modules\//, 'corpus/').replace(/\/node_modules\//g, '/nm_/');

const base = {
  files: ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'],
  languageOptions: { parser: tsParser, sourceType: 'module' },
  linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: 'off' },
};
const NO_RULES = [base];
const RECOMMENDED = [base, plugin.configs.recommended];
// The control: one rule that registers no listener, to show what turning on any rule costs ESLint.
const EMPTY_RULE = [base, { plugins: { control: { rules: { empty: { meta: { schema: [] }, create: () => ({}) } } } }, rules: { 'control/empty': 'error' } }];
const linter = new Linter({ configType: 'flat' });

/** Findings of this plugin's rules (not ESLint's notes about inline comments). */
const ours = (messages) => messages.filter((m) => m.ruleId?.startsWith('otel-context/')).length;

function lintAll(files, config, { stats: collect = false } = {}) {
  let findings = 0;
  let ruleMs = 0;
  const perRule = {};
  const start = performance.now();
  for (const file of files) {
    const filename = file.filename ?? virtualName(file);
    if (collect) {
      // ESLint's per-rule timing (the data behind TIMING=all), read after each file.
      findings += ours(linter.verifyAndFix(file.source, config, { filename, stats: true, fix: false }).messages);
      for (const pass of linter.getTimes().passes) {
        for (const [ruleId, time] of Object.entries(pass.rules ?? {})) {
          if (!ruleId.startsWith('otel-context/')) continue;
          ruleMs += time.total;
          perRule[ruleId] = (perRule[ruleId] ?? 0) + time.total;
        }
      }
    } else {
      findings += ours(linter.verify(file.source, config, { filename }));
    }
  }
  return { ms: performance.now() - start, ruleMs, perRule, findings };
}

// 1. Lint overhead, through the ESLint class as the CLI and editors use it (the flat config is
// resolved once, not per file). The configurations alternate file by file (the order flips on
// every file) and each round sums each configuration's time over the whole corpus: drift on a
// shared machine (another process, CPU frequency) then hits every configuration alike, where
// whole-corpus runs one after the other moved a no-listener rule between 1.00x and 1.15x.
// Garbage collection lands on whichever configuration allocates when it runs, in proportion to
// what each allocates. Median of the per-round ratios.
const engine = (config, stats = false) => new ESLint({ cwd: ROOT, overrideConfigFile: true, overrideConfig: config, ignore: false, stats });
const engines = { none: engine(NO_RULES), empty: engine(EMPTY_RULE), rec: engine(RECOMMENDED) };
const NAMES = Object.keys(engines);
async function interleavedRound(files) {
  const times = Object.fromEntries(NAMES.map((name) => [name, 0]));
  let findings = 0;
  for (let i = 0; i < files.length; i++) {
    const file = files[i];
    const filePath = join(ROOT, virtualName(file));
    for (const name of i % 2 === 0 ? NAMES : [...NAMES].reverse()) {
      const start = performance.now();
      const [result] = await engines[name].lintText(file.source, { filePath });
      times[name] += performance.now() - start;
      if (name === 'rec') findings += ours(result.messages);
    }
  }
  return { times, findings };
}
log(`lint overhead: ${ROUNDS} rounds, configurations interleaved file by file`);
await interleavedRound(corpus.slice(0, 300)); // warm-up
const ratios = [];
const emptyRatios = [];
const noRuleTimes = [];
const recTimes = [];
let lintFindings = 0;
for (let i = 0; i < ROUNDS; i++) {
  const { times, findings } = await interleavedRound(corpus);
  lintFindings = findings;
  ratios.push(times.rec / times.none);
  emptyRatios.push(times.empty / times.none);
  noRuleTimes.push(times.none);
  recTimes.push(times.rec);
  log(`  round ${i + 1}: none ${times.none.toFixed(0)} ms, empty rule ${times.empty.toFixed(0)} ms, recommended ${times.rec.toFixed(0)} ms, ratio ${(times.rec / times.none).toFixed(3)}`);
}
// 2. Rule-time share: the preset's rules' own time (ESLint's per-rule timing, `stats`) over the
// no-rules wall time.
const statsEngine = engine(RECOMMENDED, true);
let ruleTimeMs = 0;
const perRule = {};
for (const file of corpus) {
  const [result] = await statsEngine.lintText(file.source, { filePath: join(ROOT, virtualName(file)) });
  for (const pass of result.stats?.times.passes ?? []) {
    for (const [ruleId, time] of Object.entries(pass.rules ?? {})) {
      if (!ruleId.startsWith('otel-context/')) continue;
      ruleTimeMs += time.total;
      perRule[ruleId] = (perRule[ruleId] ?? 0) + time.total;
    }
  }
}
const timed = { ruleMs: ruleTimeMs, perRule, findings: lintFindings };
const lintRuleTimeShare = timed.ruleMs / median(noRuleTimes);
log(`rule time ${timed.ruleMs.toFixed(0)} ms = ${(lintRuleTimeShare * 100).toFixed(2)}% of no-rules wall time; findings ${timed.findings}`);

// 3. Scaling: 1x, 4x, 16x a slice of the corpus (copies under distinct names).
const slice = corpus.slice(0, quick ? 100 : 250);
const scaling = [];
for (const factor of [1, 4, 16]) {
  const files = [];
  for (let k = 0; k < factor; k++) for (const f of slice) files.push({ ...f, filename: `copy${k}/${virtualName(f)}` });
  const { ms } = lintAll(files, RECOMMENDED);
  scaling.push({ factor, files: files.length, ms: round(ms, 0), msPerFile: round(ms / files.length) });
  log(`  scaling ${factor}x: ${files.length} files in ${ms.toFixed(0)} ms`);
}

// 4. One very large generated file: 12,500 vs 50,000 lines must grow ~4x, not ~16x. The same
// ESLint with one core rule (no-debugger) on the same files is the baseline: its growth is
// ESLint's own (parser, scope analysis, garbage collection).
const ONE_CORE_RULE = [base, { rules: { 'no-debugger': 'error' } }];
const large = {};
const largeBaseline = {};
const largeRuleMs = {};
for (const lines of [12_500, 50_000]) {
  const source = generateLargeFile(lines);
  const times = [];
  const baseTimes = [];
  const ruleTimes = [];
  for (let i = 0; i < 3; i++) {
    baseTimes.push(lintAll([{ source, filename: `large-${lines}.ts` }], ONE_CORE_RULE).ms);
    times.push(lintAll([{ source, filename: `large-${lines}.ts` }], RECOMMENDED).ms);
    ruleTimes.push(lintAll([{ source, filename: `large-${lines}.ts` }], RECOMMENDED, { stats: true }).ruleMs);
  }
  large[lines] = median(times);
  largeBaseline[lines] = median(baseTimes);
  largeRuleMs[lines] = median(ruleTimes);
  log(`  large file ${lines} lines: ${large[lines].toFixed(0)} ms (one core rule: ${largeBaseline[lines].toFixed(0)} ms; our rules' own time ${largeRuleMs[lines].toFixed(0)} ms)`);
}
const largeFileGrowth = large[50_000] / large[12_500];
const largeFileRuleTimeGrowth = largeRuleMs[50_000] / largeRuleMs[12_500];
const largeFileBaselineGrowth = largeBaseline[50_000] / largeBaseline[12_500];

// 5. Editor latency: one file of a few thousand lines (dense with traced code), linted again and again.
const editorSource = generateLargeFile(3_000);
const latencies = [];
const baselineLatencies = [];
for (let i = 0; i < 21; i++) {
  baselineLatencies.push(lintAll([{ source: editorSource, filename: 'editor.ts' }], ONE_CORE_RULE).ms);
  latencies.push(lintAll([{ source: editorSource, filename: 'editor.ts' }], RECOMMENDED).ms);
}
const editorLatencyMs = median(latencies.slice(1));
const editorBaselineMs = median(baselineLatencies.slice(1));
log(`editor latency (3,000 lines): ${editorLatencyMs.toFixed(1)} ms (one core rule: ${editorBaselineMs.toFixed(1)} ms)`);

// 6. Codemod throughput: our `all` codemod vs a jscodeshift transform that parses and prints every file.
const j = jscodeshift.withParser('tsx');
const api = { jscodeshift: j, j, stats: () => {}, report: () => {} };
const parsePrint = (file) => j(file.source).toSource();
const codemodAll = createCodemod('all');
function runTransform(transform, files) {
  const start = performance.now();
  let changed = 0;
  let failed = 0;
  for (const f of files) {
    try {
      const out = transform({ path: join(ROOT, virtualName(f)), source: f.source }, api, {});
      if (typeof out === 'string' && out !== f.source) changed++;
    } catch {
      failed++;
    }
  }
  return { ms: performance.now() - start, changed, failed };
}
const codemodRatios = [];
let baselineResult;
let codemodResult;
for (let i = 0; i < (quick ? 1 : 3); i++) {
  baselineResult = runTransform(parsePrint, corpus);
  codemodResult = runTransform(codemodAll, corpus);
  codemodRatios.push(codemodResult.ms / baselineResult.ms);
  log(`  codemod round ${i + 1}: parse+print ${baselineResult.ms.toFixed(0)} ms, all ${codemodResult.ms.toFixed(0)} ms`);
}

const results = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: os.cpus().length,
  command: `node bench/run.mjs${args.length ? ` ${args.join(' ')}` : ''}`,
  corpus: stats,
  corpusFiles: stats.files,
  rounds: ROUNDS,
  lintOverheadRatio: round(median(ratios)),
  lintOverheadRatios: ratios.map((r) => round(r)),
  lintEmptyRuleRatio: round(median(emptyRatios)),
  lintMethod: 'ESLint class, lintText; no rules / one empty rule / recommended interleaved file by file (order flips per file); per-round sums; median of per-round ratios',
  lintNoRulesMedianMs: round(median(noRuleTimes), 0),
  lintRecommendedMedianMs: round(median(recTimes), 0),
  lintRuleTimeMs: round(timed.ruleMs, 0),
  lintRuleTimeShare: round(lintRuleTimeShare, 4),
  lintRuleTimeMsPerRule: Object.fromEntries(Object.entries(timed.perRule).map(([k, v]) => [k, round(v, 0)])),
  findingsOnCorpus: timed.findings,
  scaling,
  largeFile: {
    lines12500Ms: round(large[12_500], 0),
    lines50000Ms: round(large[50_000], 0),
    growth: round(largeFileGrowth),
    baselineGrowth: round(largeFileBaselineGrowth),
    ruleMs12500: round(largeRuleMs[12_500], 0),
    ruleMs50000: round(largeRuleMs[50_000], 0),
    ruleTimeGrowth: round(largeFileRuleTimeGrowth),
  },
  editorLatencyMs: round(editorLatencyMs, 1),
  editorBaselineMs: round(editorBaselineMs, 1),
  codemodOverheadRatio: round(median(codemodRatios)),
  codemodBaselineMs: round(baselineResult.ms, 0),
  codemodAllMs: round(codemodResult.ms, 0),
  codemodChangedFiles: codemodResult.changed,
  codemodFailedFiles: codemodResult.failed,
  baselineChangedFiles: baselineResult.changed,
};
mkdirSync(join(ROOT, 'bench'), { recursive: true });
// keep the measurements of `npm run bench:typed`, `bench:otel-codebase`, `bench:doctor` and `bench:rule-share`, which this script does not repeat
const resultsPath = join(ROOT, 'bench/results.json');
if (existsSync(resultsPath)) {
  const previous = JSON.parse(readFileSync(resultsPath, 'utf8'));
  if (previous.typed) results.typed = previous.typed;
  if (previous.otelCodebase) results.otelCodebase = previous.otelCodebase;
  if (previous.doctorHttp) results.doctorHttp = previous.doctorHttp;
  if (previous.ruleShare) results.ruleShare = previous.ruleShare;
}
writeFileSync(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
writeBenchmarksDoc(results);
log('wrote bench/results.json and docs/benchmarks.md');
