/**
 * `otel-context-doctor [options] -- <command...>`: runs the command with the doctor preloaded in
 * every Node process it starts (NODE_OPTIONS=--import), merges what each process found, links each
 * finding to the lint, prints the report, and exits 1 when there are findings of the `--fail-on` kinds.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isContextManagerName } from '../core/settings.js';
import { linkFindings } from './lint.js';
import { mergeFindings, renderJson, renderText } from './report.js';
import type { DoctorReport } from './report.js';
import { ENV_OPTIONS, ENV_OUT, FINDING_KINDS, isFindingKind } from './types.js';
import type { DoctorOptions, FindingKind, ProcessReport } from './types.js';

export const NAME = 'otel-context-doctor';

export function usage(): string {
  return `Usage: ${NAME} [options] -- <command...>

Runs <command> with the trace doctor preloaded (node --import, also in child Node processes
through NODE_OPTIONS) and reports where trace context was lost or kept too long.

Options:
  --context-manager <name>  context manager for an app that registers none:
                            async-local-storage (default), async-hooks, zone, stack
  --format <text|json>      output format (default text)
  --fail-on <kinds>         comma-separated kinds that make the exit status 1 (default: all):
                            ${FINDING_KINDS.join(', ')}
  --kept-ms <ms>            a child starting this long after its parent ended is "kept too long"
                            even once (default 1000; repeated starts count from the second)
  --no-lint                 do not lint the files of the findings
  -h, --help                this help

Exit status: 0 clean, 1 findings of the --fail-on kinds, 2 bad usage or the command could not run;
when there are no such findings and the command failed, its own exit status.`;
}

interface CliOptions {
  doctor: DoctorOptions;
  format: 'text' | 'json';
  failOn: FindingKind[];
  lint: boolean;
  command: string[];
}

class UsageError extends Error {}

export function parseArgs(argv: readonly string[]): CliOptions | 'help' {
  const options: CliOptions = {
    doctor: { contextManager: 'async-local-storage', keptMs: 1000 },
    format: 'text',
    failOn: [...FINDING_KINDS],
    lint: true,
    command: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new UsageError(`${arg} needs a value`);
      return next;
    };
    if (arg === '--') {
      options.command = argv.slice(i + 1);
      break;
    }
    if (arg === '-h' || arg === '--help') return 'help';
    if (arg === '--context-manager') {
      const name = value();
      if (!isContextManagerName(name)) throw new UsageError(`unknown --context-manager ${name}`);
      options.doctor.contextManager = name;
    } else if (arg === '--format') {
      const format = value();
      if (format !== 'text' && format !== 'json') throw new UsageError(`unknown --format ${format} (text or json)`);
      options.format = format;
    } else if (arg === '--fail-on') {
      const kinds = value().split(',').map((k) => k.trim()).filter(Boolean);
      const bad = kinds.filter((k) => !isFindingKind(k));
      if (bad.length > 0) throw new UsageError(`unknown kind(s) for --fail-on: ${bad.join(', ')} (known: ${FINDING_KINDS.join(', ')})`);
      options.failOn = kinds as FindingKind[];
    } else if (arg === '--kept-ms') {
      const ms = Number(value());
      if (!Number.isFinite(ms) || ms < 0) throw new UsageError('--kept-ms needs a number of milliseconds >= 0');
      options.doctor.keptMs = ms;
    } else if (arg === '--no-lint') {
      options.lint = false;
    } else {
      throw new UsageError(`unknown option ${arg} (the command goes after --)`);
    }
  }
  if (options.command.length === 0) throw new UsageError('missing the command to run, after --');
  return options;
}

function run(command: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0] ?? '', command.slice(1), { stdio: 'inherit', env });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

function readReports(dir: string): ProcessReport[] {
  const reports: ProcessReport[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.json')) continue;
    try {
      reports.push(JSON.parse(readFileSync(join(dir, name), 'utf8')) as ProcessReport);
    } catch (error) {
      process.stderr.write(`${NAME}: unreadable report ${join(dir, name)}: ${String(error)}\n`);
    }
  }
  return reports;
}

export interface DoctorRun {
  report: DoctorReport;
  commandExit: number;
  exitCode: number;
  output: string;
}

/** Runs a command under the doctor and builds the report (the CLI without printing). */
export async function runDoctor(options: CliOptions, cwd = process.cwd()): Promise<DoctorRun> {
  const outDir = mkdtempSync(join(tmpdir(), 'otel-context-doctor-'));
  try {
    const register = new URL('./register.js', import.meta.url).href;
    const env = {
      ...process.env,
      NODE_OPTIONS: `--import=${JSON.stringify(register)} ${process.env.NODE_OPTIONS ?? ''}`.trim(),
      [ENV_OUT]: outDir,
      [ENV_OPTIONS]: JSON.stringify(options.doctor),
    };
    const commandExit = await run(options.command, env);
    const reports = readReports(outDir);
    const findings = mergeFindings(reports.flatMap((r) => r.findings));
    if (options.lint) await linkFindings(findings, { cwd, contextManager: options.doctor.contextManager });
    const report: DoctorReport = { findings, processes: reports.length, spans: reports.reduce((n, r) => n + r.spans, 0) };
    const failing = findings.some((f) => options.failOn.includes(f.kind));
    const output = options.format === 'json' ? renderJson(report) : renderText(report, cwd);
    return { report, commandExit, exitCode: failing ? 1 : commandExit, output };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  let options: CliOptions | 'help';
  try {
    options = parseArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${NAME}: ${error.message}\n\n${usage()}\n`);
      return 2;
    }
    throw error;
  }
  if (options === 'help') {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  try {
    const result = await runDoctor(options);
    process.stdout.write(result.output);
    return result.exitCode;
  } catch (error) {
    process.stderr.write(`${NAME}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
}
