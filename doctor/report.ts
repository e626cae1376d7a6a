/** Text and JSON rendering of the doctor's findings (grouped by source site). */
import { relative } from 'node:path';
import type { DoctorFinding, FindingKind } from './types.js';

const KIND_TITLES: Record<FindingKind, string> = {
  'never-ended': 'never ended',
  'kept-too-long': 'kept too long (endless trace)',
  'outlived-parent': 'outlived its parent',
  'lost-parent': 'lost parent',
  'new-trace': 'new trace across a process/worker boundary',
};

export interface DoctorReport {
  findings: DoctorFinding[];
  processes: number;
  spans: number;
}

function where(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel.startsWith('..') || rel === '' ? file : rel;
}

/** Merges findings of several processes: one entry per kind + site + rule. */
export function mergeFindings(findings: readonly DoctorFinding[]): DoctorFinding[] {
  const merged = new Map<string, DoctorFinding>();
  for (const finding of findings) {
    const key = `${finding.kind}\0${finding.site.file}:${finding.site.line}:${finding.site.column}\0${finding.rule}`;
    const existing = merged.get(key);
    if (existing) existing.count += finding.count;
    else merged.set(key, { ...finding, related: [...finding.related], waterfall: [...finding.waterfall] });
  }
  return [...merged.values()].sort(
    (a, b) => a.site.file.localeCompare(b.site.file) || a.site.line - b.site.line || a.site.column - b.site.column || a.kind.localeCompare(b.kind),
  );
}

export function renderText(report: DoctorReport, cwd = process.cwd()): string {
  const { findings } = report;
  const lines: string[] = [];
  if (findings.length === 0) {
    lines.push(`otel-context-doctor: no findings (${report.spans} spans in ${report.processes} process(es))`);
    return `${lines.join('\n')}\n`;
  }
  lines.push(`otel-context-doctor: ${findings.length} finding(s) (${report.spans} spans in ${report.processes} process(es))`, '');
  const bySite = new Map<string, DoctorFinding[]>();
  for (const finding of findings) {
    const key = `${where(finding.site.file, cwd)}:${finding.site.line}:${finding.site.column}`;
    bySite.set(key, [...(bySite.get(key) ?? []), finding]);
  }
  for (const [site, group] of bySite) {
    lines.push(site);
    for (const finding of group) {
      lines.push(`  ${KIND_TITLES[finding.kind]}: '${finding.span}'${finding.count > 1 ? ` (×${finding.count})` : ''}  [${finding.rule}]`);
      lines.push(`    ${finding.why}`);
      for (const related of finding.related) {
        lines.push(`    ${related.label} at ${where(related.file, cwd)}:${related.line}:${related.column}`);
      }
      for (const row of finding.waterfall) for (const part of row.split('\n')) lines.push(`    │ ${part}`);
      const lint = finding.lint;
      if (lint?.status === 'confirmed') {
        lines.push(`    confirmed: ${lint.rule} at ${where(lint.file, cwd)}:${lint.line}${lint.preset ? ' (linted with the plugin\'s strict preset: your ESLint config does not enable it here)' : ''}`);
        lines.push(`    fix: ${lint.codemod}`);
      } else if (lint?.status === 'not-caught') {
        lines.push(`    not caught by lint${lint.reason ? ` (${lint.reason})` : ''}`);
      }
    }
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

export function renderJson(report: DoctorReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
