/**
 * Runtime proofs of the project's fixtures (internal; exported for the project's own tests).
 *
 * A fixture is TypeScript or JavaScript source exporting `scenario()`. It is transpiled with
 * `typescript.transpileModule` (ES2022 target: native async/await is kept, zone semantics depend
 * on it; `.cjs`/`.cts` → CommonJS, everything else → ESM) into `<project>/.tmp/runtime/<hash>/`,
 * inside the project so that `@opentelemetry/api` resolves from its node_modules, then run with
 * captureTraceIsolated in a fresh process. `typescript` is imported only when a fixture is run.
 *
 * A fixture may use helper modules that must not be transpiled (a real worker thread's or child
 * process's entry file): they live in a `support/` folder beside it, which is linked into the
 * output folder, so `./support/..` imports and `new URL('./support/..', import.meta.url)` resolve.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { captureTraceIsolated } from './isolated.js';
import type { CapturedTrace, IsolatedCaptureOptions } from './types.js';

/** Fixture source given as text; `filename` decides TS vs JS and ESM vs CommonJS. */
export interface FixtureSource {
  code: string;
  filename: string;
}

export interface TranspileOptions {
  /** Where transpiled modules go. Default `<package root>/.tmp/runtime`. */
  outDir?: string;
}

export type RunFixtureOptions = IsolatedCaptureOptions & TranspileOptions;

const PACKAGE_NAME = 'eslint-plugin-otel-context';

/** The directory of this package's package.json (falls back to the current directory). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME) return dir;
      } catch {
        // unreadable manifest: keep walking up
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

function toSource(source: string | FixtureSource): FixtureSource {
  return typeof source === 'string' ? { code: readFileSync(source, 'utf8'), filename: resolve(source) } : source;
}

/** Transpiles a fixture and returns the path of the runnable module (content-addressed, reused). */
export async function transpileFixture(source: string | FixtureSource, options: TranspileOptions = {}): Promise<string> {
  const { code, filename } = toSource(source);
  const ext = extname(filename).toLowerCase();
  const commonjs = ext === '.cjs' || ext === '.cts';
  const { default: ts } = await import('typescript');
  const result = ts.transpileModule(code, {
    fileName: basename(filename),
    reportDiagnostics: true,
    compilerOptions: {
      module: commonjs ? ts.ModuleKind.CommonJS : ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      verbatimModuleSyntax: false,
      sourceMap: false,
    },
  });
  const errors = (result.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) {
    const text = errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')).join('\n');
    throw new Error(`transpiling ${filename} failed:\n${text}`);
  }
  const hash = createHash('sha1').update(`${filename}\0${commonjs}\0${result.outputText}`).digest('hex').slice(0, 12);
  const dir = join(options.outDir ?? join(packageRoot(), '.tmp', 'runtime'), hash);
  const target = join(dir, `${basename(filename, extname(filename))}${commonjs ? '.cjs' : '.mjs'}`);
  if (!existsSync(target)) {
    mkdirSync(dir, { recursive: true });
    // write + rename: parallel test workers never see a half-written module
    const temp = `${target}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(temp, result.outputText);
    renameSync(temp, target);
  }
  linkSupportFolder(dirname(filename), dir);
  return target;
}

/** Links `<fixture dir>/support` into the output folder (once; parallel runs may race, the first wins). */
function linkSupportFolder(fixtureDir: string, outDir: string): void {
  const support = join(fixtureDir, 'support');
  const link = join(outDir, 'support');
  if (!existsSync(support) || existsSync(link)) return;
  try {
    symlinkSync(support, link, 'dir');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/** Transpiles a fixture and runs its `scenario` export in a fresh process (captureTraceIsolated). */
export async function runFixture(source: string | FixtureSource, options: RunFixtureOptions): Promise<CapturedTrace> {
  const { outDir, ...capture } = options;
  const modulePath = await transpileFixture(source, outDir === undefined ? {} : { outDir });
  return captureTraceIsolated(modulePath, capture);
}
