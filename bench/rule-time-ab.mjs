#!/usr/bin/env node
// node bench/rule-time-ab.mjs <contrib dir> <base dist/index.js> [--rounds N] [--current ..] [--off ..] — the rules' own time
// (ESLint `stats`, the timing behind TIMING=all) of two builds of this plugin, measured in one
// process on the same files (opentelemetry-js-contrib's packages/instrumentation-*/src, as
// bench/rule-share.mjs), alternating the two builds file by file so that machine drift hits both.
// The base is another revision's build, kept inside this checkout so it resolves node_modules:
//   git archive <ref> | tar -x -C .tmp/base-src && ln -s "$PWD/node_modules" .tmp/base-src/
//   (cd .tmp/base-src && npx tsc -p tsconfig.build.json) && cp -r .tmp/base-src/dist .tmp/base-dist
//   npm run build && node bench/rule-time-ab.mjs /tmp/contrib .tmp/base-dist/index.js --rounds 7
// Prints every round's totals and ratio (current / base), the median ratio over the rounds after
// the first (a warm-up), the findings of both builds (they must match for a speed-only change) and
// the mean per-rule time of each. Not part of npm test; nothing is written.
// On a loaded machine (other processes preempting this one) the sums swing by ±30% from round to
// round; it also prints the sum over files of each file's MINIMUM over the rounds (overall and per
// rule): preemption only ever adds time, so the minimum over enough rounds (6 or more under load)
// is close to the file's own cost. Compare the two builds' sums in the same run, not across runs:
// session 12, at load 7–11 on 2 cores, two runs of the same pair gave ratios of these sums 0.887
// and 0.878 where the per-round ratios spread from 0.62 to 1.38.
// Options: --current <index.js> (another build as "current"; default this checkout's dist),
// --off <rule,..> (those rules off in "current": with the base build as current too, the
// rules' marginal cost — what the others pay instead when one rule no longer does the shared work).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import tsParser from '@typescript-eslint/parser';
import { ESLint } from 'eslint';

const args = process.argv.slice(2);
const valueOf = (flag) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
const rounds = Number(valueOf('--rounds') ?? 7);
const currentIndex = valueOf('--current');
const off = (valueOf('--off') ?? '').split(',').filter(Boolean);
const [contrib, baseIndex] = args.filter((arg, i) => !arg.startsWith('--') && !['--rounds', '--current', '--off'].includes(args[i - 1]));
if (!contrib || !baseIndex || !Number.isInteger(rounds) || rounds < 2) {
  console.error('usage: node bench/rule-time-ab.mjs <contrib dir> <base dist/index.js> [--rounds N >= 2] [--current <index.js>] [--off <rule,..>]');
  process.exit(2);
}
const packages = join(resolve(contrib), 'packages');
if (!existsSync(packages)) {
  console.error(`rule-time-ab: ${packages} does not exist (see the checkout instructions at the top of this file)`);
  process.exit(2);
}
const builds = {
  base: (await import(pathToFileURL(resolve(baseIndex)).href)).default,
  current: (await import(currentIndex ? pathToFileURL(resolve(currentIndex)).href : '../dist/index.js')).default,
};
function walk(dir, out) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, out);
    else if (/\.[cm]?tsx?$/.test(entry.name) && !/\.d\.[cm]?ts$/.test(entry.name)) out.push(path);
  }
  return out;
}
const files = readdirSync(packages)
  .filter((name) => name.startsWith('instrumentation-') && existsSync(join(packages, name, 'src')))
  .sort()
  .flatMap((name) => walk(join(packages, name, 'src'), []))
  .map((path) => ({ path, source: readFileSync(path, 'utf8') }));
if (files.length === 0) {
  console.error(`rule-time-ab: no instrumentation sources under ${packages}`);
  process.exit(2);
}
const base = {
  files: ['**/*.ts'],
  languageOptions: { parser: tsParser, sourceType: 'module' },
  linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: 'off' },
};
const engines = Object.fromEntries(
  Object.entries(builds).map(([name, plugin]) => [name, new ESLint({ cwd: process.cwd(), overrideConfigFile: true, overrideConfig: [base, plugin.configs.recommended, ...(name === 'current' && off.length > 0 ? [{ rules: Object.fromEntries(off.map((rule) => [`otel-context/${rule}`, 'off'])) }] : [])], ignore: false, stats: true })]),
);
const totals = { base: [], current: [] };
const perRule = { base: {}, current: {} };
/** Per build: each file's minimum over the rounds after the first, in total and per rule. */
const fileMin = { base: [], current: [] };
const fileRuleMin = { base: {}, current: {} };
const findings = { base: 0, current: 0 };
for (let round = 0; round < rounds; round++) {
  const sum = { base: 0, current: 0 };
  for (const [i, file] of files.entries()) {
    for (const name of (i + round) % 2 ? ['base', 'current'] : ['current', 'base']) {
      const [result] = await engines[name].lintText(file.source, { filePath: join(process.cwd(), 'rule-time-ab', file.path.slice(packages.length)) });
      if (round === 0) findings[name] += result.messages.filter((message) => message.ruleId?.startsWith('otel-context/')).length;
      let fileTotal = 0;
      const fileRules = {};
      for (const pass of result.stats.times.passes) {
        for (const [rule, time] of Object.entries(pass.rules ?? {})) {
          sum[name] += time.total;
          fileTotal += time.total;
          fileRules[rule] = (fileRules[rule] ?? 0) + time.total;
          if (round > 0) perRule[name][rule] = (perRule[name][rule] ?? 0) + time.total / (rounds - 1);
        }
      }
      if (round > 0) {
        fileMin[name][i] = Math.min(fileMin[name][i] ?? Infinity, fileTotal);
        for (const [rule, time] of Object.entries(fileRules)) {
          const mins = (fileRuleMin[name][rule] ??= []);
          mins[i] = Math.min(mins[i] ?? Infinity, time);
        }
      }
    }
  }
  if (round > 0) for (const name of ['base', 'current']) totals[name].push(sum[name]);
  console.log(`round ${round}${round === 0 ? ' (warm-up)' : ''}: base ${sum.base.toFixed(1)} ms, current ${sum.current.toFixed(1)} ms, ratio ${(sum.current / sum.base).toFixed(3)}`);
}
const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
const ratios = totals.base.map((value, i) => totals.current[i] / value);
console.log(`${files.length} files; median of ${rounds - 1} rounds: base ${median(totals.base).toFixed(1)} ms, current ${median(totals.current).toFixed(1)} ms, current/base ${median(ratios).toFixed(3)} (rounds ${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)})`);
const total = (values = []) => values.reduce((sum, value) => sum + (value ?? 0), 0);
console.log(`sum of each file's minimum over the rounds: base ${total(fileMin.base).toFixed(1)} ms, current ${total(fileMin.current).toFixed(1)} ms, current/base ${(total(fileMin.current) / total(fileMin.base)).toFixed(3)}`);
console.log(`findings: base ${findings.base}, current ${findings.current}${off.length > 0 ? ` (current with ${off.join(', ')} off)` : ''}`);
console.log('per rule: mean per round, then the sum of per-file minimums');
for (const rule of Object.keys(perRule.base).sort()) {
  const mean = (name) => (perRule[name][rule] ?? 0).toFixed(1).padStart(6);
  const min = (name) => total(fileRuleMin[name][rule]).toFixed(1).padStart(6);
  console.log(`  ${rule.replace('otel-context/', '').padEnd(30)} base ${mean('base')} ms  current ${mean('current')} ms   min: base ${min('base')} ms  current ${min('current')} ms`);
}
