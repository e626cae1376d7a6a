import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PackageInfo {
  name: string;
  version: string;
  root: string;
}

let cached: PackageInfo | undefined;

/** This package's package.json, found from this module upwards (works from sources and from dist/). */
export function readPackageJson(): PackageInfo {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const json = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (json.name === 'eslint-plugin-otel-context' && typeof json.version === 'string') {
        cached = { name: json.name, version: json.version, root: dir };
        return cached;
      }
    } catch {
      // keep looking upwards
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('eslint-plugin-otel-context: cannot find its own package.json');
    dir = parent;
  }
}
