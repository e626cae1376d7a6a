/**
 * The codemod's walk: which files under the given paths it reads, in a stable order, each once
 * (through symbolic links, without looping), and which it skips and why.
 */
import { lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import type { Dirent } from 'node:fs';
import { extname, isAbsolute, join, relative, resolve } from 'node:path';

export const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'] as const;
export const SKIPPED_DIRECTORIES = ['node_modules', 'dist', 'build', 'coverage', '.git'] as const;

/** A bad command line: exit status 2. */
export class UsageError extends Error {}

export function errorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

export function displayPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

export interface Target {
  /** Absolute path as reached (may go through symlinks). */
  path: string;
  /** Real path: where the bytes live and where we write. */
  real: string;
  display: string;
}

export interface Failure {
  display: string;
  reason: string;
}

export interface Walk {
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

export function collectTargets(cwd: string, paths: readonly string[]): Walk {
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

