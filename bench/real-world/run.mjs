#!/usr/bin/env node
// npm run bench:real-world -- [--mirrors DIR] [--key NAME] [--window N] [--show] [--no-precision]
// node bench/real-world/run.mjs --list-mirrors   which mirrors the corpus and precision sets need
// node bench/real-world/run.mjs --render-only [--key NAME]   re-render docs from results.json
//
// The plugin on real bug-fix history (bench/real-world/corpus.json) and on correct
// OpenTelemetry-dense code (bench/real-world/precision.json). Not part of `npm test`: it needs
// local git mirrors of the repositories (see the `repo` fields; one bare git directory per
// repository at <mirrors>/<owner>+<name>/repo or <mirrors>/<owner>+<name>). It fetches nothing
// itself; it reads files with `git show <commit>^:<path>` (before the fix) and
// `git show <commit>:<path>` (after), lints them with the built plugin (dist/) through ESLint's
// Linter and the typescript-eslint parser, presets `recommended` and `strict`, each case under
// its own contextManager, and prints:
//   - recall: cases with a finding in the before file inside the defect's lines (± --window);
//   - fixes not recognised: cases flagged before whose after file is still flagged by the same
//     rule at the same site (the defect's lines mapped through the fix's diff);
//   - a table by family;
//   - precision: findings per 1,000 lines of `recommended` (and `strict`) on the pinned sets.
// A case whose mirror, commit, parent commit (snapshot without history) or file is missing is
// listed as unavailable, never skipped silently. A file that does not parse is reported with
// its error; an exception from a rule is reported as a crash with file and message.
// Writes `<key>` (default `baseline`) into bench/real-world/results.json, keeping other keys, and
// re-renders the text between `<!-- real-world:<key>:begin -->` and `<!-- real-world:<key>:end -->`
// in docs/benchmarks.md when those markers are there (a measuring run never adds or moves a
// section, and writes docs only when --out is the default results file). `--render-only` measures
// nothing: it re-renders `<key>` from results.json, appending the section with its heading and
// markers when they are missing (bench/render.mjs rewrites docs/benchmarks.md whole and drops it).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import tsParser from '@typescript-eslint/parser';
import { Linter } from 'eslint';
import plugin from '../../dist/index.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..', '..');
const PRESETS = ['recommended', 'strict'];
const PREFIX = 'otel-context/';
const MAX_BYTES = 1024 * 1024;
// every extension the presets lint (configs/index.ts LINTED_FILES); a bare `**/*` would not make
// ESLint consider a file matched
const FILES = ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'];

// ---------- arguments ----------
const argv = process.argv.slice(2);
const DEFAULT_OUT = join(HERE, 'results.json');
const log = (...m) => console.error('[real-world]', ...m);
function option(name, fallback) {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = argv[i + 1];
  if (value === undefined || value.startsWith('--')) {
    console.error(`--${name} needs a value`);
    process.exit(2);
  }
  return value;
}
const MIRRORS = resolve(option('mirrors', '/work/.mirror'));
const KEY = option('key', 'baseline');
const WINDOW = Number(option('window', '3'));
const CORPUS = resolve(option('corpus', join(HERE, 'corpus.json')));
const PRECISION = resolve(option('precision', join(HERE, 'precision.json')));
const OUT = resolve(option('out', DEFAULT_OUT));
const SHOW = argv.includes('--show');
const RENDER_ONLY = argv.includes('--render-only');
const LIST_MIRRORS = argv.includes('--list-mirrors');
const NO_PRECISION = argv.includes('--no-precision');
if (!Number.isInteger(WINDOW) || WINDOW < 0) {
  console.error('--window must be a non-negative integer');
  process.exit(2);
}
if (RENDER_ONLY) {
  if (!existsSync(OUT)) {
    console.error(`${OUT} does not exist: measure first`);
    process.exit(2);
  }
  const saved = JSON.parse(readFileSync(OUT, 'utf8'))[KEY];
  if (!saved) {
    console.error(`${OUT} has no key ${KEY}`);
    process.exit(2);
  }
  writeDocs(saved, true);
  process.exit(0);
}
if (!existsSync(MIRRORS)) {
  console.error(`mirrors directory ${MIRRORS} does not exist (pass --mirrors DIR)`);
  process.exit(2);
}

if (LIST_MIRRORS) {
  const corpusRepos = JSON.parse(readFileSync(CORPUS, 'utf8')).cases.map((c) => c.repo);
  const precisionRepos = JSON.parse(readFileSync(PRECISION, 'utf8')).sets.map((s) => s.repo);
  const repos = [...new Set([...corpusRepos, ...precisionRepos])].sort();
  for (const repo of repos) {
    const dir = mirrorOf(repo);
    const uses = [corpusRepos.includes(repo) ? `${corpusRepos.filter((r) => r === repo).length} case(s)` : null, precisionRepos.includes(repo) ? 'precision' : null].filter(Boolean).join(', ');
    let state = 'MISSING';
    if (dir) state = tryGit(dir, ['rev-parse', '--verify', '--quiet', 'HEAD^']).ok ? `present (${dir})` : `present WITHOUT HISTORY (${dir})`;
    console.log(`${repo.padEnd(48)} ${uses.padEnd(22)} ${state}`);
  }
  process.exit(0);
}

// ---------- git ----------
function mirrorOf(repo) {
  const base = join(MIRRORS, repo.replace('/', '+'));
  for (const dir of [join(base, 'repo'), base, join(base, '.git')]) {
    if (existsSync(join(dir, 'HEAD')) && existsSync(join(dir, 'objects'))) return dir;
  }
  return null;
}
function git(gitDir, args) {
  return execFileSync('git', ['--git-dir', gitDir, ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}
function tryGit(gitDir, args) {
  try {
    return { ok: true, out: git(gitDir, args) };
  } catch (error) {
    return { ok: false, error: String(error.stderr || error.message).trim().split('\n')[0] };
  }
}

/** Hunks of `git diff -U0 before after -- path`, for mapping before-lines to after-lines. */
function hunks(gitDir, before, after, path) {
  const diff = tryGit(gitDir, ['diff', '-U0', '--no-color', '--no-ext-diff', before, after, '--', path]);
  if (!diff.ok) return [];
  const out = [];
  for (const line of diff.out.split('\n')) {
    const m = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (!m) continue;
    const a = Number(m[1]);
    const b = m[2] === undefined ? 1 : Number(m[2]);
    const c = Number(m[3]);
    const d = m[4] === undefined ? 1 : Number(m[4]);
    const beforeStart = b === 0 ? a + 1 : a;
    const afterStart = d === 0 ? c + 1 : c;
    out.push({ beforeStart, beforeLen: b, afterStart, afterLen: d });
  }
  return out;
}
/** Maps a before-line to the after-lines it became: [from, to]. */
function mapLine(hs, line) {
  let delta = 0;
  for (const h of hs) {
    if (line < h.beforeStart) break;
    if (line < h.beforeStart + h.beforeLen) {
      return [h.afterStart, h.afterStart + Math.max(h.afterLen, 1) - 1];
    }
    delta = h.afterStart + h.afterLen - (h.beforeStart + h.beforeLen);
  }
  return [line + delta, line + delta];
}

// ---------- linting ----------
const linter = new Linter({ configType: 'flat', cwd: ROOT });
const configCache = new Map();
function configFor(preset, contextManager, jsx) {
  const key = `${preset}|${contextManager}|${jsx}`;
  let config = configCache.get(key);
  if (!config) {
    const p = plugin.configs[preset];
    if (!p) throw new Error(`the built plugin has no preset ${preset} (run npm run build)`);
    const settings = { ...(p.settings ?? {}) };
    settings['otel-context'] = { ...(settings['otel-context'] ?? {}), contextManager };
    config = [
      {
        files: FILES,
        languageOptions: {
          parser: tsParser,
          sourceType: 'module',
          ecmaVersion: 'latest',
          parserOptions: { ecmaFeatures: { jsx } },
        },
        linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: 'off' },
      },
      { ...p, files: FILES, settings },
    ];
    configCache.set(key, config);
  }
  return config;
}
/** Lints one text; never throws: returns findings, or a parse error / crash. */
function lint(text, virtualPath, preset, contextManager) {
  const jsx = /\.[jt]sx$/.test(virtualPath);
  // the TypeScript parser picks its grammar from the extension; keep it, but under one root
  const filename = join(ROOT, 'real-world-virtual', virtualPath);
  if (!/\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/.test(virtualPath)) return { crash: `not a JavaScript/TypeScript file: ${virtualPath}`, findings: [] };
  try {
    const messages = linter.verify(text, configFor(preset, contextManager, jsx), { filename });
    const fatal = messages.find((m) => m.fatal);
    if (fatal) return { parseError: `${fatal.line}:${fatal.column} ${fatal.message}`, findings: [] };
    // ESLint reports an unmatched file as an error without a rule (the notes that an inline
    // directive has no effect under noInlineConfig are warnings, and expected)
    const stray = messages.find((m) => !m.ruleId && m.severity === 2);
    if (stray) return { crash: `ESLint: ${stray.message}`, findings: [] };
    const findings = messages
      .filter((m) => m.ruleId?.startsWith(PREFIX))
      .map((m) => ({ rule: m.ruleId.slice(PREFIX.length), line: m.line, column: m.column, message: m.message }));
    return { findings };
  } catch (error) {
    const where = String(error.message).split('\n').slice(0, 2).join(' ');
    return { crash: where, findings: [] };
  }
}
const inRanges = (findings, ranges) =>
  findings.filter((f) => ranges.some(([from, to]) => f.line >= from - WINDOW && f.line <= to + WINDOW));

// ---------- the corpus ----------
const corpus = JSON.parse(readFileSync(CORPUS, 'utf8'));
const cases = corpus.cases;
const unavailable = [];
const fileProblems = []; // parse errors and crashes
const caseResults = [];

for (const c of cases) {
  const gitDir = mirrorOf(c.repo);
  const problem = (reason) => {
    unavailable.push({ id: c.id, repo: c.repo, commit: c.commit, path: c.path, reason });
    caseResults.push({ id: c.id, available: false, reason });
  };
  if (!gitDir) {
    problem(`no mirror of ${c.repo} under ${MIRRORS}`);
    continue;
  }
  if (!tryGit(gitDir, ['cat-file', '-e', `${c.commit}^{commit}`]).ok) {
    problem(`commit ${c.commit.slice(0, 12)} is not in the mirror (snapshot without that history)`);
    continue;
  }
  const parent = tryGit(gitDir, ['rev-parse', '--verify', '--quiet', `${c.commit}^`]);
  if (!parent.ok || !parent.out.trim()) {
    problem(`the parent of ${c.commit.slice(0, 12)} is not in the mirror (shallow snapshot)`);
    continue;
  }
  const parentSha = parent.out.trim();
  const before = tryGit(gitDir, ['show', `${parentSha}:${c.path}`]);
  if (!before.ok) {
    problem(`${c.path} does not exist before the fix: ${before.error}`);
    continue;
  }
  const after = tryGit(gitDir, ['show', `${c.commit}:${c.path}`]);
  const lineCount = before.out.split('\n').length;
  // `lines` is the defect; `alsoLines` are other places a detector may rightly report it (where a
  // callback is stored as well as where it is called)
  const ranges = [c.lines, ...(c.alsoLines ?? [])];
  const bad = ranges.find(([from, to]) => from < 1 || to < from || to > lineCount);
  if (bad) {
    problem(`lines ${bad.join('-')} are outside the before file (${lineCount} lines)`);
    continue;
  }
  if (SHOW) {
    for (const [from, to] of ranges) {
      console.log(`\n=== ${c.id}  ${c.repo} ${c.commit.slice(0, 12)}^:${c.path}:${from}-${to}`);
      before.out
        .split('\n')
        .slice(from - 1, to)
        .forEach((l, i) => console.log(String(from + i).padStart(6), l));
    }
  }
  const hs = hunks(gitDir, parentSha, c.commit, c.path);
  const afterRanges = ranges.map(([from, to]) => [mapLine(hs, from)[0], mapLine(hs, to)[1]]);
  const result = { id: c.id, available: true, afterRanges, presets: {} };
  for (const preset of PRESETS) {
    const vBefore = `${c.repo}/before/${c.path}`;
    const vAfter = `${c.repo}/after/${c.path}`;
    const b = lint(before.out, vBefore, preset, c.contextManager);
    const a = after.ok ? lint(after.out, vAfter, preset, c.contextManager) : null;
    for (const [r, which] of [
      [b, 'before'],
      [a, 'after'],
    ]) {
      if (r?.parseError) fileProblems.push({ id: c.id, preset, file: `${c.repo}@${which}:${c.path}`, kind: 'parse error', detail: r.parseError });
      if (r?.crash) fileProblems.push({ id: c.id, preset, file: `${c.repo}@${which}:${c.path}`, kind: 'crash', detail: r.crash });
    }
    const hitsBefore = inRanges(b.findings, ranges);
    const hitRules = new Set(hitsBefore.map((f) => f.rule));
    const hitsAfter = a ? inRanges(a.findings, afterRanges).filter((f) => hitRules.has(f.rule)) : [];
    result.presets[preset] = {
      caught: hitsBefore.length > 0,
      // the finding comes from the rule the corpus names for this case (a finding of another
      // rule inside the lines still counts as caught, as the issue measures it)
      caughtByExpectedRule: hitsBefore.some((f) => f.rule === c.expectedRule),
      fixNotRecognised: hitsBefore.length > 0 && hitsAfter.length > 0,
      beforeInRange: hitsBefore,
      afterSameSite: hitsAfter,
      beforeElsewhere: b.findings.length - hitsBefore.length,
      afterTotal: a ? a.findings.length : null,
      beforeProblem: b.parseError ?? b.crash ?? null,
      afterProblem: a ? (a.parseError ?? a.crash ?? null) : `after file missing: ${after.error}`,
    };
  }
  caseResults.push(result);
}

// ---------- summaries ----------
const byId = new Map(cases.map((c) => [c.id, c]));
const available = caseResults.filter((r) => r.available);
function recall(preset, filter) {
  const pool = cases.filter(filter);
  const avail = available.filter((r) => filter(byId.get(r.id)));
  const hit = avail.filter((r) => r.presets[preset].caught);
  return { caught: hit.length, available: avail.length, cases: pool.length, ids: hit.map((r) => r.id) };
}
const slices = {
  all: () => true,
  singleFileVisible: (c) => c.singleFileVisible,
  outsideOtelVendorRepos: (c) => !c.otelOrVendorRepo,
  otelOrVendorRepos: (c) => c.otelOrVendorRepo,
};
const recallTable = {};
for (const preset of PRESETS) {
  recallTable[preset] = {};
  for (const [name, f] of Object.entries(slices)) recallTable[preset][name] = recall(preset, f);
}
const byExpectedRule = Object.fromEntries(
  PRESETS.map((p) => [p, available.filter((r) => r.presets[p].caughtByExpectedRule).map((r) => r.id)]),
);
const fixesNotRecognised = Object.fromEntries(
  PRESETS.map((p) => [p, available.filter((r) => r.presets[p].fixNotRecognised).map((r) => r.id)]),
);
const families = [...new Set(cases.map((c) => c.family))].sort((x, y) => {
  const nx = Number(x);
  const ny = Number(y);
  if (Number.isFinite(nx) && Number.isFinite(ny)) return nx - ny;
  if (Number.isFinite(nx)) return -1;
  if (Number.isFinite(ny)) return 1;
  return x.localeCompare(y);
});
const byFamily = {};
for (const fam of families) {
  const fc = cases.filter((c) => c.family === fam);
  const fr = available.filter((r) => byId.get(r.id).family === fam);
  byFamily[fam] = {
    cases: fc.length,
    available: fr.length,
    singleFileVisible: fc.filter((c) => c.singleFileVisible).length,
    outside: fc.filter((c) => !c.otelOrVendorRepo).length,
    ...Object.fromEntries(
      PRESETS.map((p) => [
        p,
        {
          caught: fr.filter((r) => r.presets[p].caught).length,
          caughtSingleFileVisible: fr.filter((r) => r.presets[p].caught && byId.get(r.id).singleFileVisible).length,
          fixNotRecognised: fr.filter((r) => r.presets[p].fixNotRecognised).length,
        },
      ]),
    ),
  };
}

// ---------- precision ----------
let precision = null;
if (!NO_PRECISION) {
  const spec = JSON.parse(readFileSync(PRECISION, 'utf8'));
  precision = { sets: [], totals: {} };
  const totals = Object.fromEntries(PRESETS.map((p) => [p, { findings: 0, byRule: {} }]));
  let totalLines = 0;
  let totalFiles = 0;
  for (const set of spec.sets) {
    const gitDir = mirrorOf(set.repo);
    const entry = { repo: set.repo, commit: set.commit, include: set.include };
    if (!gitDir) {
      entry.unavailable = `no mirror of ${set.repo} under ${MIRRORS}`;
      precision.sets.push(entry);
      continue;
    }
    const list = tryGit(gitDir, ['ls-tree', '-r', '-l', '--full-tree', set.commit]);
    if (!list.ok) {
      entry.unavailable = `commit ${set.commit.slice(0, 12)} is not in the mirror: ${list.error}`;
      precision.sets.push(entry);
      continue;
    }
    const re = new RegExp(set.include);
    const files = [];
    const tooBig = [];
    for (const row of list.out.split('\n')) {
      const m = /^\d+ blob [0-9a-f]+\s+(\d+|-)\t(.+)$/.exec(row);
      if (!m || !re.test(m[2]) || m[2].endsWith('.d.ts')) continue;
      if (Number(m[1]) > MAX_BYTES) tooBig.push(m[2]);
      else files.push(m[2]);
    }
    entry.files = files.length;
    if (files.length === 0) entry.unavailable = `the pattern ${set.include} matches no file at ${set.commit.slice(0, 12)}`;
    entry.skippedOverOneMB = tooBig;
    entry.lines = 0;
    entry.findings = Object.fromEntries(PRESETS.map((p) => [p, []]));
    for (const path of files) {
      const text = tryGit(gitDir, ['show', `${set.commit}:${path}`]);
      if (!text.ok) {
        fileProblems.push({ id: null, preset: null, file: `${set.repo}@${set.commit.slice(0, 12)}:${path}`, kind: 'unreadable', detail: text.error });
        continue;
      }
      entry.lines += text.out.split('\n').length;
      for (const preset of PRESETS) {
        const r = lint(text.out, `${set.repo}/${path}`, preset, plugin.configs[preset].settings?.['otel-context']?.contextManager ?? 'async-local-storage');
        if (r.parseError) fileProblems.push({ id: null, preset, file: `${set.repo}@${set.commit.slice(0, 12)}:${path}`, kind: 'parse error', detail: r.parseError });
        if (r.crash) fileProblems.push({ id: null, preset, file: `${set.repo}@${set.commit.slice(0, 12)}:${path}`, kind: 'crash', detail: r.crash });
        for (const f of r.findings) {
          entry.findings[preset].push({ file: path, line: f.line, rule: f.rule, message: f.message });
          totals[preset].byRule[f.rule] = (totals[preset].byRule[f.rule] ?? 0) + 1;
          totals[preset].findings++;
        }
      }
    }
    entry.perKloc = Object.fromEntries(
      PRESETS.map((p) => [p, entry.lines ? Number(((entry.findings[p].length * 1000) / entry.lines).toFixed(3)) : null]),
    );
    totalLines += entry.lines;
    totalFiles += entry.files;
    precision.sets.push(entry);
    log(`precision: ${set.repo} ${entry.files} files, ${entry.lines} lines`);
  }
  precision.totals = {
    files: totalFiles,
    lines: totalLines,
    ...Object.fromEntries(
      PRESETS.map((p) => [
        p,
        {
          findings: totals[p].findings,
          perKloc: totalLines ? Number(((totals[p].findings * 1000) / totalLines).toFixed(3)) : null,
          byRule: totals[p].byRule,
        },
      ]),
    ),
  };
}

// ---------- printing ----------
const pct = (a, b) => (b ? `${((100 * a) / b).toFixed(0)}%` : '-');
const out = [];
out.push(`Real-world corpus: ${cases.length} cases (${cases.filter((c) => !c.otelOrVendorRepo).length} outside OpenTelemetry/APM-vendor repositories, ${cases.filter((c) => c.singleFileVisible).length} single-file-visible); window ±${WINDOW} lines; mirrors ${MIRRORS}`);
if (unavailable.length) {
  out.push(`\nUNAVAILABLE (${unavailable.length}) — not linted, counted as not caught:`);
  for (const u of unavailable) out.push(`  ${u.id}: ${u.repo} ${u.commit.slice(0, 12)} ${u.path} — ${u.reason}`);
} else out.push('Every case is available.');
out.push('\nRecall (a finding inside the defect lines of the before file):');
out.push('| slice | ' + PRESETS.join(' | ') + ' |');
out.push('|---|' + PRESETS.map(() => '---').join('|') + '|');
for (const name of Object.keys(slices)) {
  out.push(`| ${name} | ` + PRESETS.map((p) => { const r = recallTable[p][name]; return `${r.caught}/${r.cases} (${pct(r.caught, r.cases)})`; }).join(' | ') + ' |');
}
out.push(`| all, by the rule the corpus expects | ${PRESETS.map((p) => `${byExpectedRule[p].length}/${cases.length}`).join(' | ')} |`);
for (const p of PRESETS) out.push(`  ${p} caught: ${recallTable[p].all.ids.join(', ') || 'none'}`);
out.push('\nFixes not recognised (flagged before, same rule still flagged at the same site after the fix):');
for (const p of PRESETS) out.push(`  ${p}: ${fixesNotRecognised[p].join(', ') || 'none'}`);
out.push('\nBy family:');
out.push('| family | cases | single-file-visible | outside | ' + PRESETS.map((p) => `${p} caught (sfv)`).join(' | ') + ' | fix not recognised (rec/strict) |');
out.push('|---|---|---|---|' + PRESETS.map(() => '---').join('|') + '|---|');
for (const fam of families) {
  const f = byFamily[fam];
  out.push(`| ${fam} | ${f.cases} | ${f.singleFileVisible} | ${f.outside} | ` + PRESETS.map((p) => `${f[p].caught} (${f[p].caughtSingleFileVisible})`).join(' | ') + ` | ${PRESETS.map((p) => f[p].fixNotRecognised).join('/')} |`);
}
if (precision) {
  out.push('\nPrecision on correct OpenTelemetry-dense code (findings per 1,000 lines):');
  out.push('| repository @ commit | files | lines | ' + PRESETS.join(' | ') + ' |');
  out.push('|---|---|---|' + PRESETS.map(() => '---').join('|') + '|');
  for (const s of precision.sets) {
    if (s.unavailable) out.push(`| ${s.repo} @ ${s.commit.slice(0, 9)} | UNAVAILABLE: ${s.unavailable} | | ${PRESETS.map(() => '').join(' | ')} |`);
    else out.push(`| ${s.repo} @ ${s.commit.slice(0, 9)} | ${s.files} | ${s.lines} | ` + PRESETS.map((p) => `${s.findings[p].length} (${s.perKloc[p]}/kLOC)`).join(' | ') + ' |');
  }
  const t = precision.totals;
  out.push(`| total | ${t.files} | ${t.lines} | ` + PRESETS.map((p) => `${t[p].findings} (${t[p].perKloc}/kLOC)`).join(' | ') + ' |');
  for (const p of PRESETS) out.push(`  ${p} by rule: ${JSON.stringify(t[p].byRule)}`);
}
out.push(`\nFiles that did not parse or crashed a rule: ${fileProblems.length}`);
for (const f of fileProblems) out.push(`  ${f.kind}: ${f.file}${f.preset ? ` [${f.preset}]` : ''} — ${f.detail}`);
console.log(out.join('\n'));

// ---------- results.json ----------
// which rules were measured: the checkout's HEAD, the last commit that changed the plugin's
// source, and whether that source has uncommitted changes (dist/ is built from the work tree)
const SOURCE_PATHS = ['rules', 'core', 'configs', 'index.ts'];
function gitHere(args) {
  try {
    return execFileSync('git', ['-C', ROOT, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null; // not a git checkout
  }
}
const pluginCommit = gitHere(['rev-parse', '--short=12', 'HEAD']);
const rulesCommit = gitHere(['log', '-1', '--format=%h', '--abbrev=12', '--', ...SOURCE_PATHS]);
const rulesDirty = (gitHere(['status', '--porcelain', '--', ...SOURCE_PATHS]) ?? '') !== '';
const record = {
  measuredAt: new Date().toISOString(),
  node: process.version,
  eslint: Linter.version,
  pluginCommit,
  rulesCommit,
  rulesDirty,
  window: WINDOW,
  mirrors: MIRRORS,
  corpus: {
    cases: cases.length,
    outsideOtelVendorRepos: cases.filter((c) => !c.otelOrVendorRepo).length,
    singleFileVisible: cases.filter((c) => c.singleFileVisible).length,
    available: available.length,
  },
  unavailable,
  recall: recallTable,
  caughtByExpectedRule: byExpectedRule,
  fixesNotRecognised,
  byFamily,
  fileProblems,
  cases: caseResults,
  precision,
};
let all = {};
if (existsSync(OUT)) {
  try {
    all = JSON.parse(readFileSync(OUT, 'utf8'));
  } catch (error) {
    console.error(`${OUT} is not valid JSON (${error.message}); refusing to overwrite it`);
    process.exit(1);
  }
}
all[KEY] = record;
function writeAtomically(file, text) {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}
writeAtomically(OUT, JSON.stringify(all, null, 2) + '\n');
log(`wrote ${KEY} into ${OUT}`);

// ---------- docs/benchmarks.md ----------
function renderSection(r) {
  const rows = [];
  const cell = (x) => `${x.caught}/${x.cases}`;
  rows.push(`Measured ${r.measuredAt.slice(0, 10)} on the rules of \`${r.rulesCommit ?? 'unknown'}\`${r.rulesDirty ? ' plus uncommitted changes' : ''} (checkout \`${r.pluginCommit ?? 'unknown'}\`; Node ${r.node}, ESLint ${r.eslint}; a finding counts when it is within ±${r.window} lines of the defect). Reproduce: \`npm run bench:real-world\` (\`-- --mirrors DIR\`; \`--key NAME\` writes another section).`);
  rows.push(`Corpus: **${r.corpus.cases} real bug-fix commits**, ${r.corpus.outsideOtelVendorRepos} of them outside OpenTelemetry's and APM vendors' instrumentation repositories, ${r.corpus.singleFileVisible} single-file-visible; ${r.corpus.available} available in the mirrors${r.unavailable.length ? ` (unavailable: ${r.unavailable.map((u) => u.id).join(', ')})` : ''}.`);
  rows.push('');
  rows.push('| recall (finding inside the defect lines of the before file) | `recommended` | `strict` |');
  rows.push('|---|---|---|');
  const names = { all: 'all cases', singleFileVisible: 'single-file-visible', outsideOtelVendorRepos: 'outside OTel/vendor repositories', otelOrVendorRepos: 'OTel/vendor repositories' };
  for (const [k, label] of Object.entries(names)) rows.push(`| ${label} | ${cell(r.recall.recommended[k])} | ${cell(r.recall.strict[k])} |`);
  rows.push(`| all cases, counting only the rule the corpus expects for the case | ${r.caughtByExpectedRule.recommended.length}/${r.corpus.cases} | ${r.caughtByExpectedRule.strict.length}/${r.corpus.cases} |`);
  rows.push(`| fixes not recognised (same rule still at the same site after the fix) | ${r.fixesNotRecognised.recommended.length} | ${r.fixesNotRecognised.strict.length} |`);
  rows.push('');
  rows.push(`Caught by \`recommended\`: ${r.recall.recommended.all.ids.join(', ') || 'none'}; by \`strict\`: ${r.recall.strict.all.ids.join(', ') || 'none'}. Fixes not recognised: ${r.fixesNotRecognised.recommended.join(', ') || 'none'} (\`recommended\`), ${r.fixesNotRecognised.strict.join(', ') || 'none'} (\`strict\`).`);
  rows.push('');
  rows.push('| family | cases | single-file-visible | `recommended` caught (of them single-file-visible) | `strict` caught (sfv) |');
  rows.push('|---|---|---|---|---|');
  for (const [fam, f] of Object.entries(r.byFamily)) rows.push(`| ${fam} | ${f.cases} | ${f.singleFileVisible} | ${f.recommended.caught} (${f.recommended.caughtSingleFileVisible}) | ${f.strict.caught} (${f.strict.caughtSingleFileVisible}) |`);
  if (r.precision) {
    rows.push('');
    rows.push('| precision: correct OpenTelemetry-dense code | files | lines | `recommended` findings | per 1,000 lines | `strict` findings |');
    rows.push('|---|---|---|---|---|---|');
    for (const s of r.precision.sets) {
      if (s.unavailable) rows.push(`| ${s.repo} @ ${s.commit.slice(0, 9)} | unavailable: ${s.unavailable} | | | | |`);
      else rows.push(`| ${s.repo} @ ${s.commit.slice(0, 9)} | ${s.files} | ${s.lines.toLocaleString('en-US')} | ${s.findings.recommended.length} | ${s.perKloc.recommended} | ${s.findings.strict.length} |`);
    }
    const t = r.precision.totals;
    rows.push(`| **total** | ${t.files} | ${t.lines.toLocaleString('en-US')} | ${t.recommended.findings} | **${t.recommended.perKloc}** | ${t.strict.findings} |`);
  }
  rows.push('');
  rows.push(`Files that did not parse or crashed a rule: ${r.fileProblems.length}.`);
  return rows.join('\n');
}
if (OUT === DEFAULT_OUT) writeDocs(record, false);
else log(`--out is not the default results file: docs/benchmarks.md left alone`);

function writeDocs(r, appendIfMissing) {
  const docs = join(ROOT, 'docs', 'benchmarks.md');
  const begin = `<!-- real-world:${KEY}:begin -->`;
  const end = `<!-- real-world:${KEY}:end -->`;
  if (!existsSync(docs)) {
    log('docs/benchmarks.md does not exist; nothing rendered');
    return;
  }
  const text = readFileSync(docs, 'utf8');
  const i = text.indexOf(begin);
  const j = text.indexOf(end);
  if (i >= 0 && j > i) {
    writeAtomically(docs, `${text.slice(0, i + begin.length)}\n${renderSection(r)}\n${text.slice(j)}`);
    log(`re-rendered the ${KEY} section of docs/benchmarks.md`);
  } else if (appendIfMissing) {
    const heading = KEY === 'baseline' ? 'Real-world corpus: before issue #11' : `Real-world corpus: ${KEY}`;
    const intro =
      'Real bug-fix commits listed in [`bench/real-world/corpus.json`](../bench/real-world/corpus.json), linted before and after the fix by ' +
      '[`bench/real-world/run.mjs`](../bench/real-world/run.mjs) (`npm run bench:real-world`, not part of `npm test`; it needs local git mirrors). ' +
      'Families: [`bench/real-world/FAMILIES.md`](../bench/real-world/FAMILIES.md). Per-case results: `bench/real-world/results.json` under `' + KEY + '`.';
    writeAtomically(docs, `${text.replace(/\s*$/, '')}\n\n## ${heading}\n\n${intro}\n\n${begin}\n${renderSection(r)}\n${end}\n`);
    log(`appended the ${KEY} section to docs/benchmarks.md`);
  } else log(`docs/benchmarks.md has no ${begin} ... ${end} markers; the section was not written (--render-only appends it)`);
}
