#!/usr/bin/env node
// The whole-repository checkouts of the precision sweep (docs/benchmarks.md, "session 8, whole
// repositories, precision" and after), materialised from bare git mirrors. Not part of npm test.
// The list, with the commit each was measured at and the subdirectory used: bench/whole-repos.json.
//
//   node bench/whole-repos.mjs [--mirrors DIR] [--out DIR] [--force] [--as-measured] [owner/name ...]
//     --mirrors      bare mirrors as DIR/<owner>+<name>/repo (default $MIRRORS or /work/.mirror)
//     --out          one directory per repository, DIR/<owner>+<name> (default /tmp/whole12, or
//                    /tmp/whole12-as-measured with --as-measured)
//     --force        extract again even when the directory already holds what is asked for
//     --as-measured  the checkouts sessions 8-11 measured: for the entries with measured.truncatedAt,
//                    `git archive | tar -x` with the archive's failure ignored, which stops at the
//                    first blob the mirror snapshot lacks (see the notes in whole-repos.json)
//     owner/name     only these repositories (default: every one in whole-repos.json)
//   then: nice -n 5 node bench/findings-diff.mjs --base <base dist> --list /tmp/whole12/*
//
// Each checkout is `git archive <commit>[:<subdir>] | tar -x` (a subdirectory becomes the checkout's
// root, so file paths are relative to it; in-tree export-ignore attributes are not applied). Blobs
// the mirror lacks (snapshots may drop their largest files) are left out and named; one that
// findings-diff.mjs would lint makes the repository MISSING. The regular files extracted are checked
// against `git ls-tree`, and the files and lines (counted by the loader findings-diff.mjs uses)
// against whole-repos.json. A marker beside each checkout (DIR/.<owner>+<name>.commit) records what
// it holds, so a second run keeps it. One line per repository, a total, and exit 1 when any is
// MISSING or differs from the record: nothing is skipped silently.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDirectory } from './corpus.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const asMeasured = args.includes('--as-measured');
const mirrors = option('--mirrors', process.env.MIRRORS ?? '/work/.mirror');
const out = option('--out', asMeasured ? '/tmp/whole12-as-measured' : '/tmp/whole12');
const force = args.includes('--force');
const only = args.filter((a, i) => !a.startsWith('--') && !['--mirrors', '--out'].includes(args[i - 1] ?? ''));

const list = JSON.parse(readFileSync(new URL('./whole-repos.json', import.meta.url), 'utf8'));
const unknown = only.filter((name) => !list.some((entry) => entry.repo === name));
if (unknown.length > 0) {
  console.error(`not in bench/whole-repos.json: ${unknown.join(', ')}`);
  process.exit(2);
}
const selected = only.length > 0 ? list.filter((entry) => only.includes(entry.repo)) : list;

const SOURCE = /\.(m|c)?(j|t)sx?$/;
const DECLARATION = /\.d\.(m|c)?ts$/;
const git = (repo, ...rest) =>
  execFileSync('git', ['-C', repo, ...rest], { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });

/** The tree's regular files: `{ present, absent }`, absent being blobs the mirror does not hold. */
function regularFiles(repo, treeish) {
  const present = [];
  const absent = [];
  for (const record of git(repo, 'ls-tree', '-r', '-l', '-z', treeish).split('\0')) {
    const match = /^100(?:644|755) blob [0-9a-f]+ +(\S+)\t(.*)$/s.exec(record);
    if (match) (match[1] === 'BAD' ? absent : present).push(match[2]);
  }
  return { present, absent };
}

/**
 * `git archive <treeish> [-- excludes] | tar -x -C <dir>`; resolves when both succeed, or, with
 * `tolerant`, whatever git archive's exit (tar must still succeed or hit the archive's early end).
 */
function extract(repo, treeish, dir, excluded, tolerant) {
  return new Promise((resolvePromise, reject) => {
    const pathspecs = excluded.length > 0 ? ['--', ...excluded.map((path) => `:(exclude,literal)${path}`)] : [];
    const archive = spawn('git', ['-C', repo, 'archive', '--worktree-attributes', treeish, ...pathspecs], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tar = spawn('tar', ['-x', '-C', dir], { stdio: ['pipe', 'ignore', 'pipe'] });
    archive.stdout.pipe(tar.stdin);
    tar.stdin.on('error', () => {});
    let errors = '';
    archive.stderr.on('data', (d) => (errors += d));
    tar.stderr.on('data', (d) => (errors += d));
    const codes = {};
    const done = (name) => (code) => {
      codes[name] = code;
      if (Object.keys(codes).length < 2) return;
      if (tolerant || (codes.git === 0 && codes.tar === 0)) resolvePromise(errors.trim());
      else reject(new Error(`git archive ${codes.git}, tar ${codes.tar}: ${errors.trim().slice(0, 300)}`));
    };
    archive.on('close', done('git'));
    tar.on('close', done('tar'));
  });
}

function countRegularFiles(dir) {
  let n = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) n += countRegularFiles(join(dir, entry.name));
    else if (entry.isFile()) n += 1;
  }
  return n;
}

const fmt = (n) => n.toLocaleString('en-US');
let missing = 0;
let differing = 0;
let totalFiles = 0;
let totalLines = 0;
mkdirSync(out, { recursive: true });
for (const entry of selected) {
  const { repo: name, commit, subdir } = entry;
  const slug = name.replace('/', '+');
  const truncate = asMeasured && Boolean(entry.measured?.truncatedAt);
  const record = asMeasured ? entry.measured : entry;
  const label = `${name} @ ${commit.slice(0, 10)}${subdir ? ` ${subdir}/` : ''}`;
  const repo = join(mirrors, slug, 'repo');
  const dir = join(out, slug);
  const marker = join(out, `.${slug}.commit`);
  const want = `${commit} ${subdir}${truncate ? ' truncated' : ''}\n`;
  if (!existsSync(repo)) {
    console.log(`MISSING   ${label}: no mirror at ${repo} (fetch github:${name})`);
    missing += 1;
    continue;
  }
  try {
    git(repo, 'cat-file', '-e', `${commit}^{commit}`);
  } catch {
    const head = git(repo, 'rev-parse', 'HEAD').trim();
    console.log(`MISSING   ${label}: commit not in the mirror ${repo} (its HEAD is ${head.slice(0, 10)})`);
    missing += 1;
    continue;
  }
  const treeish = subdir ? `${commit}:${subdir}` : commit;
  const { present, absent } = regularFiles(repo, treeish);
  const absentSources = absent.filter((path) => SOURCE.test(path) && !DECLARATION.test(path));
  let note = absent.length === 0 ? '' : `; ${absent.length} file(s) absent from the mirror, left out: ${absent.join(', ')}`;
  if (truncate) note = `; TRUNCATED as in sessions 8-11, before ${absent[0] ?? '(nothing absent now!)'}`;
  let action = 'kept';
  if (force || !existsSync(dir) || !existsSync(marker) || readFileSync(marker, 'utf8') !== want) {
    action = 'extracted';
    rmSync(marker, { force: true });
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    try {
      await extract(repo, treeish, dir, truncate ? [] : absent, truncate);
    } catch (error) {
      console.log(`MISSING   ${label}: extraction failed (${error.message})`);
      missing += 1;
      continue;
    }
    const got = countRegularFiles(dir);
    if (!truncate && got !== present.length) {
      console.log(`MISSING   ${label}: extracted ${got} regular files, the tree has ${present.length}`);
      missing += 1;
      continue;
    }
    writeFileSync(marker, want);
  }
  if (!truncate && absentSources.length > 0) {
    console.log(`MISSING   ${label}: source files absent from the mirror (${dir} lacks them): ${absentSources.join(', ')}`);
    missing += 1;
    continue;
  }
  const files = loadDirectory(dir);
  const lines = files.reduce((sum, file) => sum + file.source.split('\n').length, 0);
  totalFiles += files.length;
  totalLines += lines;
  const same = record && record.files === files.length && record.lines === lines;
  if (!same) differing += 1;
  const check = same ? '' : ` (DIFFERS from whole-repos.json: ${fmt(record?.files ?? 0)} files, ${fmt(record?.lines ?? 0)} lines)`;
  console.log(`${action.padEnd(9)} ${label}: ${fmt(files.length)} files, ${fmt(lines)} lines${check} -> ${dir}${note}`);
}
console.log(
  `total: ${selected.length - missing} of ${selected.length} repositories, ${fmt(totalFiles)} files, ${fmt(totalLines)} lines` +
    (missing > 0 ? `; ${missing} MISSING` : '') +
    (differing > 0 ? `; ${differing} differ from whole-repos.json` : ''),
);
process.exit(missing > 0 || differing > 0 ? 1 : 0);
