#!/usr/bin/env node
// Every lint message and every codemod output on every fixture, written to one JSON file, so that a
// change meant to alter no finding and no fix (a refactor, a speed-up) can be checked byte for byte
// against a build of the revision before it. Not part of `npm test` (the fixture tests check each
// fixture against its own rule; this checks every file against every rule and every manager).
//   npm run build && cp -r dist .tmp/base-dist        (on the revision before the change)
//   node scripts/findings-snapshot.mjs --dist .tmp/base-dist --out .tmp/snapshot-before.json
//   npm run build                                       (on the change)
//   node scripts/findings-snapshot.mjs --out .tmp/snapshot-after.json --compare .tmp/snapshot-before.json
//   (--compare-only: compare --out with --compare without linting again)
// Per file (every fixture input, output and valid file, plus the dense generated file of
// bench/generate.mjs): the fixture's own rule with its settings (messages with their fixes and
// suggestions, the fixed output, the `--unsafe` output); then every rule that needs no type
// information, under each context manager, with `recommended`'s options and with `strict`'s
// (messages, fixed output, `--unsafe` output). Exit code 1 when --compare finds a difference.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateLargeFile } from '../bench/generate.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const dist = resolve(ROOT, option('--dist') ?? 'dist');
const out = option('--out');
const compareWith = option('--compare');
if (!out) {
  console.error('usage: node scripts/findings-snapshot.mjs [--dist DIR] --out FILE [--compare BEFORE.json]');
  process.exit(2);
}

const compareOnly = args.includes('--compare-only');
const { lintWithRules, fixWithRules } = await import(pathToFileURL(join(dist, 'codemods/fix-with-rule.js')).href);
const { syntacticRuleNames, ruleMeta } = await import(pathToFileURL(join(dist, 'rule-meta.js')).href);
const MANAGERS = ['async-local-storage', 'async-hooks', 'zone', 'stack'];
const RULES = syntacticRuleNames();
const strictOptions = Object.fromEntries(
  RULES.flatMap((rule) => {
    const options = ruleMeta(rule).docs.strictOptions;
    return options ? [[rule, options]] : [];
  }),
);

const SOURCE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;
function walk(dir, files = []) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, files);
    else if (SOURCE.test(name)) files.push(path);
  }
  return files;
}
const readJson = (path) => {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return {};
  }
};
/** The sidecar of a fixture file: `<case>.json` next to `<case>.input.ts`, `<case>.output.ts` or `valid/<case>.ts`. */
const sidecarOf = (path) => readJson(path.replace(/(\.input|\.output)?\.[a-z]+$/, '.json'));

// Everything a message carries except what does not come from the rules (severity, nodeType are kept: cheap).
const messagesOf = (messages) => messages.map((m) => ({ ...m }));
function run(fn) {
  try {
    return fn();
  } catch (error) {
    return { error: String(error?.message ?? error) };
  }
}
function fixOutcome(source, path, options) {
  const result = run(() => fixWithRules(source, path, options));
  if ('error' in result && !('changed' in result)) return result;
  return { output: result.changed ? result.output : null, remaining: result.remaining, fatal: result.fatal ?? null };
}

const inputs = walk(join(ROOT, 'fixtures')).map((path) => {
  const rel = relative(join(ROOT, 'fixtures'), path);
  return { key: `fixtures/${rel}`, path, source: readFileSync(path, 'utf8'), rule: rel.split('/')[0], config: sidecarOf(path) };
});
inputs.push({ key: 'bench/generate.mjs:3000', path: join(ROOT, '.tmp', 'snapshot', 'dense.ts'), source: generateLargeFile(3_000), rule: undefined, config: {} });

const snapshot = {};
let done = 0;
for (const file of compareOnly ? [] : inputs) {
  const entry = {};
  const settings = file.config.settings ?? {};
  if (file.rule && RULES.includes(file.rule)) {
    const options = { rules: [file.rule], settings, ...(file.config.options ? { ruleOptions: { [file.rule]: file.config.options } } : {}) };
    entry.own = {
      messages: run(() => messagesOf(lintWithRules(file.source, file.path, options))),
      fix: fixOutcome(file.source, file.path, options),
      unsafe: fixOutcome(file.source, file.path, { ...options, unsafe: true }),
    };
  }
  for (const contextManager of MANAGERS) {
    for (const [preset, ruleOptions] of [['recommended', undefined], ['strict', strictOptions]]) {
      const options = { rules: RULES, settings: { ...settings, contextManager }, ...(ruleOptions ? { ruleOptions } : {}) };
      entry[`${contextManager}/${preset}`] = {
        messages: run(() => messagesOf(lintWithRules(file.source, file.path, options))),
        fix: fixOutcome(file.source, file.path, options),
        unsafe: fixOutcome(file.source, file.path, { ...options, unsafe: true }),
      };
    }
  }
  snapshot[file.key] = entry;
  if (++done % 50 === 0) console.error(`[snapshot] ${done}/${inputs.length} files`);
}
if (!compareOnly) writeFileSync(out, `${JSON.stringify(snapshot, null, 1)}\n`);
const count = (s) =>
  Object.values(s).reduce(
    (n, entry) => n + Object.values(entry).reduce((m, c) => m + (Array.isArray(c.messages) ? c.messages.length : 0), 0),
    0,
  );
if (!compareOnly) console.error(`[snapshot] ${inputs.length} files, ${count(snapshot)} messages in all configurations → ${out}`);

if (compareWith) {
  const before = JSON.parse(readFileSync(compareWith, 'utf8'));
  const after = JSON.parse(readFileSync(out, 'utf8'));
  const differences = [];
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    for (const config of new Set([...Object.keys(before[key] ?? {}), ...Object.keys(after[key] ?? {})])) {
      for (const part of ['messages', 'fix', 'unsafe']) {
        const a = JSON.stringify(before[key]?.[config]?.[part]);
        const b = JSON.stringify(after[key]?.[config]?.[part]);
        if (a !== b) differences.push(`${key} ${config} ${part}`);
      }
    }
  }
  console.error(`[snapshot] compared with ${compareWith}: ${Object.keys(before).length} files before, ${Object.keys(after).length} after, ${count(before)} / ${count(after)} messages; ${differences.length} differences`);
  for (const d of differences.slice(0, 30)) console.error(`  differs: ${d}`);
  if (differences.length > 0) process.exit(1);
}
