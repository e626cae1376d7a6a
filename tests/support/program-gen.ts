/**
 * fast-check arbitraries for programs built from the constructs the rules care about: the
 * `@opentelemetry/api` import (ESM named / trace only / namespace, CommonJS destructured /
 * namespace, or none: a tracer from elsewhere), span regions (`startActiveSpan`, `context.with`,
 * `startSpan` with and without `end`), deferrals (`setTimeout`, `setInterval`, `queueMicrotask`),
 * an emitter's `.on`, a module-level queue (`push` + a drain that `shift`s and runs), `await`,
 * `context.attach` with and without `dispose` (and try/finally), surrounded by line comments,
 * block comments, trailing comments and blank lines.
 */
import fc from 'fast-check';

export type ImportStyle = 'esm-named' | 'esm-trace-only' | 'esm-namespace' | 'cjs-named' | 'cjs-namespace' | 'none';

export type Stmt =
  | { kind: 'work' }
  | { kind: 'await' }
  | { kind: 'leaf-span' }
  | { kind: 'start-span'; end: boolean }
  | { kind: 'active-span'; async: boolean; body: Stmt[] }
  | { kind: 'with'; body: Stmt[] }
  | { kind: 'timer'; fn: 'setTimeout' | 'setInterval' | 'queueMicrotask'; async: boolean; body: Stmt[] }
  | { kind: 'listen'; body: Stmt[] }
  | { kind: 'enqueue'; body: Stmt[] }
  | { kind: 'attach'; dispose: 'none' | 'plain' | 'finally'; body: Stmt[] };

export interface Decorated {
  stmt: Stmt;
  /** Before the statement: nothing, a blank line, a line comment, a block comment. */
  before: 'none' | 'blank' | 'line' | 'block';
  /** A trailing `// ...` comment on the statement's last line. */
  trailing: boolean;
}

export interface Program {
  style: ImportStyle;
  ext: string;
  functions: { async: boolean; body: Decorated[] }[];
  header: 'none' | 'line' | 'block' | 'jsdoc';
}

const leaf: fc.Arbitrary<Stmt> = fc.oneof(
  fc.constant<Stmt>({ kind: 'work' }),
  fc.constant<Stmt>({ kind: 'await' }),
  fc.constant<Stmt>({ kind: 'leaf-span' }),
  fc.boolean().map((end): Stmt => ({ kind: 'start-span', end })),
);

function decorate(stmt: fc.Arbitrary<Stmt>): fc.Arbitrary<Decorated> {
  return fc.record({
    stmt,
    before: fc.constantFrom<Decorated['before']>('none', 'none', 'blank', 'line', 'block'),
    trailing: fc.boolean(),
  });
}

function statements(depth: number): fc.Arbitrary<Stmt> {
  if (depth <= 0) return leaf;
  const body = fc.array(statements(depth - 1), { minLength: 1, maxLength: 3 });
  return fc.oneof(
    { weight: 3, arbitrary: leaf },
    { weight: 2, arbitrary: fc.record({ async: fc.boolean(), body }).map((r): Stmt => ({ kind: 'active-span', ...r })) },
    { weight: 1, arbitrary: body.map((b): Stmt => ({ kind: 'with', body: b })) },
    {
      weight: 2,
      arbitrary: fc
        .record({ fn: fc.constantFrom('setTimeout' as const, 'setInterval' as const, 'queueMicrotask' as const), async: fc.boolean(), body })
        .map((r): Stmt => ({ kind: 'timer', ...r })),
    },
    { weight: 1, arbitrary: body.map((b): Stmt => ({ kind: 'listen', body: b })) },
    { weight: 1, arbitrary: body.map((b): Stmt => ({ kind: 'enqueue', body: b })) },
    {
      weight: 1,
      arbitrary: fc
        .record({ dispose: fc.constantFrom('none' as const, 'plain' as const, 'finally' as const), body })
        .map((r): Stmt => ({ kind: 'attach', ...r })),
    },
  );
}

const EXTENSIONS: Record<ImportStyle, readonly string[]> = {
  'esm-named': ['.ts', '.mjs', '.tsx'],
  'esm-trace-only': ['.ts', '.js'],
  'esm-namespace': ['.ts', '.mts'],
  'cjs-named': ['.cjs', '.cts'],
  'cjs-namespace': ['.cjs', '.js'],
  none: ['.ts', '.js'],
};

export const programArbitrary: fc.Arbitrary<Program> = fc
  .constantFrom<ImportStyle>('esm-named', 'esm-trace-only', 'esm-namespace', 'cjs-named', 'cjs-namespace', 'none')
  .chain((style) =>
    fc.record({
      style: fc.constant(style),
      ext: fc.constantFrom(...EXTENSIONS[style]),
      header: fc.constantFrom<Program['header']>('none', 'line', 'block', 'jsdoc'),
      functions: fc.array(
        fc.record({ async: fc.boolean(), body: fc.array(decorate(statements(2)), { minLength: 1, maxLength: 4 }) }),
        { minLength: 1, maxLength: 3 },
      ),
    }),
  );

interface Refs {
  /** How to reach the API's `context` (undefined: not imported). */
  context: string | undefined;
  cjs: boolean;
}

function refsOf(style: ImportStyle): Refs {
  switch (style) {
    case 'esm-named':
    case 'cjs-named':
      return { context: 'context', cjs: style === 'cjs-named' };
    case 'esm-namespace':
    case 'cjs-namespace':
      return { context: 'api.context', cjs: style === 'cjs-namespace' };
    default:
      return { context: undefined, cjs: false };
  }
}

/** Prints a program. Comments are numbered so that each is unique. */
export function printProgram(program: Program): string {
  const refs = refsOf(program.style);
  let comments = 0;
  let spans = 0;
  const out: string[] = [];
  const comment = () => `note ${++comments}`;

  switch (program.header) {
    case 'line':
      out.push(`// ${comment()}: header`);
      break;
    case 'block':
      out.push(`/* ${comment()}: header */`);
      break;
    case 'jsdoc':
      out.push('/**', ` * ${comment()}: header`, ' */');
      break;
    default:
  }
  if (refs.cjs) out.push("'use strict';");
  switch (program.style) {
    case 'esm-named':
      out.push("import { context, trace } from '@opentelemetry/api';");
      break;
    case 'esm-trace-only':
      out.push("import { trace } from '@opentelemetry/api';");
      break;
    case 'esm-namespace':
      out.push("import * as api from '@opentelemetry/api';");
      break;
    case 'cjs-named':
      out.push("const { context, trace } = require('@opentelemetry/api');");
      break;
    case 'cjs-namespace':
      out.push("const api = require('@opentelemetry/api');");
      break;
    default:
      out.push("import { tracer } from './tracing.js';");
  }
  out.push(refs.cjs ? "const { EventEmitter } = require('node:events');" : "import { EventEmitter } from 'node:events';");
  out.push('');
  if (program.style === 'esm-named' || program.style === 'esm-trace-only' || program.style === 'cjs-named') {
    out.push("const tracer = trace.getTracer('gen');");
  } else if (program.style === 'esm-namespace' || program.style === 'cjs-namespace') {
    out.push("const tracer = api.trace.getTracer('gen');");
  }
  out.push('const emitter = new EventEmitter();', 'const queue = [];', '');
  out.push('function work() {', '  return Promise.resolve(1);', '}', '');
  out.push('function drain() {', '  const job = queue.shift();', '  if (job) job();', '}', '');

  const printBody = (body: readonly Decorated[], indent: string, inAsync: boolean): void => {
    for (const decorated of body) printDecorated(decorated, indent, inAsync);
  };
  const wrap = (stmts: readonly Stmt[]): Decorated[] => stmts.map((stmt) => ({ stmt, before: 'none', trailing: false }));

  function printDecorated({ stmt, before, trailing }: Decorated, indent: string, inAsync: boolean): void {
    if (before === 'blank') out.push('');
    else if (before === 'line') out.push(`${indent}// ${comment()}`);
    else if (before === 'block') out.push(`${indent}/* ${comment()} */`);
    const start = out.length;
    printStmt(stmt, indent, inAsync);
    if (trailing && out.length > start) out[out.length - 1] += ` // ${comment()}`;
  }

  function printStmt(stmt: Stmt, indent: string, inAsync: boolean): void {
    const inner = `${indent}  `;
    switch (stmt.kind) {
      case 'work':
        out.push(`${indent}work();`);
        return;
      case 'await':
        out.push(inAsync ? `${indent}await work();` : `${indent}void work();`);
        return;
      case 'leaf-span':
        out.push(`${indent}tracer.startSpan('leaf').end();`);
        return;
      case 'start-span': {
        const name = `span${++spans}`;
        out.push(`${indent}const ${name} = tracer.startSpan('${name}');`);
        if (stmt.end) out.push(`${indent}${name}.end();`);
        return;
      }
      case 'active-span': {
        const name = `active${++spans}`;
        out.push(`${indent}tracer.startActiveSpan('${name}', ${stmt.async ? 'async ' : ''}(${name}) => {`);
        printBody(wrap(stmt.body), inner, stmt.async);
        out.push(`${inner}${name}.end();`, `${indent}});`);
        return;
      }
      case 'with':
        if (refs.context === undefined) {
          printBody(wrap(stmt.body), indent, inAsync);
          return;
        }
        out.push(`${indent}${refs.context}.with(${refs.context}.active(), () => {`);
        printBody(wrap(stmt.body), inner, false);
        out.push(`${indent}});`);
        return;
      case 'timer':
        out.push(`${indent}${stmt.fn}(${stmt.async ? 'async ' : ''}() => {`);
        printBody(wrap(stmt.body), inner, stmt.async);
        out.push(stmt.fn === 'queueMicrotask' ? `${indent}});` : `${indent}}, 10);`);
        return;
      case 'listen':
        out.push(`${indent}emitter.on('data', (chunk) => {`);
        printBody(wrap(stmt.body), inner, false);
        out.push(`${inner}void chunk;`, `${indent}});`);
        return;
      case 'enqueue':
        out.push(`${indent}queue.push(() => {`);
        printBody(wrap(stmt.body), inner, false);
        out.push(`${indent}});`);
        return;
      case 'attach': {
        if (refs.context === undefined) {
          printBody(wrap(stmt.body), indent, inAsync);
          return;
        }
        const token = `token${++spans}`;
        out.push(`${indent}const ${token} = ${refs.context}.attach(${refs.context}.active());`);
        if (stmt.dispose === 'finally') {
          out.push(`${indent}try {`);
          printBody(wrap(stmt.body), inner, inAsync);
          out.push(`${indent}} finally {`, `${inner}${token}.dispose();`, `${indent}}`);
        } else {
          printBody(wrap(stmt.body), indent, inAsync);
          if (stmt.dispose === 'plain') out.push(`${indent}${token}.dispose();`);
        }
        return;
      }
    }
  }

  const names: string[] = [];
  program.functions.forEach((fn, i) => {
    const name = `handler${i + 1}`;
    names.push(name);
    out.push(`${refs.cjs ? '' : 'export '}${fn.async ? 'async ' : ''}function ${name}() {`);
    printBody(fn.body, '  ', fn.async);
    out.push('}', '');
  });
  out.push(refs.cjs ? `module.exports = { ${[...names, 'drain'].join(', ')} };` : 'export { drain };');
  return `${out.join('\n')}\n`;
}
