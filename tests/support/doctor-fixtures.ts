/**
 * Runs the trace doctor (built dist/doctor) over one fixture source: the fixture is transpiled with
 * an inline source map whose source is the fixture file itself (so the doctor's sites are fixture
 * lines), into `.tmp/doctor/<hash>/`, and a small runner imports it and awaits its `scenario()`.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import type { ContextManagerName } from '../../core/settings.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT = join(ROOT, '.tmp', 'doctor');

export interface DoctorFindingLike {
  kind: string;
  rule: string;
  site: { file: string; line: number; column: number };
  related: { file: string; line: number; label: string }[];
  lint?: { status: string; rule?: string; file?: string; line?: number };
}

export interface DoctorRunLike {
  report: { findings: DoctorFindingLike[]; processes: number; spans: number };
  exitCode: number;
  commandExit: number;
  output: string;
}

function writeAtomic(path: string, text: string): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, path);
}

/** Transpiles a fixture file (TS or JS) with an inline source map back to the file; returns the module path. */
export function transpileWithMap(file: string): string {
  const code = readFileSync(file, 'utf8');
  const ext = extname(file).toLowerCase();
  const commonjs = ext === '.cjs' || ext === '.cts';
  const result = ts.transpileModule(code, {
    fileName: basename(file),
    compilerOptions: {
      module: commonjs ? ts.ModuleKind.CommonJS : ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      verbatimModuleSyntax: false,
      sourceMap: true,
    },
  });
  const map = JSON.parse(result.sourceMapText ?? '{}') as { sources: string[]; sourceRoot?: string };
  map.sources = [pathToFileURL(file).href];
  delete map.sourceRoot;
  const body = result.outputText.replace(/\n\/\/# sourceMappingURL=.*$/m, '');
  const text = `${body}\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}\n`;
  const hash = createHash('sha1').update(`${file}\0${text}`).digest('hex').slice(0, 12);
  const dir = join(OUT, hash);
  const target = join(dir, `${basename(file, extname(file)).replace(/\./g, '-')}${commonjs ? '.cjs' : '.mjs'}`);
  if (!existsSync(target)) {
    mkdirSync(dir, { recursive: true });
    writeAtomic(target, text);
  }
  const support = join(dirname(file), 'support');
  const link = join(dir, 'support');
  if (existsSync(support) && !existsSync(link)) {
    try {
      symlinkSync(support, link, 'dir');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return target;
}

/**
 * The runner the doctor runs: imports the module, awaits scenario(), lets timers settle, exits.
 * A ref'd timer keeps the process alive until scenario() settles (at most SCENARIO_TIMEOUT_MS), as
 * the harness's test process does: a scenario waiting only on an unref'd timer (a queue drained by
 * an unref'd interval) would otherwise end with Node's exit code 13 (unsettled top-level await)
 * before the timer fires, whenever nothing else happens to hold the event loop open. Exit status
 * 3 means the scenario did not settle in time.
 */
const SCENARIO_TIMEOUT_MS = 10_000;

export function scenarioRunner(): string {
  mkdirSync(OUT, { recursive: true });
  const path = join(OUT, 'run-scenario.mjs');
  const text = `const alive = setTimeout(() => process.exit(3), ${SCENARIO_TIMEOUT_MS});
const mod = await import(process.argv[2]);
const scenario = mod.scenario ?? mod.default?.scenario;
try {
  await scenario();
} finally {
  clearTimeout(alive);
}
await new Promise((resolve) => setTimeout(resolve, 150));
process.exit(0);
`;
  if (!existsSync(path) || readFileSync(path, 'utf8') !== text) writeAtomic(path, text);
  return path;
}

export async function runDoctorOnFixture(file: string, contextManager: ContextManagerName): Promise<DoctorRunLike> {
  const modulePath = transpileWithMap(file);
  const cliUrl = pathToFileURL(join(ROOT, 'dist', 'doctor', 'cli.js')).href;
  const { runDoctor } = (await import(cliUrl)) as {
    runDoctor(options: unknown, cwd?: string): Promise<DoctorRunLike>;
  };
  return runDoctor(
    {
      doctor: { contextManager, keptMs: 1000 },
      format: 'json',
      failOn: ['never-ended', 'kept-too-long', 'outlived-parent', 'lost-parent', 'new-trace'],
      lint: true,
      command: [process.execPath, scenarioRunner(), pathToFileURL(modulePath).href],
    },
    ROOT,
  );
}
