// The benchmark and sweep corpus: real JavaScript that no one here wrote, present offline after
// `npm ci` — the sources shipped in node_modules by the packages below. Deterministic order.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));

export const CORPUS_PACKAGES = [
  '@opentelemetry',
  'eslint/lib',
  '@typescript-eslint',
  'jscodeshift',
  'recast',
  'zone.js',
  'bullmq',
  'kafkajs',
  'amqplib',
  'ioredis',
];

const SOURCE = /\.(m|c)?(j|t)sx?$/;

function walk(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, out);
    else if (entry.isFile() && SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts') && !/\.d\.[mc]ts$/.test(entry.name)) out.push(path);
  }
}

/** Files of the corpus: `{ path, relativePath, source }`, skipping files over `maxBytes`. */
export function loadCorpus({ maxBytes = 2_000_000 } = {}) {
  const paths = [];
  for (const pkg of CORPUS_PACKAGES) walk(join(ROOT, 'node_modules', pkg), paths);
  const files = [];
  for (const path of paths) {
    if (statSync(path).size > maxBytes) continue;
    files.push({ path, relativePath: relative(ROOT, path), source: readFileSync(path, 'utf8') });
  }
  return files;
}

/** Every source file under `dir` (skipping node_modules and .d.ts): `{ path, relativePath, source }`. */
export function loadDirectory(dir, { maxBytes = 2_000_000 } = {}) {
  const paths = [];
  walk(dir, paths);
  return paths
    .filter((path) => !path.split('/').includes('node_modules') && statSync(path).size <= maxBytes)
    .map((path) => ({ path, relativePath: relative(dir, path), source: readFileSync(path, 'utf8') }));
}

export function corpusStats(files) {
  let bytes = 0;
  let lines = 0;
  for (const file of files) {
    bytes += Buffer.byteLength(file.source);
    lines += file.source.split('\n').length;
  }
  return { files: files.length, bytes, lines, packages: CORPUS_PACKAGES };
}
