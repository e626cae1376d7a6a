#!/usr/bin/env node
// npm run bench:typed — the type-aware preset on a typed project: ESLint with
// `recommended-type-checked` plus `@typescript-eslint/no-floating-promises`, against
// `no-floating-promises` alone, on the same files with the same tsconfig (building the TypeScript
// program dominates both). The project is this repository's own TypeScript (core/, rules/,
// codemods/, harness/, configs/, tests/: strict, with a tsconfig). Alternating rounds, median ratio,
// twice: cold (each run in a fresh process: the TypeScript program is built, as in CI) and warm
// (runs in one process after a first one: typescript-eslint keeps the program, as in an editor).
// Merges `typed` into bench/results.json and re-renders docs/benchmarks.md.
//   node bench/typed.mjs [--rounds N]
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import plugin from '../dist/index.js';
import { ROOT } from './corpus.mjs';
import { writeBenchmarksDoc } from './render.mjs';

const args = process.argv.slice(2);
const roundsArg = args.indexOf('--rounds');
const ROUNDS = roundsArg >= 0 ? Number(args[roundsArg + 1]) : 5;
const PATTERNS = ['index.ts', 'core', 'rules', 'codemods', 'harness', 'configs', 'tests'];
const FILES = ['**/*.ts'];

const typed = {
  files: FILES,
  languageOptions: { parser: tseslint.parser, parserOptions: { projectService: true, tsconfigRootDir: ROOT } },
  plugins: { '@typescript-eslint': tseslint.plugin },
  linterOptions: { reportUnusedDisableDirectives: 'off' },
};
const NO_FLOATING = [{ ...typed, rules: { '@typescript-eslint/no-floating-promises': 'error' } }];
const WITH_PRESET = [...NO_FLOATING, { ...plugin.configs['recommended-type-checked'], files: FILES }];

async function run(config) {
  const eslint = new ESLint({ cwd: ROOT, overrideConfigFile: true, overrideConfig: config, cache: false });
  const start = performance.now();
  const results = await eslint.lintFiles(PATTERNS);
  const ms = performance.now() - start;
  const findings = {};
  let files = 0;
  for (const result of results) {
    files++;
    for (const message of result.messages) {
      const key = message.ruleId ?? 'fatal';
      findings[key] = (findings[key] ?? 0) + 1;
    }
  }
  return { ms, files, findings };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const CONFIGS = { alone: NO_FLOATING, preset: WITH_PRESET };

// A child process runs one configuration once and prints its result.
const childIndex = args.indexOf('--child');
if (childIndex >= 0) {
  process.stdout.write(JSON.stringify(await run(CONFIGS[args[childIndex + 1]])));
  process.exit(0);
}
const cold = (which) =>
  JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', which], { encoding: 'utf8', maxBuffer: 1e8 }));

async function measure(label, once) {
  const ratios = [];
  let last;
  for (let i = 0; i < ROUNDS; i++) {
    const order = i % 2 === 0 ? ['alone', 'preset'] : ['preset', 'alone'];
    const times = {};
    for (const which of order) {
      const result = await once(which);
      times[which] = result.ms;
      if (which === 'preset') last = result;
    }
    ratios.push(times.preset / times.alone);
    console.error(`[bench:typed] ${label} round ${i + 1}: no-floating-promises alone ${times.alone.toFixed(0)} ms, with the preset ${times.preset.toFixed(0)} ms`);
  }
  return { ratio: Number(median(ratios).toFixed(3)), ratios: ratios.map((r) => Number(r.toFixed(3))), last };
}

const coldResult = await measure('cold', async (which) => cold(which));
await run(NO_FLOATING); // warm-up: build the program once in this process
const warmResult = await measure('warm', (which) => run(CONFIGS[which]));
const last = coldResult.last;
const resultsPath = new URL('bench/results.json', `file://${ROOT}`);
const results = existsSync(resultsPath) ? JSON.parse(readFileSync(resultsPath, 'utf8')) : {};
results.typed = {
  command: `node bench/typed.mjs${args.length ? ` ${args.join(' ')}` : ''}`,
  project: PATTERNS,
  files: last.files,
  rounds: ROUNDS,
  ratio: coldResult.ratio,
  ratios: coldResult.ratios,
  coldMs: Number(last.ms.toFixed(0)),
  warmRatio: warmResult.ratio,
  warmRatios: warmResult.ratios,
  warmMs: Number(warmResult.last.ms.toFixed(0)),
  findings: last.findings,
};
writeFileSync(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
writeBenchmarksDoc(results);
console.error(`[bench:typed] median ratio cold ${results.typed.ratio}, warm ${results.typed.warmRatio}; findings ${JSON.stringify(last.findings)}`);
