#!/usr/bin/env node
// node bench/rule-time-ab.mjs <contrib dir> <base dist/index.js> [--rounds N] — the rules' own time
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
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import tsParser from '@typescript-eslint/parser';
import { ESLint } from 'eslint';

const args = process.argv.slice(2);
const roundsAt = args.indexOf('--rounds');
const rounds = roundsAt === -1 ? 7 : Number(args[roundsAt + 1]);
const [contrib, baseIndex] = args.filter((arg, i) => !arg.startsWith('--') && (roundsAt === -1 || i !== roundsAt + 1));
if (!contrib || !baseIndex || !Number.isInteger(rounds) || rounds < 2) {
  console.error('usage: node bench/rule-time-ab.mjs <contrib dir> <base dist/index.js> [--rounds N >= 2]');
  process.exit(2);
}
const packages = join(resolve(contrib), 'packages');
if (!existsSync(packages)) {
  console.error(`rule-time-ab: ${packages} does not exist (see the checkout instructions at the top of this file)`);
  process.exit(2);
}
const builds = {
  base: (await import(pathToFileURL(resolve(baseIndex)).href)).default,
  current: (await import('../dist/index.js')).default,
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
  Object.entries(builds).map(([name, plugin]) => [name, new ESLint({ cwd: process.cwd(), overrideConfigFile: true, overrideConfig: [base, plugin.configs.recommended], ignore: false, stats: true })]),
);
const totals = { base: [], current: [] };
const perRule = { base: {}, current: {} };
const findings = { base: 0, current: 0 };
for (let round = 0; round < rounds; round++) {
  const sum = { base: 0, current: 0 };
  for (const [i, file] of files.entries()) {
    for (const name of (i + round) % 2 ? ['base', 'current'] : ['current', 'base']) {
      const [result] = await engines[name].lintText(file.source, { filePath: join(process.cwd(), 'rule-time-ab', file.path.slice(packages.length)) });
      if (round === 0) findings[name] += result.messages.filter((message) => message.ruleId?.startsWith('otel-context/')).length;
      for (const pass of result.stats.times.passes) {
        for (const [rule, time] of Object.entries(pass.rules ?? {})) {
          sum[name] += time.total;
          if (round > 0) perRule[name][rule] = (perRule[name][rule] ?? 0) + time.total / (rounds - 1);
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
console.log(`findings: base ${findings.base}, current ${findings.current}`);
for (const rule of Object.keys(perRule.base).sort()) {
  console.log(`  ${rule.replace('otel-context/', '').padEnd(30)} base ${perRule.base[rule].toFixed(1).padStart(6)} ms  current ${(perRule.current[rule] ?? 0).toFixed(1).padStart(6)} ms`);
}
