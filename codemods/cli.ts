/**
 * `otel-context-codemod <rule|all> <paths...>`: runs a codemod over files and directories, in four
 * steps: the arguments become a plan (plan.ts), the walk lists the files (walk.ts), each file is
 * fixed with its own ESLint settings (eslint-config.ts, create-codemod.ts) and written atomically
 * (write.ts), and the summary says what happened (summary.ts).
 *
 * Why not jscodeshift's `Runner`: it runs the transform in worker processes and hands back only
 * per-file status counts, and `api.report` strings that it prints itself. This CLI needs, per
 * finding, the rule, the position in the file on disk and why it was left unfixed (for the
 * summary, `--format json` and dry-run positions), each file's ESLint config resolved before the
 * transform runs (an asynchronous ESLint API), and a run that fails when a transform cannot load
 * (the Runner then reports `0 ok` and exits 0). The transforms themselves are plain jscodeshift
 * transforms (dist/codemods/<rule>.cjs) and run under jscodeshift's own CLI too.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { CONTEXT_MANAGERS } from '../core/settings.js';
import { mayContainFinding } from '../core/triggers.js';
import { codemodRuleNames } from '../rule-meta.js';
import { fixFile } from './create-codemod.js';
import { ConfigError, IgnoredByConfig, createConfigReader } from './eslint-config.js';
import { buildPlan, didYouMean, ruleOptionFlags, SETTINGS_FLAGS } from './plan.js';
import type { CodemodPlan, Flag } from './plan.js';
import { emptyReport, jsonSummary, textSummary } from './summary.js';
import type { RunReport } from './summary.js';
import { lineMapper, unifiedDiff } from './text-diff.js';
import { collectTargets, displayPath, errorMessage, minifiedReason, SKIPPED_DIRECTORIES, UsageError } from './walk.js';
import { findDirtyWorkTrees, writeFileAtomic } from './write.js';

export { EXTENSIONS, SKIPPED_DIRECTORIES, minifiedReason } from './walk.js';
export { findDirtyWorkTrees, writeFileAtomic } from './write.js';

const NAME = 'otel-context-codemod';

export interface CliIo {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown; isTTY?: boolean };
  cwd: string;
  /** Progress lines on stderr; default: only when stderr is a terminal. */
  progress?: boolean;
  /** Progress lines: the first after this many ms, then at most one per this many ms (default 1000). */
  progressEveryMs?: number;
}

const RUN_FLAGS: readonly Flag[] = [
  { name: 'config', type: 'string', multiple: false, value: 'FILE', help: 'the ESLint flat config to read settings and rule options from (default: the one eslint uses)' },
  { name: 'no-config', type: 'boolean', multiple: false, help: 'read no ESLint config: settings and rule options from the flags only' },
  { name: 'unsafe', type: 'boolean', multiple: false, help: 'also apply each remaining finding\'s first suggestion (may change ordering, timing or error flow)' },
  { name: 'tsconfig', type: 'string', multiple: false, value: 'FILE', help: 'type information: required by type-aware rules (`all` leaves them out without it, and says so)' },
  { name: 'dry', type: 'boolean', multiple: false, help: 'write nothing' },
  { name: 'print', type: 'boolean', multiple: false, help: 'print a unified diff of each changed file to stdout' },
  { name: 'format', type: 'string', multiple: false, value: 'text|json', help: 'the summary: text on stderr (default), or json on stdout' },
  { name: 'force', type: 'boolean', multiple: false, help: 'write even inside a git work tree with uncommitted changes' },
  { name: 'include-minified', type: 'boolean', multiple: false, help: 'also transform files that look minified (by default they are listed as skipped)' },
  { name: 'help', type: 'boolean', multiple: false, help: 'show this help' },
];

function allFlags(): Flag[] {
  return [...SETTINGS_FLAGS, ...ruleOptionFlags(), ...RUN_FLAGS];
}

export function usage(): string {
  const row = (flag: Flag) => {
    const left = `  --${flag.name}${flag.value ? ` ${flag.value}` : ''}`;
    return left.length < 28 ? `${left.padEnd(28)}${flag.help}` : `${left}\n${' '.repeat(28)}${flag.help}`;
  };
  return `Usage: ${NAME} <rule|all> <paths...> [options]

Rewrites what the rule's autofix rewrites, in every .ts .tsx .mts .cts .js .jsx .mjs .cjs file
under <paths> (skipping ${SKIPPED_DIRECTORIES.join(', ')}). Each file's settings and rule options come
from your ESLint config (the one eslint uses for it); the flags below override them.

Codemods: ${[...codemodRuleNames(), 'all'].join(', ')}

Settings (settings['otel-context']):
${SETTINGS_FLAGS.map(row).join('\n')}

Rule options (from each rule's schema):
${ruleOptionFlags().map(row).join('\n')}

Run:
${RUN_FLAGS.map(row).join('\n')}

The context managers: ${CONTEXT_MANAGERS.join(', ')}.
Exit status: 0 done (unfixed findings are reported, not failures), 1 some file failed,
2 bad usage or refused to write.
`;
}

interface CliPlan extends CodemodPlan {
  paths: string[];
  dry: boolean;
  print: boolean;
  format: 'text' | 'json';
  force: boolean;
  includeMinified: boolean;
}

function parseCli(argv: readonly string[], cwd: string): CliPlan | 'help' {
  const flags = allFlags();
  const options: NonNullable<ParseArgsConfig['options']> = { help: { type: 'boolean', short: 'h' } };
  for (const flag of flags) if (flag.name !== 'help') options[flag.name] = { type: flag.type, multiple: flag.multiple };
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, strict: true, options });
  } catch (error) {
    // Node's messages go on with advice about `--`: keep the first sentence, and suggest a flag.
    const first = errorMessage(error).split(/\. (?=[A-Z])/)[0] ?? 'bad arguments';
    const unknown = /Unknown option '--([^']+)'/.exec(first)?.[1];
    const guess = unknown !== undefined ? didYouMean(unknown, flags.map((f) => f.name)) : undefined;
    throw new UsageError(`${first}${guess ? `; did you mean --${guess}?` : ''}`);
  }
  const { values, positionals } = parsed;
  if (values.help === true) return 'help';
  const [target, ...paths] = positionals;
  if (target === undefined) throw new UsageError('missing <rule|all>');
  if (paths.length === 0) throw new UsageError('missing <paths...>');
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json (got ${JSON.stringify(format)})`);
  let plan: CodemodPlan;
  try {
    plan = buildPlan(target, values);
  } catch (error) {
    throw new UsageError(errorMessage(error));
  }
  if (plan.tsconfig !== undefined) {
    const tsconfig = resolve(cwd, plan.tsconfig);
    try {
      readFileSync(tsconfig);
    } catch {
      throw new UsageError(`--tsconfig: no such file: ${plan.tsconfig}`);
    }
    plan.tsconfig = tsconfig;
  }
  if (plan.config.kind === 'file') {
    try {
      readFileSync(resolve(cwd, plan.config.path));
    } catch {
      throw new UsageError(`--config: no such file: ${plan.config.path}`);
    }
  }
  return {
    ...plan,
    paths,
    dry: values.dry === true,
    print: values.print === true,
    format,
    force: values.force === true,
    includeMinified: values['include-minified'] === true,
  };
}

/** Runs the CLI in-process; resolves to the exit code (0 ok, 1 some file failed, 2 bad usage / refused). */
export async function runCodemod(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await run(argv, io);
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      io.stderr.write(`${NAME}: ${error instanceof ConfigError ? `cannot load the ESLint config: ${errorMessage(error)}` : error.message} (see --help)\n`);
      return 2;
    }
    io.stderr.write(`${NAME}: internal error: ${errorMessage(error)}\n`);
    return 1;
  }
}

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { stdout, stderr, cwd } = io;
  const plan = parseCli(argv, cwd);
  if (plan === 'help') {
    stdout.write(usage());
    return 0;
  }
  const walk = collectTargets(cwd, plan.paths);

  if (!plan.dry && !plan.force) {
    const dirty = findDirtyWorkTrees(cwd, plan.paths);
    if (dirty.length > 0) {
      stderr.write(
        `${NAME}: refusing to write: git work tree ${dirty.join(', ')} has uncommitted changes; commit or stash them first, or pass --force (or --dry to write nothing)\n`,
      );
      return 2;
    }
  }

  const configs = createConfigReader(plan, cwd);
  const report: RunReport = emptyReport(plan.target, plan.dry, plan.config.kind);
  report.skippedTypeAware = plan.skippedTypeAware;
  report.scanned = walk.files.length;
  report.ignored = walk.ignored;
  report.skipped = walk.skipped;
  report.failures = [...walk.failures];
  const showProgress = io.progress ?? stderr.isTTY === true;
  const progressEvery = io.progressEveryMs ?? 1000;
  const started = Date.now();
  let lastProgress = started;

  for (const [index, target] of walk.files.entries()) {
    const now = Date.now();
    if (showProgress && now - started >= progressEvery && now - lastProgress >= progressEvery) {
      stderr.write(`[${index + 1}/${walk.files.length}] ${target.display}\n`);
      lastProgress = now;
      // Let a piped stderr flush: Linter runs synchronously.
      await new Promise<void>((resolveTick) => setImmediate(resolveTick));
    }
    const relativise = (message: string) => (message.startsWith(target.path) ? target.display + message.slice(target.path.length) : message);

    let buffer: Buffer;
    try {
      buffer = readFileSync(target.real);
    } catch (error) {
      report.failures.push({ display: target.display, reason: `cannot read: ${errorMessage(error)}` });
      continue;
    }
    if (buffer.includes(0)) {
      report.failures.push({ display: target.display, reason: 'binary file (contains NUL bytes)' });
      continue;
    }
    const source = buffer.toString('utf8');

    const setup = await configs.forFile(target.path);
    if (setup instanceof IgnoredByConfig) {
      report.skipped.push({
        display: target.display,
        reason: `ignored by ${setup.configFile ? displayPath(cwd, setup.configFile) : 'your ESLint config'} (eslint does not lint it)`,
      });
      continue;
    }
    for (const rule of setup.off) report.offByConfig.set(rule, (report.offByConfig.get(rule) ?? 0) + 1);

    if (!plan.includeMinified && mayContainFinding(source, setup.rules, setup.settings)) {
      const minified = minifiedReason(source);
      if (minified) {
        report.skipped.push({ display: target.display, reason: minified });
        continue;
      }
    }

    let result;
    try {
      result = fixFile(target.path, source, plan, setup);
    } catch (error) {
      // a FileError names file and line; anything else is this file's failure too, never the run's
      report.failures.push({ display: target.display, reason: relativise(errorMessage(error)) });
      continue;
    }
    if (result === undefined) continue;
    for (const [rule, count] of Object.entries(result.fixedByRule ?? {})) report.fixedByRule.set(rule, (report.fixedByRule.get(rule) ?? 0) + count);

    // Positions in the file as it is on disk: the output's when it is written, else the input's.
    const written = result.changed && !plan.dry;
    const toDisk = written ? undefined : lineMapper(source, result.output ?? source);
    for (const finding of result.remaining) {
      let { line, column } = finding;
      if (toDisk !== undefined && result.changed) {
        const mapped = toDisk(line);
        const same = (result.initial ?? []).filter(
          (f) => f.ruleId === finding.ruleId && f.messageId === finding.messageId && f.message === finding.message,
        );
        const match = same.find((f) => f.line === mapped) ?? same.sort((a, b) => Math.abs(a.line - mapped) - Math.abs(b.line - mapped))[0];
        line = match?.line ?? mapped;
        column = match?.column ?? column;
      }
      report.unfixed.push({
        file: target.display,
        line,
        column,
        rule: finding.ruleId.replace(/^otel-context\//, ''),
        messageId: finding.messageId,
        message: finding.message,
        ...(finding.reason !== undefined ? { reason: finding.reason } : {}),
      });
    }
    if (!result.changed || result.output === undefined) continue;

    const diff = plan.print ? unifiedDiff(target.display, source, result.output) : undefined;
    if (diff !== undefined && plan.format === 'text') stdout.write(diff);
    if (!plan.dry) {
      try {
        writeFileAtomic(target.real, result.output);
      } catch (error) {
        report.failures.push({ display: target.display, reason: `cannot write: ${errorMessage(error)}` });
        continue;
      }
    }
    report.changed.push({ file: target.display, fixed: result.fixedCount, ...(diff !== undefined && plan.format === 'json' ? { diff } : {}) });
  }

  const configFile = await configs.describe();
  if (configFile !== undefined) report.configFile = displayPath(cwd, configFile);
  if (plan.format === 'json') stdout.write(jsonSummary(report));
  else stderr.write(textSummary(NAME, report));
  return report.failures.length > 0 ? 1 : 0;
}
