/**
 * The codemod's writes: the git-clean guard, and atomic replacement of a file (temp file in the
 * same directory, fsync, rename), keeping its mode.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, closeSync, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

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

