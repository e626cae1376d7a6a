/**
 * The codemod's report: what it scanned, skipped, changed, fixed (by rule, in plain words) and
 * left unfixed (with positions in the file on disk, and the reason when a fix was refused), as
 * text for people or as JSON (`--format json`) for scripts and editors.
 */
import { plainDescription } from '../rule-meta.js';
import type { Failure } from './walk.js';

export interface UnfixedFinding {
  file: string;
  line: number;
  column: number;
  rule: string;
  messageId: string;
  message: string;
  /** Why its fix was not applied, when the codemod refused it. */
  reason?: string;
}

export interface RunReport {
  target: string;
  dry: boolean;
  /** The ESLint config file the settings and rule options came from; undefined when none. */
  configFile?: string;
  configMode: 'auto' | 'file' | 'none';
  skippedTypeAware: readonly string[];
  scanned: number;
  ignored: number;
  skipped: Failure[];
  changed: Array<{ file: string; fixed: number; diff?: string }>;
  fixedByRule: Map<string, number>;
  /** Rules left out on some files because their ESLint config turns them off: rule → files. */
  offByConfig: Map<string, number>;
  unfixed: UnfixedFinding[];
  failures: Failure[];
}

export function emptyReport(target: string, dry: boolean, configMode: RunReport['configMode']): RunReport {
  return {
    target,
    dry,
    configMode,
    skippedTypeAware: [],
    scanned: 0,
    ignored: 0,
    skipped: [],
    changed: [],
    fixedByRule: new Map(),
    offByConfig: new Map(),
    unfixed: [],
    failures: [],
  };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function textSummary(name: string, report: RunReport): string {
  const lines: string[] = [];
  lines.push(`${name} ${report.target}${report.dry ? ' (dry run: nothing written)' : ''}`);
  if (report.configMode === 'none') lines.push('ESLint config: not read (--no-config): settings and rule options from the flags');
  else if (report.configFile !== undefined) lines.push(`ESLint config: ${report.configFile} (flags override it)`);
  else lines.push('ESLint config: none found: settings and rule options from the flags and the defaults');
  if (report.skippedTypeAware.length > 0) {
    lines.push(`Type-aware rules not run (pass --tsconfig FILE to run them): ${report.skippedTypeAware.join(', ')}`);
  }
  for (const [rule, files] of [...report.offByConfig].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`Not run where your ESLint config turns it off: ${rule} (${plural(files, 'file')})`);
  }
  lines.push(`Files scanned: ${report.scanned}${report.ignored > 0 ? ` (${plural(report.ignored, 'other file')} ignored)` : ''}`);
  if (report.skipped.length > 0) {
    lines.push(`Files skipped: ${report.skipped.length}`);
    for (const entry of report.skipped) lines.push(`  ${entry.display}: ${entry.reason}`);
  }
  lines.push(`Files ${report.dry ? 'that would change' : 'changed'}: ${report.changed.length}`);
  for (const file of report.changed) lines.push(`  ${file.file} (${file.fixed} fixed)`);
  const totalFixed = [...report.fixedByRule.values()].reduce((a, b) => a + b, 0);
  lines.push(`Findings fixed: ${totalFixed}`);
  for (const [rule, count] of [...report.fixedByRule].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`  ${rule}: ${count} (${plainDescription(rule)})`);
  }
  lines.push(`Findings left unfixed: ${report.unfixed.length}`);
  for (const finding of report.unfixed) {
    lines.push(`  ${finding.file}:${finding.line}:${finding.column} ${finding.rule}: ${finding.message}${finding.reason ? ` Not fixed: ${finding.reason}.` : ''}`);
  }
  lines.push(`Files failed: ${report.failures.length}`);
  for (const failure of report.failures) {
    lines.push(`  ${failure.reason.startsWith(failure.display) ? failure.reason : `${failure.display}: ${failure.reason}`}`);
  }
  return `${lines.join('\n')}\n`;
}

export function jsonSummary(report: RunReport): string {
  const fixed = Object.fromEntries([...report.fixedByRule].sort(([a], [b]) => a.localeCompare(b)));
  return `${JSON.stringify(
    {
      target: report.target,
      dryRun: report.dry,
      eslintConfig: report.configMode === 'none' ? null : (report.configFile ?? null),
      typeAwareRulesNotRun: report.skippedTypeAware,
      offByConfig: Object.fromEntries(report.offByConfig),
      files: {
        scanned: report.scanned,
        ignored: report.ignored,
        skipped: report.skipped.map((s) => ({ file: s.display, reason: s.reason })),
        changed: report.changed,
        failed: report.failures.map((f) => ({ file: f.display, reason: f.reason })),
      },
      findings: {
        fixed: Object.values(fixed).reduce((a, b) => a + b, 0),
        fixedByRule: fixed,
        unfixed: report.unfixed,
      },
    },
    null,
    2,
  )}\n`;
}
