/** Plain data the doctor produces: findings per process, merged by the CLI. */

export const FINDING_KINDS = ['never-ended', 'kept-too-long', 'outlived-parent', 'lost-parent', 'new-trace'] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export function isFindingKind(value: string): value is FindingKind {
  return (FINDING_KINDS as readonly string[]).includes(value);
}

/** The rules that would have caught each kind statically (the first is the most likely). */
export const KIND_RULES: Record<FindingKind, readonly string[]> = {
  'never-ended': ['require-span-end'],
  'kept-too-long': ['no-unbound-timer', 'no-unbound-listener', 'no-unpaired-context-attach'],
  'outlived-parent': ['no-floating-promise-in-span', 'no-late-context-capture'],
  'lost-parent': ['no-inactive-parent-span', 'no-unbound-queued-callback', 'no-unbound-timer', 'no-unbound-listener'],
  'new-trace': ['require-context-propagation'],
};

export interface Site {
  file: string;
  line: number;
  column: number;
}

export interface RelatedSite extends Site {
  /** What happened there, e.g. "setInterval registered", "span 'GET /orders' started". */
  label: string;
}

/** One diagnosis at one source site (all occurrences of the same kind there are counted in `count`). */
export interface DoctorFinding {
  kind: FindingKind;
  /** The site in the user's code to fix. */
  site: Site;
  /** The rule that would have caught it statically (the most specific the runtime evidence allows). */
  rule: string;
  /** Other rules that may cover it when `rule` does not. */
  alsoRules: string[];
  why: string;
  span: string;
  count: number;
  related: RelatedSite[];
  /** A short waterfall excerpt (a few lines). */
  waterfall: string[];
  /** Names of the user functions on the stack at the site (the lint link matches calls to them). */
  functions?: string[];
  /** Process that saw it. */
  pid: number;
  /** Filled by the lint step (CLI). */
  lint?: LintLink;
}

export type LintLink =
  | { status: 'confirmed'; rule: string; file: string; line: number; column: number; message: string; codemod: string; preset?: boolean }
  | { status: 'not-caught'; reason?: string };

export interface ProcessReport {
  pid: number;
  argv: string[];
  spans: number;
  findings: DoctorFinding[];
}

export interface DoctorOptions {
  contextManager: 'async-local-storage' | 'async-hooks' | 'zone' | 'stack';
  /** A child that starts this long (ms) after its parent ended is "kept too long" even once. */
  keptMs: number;
}

export const DEFAULT_OPTIONS: DoctorOptions = { contextManager: 'async-local-storage', keptMs: 1000 };

export const ENV_OUT = 'OTEL_CONTEXT_DOCTOR_OUT';
export const ENV_OPTIONS = 'OTEL_CONTEXT_DOCTOR_OPTIONS';
export const ENV_SPAWN = 'OTEL_CONTEXT_DOCTOR_SPAWN';
