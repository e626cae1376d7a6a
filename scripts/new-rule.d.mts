/** Types of scripts/new-rule.mjs (for tests/new-rule.test.ts). */
export declare const TODO_MARKER: string;
/** Writes the files of a new rule under `root`; returns the repository-relative paths written. */
export declare function scaffoldRule(root: string, name: string, options?: { fixable?: boolean }): string[];
