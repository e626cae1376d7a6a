/**
 * `otel-context-codemod <rule|all> <paths...>`: runs a codemod transform in-process over files and
 * directories, writing each changed file atomically (temp file in the same directory + rename).
 *
 * The runner is ours rather than jscodeshift's `Runner`: that one writes files in place and prints
 * its own summary, while this CLI must guarantee atomic writes, a git-clean guard, exit codes and a
 * summary of what was left unfixed. The transforms themselves are genuine jscodeshift transforms
 * (dist/codemods/<rule>.js) and run under jscodeshift's own CLI too.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  fsyncSync,
  lstatSync,
  openSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import type { Dirent } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import jscodeshift from 'jscodeshift';
import type { API } from 'jscodeshift';
import { CONTEXT_MANAGERS } from '../core/settings.js';
import { mayContainFinding } from '../core/triggers.js';
import { createCodemod, readCodemodOptions, resolveCodemodRules } from './create-codemod.js';
import { codemodRuleNames, requiresTypeChecking } from './fix-with-rule.js';

export const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'] as const;
export const SKIPPED_DIRECTORIES = ['node_modules', 'dist', 'build', 'coverage', '.git'] as const;

const NAME = 'otel-context-codemod';

export interface CliIo {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
  cwd: string;
  /** Progress lines on stderr: the first after this many ms, then at most one per this many ms (default 1000). */
  progressEveryMs?: number;
}

export function usage(): string {
  return `Usage: ${NAME} <rule|all> <paths...> [options]

Rewrites what the rule's autofix rewrites, in every .ts .tsx .mts .cts .js .jsx .mjs .cjs file
under <paths> (skipping ${SKIPPED_DIRECTORIES.join(', ')}).

Codemods: ${[...codemodRuleNames(), 'all'].join(', ')}

Options:
  --context-manager NAME  ${CONTEXT_MANAGERS.join(' | ')} (default: async-local-storage)
  --api-module M          a module re-exporting @opentelemetry/api (repeatable)
  --span-wrapper W        a helper that runs a callback in an active span (repeatable)
  --queue-function F      a function or method that queues its callback (p-limit's \`limit\`,
                          \`pool.acquire\`): no-unbound-queued-callback's additionalQueueFunctions (repeatable)
  --instrumented-transport T  a transport an OpenTelemetry instrumentation propagates already
                          (kafkajs | amqplib | bullmq): require-context-propagation's
                          instrumentedTransports (repeatable)
  --unsafe                also apply each remaining finding's first suggestion
  --tsconfig FILE         type information: required by type-aware rules (\`all\` leaves them
                          out without it, and says so); rules run with their typeCheckedOptions
  --dry                   write nothing
  --print                 print each changed file's new source to stdout (when more than one
                          file is scanned, each is preceded by a line "==> path <==")
  --force                 write even inside a git work tree with uncommitted changes
  --include-minified      also transform files that look minified (by default they are listed
                          under "Files skipped": a bundle is rebuilt, not edited)
  --help                  show this help

Exit status: 0 done (unfixed findings are reported, not failures), 1 some file failed,
2 bad usage or refused to write.
`;
}

class UsageError extends Error {}

interface Target {
  /** Absolute path as reached (may go through symlinks). */
  path: string;
  /** Real path: where the bytes live and where we write. */
  real: string;
  display: string;
}

interface Failure {
  display: string;
  reason: string;
}

interface Walk {
  files: Target[];
  failures: Failure[];
  ignored: number;
  /** Source-looking names that are not files: broken or looping symbolic links. Listed, never silent. */
  skipped: Failure[];
}

function isLintable(name: string): boolean {
  return (EXTENSIONS as readonly string[]).includes(extname(name).toLowerCase());
}

function symlinkProblem(error: unknown): string {
  return (error as NodeJS.ErrnoException).code === 'ELOOP' ? 'symbolic link loop, skipped' : 'broken symbolic link, skipped';
}

function errorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

function displayPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

function collectTargets(cwd: string, paths: readonly string[]): Walk {
  const walk: Walk = { files: [], failures: [], ignored: 0, skipped: [] };
  const seenFiles = new Set<string>();
  const seenDirectories = new Set<string>();

  const addFile = (path: string) => {
    let real: string;
    try {
      real = realpathSync(path);
    } catch (error) {
      walk.failures.push({ display: displayPath(cwd, path), reason: errorMessage(error) });
      return;
    }
    if (seenFiles.has(real)) return;
    seenFiles.add(real);
    walk.files.push({ path, real, display: displayPath(cwd, path) });
  };

  const visitDirectory = (directory: string) => {
    let real: string;
    let entries: Dirent[];
    try {
      real = realpathSync(directory);
      // A symlink loop (or the same directory reached twice) is walked once.
      if (seenDirectories.has(real)) return;
      seenDirectories.add(real);
      entries = readdirSync(directory, { withFileTypes: true });
    } catch (error) {
      walk.failures.push({ display: displayPath(cwd, directory), reason: `cannot read directory: ${errorMessage(error)}` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(directory, entry.name);
      let isDirectory = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          const stats = statSync(path);
          isDirectory = stats.isDirectory();
          isFile = stats.isFile();
        } catch (error) {
          // a dangling or looping symlink is not a file to rewrite; say so when it looks like source
          if (isLintable(entry.name)) walk.skipped.push({ display: displayPath(cwd, path), reason: symlinkProblem(error) });
          else walk.ignored++;
          continue;
        }
      }
      if (isDirectory) {
        if (!(SKIPPED_DIRECTORIES as readonly string[]).includes(entry.name)) visitDirectory(path);
      } else if (isFile) {
        if (isLintable(entry.name)) addFile(path);
        else walk.ignored++;
      }
    }
  };

  for (const given of paths) {
    const path = resolve(cwd, given);
    let stats;
    try {
      lstatSync(path);
      stats = statSync(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new UsageError(code === 'ELOOP' ? `symbolic link loop: ${given}` : `no such file or directory: ${given}`);
    }
    if (stats.isDirectory()) visitDirectory(path);
    else if (stats.isFile() && isLintable(path)) addFile(path);
    else walk.ignored++;
  }
  return walk;
}

function gitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' };
  for (const name of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_PREFIX']) delete env[name];
  return env;
}

function git(cwd: string, args: readonly string[]): string | undefined {
  try {
    return execFileSync('git', ['-C', cwd, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: gitEnv() });
  } catch {
    return undefined;
  }
}

/** The git work trees (containing a target) that have uncommitted changes, per `git status --porcelain`. */
export function findDirtyWorkTrees(cwd: string, paths: readonly string[]): string[] {
  const roots = new Set<string>();
  for (const given of paths) {
    const path = resolve(cwd, given);
    let directory = path;
    try {
      if (!statSync(path).isDirectory()) directory = dirname(path);
    } catch {
      continue;
    }
    const root = git(directory, ['rev-parse', '--show-toplevel'])?.trim();
    if (root) roots.add(root);
  }
  return [...roots].filter((root) => {
    const status = git(root, ['status', '--porcelain']);
    // If git cannot tell, assume the worst.
    return status === undefined || status.trim().length > 0;
  });
}

/** Writes `text` to `path` atomically: a temp file in the same directory, fsync, then rename over it (keeps the mode). */
export function writeFileAtomic(path: string, text: string): void {
  const mode = statSync(path).mode & 0o7777;
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'wx', mode);
    writeSync(fd, text);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    chmodSync(temp, mode); // the umask may have narrowed it
    renameSync(temp, path);
  } catch (error) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // already failing
      }
    }
    try {
      unlinkSync(temp);
    } catch {
      // never created
    }
    throw error;
  }
}

interface ParsedArgs {
  rule: string;
  paths: string[];
  dry: boolean;
  print: boolean;
  force: boolean;
  /** Transform files that look minified too (see minifiedReason). */
  includeMinified: boolean;
  transformOptions: Record<string, unknown>;
  /** Type-aware rules that `all` leaves out for want of --tsconfig. */
  skippedTypeAware: string[];
}

function parseCli(argv: readonly string[], cwd: string): ParsedArgs | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        'context-manager': { type: 'string' },
        'api-module': { type: 'string', multiple: true },
        'span-wrapper': { type: 'string', multiple: true },
        'queue-function': { type: 'string', multiple: true },
        'instrumented-transport': { type: 'string', multiple: true },
        unsafe: { type: 'boolean' },
        tsconfig: { type: 'string' },
        dry: { type: 'boolean' },
        print: { type: 'boolean' },
        force: { type: 'boolean' },
        'include-minified': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    // Node's messages go on with advice about `--`: keep the first sentence.
    throw new UsageError(errorMessage(error).split(/\. (?=[A-Z])/)[0] ?? 'bad arguments');
  }
  const { values, positionals } = parsed;
  if (values.help === true) return 'help';
  const [rule, ...paths] = positionals;
  if (rule === undefined) throw new UsageError('missing <rule|all>');
  if (paths.length === 0) throw new UsageError('missing <paths...>');
  let rules: string[];
  try {
    rules = resolveCodemodRules(rule);
  } catch (error) {
    throw new UsageError(errorMessage(error));
  }
  const transformOptions: Record<string, unknown> = {
    ...(values['context-manager'] !== undefined ? { contextManager: values['context-manager'] } : {}),
    ...(values['api-module'] ? { apiModules: values['api-module'] } : {}),
    ...(values['span-wrapper'] ? { spanWrappers: values['span-wrapper'] } : {}),
    ...(values['queue-function'] ? { queueFunctions: values['queue-function'] } : {}),
    ...(values['instrumented-transport'] ? { instrumentedTransports: values['instrumented-transport'] } : {}),
    unsafe: values.unsafe === true,
  };
  if (values.tsconfig !== undefined) {
    const tsconfig = resolve(cwd, values.tsconfig);
    try {
      if (!statSync(tsconfig).isFile()) throw new Error('not a file');
    } catch {
      throw new UsageError(`--tsconfig: no such file: ${values.tsconfig}`);
    }
    transformOptions.tsconfig = tsconfig;
  } else if (rule !== 'all') {
    const typed = rules.filter(requiresTypeChecking);
    if (typed.length > 0) throw new UsageError(`${typed.join(', ')} needs type information: pass --tsconfig FILE`);
  }
  const untyped = values.tsconfig === undefined ? rules.filter(requiresTypeChecking) : [];
  try {
    readCodemodOptions(transformOptions);
  } catch (error) {
    throw new UsageError(errorMessage(error));
  }
  return {
    rule,
    paths,
    dry: values.dry === true,
    print: values.print === true,
    force: values.force === true,
    includeMinified: values['include-minified'] === true,
    transformOptions,
    skippedTypeAware: untyped,
  };
}

/** Runs the CLI in-process; resolves to the exit code (0 ok, 1 some file failed, 2 bad usage / refused). */
export async function runCodemod(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await run(argv, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`${NAME}: ${error.message} (see --help)\n`);
      return 2;
    }
    io.stderr.write(`${NAME}: internal error: ${errorMessage(error)}\n`);
    return 1;
  }
}

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { stdout, stderr, cwd } = io;
  const args = parseCli(argv, cwd);
  if (args === 'help') {
    stdout.write(usage());
    return 0;
  }
  const walk = collectTargets(cwd, args.paths);

  if (!args.dry && !args.force) {
    const dirty = findDirtyWorkTrees(cwd, args.paths);
    if (dirty.length > 0) {
      stderr.write(
        `${NAME}: refusing to write: git work tree ${dirty.join(', ')} has uncommitted changes; commit or stash them first, or pass --force (or --dry to write nothing)\n`,
      );
      return 2;
    }
  }

  const transform = createCodemod(args.rule);
  const { settings, tsconfig } = readCodemodOptions(args.transformOptions);
  const rules = resolveCodemodRules(args.rule, { typed: tsconfig !== undefined });
  const j = jscodeshift.withParser('tsx');
  const fixed = new Map<string, number>();
  const unfixed: string[] = [];
  const changed: string[] = [];
  const failures: Failure[] = [...walk.failures];
  const total = walk.files.length;
  const progressEvery = io.progressEveryMs ?? 1000;
  const started = Date.now();
  let lastProgress = started;

  for (const [index, target] of walk.files.entries()) {
    const now = Date.now();
    if (now - started >= progressEvery && now - lastProgress >= progressEvery) {
      stderr.write(`[${index + 1}/${total}] ${target.display}\n`);
      lastProgress = now;
      // Let a piped stderr flush: Linter runs synchronously.
      await new Promise<void>((resolveTick) => setImmediate(resolveTick));
    }
    const relativise = (message: string) =>
      message.startsWith(target.path) ? target.display + message.slice(target.path.length) : message;

    let buffer: Buffer;
    try {
      buffer = readFileSync(target.real);
    } catch (error) {
      failures.push({ display: target.display, reason: `cannot read: ${errorMessage(error)}` });
      continue;
    }
    if (buffer.includes(0)) {
      failures.push({ display: target.display, reason: 'binary file (contains NUL bytes)' });
      continue;
    }
    const source = buffer.toString('utf8');
    if (!args.includeMinified && mayContainFinding(source, rules, settings)) {
      const minified = minifiedReason(source);
      if (minified) {
        walk.skipped.push({ display: target.display, reason: minified });
        continue;
      }
    }

    let fileFixed = 0;
    const api: API = {
      j,
      jscodeshift: j,
      stats: (name: string, quantity?: number) => {
        const n = typeof quantity === 'number' ? quantity : 1;
        fixed.set(name, (fixed.get(name) ?? 0) + n);
        fileFixed += n;
      },
      report: (message: string) => unfixed.push(relativise(message)),
    };
    let output: string | undefined;
    try {
      output = transform({ path: target.path, source }, api, { ...args.transformOptions });
    } catch (error) {
      failures.push({ display: target.display, reason: relativise(errorMessage(error)) });
      continue;
    }
    if (output === undefined || output === source) continue;

    if (args.print) {
      if (total > 1) stdout.write(`==> ${target.display} <==\n`);
      stdout.write(output.endsWith('\n') ? output : `${output}\n`);
    }
    if (!args.dry) {
      try {
        writeFileAtomic(target.real, output);
      } catch (error) {
        failures.push({ display: target.display, reason: `cannot write: ${errorMessage(error)}` });
        continue;
      }
    }
    changed.push(`${target.display} (${fileFixed} fixed)`);
  }

  stderr.write(summary(args, total, walk.ignored, walk.skipped, changed, fixed, unfixed, failures));
  return failures.length > 0 ? 1 : 0;
}

/**
 * Why a file is left alone as minified, or undefined: GitHub Linguist's test for minified
 * files (an average line length over 110 characters), for files of 10 kB and more. A bundle is
 * rebuilt from its sources, not edited; transforming one also takes more than 10 s per MB.
 */
export function minifiedReason(source: string): string | undefined {
  if (source.length < 10_000) return undefined;
  let lines = 1;
  for (let at = source.indexOf('\n'); at !== -1 && at < source.length - 1; at = source.indexOf('\n', at + 1)) lines++;
  const average = source.length / lines;
  if (average <= 110) return undefined;
  return `looks minified (${lines} line${lines === 1 ? '' : 's'}, ${Math.round(average)} characters per line on average); pass --include-minified to transform it`;
}

function summary(
  args: ParsedArgs,
  scanned: number,
  ignored: number,
  skipped: readonly Failure[],
  changed: readonly string[],
  fixed: ReadonlyMap<string, number>,
  unfixed: readonly string[],
  failures: readonly Failure[],
): string {
  const lines: string[] = [];
  lines.push(`${NAME} ${args.rule}${args.dry ? ' (dry run: nothing written)' : ''}`);
  if (args.skippedTypeAware.length > 0) {
    lines.push(`Type-aware rules not run (pass --tsconfig FILE to run them): ${args.skippedTypeAware.join(', ')}`);
  }
  lines.push(`Files scanned: ${scanned}${ignored > 0 ? ` (${ignored} other file${ignored === 1 ? '' : 's'} ignored)` : ''}`);
  if (skipped.length > 0) {
    lines.push(`Files skipped: ${skipped.length}`);
    for (const entry of skipped) lines.push(`  ${entry.display}: ${entry.reason}`);
  }
  lines.push(`Files ${args.dry ? 'that would change' : 'changed'}: ${changed.length}`);
  for (const file of changed) lines.push(`  ${file}`);
  const totalFixed = [...fixed.values()].reduce((a, b) => a + b, 0);
  lines.push(`Findings fixed: ${totalFixed}`);
  for (const [messageId, count] of [...fixed].sort(([a], [b]) => a.localeCompare(b))) lines.push(`  ${messageId}: ${count}`);
  lines.push(`Findings left unfixed: ${unfixed.length}`);
  for (const finding of unfixed) lines.push(`  ${finding}`);
  lines.push(`Files failed: ${failures.length}`);
  for (const failure of failures) {
    lines.push(`  ${failure.reason.startsWith(failure.display) ? failure.reason : `${failure.display}: ${failure.reason}`}`);
  }
  return `${lines.join('\n')}\n`;
}
