#!/usr/bin/env node
// npm run mutation: mutation testing of the fix builders in two stages, so that it finishes on a
// shared 2-core machine well under an hour.
//   1. every mutant of stryker.config.mjs's MUTATE against the rule tests (exact outputs);
//   2. the lines of the mutants that survived stage 1, against the rule tests and the runtime
//      proofs (the rewritten fixtures run under the real SDK).
// A mutant counts as killed if either stage killed it. Writes mutation/stage1.json,
// mutation/stage2.json (Stryker JSON reports) and mutation/summary.json (score, survivors).
// `--stage1-only` stops after stage 1; `--from-stage1` reuses mutation/stage1.json;
// `--mutate <files>` replaces MUTATE for stage 1 (Stryker's syntax: `file`, `file:from-to`);
// `--stage1 <reports>` names the earlier report(s) instead of mutation/stage1.json (comma-separated):
// stage 1 writes the first; with `--from-stage1`, their results are merged in order (a later report
// decides a mutant an earlier one left alive; a kill stands) and stage 2 re-runs what is still alive.
// So stage 1 can run in parts, and a stage 2 can be repeated over an earlier one's survivors
// (`--stage1 mutation/stage1.json,mutation/stage2.json --stage2 mutation/stage3.json`);
// `--stage2 <report>` names stage 2's report; `--rules-only` runs stage 2 with the rule tests only;
// `--stage2-files <files>` (comma-separated paths) re-runs only the survivors in those files (the
// others stay as the earlier reports left them), so that a stage 2 can be scoped to fit the time;
// `--replace-files <files>` (comma-separated paths): for those files only the last `--stage1` report
// counts (their code changed since the earlier reports, whose line-keyed mutants no longer exist;
// the last report must re-run the files' whole ranges at the current code).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const argv = process.argv.slice(2);
const args = new Set(argv);
const valueOf = (flag) => (argv.indexOf(flag) >= 0 ? argv[argv.indexOf(flag) + 1] : undefined);
const mutateOverride = valueOf('--mutate') !== undefined ? ['--mutate', valueOf('--mutate')] : [];
const STAGE1_REPORTS = (valueOf('--stage1') ?? 'mutation/stage1.json').split(',');
const STAGE1 = STAGE1_REPORTS[0];
const STAGE2 = valueOf('--stage2') ?? 'mutation/stage2.json';
const STAGE2_FILES = valueOf('--stage2-files')?.split(',');
const REPLACE_FILES = valueOf('--replace-files')?.split(',') ?? [];

function stryker(env, extra = []) {
  const started = Date.now();
  const result = spawnSync('npx', ['stryker', 'run', 'stryker.config.mjs', ...extra], { stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) {
    console.error(`stryker exited with ${result.status ?? result.signal}`);
    process.exit(1);
  }
  return Math.round((Date.now() - started) / 1000);
}

/** [{ file, id, mutatorName, replacement, line, status, key }] of a Stryker JSON report. */
function mutants(report) {
  return Object.entries(report.files).flatMap(([file, { mutants: list }]) =>
    list.map((m) => ({
      file,
      id: m.id,
      mutatorName: m.mutatorName,
      replacement: m.replacement,
      line: m.location.start.line,
      start: m.location.start,
      end: m.location.end,
      location: `${m.location.start.line}:${m.location.start.column}-${m.location.end.line}:${m.location.end.column}`,
      status: m.status,
      key: `${file}@${m.location.start.line}:${m.location.start.column}-${m.location.end.line}:${m.location.end.column} ${m.mutatorName} ${m.replacement ?? ''}`,
    })),
  );
}

const alive = (m) => m.status === 'Survived' || m.status === 'NoCoverage';
const killed = (m) => m.status === 'Killed' || m.status === 'Timeout';

let stage1Seconds = 0;
if (!args.has('--from-stage1') || !existsSync(STAGE1)) {
  stage1Seconds = stryker({ MUTATION_STAGE: 'rules', MUTATION_REPORT: STAGE1 }, mutateOverride);
}
// Merged in order: the first report that kills a mutant decides it; else the last one that ran it.
const merged = new Map();
STAGE1_REPORTS.forEach((file, index) => {
  for (const m of mutants(JSON.parse(readFileSync(file, 'utf8')))) {
    if (REPLACE_FILES.includes(m.file) && index !== STAGE1_REPORTS.length - 1) continue;
    const before = merged.get(m.key);
    if (before === undefined || alive(before)) merged.set(m.key, { ...m, report: file });
  }
});
const first = [...merged.values()];
const survivors1 = first.filter(alive);
console.log(`earlier reports: ${first.length} mutants, ${first.filter(killed).length} killed, ${survivors1.length} alive`);

let second = [];
let stage2Seconds = 0;
if (!args.has('--stage1-only') && survivors1.length > 0) {
  // Each survivor's own span (Stryker's ranges take 0-based columns; the report's are 1-based), so
  // that stage 2 re-runs the survivors (and the mutants nested in them), not whole lines.
  const rerun = STAGE2_FILES === undefined ? survivors1 : survivors1.filter((m) => STAGE2_FILES.includes(m.file));
  const ranges = [...new Set(rerun.map((m) => `${m.file}:${m.start.line}:${m.start.column - 1}-${m.end.line}:${m.end.column}`))];
  stage2Seconds = stryker({ MUTATION_REPORT: STAGE2, ...(args.has('--rules-only') ? { MUTATION_STAGE: 'rules' } : {}) }, ['--mutate', ranges.join(',')]);
  second = mutants(JSON.parse(readFileSync(STAGE2, 'utf8')));
}
const secondByKey = new Map(second.map((m) => [m.key, m]));
const final = first.map((m) => (alive(m) && secondByKey.has(m.key) ? { ...m, status: secondByKey.get(m.key).status, report: STAGE2 } : m));
const counted = final.filter((m) => m.status !== 'CompileError' && m.status !== 'RuntimeError' && m.status !== 'Ignored');
const summary = {
  date: new Date().toISOString(),
  command: `node scripts/mutation.mjs ${argv.join(' ')}`.trim(),
  reports: second.length > 0 ? [...STAGE1_REPORTS, STAGE2] : STAGE1_REPORTS,
  seconds: { stage1: stage1Seconds, stage2: stage2Seconds },
  mutants: final.length,
  // the report that killed each mutant (a stage-1 report: the rule tests; a later stage runs the
  // rule tests too, so a rule test added after stage 1 kills its mutants there)
  killedPerReport: Object.fromEntries(
    [...new Set(final.map((m) => m.report))].map((r) => [r, final.filter((m) => m.report === r && killed(m)).length]),
  ),
  survived: final.filter((m) => m.status === 'Survived').length,
  noCoverage: final.filter((m) => m.status === 'NoCoverage').length,
  errors: final.length - counted.length,
  score: Number(((100 * counted.filter(killed).length) / Math.max(1, counted.length)).toFixed(2)),
  survivors: final.filter(alive).map(({ file, location, mutatorName, replacement, status, report }) => ({ file, location, mutatorName, replacement, status, decidedBy: report })),
};
writeFileSync('mutation/summary.json', `${JSON.stringify(summary, null, 2)}\n`);
console.log(JSON.stringify({ ...summary, survivors: summary.survivors.length }, null, 2));
