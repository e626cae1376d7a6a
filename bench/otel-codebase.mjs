#!/usr/bin/env node
// npm run bench:otel-codebase -- <dir> — the plugin on a real codebase dense with OpenTelemetry
// code, which the node_modules corpus of bench/run.mjs is not (there 7% of the files mention the
// API). Used with opentelemetry-js-contrib (its instrumentations and their tests):
//   git clone https://github.com/open-telemetry/opentelemetry-js-contrib /tmp/contrib
//   git -C /tmp/contrib checkout fd4d8ae8f
//   node bench/otel-codebase.mjs /tmp/contrib/packages [--rounds N]
// Measures, as bench/run.mjs does: `recommended` vs no rules (ESLint class, interleaved file by
// file, median of per-round ratios), the rules' own time as a share of the no-rules wall time,
// and the findings of the `all` preset under each context manager. Writes `otelCodebase` into
// bench/results.json (docs/benchmarks.md is re-rendered from it).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import tsParser from '@typescript-eslint/parser';
import { ESLint } from 'eslint';
import plugin from '../dist/index.js';
import { TRACED_CODE_TRIGGERS } from '../dist/core/analysis/otel-api.js';
import { corpusStats, loadDirectory, ROOT } from './corpus.mjs';
import { writeBenchmarksDoc } from './render.mjs';

const args = process.argv.slice(2);
const dir = args.find((a) => !a.startsWith('--'));
if (!dir || !existsSync(dir)) {
  console.error('usage: node bench/otel-codebase.mjs <dir> [--rounds N]');
  process.exit(2);
}
const roundsArg = args.indexOf('--rounds');
const ROUNDS = roundsArg >= 0 ? Number(args[roundsArg + 1]) : 7;
const log = (...m) => console.error('[otel-codebase]', ...m);
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const round = (n, digits = 3) => Number(n.toFixed(digits));

const files = loadDirectory(resolve(dir)).filter((f) => /\.[cm]?tsx?$/.test(f.path));
const stats = corpusStats(files);
const mentionsApi = files.filter((f) => TRACED_CODE_TRIGGERS.some((t) => f.source.includes(t))).length;
log(`${stats.files} TypeScript files, ${stats.lines} lines; ${mentionsApi} mention the API, a span start or AsyncLocalStorage`);

const virtual = (file) => join(ROOT, 'otel-codebase', file.relativePath);
const base = {
  files: ['**/*.{ts,tsx,mts,cts}'],
  languageOptions: { parser: tsParser, sourceType: 'module' },
  linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: 'off' },
};
const engine = (config, extra = {}) => new ESLint({ cwd: ROOT, overrideConfigFile: true, overrideConfig: config, ignore: false, ...extra });
const engines = { none: engine([base]), rec: engine([base, plugin.configs.recommended]) };

const ratios = [];
const noneTimes = [];
for (let r = 0; r <= ROUNDS; r++) {
  const times = { none: 0, rec: 0 };
  for (let i = 0; i < files.length; i++) {
    for (const name of i % 2 === 0 ? ['none', 'rec'] : ['rec', 'none']) {
      const start = performance.now();
      await engines[name].lintText(files[i].source, { filePath: virtual(files[i]) });
      times[name] += performance.now() - start;
    }
  }
  if (r === 0) continue; // warm-up
  ratios.push(times.rec / times.none);
  noneTimes.push(times.none);
  log(`  round ${r}: none ${times.none.toFixed(0)} ms, recommended ${times.rec.toFixed(0)} ms, ratio ${(times.rec / times.none).toFixed(3)}`);
}

const statsEngine = engine([base, plugin.configs.recommended], { stats: true });
const perRule = {};
let ruleMs = 0;
for (const file of files) {
  const [result] = await statsEngine.lintText(file.source, { filePath: virtual(file) });
  for (const pass of result.stats?.times.passes ?? []) {
    for (const [ruleId, time] of Object.entries(pass.rules ?? {})) {
      if (!ruleId.startsWith('otel-context/')) continue;
      ruleMs += time.total;
      perRule[ruleId.replace('otel-context/', '')] = round((perRule[ruleId.replace('otel-context/', '')] ?? 0) + time.total, 1);
    }
  }
}
log(`rule time ${ruleMs.toFixed(0)} ms = ${((ruleMs / median(noneTimes)) * 100).toFixed(2)}% of the no-rules wall time`);

const findings = {};
for (const manager of ['async-local-storage', 'async-hooks', 'zone', 'stack']) {
  const all = engine([base, { ...plugin.configs.all, settings: { 'otel-context': { contextManager: manager } } }]);
  const counts = {};
  for (const file of files) {
    const [result] = await all.lintText(file.source, { filePath: virtual(file) });
    for (const m of result.messages) {
      // ESLint's own notes (inline configuration ignored under noInlineConfig) are not findings
      if (!m.ruleId?.startsWith('otel-context/') && !m.fatal) continue;
      const key = m.ruleId?.replace('otel-context/', '') ?? 'parse error';
      counts[key] = (counts[key] ?? 0) + 1;
    }
  }
  findings[manager] = counts;
  log(`  findings under ${manager}: ${JSON.stringify(counts)}`);
}

const resultsPath = join(ROOT, 'bench/results.json');
const results = JSON.parse(readFileSync(resultsPath, 'utf8'));
results.otelCodebase = {
  date: new Date().toISOString(),
  command: `node bench/otel-codebase.mjs ${args.join(' ')}`,
  source: 'open-telemetry/opentelemetry-js-contrib @ fd4d8ae8f, packages/ (instrumentations, their tests)',
  files: stats.files,
  lines: stats.lines,
  filesMentioningApi: mentionsApi,
  rounds: ROUNDS,
  lintOverheadRatio: round(median(ratios)),
  lintOverheadRatios: ratios.map((x) => round(x)),
  lintNoRulesMedianMs: round(median(noneTimes), 0),
  lintRuleTimeMs: round(ruleMs, 0),
  lintRuleTimeShare: round(ruleMs / median(noneTimes), 4),
  lintRuleTimeMsPerRule: perRule,
  findingsAllPreset: findings,
  // the written review of the findings is not measured: it is kept from the previous results
  ...(results.otelCodebase?.notes ? { notes: results.otelCodebase.notes } : {}),
};
writeFileSync(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
writeBenchmarksDoc(results);
log('wrote otelCodebase into bench/results.json and docs/benchmarks.md');
