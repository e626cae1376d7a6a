// Build step: writes dist/codemods/<codemod>.cjs, one per codemod, for jscodeshift's own CLI.
//
// jscodeshift loads a transform with require() and, by default (--babel), compiles every file it
// requires to CommonJS first; this package is ESM, so `-t dist/codemods/<rule>.js` then fails in
// the worker ("exports is not defined in ES module scope") and jscodeshift reports "0 ok". A
// CommonJS entry that loads the ESM transform with import() works with and without --babel (the
// import() is built at run time, so Babel's CommonJS transform does not rewrite it into require()).
import { writeFileSync } from 'node:fs';

const { codemodRuleNames } = await import('../dist/rule-meta.js');
const names = [...codemodRuleNames(), 'all'];
for (const name of names) {
  writeFileSync(
    new URL(`../dist/codemods/${name}.cjs`, import.meta.url),
    `'use strict';
// jscodeshift transform: the ${name === 'all' ? 'fixes of every rule with a codemod' : `\`${name}\` autofix`} (ESM in ./${name}.js, loaded on first use).
const { pathToFileURL } = require('node:url');
const load = new Function('specifier', 'return import(specifier)');
let transform;
module.exports = function otelContextTransform(file, api, options) {
  transform ??= load(pathToFileURL(require('node:path').join(__dirname, '${name}.js')).href).then((m) => m.default);
  return transform.then((run) => run(file, api, options));
};
`,
  );
}
