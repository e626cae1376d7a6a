#!/usr/bin/env node
// The main job on the built-in example (`npm run demo`):
//   1. lint examples/app with the `recommended` preset;
//   2. show what `otel-context-codemod all` changes (on a copy);
//   3. run the app under the real SDK and the AsyncLocalStorage context manager, before and after
//      the codemod, and print both traces as waterfalls.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import tsParser from '@typescript-eslint/parser';
import { ESLint } from 'eslint';
import ts from 'typescript';
import plugin from '../dist/index.js';
import { runCodemod } from '../dist/codemods/cli.js';
import { captureTraceIsolated, renderWaterfall } from '../dist/harness/index.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const appSrc = join(root, 'examples/app/src');
const work = join(root, '.tmp/demo');
const heading = (text) => console.log(`\n\x1b[1m== ${text}\x1b[0m\n`);

// 1. Lint.
heading('1. eslint with otel-context/recommended (contextManager: async-local-storage)');
const eslint = new ESLint({
  cwd: join(root, 'examples/app'),
  overrideConfigFile: true,
  overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tsParser } }, plugin.configs.recommended],
});
const results = await eslint.lintFiles(['src']);
const formatter = await eslint.loadFormatter('stylish');
console.log((await formatter.format(results)) || 'no findings');

// 2. Codemod on a scratch copy (--force: the copy is not the user's work tree).
heading('2. otel-context-codemod all examples/app/src (on a copy)');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const fixedSrc = join(work, 'src-fixed');
cpSync(appSrc, fixedSrc, { recursive: true });
// --no-config: the app is linted with the recommended preset above, not with this repository's own config.
const exitCode = await runCodemod(['all', fixedSrc, '--force', '--no-config'], { stdout: process.stdout, stderr: process.stdout, cwd: root });
if (exitCode !== 0) throw new Error(`the codemod exited ${exitCode}`);
let diff = '';
try {
  execFileSync('git', ['diff', '--no-index', '--no-color', '--', 'examples/app/src', '.tmp/demo/src-fixed'], { cwd: root, encoding: 'utf8' });
} catch (error) {
  diff = error.stdout; // git diff --no-index exits 1 when the trees differ
}
console.log(diff || 'no changes');

// 3. Run both under the real SDK.
function transpileDir(from, to) {
  mkdirSync(to, { recursive: true });
  for (const file of readdirSync(from).filter((f) => f.endsWith('.ts'))) {
    const { outputText } = ts.transpileModule(readFileSync(join(from, file), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      fileName: file,
    });
    writeFileSync(join(to, file.replace(/\.ts$/, '.js')), outputText);
  }
}
transpileDir(appSrc, join(work, 'run-before'));
transpileDir(fixedSrc, join(work, 'run-after'));
for (const [label, dir] of [
  ['before the codemod', 'run-before'],
  ['after the codemod', 'run-after'],
]) {
  heading(`3. the trace ${label} (AsyncLocalStorageContextManager, real SDK)`);
  const trace = await captureTraceIsolated(join(work, dir, 'demo-scenario.js'), { contextManager: 'async-local-storage' });
  console.log(renderWaterfall(trace));
}
console.log(`
Before: every metrics.flush tick is a child of the first GET /orders (an endless trace), and
report.render is a new root instead of a child of report.job. After: each flush is its own root
and report.render sits under report.job.`);
