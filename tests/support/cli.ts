/** Runs the codemod CLI in-process and reads its summary. */
import { runCodemod } from '../../codemods/cli.js';
import type { CliIo } from '../../codemods/cli.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Progress lines are off (not a terminal) unless `io.progress` or `io.progressEveryMs` asks for them. */
export async function runCli(argv: readonly string[], cwd: string, io: Partial<Pick<CliIo, 'progressEveryMs' | 'progress'>> = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCodemod(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    cwd,
    progress: io.progress ?? io.progressEveryMs !== undefined,
    progressEveryMs: io.progressEveryMs ?? 60_000,
  });
  return { code, stdout, stderr };
}

export interface Summary {
  scanned: number;
  ignored: number;
  changed: string[];
  fixed: number;
  /** Findings fixed per rule name. */
  fixedByRule: Record<string, number>;
  unfixed: string[];
  failed: string[];
}

/** Parses the summary the CLI writes at the end of stderr; throws when it is not there. */
export function parseSummary(stderr: string): Summary {
  const lines = stderr.split('\n');
  const at = (prefix: RegExp): number => {
    const index = lines.findIndex((line) => prefix.test(line));
    if (index < 0) throw new Error(`no summary line ${prefix} in:\n${stderr}`);
    return index;
  };
  const block = (from: number): string[] => {
    const out: string[] = [];
    for (let i = from + 1; i < lines.length && (lines[i] ?? '').startsWith('  '); i++) out.push((lines[i] ?? '').slice(2));
    return out;
  };
  const scannedAt = at(/^Files scanned: /);
  const scannedMatch = /^Files scanned: (\d+)(?: \((\d+) other files? ignored\))?$/.exec(lines[scannedAt] ?? '');
  if (!scannedMatch) throw new Error(`bad scanned line: ${lines[scannedAt]}`);
  const changedAt = at(/^Files (?:changed|that would change): \d+$/);
  const fixedAt = at(/^Findings fixed: \d+$/);
  const unfixedAt = at(/^Findings left unfixed: \d+$/);
  const failedAt = at(/^Files failed: \d+$/);
  const count = (index: number) => Number(/(\d+)$/.exec(lines[index] ?? '')?.[1]);
  const fixedByRule: Record<string, number> = {};
  for (const line of block(fixedAt)) {
    const match = /^(\S+): (\d+) \(.+\)$/.exec(line);
    if (match?.[1] === undefined) throw new Error(`bad fixed line: ${line}`);
    fixedByRule[match[1]] = Number(match[2]);
  }
  const summary: Summary = {
    scanned: Number(scannedMatch[1]),
    ignored: Number(scannedMatch[2] ?? 0),
    changed: block(changedAt).map((line) => line.replace(/ \(\d+ fixed\)$/, '')),
    fixed: count(fixedAt),
    fixedByRule,
    unfixed: block(unfixedAt),
    failed: block(failedAt),
  };
  // The counts agree with the listings.
  if (summary.changed.length !== count(changedAt)) throw new Error('changed count does not match its listing');
  if (summary.unfixed.length !== count(unfixedAt)) throw new Error('unfixed count does not match its listing');
  if (summary.failed.length !== count(failedAt)) throw new Error('failed count does not match its listing');
  return summary;
}
