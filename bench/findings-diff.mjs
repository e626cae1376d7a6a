#!/usr/bin/env node
// Findings of a preset before and after a change, measured in the same run (not part of npm test:
// it needs checkouts of real repositories). The "before" is a build of another revision:
//   git archive <base-ref> | tar -x -C .tmp/base-src && ln -s "$PWD/node_modules" .tmp/base-src/
//   (cd .tmp/base-src && npx tsc -p tsconfig.build.json) && cp -r .tmp/base-src/dist .tmp/base-dist
//   npm run build
//   node bench/findings-diff.mjs --base .tmp/base-dist [--preset recommended] [--list] <dir>...
// Prints, per directory: files, lines, findings per rule and per kLOC for base and current, and
// with --list every finding that appeared (+) or disappeared (-) (a changed message shows as both).
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import tsParser from '@typescript-eslint/parser';
import { Linter } from 'eslint';
import { loadDirectory, ROOT } from './corpus.mjs';

const args = process.argv.slice(2);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const basePath = option('--base');
const preset = option('--preset') ?? 'recommended';
const list = args.includes('--list');
const dirs = args.filter((a, i) => !a.startsWith('--') && !['--base', '--preset'].includes(args[i - 1] ?? ''));
if (!basePath || dirs.length === 0) {
  console.error('usage: node bench/findings-diff.mjs --base <dist dir of the base revision> [--preset name] [--list] <dir>...');
  process.exit(2);
}
const base = (await import(pathToFileURL(resolve(basePath, 'index.js')).href)).default;
const current = (await import('../dist/index.js')).default;
const FILES = ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'];
const configFor = (plugin) => [
  {
    files: FILES,
    languageOptions: { parser: tsParser, sourceType: 'module', parserOptions: { ecmaFeatures: { jsx: true } } },
    linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: 'off' },
  },
  { ...plugin.configs[preset], files: FILES },
];
const configs = { base: configFor(base), current: configFor(current) };
const linter = new Linter({ configType: 'flat', cwd: ROOT });

for (const dir of dirs) {
  const files = loadDirectory(resolve(dir));
  let lines = 0;
  const counts = { base: {}, current: {} };
  const found = { base: new Set(), current: new Set() };
  const failures = [];
  for (const file of files) {
    lines += file.source.split('\n').length;
    for (const side of ['base', 'current']) {
      let messages;
      try {
        messages = linter.verify(file.source, configs[side], { filename: resolve(ROOT, 'virtual', file.relativePath) });
      } catch (error) {
        failures.push(`${side} ${file.relativePath}: ${error.message}`);
        continue;
      }
      for (const m of messages) {
        if (!m.ruleId?.startsWith('otel-context/')) continue;
        const rule = m.ruleId.slice('otel-context/'.length);
        counts[side][rule] = (counts[side][rule] ?? 0) + 1;
        found[side].add(`${file.relativePath}:${m.line}:${m.column} ${rule} ${m.message.slice(0, 110)}`);
      }
    }
  }
  const total = (c) => Object.values(c).reduce((a, b) => a + b, 0);
  console.log(`== ${dir}: ${files.length} files, ${lines} lines, preset ${preset}`);
  for (const side of ['base', 'current']) {
    console.log(`  ${side}: ${total(counts[side])} findings (${(total(counts[side]) / (lines / 1000)).toFixed(3)}/kLOC) ${JSON.stringify(counts[side])}`);
  }
  if (failures.length > 0) console.log(`  CRASHES (${failures.length}):\n    ${failures.join('\n    ')}`);
  if (list) {
    for (const f of found.base) if (!found.current.has(f)) console.log(`  - ${f}`);
    for (const f of found.current) if (!found.base.has(f)) console.log(`  + ${f}`);
  }
}
