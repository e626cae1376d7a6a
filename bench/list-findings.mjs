#!/usr/bin/env node
// node bench/list-findings.mjs <dir> <out.json> [--js] — every finding of the `recommended` preset over
// the TypeScript files of <dir> (with --js, the JavaScript files too; node_modules skipped), written to
// <out.json> as { file, line, col, rule, id, msg },
// with a one-line summary (files, lines, findings, per kLOC, per rule) on stdout. For reading every
// finding of a change on real code: run it with the plugin before and after (PLUGIN=<path to a
// dist/index.js> picks another build) and diff the two lists. Needs `npm run build`.
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import tsParser from '@typescript-eslint/parser';
import { ESLint } from 'eslint';
import { corpusStats, loadDirectory, ROOT } from './corpus.mjs';

const plugin = (await import(process.env.PLUGIN ?? '../dist/index.js')).default;
const withJs = process.argv.includes('--js');
const [dir, out] = process.argv.slice(2).filter((a) => a !== '--js');
if (!dir || !out) {
  console.error('usage: node bench/list-findings.mjs <dir> <out.json> [--js]');
  process.exit(2);
}
const EXTENSIONS = withJs ? /\.[cm]?[jt]sx?$/ : /\.[cm]?tsx?$/;
const files = loadDirectory(resolve(dir)).filter((f) => EXTENSIONS.test(f.path) && !f.path.includes('/node_modules/'));
const stats = corpusStats(files);
const base = {
  files: ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'],
  languageOptions: { parser: tsParser, sourceType: 'module' },
  linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: 'off' },
};
const eslint = new ESLint({ cwd: ROOT, overrideConfigFile: true, overrideConfig: [base, plugin.configs.recommended], ignore: false });
const findings = [];
for (const file of files) {
  const [result] = await eslint.lintText(file.source, { filePath: join(ROOT, 'otel-codebase', file.relativePath) });
  for (const m of result.messages) {
    if (m.ruleId) findings.push({ file: file.relativePath, line: m.line, col: m.column, rule: m.ruleId, id: m.messageId, msg: m.message });
  }
}
const byRule = {};
for (const finding of findings) byRule[finding.rule] = (byRule[finding.rule] ?? 0) + 1;
console.log(JSON.stringify({ files: stats.files, lines: stats.lines, findings: findings.length, perKloc: Number(((findings.length / stats.lines) * 1000).toFixed(3)), byRule }));
writeFileSync(out, JSON.stringify(findings, null, 1));
