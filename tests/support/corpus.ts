/**
 * The sweep corpus of bench/corpus.mjs (the lead's), typed for the tests. Imported through a URL
 * so that TypeScript does not need a declaration for the .mjs module.
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface CorpusFile {
  /** Absolute path under node_modules. */
  path: string;
  /** Path relative to the project root (`node_modules/...`). */
  relativePath: string;
  source: string;
}

interface CorpusModule {
  ROOT: string;
  CORPUS_PACKAGES: readonly string[];
  loadCorpus(options?: { maxBytes?: number }): CorpusFile[];
}

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export async function loadCorpusModule(): Promise<CorpusModule> {
  const url = new URL('../../bench/corpus.mjs', import.meta.url).href;
  return (await import(url)) as CorpusModule;
}

export async function loadCorpus(): Promise<CorpusFile[]> {
  return (await loadCorpusModule()).loadCorpus();
}

/**
 * Files under node_modules are ignored by flat config: lint them under a virtual folder
 * (the same mapping as bench/run.mjs).
 */
export function virtualName(file: Pick<CorpusFile, 'relativePath'>): string {
  return file.relativePath.replace(/^node_modules\//, 'corpus/');
}

/**
 * A path for a corpus file outside node_modules: under `corpus/`, with every directory that
 * flat config ignores or the codemod CLI skips (`node_modules`, `dist`, `build`, …; nested
 * node_modules exist in the corpus) renamed with a trailing `_`.
 */
export function sweepName(file: Pick<CorpusFile, 'relativePath'>, skipped: readonly string[]): string {
  const parts = virtualName(file).split('/');
  return parts.map((part, i) => (i < parts.length - 1 && skipped.includes(part) ? `${part}_` : part)).join('/');
}

export function extensionOf(path: string): string {
  return extname(path).toLowerCase();
}
