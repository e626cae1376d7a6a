/**
 * Lazy stacks. A span start or a callback registration keeps a V8 stack holder
 * (`Error.captureStackTrace` into a plain object): V8 records the frames, but nothing is formatted
 * until a finding needs the site. Formatting goes through `Error.prepareStackTrace` to read the raw
 * call sites, and each user frame is mapped back through the file's source map
 * (`module.findSourceMap`, filled because the doctor calls `process.setSourceMapsEnabled(true)`
 * before the app loads).
 */
import { findSourceMap } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** An unformatted stack: `captureStack()` filled `stack`, read only through `frames()`. */
export interface StackHolder {
  stack?: unknown;
  frames?: Frame[];
}

export interface Frame {
  file: string;
  line: number;
  column: number;
  functionName: string | undefined;
  /** Start of the enclosing function (V8 call site), when known; mapped like line/column. */
  enclosingLine: number | undefined;
}

const STACK_LIMIT = 16;
/** Registrations (timers, listeners) are called from the code that registers them: fewer frames. */
export const REGISTRATION_STACK_LIMIT = 8;

/** Records the current stack without formatting it (the cost measured in docs/benchmarks.md). */
export function captureStack(below: (...args: never[]) => unknown, depth = STACK_LIMIT): StackHolder {
  const holder: StackHolder = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = depth;
  Error.captureStackTrace(holder, below);
  Error.stackTraceLimit = limit;
  return holder;
}

interface CallSiteLike {
  getFileName(): string | null | undefined;
  getLineNumber(): number | null;
  getColumnNumber(): number | null;
  getFunctionName(): string | null;
  getMethodName(): string | null;
  getTypeName(): string | null;
  getEnclosingLineNumber?(): number | null;
  getEnclosingColumnNumber?(): number | null;
  isNative(): boolean;
}

function toPath(file: string): string {
  if (file.startsWith('file://')) {
    try {
      return fileURLToPath(file);
    } catch {
      return file;
    }
  }
  return file;
}

function mapPosition(file: string, line: number, column: number): { file: string; line: number; column: number } {
  let map = findSourceMap(file);
  if (!map && file.startsWith('/')) map = findSourceMap(pathToFileURL(file).href);
  if (!map) return { file, line, column };
  const entry = map.findEntry(line - 1, column - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number };
  if (entry.originalSource === undefined || entry.originalLine === undefined || entry.originalColumn === undefined) {
    return { file, line, column };
  }
  return { file: toPath(entry.originalSource), line: entry.originalLine + 1, column: entry.originalColumn + 1 };
}

/** The holder's frames (formatted once, cached; source maps applied). */
export function frames(holder: StackHolder): Frame[] {
  if (holder.frames) return holder.frames;
  const previous = Error.prepareStackTrace;
  let sites: CallSiteLike[] = [];
  let mappedText: string | undefined;
  Error.prepareStackTrace = (error, callSites) => {
    sites = callSites as unknown as CallSiteLike[];
    // A runner that maps its own transformed code (vitest, source-map-support) installed a
    // prepareStackTrace: its text carries the mapped positions.
    if (previous) {
      try {
        const text: unknown = previous(error, callSites);
        if (typeof text === 'string') mappedText = text;
      } catch {
        mappedText = undefined;
      }
    }
    return '';
  };
  try {
    void holder.stack; // V8 formats on first read, through the prepareStackTrace set right now
  } finally {
    Error.prepareStackTrace = previous;
  }
  const out: Frame[] = [];
  // frames from a formatted text: an Error whose stack was read before, or a runner's mapped stack
  const parse = (text: string): Frame[] => {
    const parsed: Frame[] = [];
    for (const line of text.split('\n')) {
      const match = /^\s*at (?:(.*?) \()?(.+?):(\d+):(\d+)\)?$/.exec(line);
      if (!match) continue;
      const [, fn, raw = '', l = '0', c = '0'] = match;
      const file = toPath(raw.replace(/^async /, ''));
      parsed.push({ file, line: Number(l), column: Number(c), functionName: fn?.replace(/^async /, '').split('.').pop(), enclosingLine: undefined });
    }
    return parsed;
  };
  if (sites.length === 0 && typeof holder.stack === 'string') {
    const parsed = parse(holder.stack).map((frame) => {
      const mapped = mapPosition(frame.file, frame.line, frame.column);
      return mapped.line === frame.line && mapped.file === frame.file ? frame : { ...frame, ...mapped, file: toPath(mapped.file) };
    });
    if (!(holder instanceof Error)) holder.frames = parsed;
    return parsed;
  }
  const mappedByRunner = mappedText === undefined ? [] : parse(mappedText);
  let next = 0;
  for (const site of sites) {
    const raw = site.getFileName();
    const line = site.getLineNumber();
    const column = site.getColumnNumber();
    if (!raw || line === null || column === null || site.isNative()) continue;
    const file = toPath(raw);
    // the runner's text lists the same frames in order (possibly fewer): the next one of this file
    let runnerFrame: Frame | undefined;
    for (let i = next; i < mappedByRunner.length; i++) {
      if (mappedByRunner[i]?.file === file) {
        runnerFrame = mappedByRunner[i];
        next = i + 1;
        break;
      }
    }
    const mapped = mapPosition(raw, line, column);
    const enclosing = site.getEnclosingLineNumber?.() ?? null;
    const enclosingColumn = site.getEnclosingColumnNumber?.() ?? null;
    const enclosingLine =
      enclosing === null ? undefined : mapPosition(raw, enclosing, enclosingColumn ?? 1).line;
    if (mapped.file === raw && runnerFrame && (runnerFrame.line !== line || runnerFrame.file !== file)) {
      // not mapped by a source map Node knows, but the runner (vitest) mapped it
      out.push({ ...runnerFrame, enclosingLine });
      continue;
    }
    out.push({
      file: mapped.file === raw ? file : mapped.file,
      line: mapped.line,
      column: mapped.column,
      functionName: site.getFunctionName() ?? site.getMethodName() ?? undefined,
      enclosingLine,
    });
  }
  if (holder instanceof Error) return out; // never touch the app's errors
  holder.frames = out;
  holder.stack = undefined;
  return out;
}

const DOCTOR_DIR = fileURLToPath(new URL('.', import.meta.url));

/** A frame in the user's code: not Node internals, not node_modules, not OpenTelemetry, not the doctor. */
export function isUserFrame(frame: Frame): boolean {
  const file = frame.file;
  if (file.startsWith('node:') || !file.includes('/')) return false;
  if (file.startsWith(DOCTOR_DIR)) return false;
  if (/[\\/]node_modules[\\/]/.test(file)) return false;
  if (/[\\/]@opentelemetry[\\/]/.test(file)) return false;
  return true;
}

/** The first user frame of a holder, or undefined. */
export function userFrame(holder: StackHolder | undefined): Frame | undefined {
  if (!holder) return undefined;
  return frames(holder).find(isUserFrame);
}

export function userFrames(holder: StackHolder | undefined): Frame[] {
  if (!holder) return [];
  return frames(holder).filter(isUserFrame);
}

export function formatSite(frame: Frame | undefined): string {
  return frame ? `${frame.file}:${frame.line}:${frame.column}` : '<unknown site>';
}
