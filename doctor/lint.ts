/**
 * Runtime meets lint: each finding's file is linted with this plugin through ESLint's `ESLint` class.
 * The user's own ESLint config is used when it enables this plugin for the file
 * (`calculateConfigForFile`); otherwise (no config, the file ignored, the plugin not enabled) the
 * file is linted with the plugin's `strict` preset and the run's context manager, and the link says so.
 *
 * A lint finding "covers" a runtime finding when it reports one of the finding's rules at the
 * finding's line, at one of its related sites' lines, or inside the innermost function that
 * contains the site (a floating call in the span callback, a call into a span-starting function).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, relative } from 'node:path';
import type { ESLint as ESLintClass, Linter } from 'eslint';
import type { DoctorFinding, LintLink } from './types.js';

const LINTABLE = new Set(['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs']);
const TS = new Set(['.ts', '.tsx', '.mts', '.cts']);

interface FileLint {
  messages: Linter.LintMessage[];
  prefix: string;
  usedUserConfig: boolean;
  functions: FunctionRange[];
  lines: string[];
}

interface FunctionRange {
  start: [number, number];
  end: [number, number];
  name: string | undefined;
  /** The function is an argument of a call: the called function's name (`defer(fn)`, `pool.acquire(fn)`). */
  passedTo: string | undefined;
}

export interface LintOptions {
  cwd: string;
  contextManager: string;
}

type EslintModule = typeof import('eslint');

async function loadEslint(cwd: string): Promise<EslintModule> {
  try {
    const require = createRequire(join(cwd, 'noop.js'));
    return (await import(require.resolve('eslint'))) as EslintModule;
  } catch {
    return import('eslint');
  }
}

async function loadParser(): Promise<Linter.Parser | undefined> {
  try {
    return (await import('@typescript-eslint/parser')) as unknown as Linter.Parser;
  } catch {
    return undefined;
  }
}

function contains(range: { start: [number, number]; end: [number, number] }, line: number, column: number): boolean {
  const [sl, sc] = range.start;
  const [el, ec] = range.end;
  if (line < sl || line > el) return false;
  if (line === sl && column < sc) return false;
  if (line === el && column > ec) return false;
  return true;
}

interface NameNode {
  type: string;
  name?: string;
  property?: NameNode;
  computed?: boolean;
}

interface FunctionNode {
  loc: { start: { line: number; column: number }; end: { line: number; column: number } };
  id?: { name?: string } | null;
  parent?: { type: string; id?: { name?: string }; key?: { name?: string }; callee?: NameNode; arguments?: unknown[] };
}

/** `fn` in `receiver(fn)` or `obj.receiver(fn)`: the receiver's name. */
function passedTo(node: FunctionNode): string | undefined {
  const parent = node.parent;
  if (parent?.type !== 'CallExpression' || !parent.arguments?.includes(node)) return undefined;
  const callee = parent.callee;
  if (callee?.type === 'Identifier') return callee.name;
  if (callee?.type === 'MemberExpression' && !callee.computed && callee.property?.type === 'Identifier') return callee.property.name;
  return undefined;
}

function functionName(node: FunctionNode): string | undefined {
  if (node.id?.name) return node.id.name;
  const parent = node.parent;
  if (parent?.type === 'VariableDeclarator') return parent.id?.name;
  if (parent?.type === 'MethodDefinition' || parent?.type === 'Property' || parent?.type === 'PropertyDefinition') return parent.key?.name;
  return undefined;
}

/** Ranges of every function in the file (1-based lines, 1-based columns), parsed like ESLint parses it. */
function functionRanges(eslint: EslintModule, text: string, file: string, parser: Linter.Parser | undefined): FileLint['functions'] {
  const out: FileLint['functions'] = [];
  // cwd: the file's folder (the Linter matches `files` against it); files: extensions named, '**/*' matches nothing
  const linter = new eslint.Linter({ configType: 'flat', cwd: dirname(file) });
  const collect = {
    meta: { type: 'problem' as const, schema: [] },
    create: () => ({
      ':function'(node: FunctionNode) {
        out.push({ start: [node.loc.start.line, node.loc.start.column + 1], end: [node.loc.end.line, node.loc.end.column + 1], name: functionName(node), passedTo: passedTo(node) });
      },
    }),
  };
  const ext = extname(file).toLowerCase();
  linter.verify(
    text,
    [
      {
        files: ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'],
        plugins: { doctor: { rules: { functions: collect } } },
        rules: { 'doctor/functions': 'error' },
        languageOptions: {
          sourceType: ext === '.cjs' || ext === '.cts' ? 'commonjs' : 'module',
          ...(TS.has(ext) && parser ? { parser } : {}),
        },
      },
    ],
    file,
  );
  return out;
}

async function lintFile(eslint: EslintModule, file: string, options: LintOptions, plugin: unknown, parser: Linter.Parser | undefined): Promise<FileLint | string> {
  const ESLint = eslint.ESLint;
  const user: ESLintClass = new ESLint({ cwd: options.cwd });
  let prefix: string | undefined;
  try {
    if (!(await user.isPathIgnored(file))) {
      const config = (await user.calculateConfigForFile(file)) as { rules?: Record<string, unknown> } | undefined;
      for (const [name, value] of Object.entries(config?.rules ?? {})) {
        const match = /^(.*)\/(require-span-end|no-unbound-timer|no-unbound-listener|no-unbound-queued-callback|no-inactive-parent-span|no-floating-promise-in-span|no-unpaired-context-attach|require-context-propagation|no-late-context-capture)$/.exec(name);
        const severity = Array.isArray(value) ? value[0] : value;
        if (match && severity !== 0 && severity !== 'off') {
          prefix = match[1];
          break;
        }
      }
    }
  } catch {
    prefix = undefined; // no config file, or it does not load: use the preset below
  }
  const text = readFileSync(file, 'utf8');
  const functions = functionRanges(eslint, text, file, parser);
  if (prefix !== undefined) {
    const [result] = await user.lintFiles([file]);
    return { messages: result?.messages ?? [], prefix, usedUserConfig: true, functions, lines: text.split('\n') };
  }
  const ext = extname(file).toLowerCase();
  const strict = (plugin as { configs: { strict: { rules: Linter.RulesRecord } } }).configs.strict;
  const own: ESLintClass = new ESLint({
    cwd: options.cwd,
    overrideConfigFile: true,
    ignore: false,
    overrideConfig: [
      {
        files: ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'],
        plugins: { 'otel-context': plugin as never },
        rules: strict.rules,
        settings: { 'otel-context': { contextManager: options.contextManager } },
        languageOptions: {
          sourceType: ext === '.cjs' || ext === '.cts' ? 'commonjs' : 'module',
          ...(TS.has(ext) && parser ? { parser } : {}),
        },
      },
    ],
  });
  const [result] = await own.lintText(text, { filePath: file });
  return { messages: result?.messages ?? [], prefix: 'otel-context', usedUserConfig: false, functions, lines: text.split('\n') };
}

function ruleOf(message: Linter.LintMessage, prefix: string): string | undefined {
  if (!message.ruleId?.startsWith(`${prefix}/`)) return undefined;
  return message.ruleId.slice(prefix.length + 1);
}

/**
 * The name a call at a frame's position calls: V8 puts a call's position on the callee's name
 * (`done(null)`, `handler.onUpgrade(..)`) or, for an optional call, on its `(` (`callback?.(..)`).
 */
export function calleeAt(lines: readonly string[], line: number, column: number): string | undefined {
  const row = lines[line - 1];
  if (row === undefined) return undefined;
  const at = /^[A-Za-z_$][\w$]*(?=\s*(?:\?\.\s*)?\()/.exec(row.slice(column - 1));
  if (at) return at[0];
  const before = /([A-Za-z_$][\w$]*)\s*(?:\?\.)?\s*$/.exec(row.slice(0, column - 1));
  return before && row.slice(column - 1).startsWith('(') ? before[1] : undefined;
}

/** The rule whose findings leave a context current for later runs (an attach, an enterWith, a context field never put back). */
const LEAK_RULE = 'no-unpaired-context-attach';

/**
 * Picks the lint finding that covers a runtime finding, or says why there is none.
 * `receivers`: the functions the site's own code was handed to (`pool.acquire(fn)`), from the site's
 * file (see `receiversOf`): a lint finding inside such a function in this file covers the site.
 */
export function linkFinding(finding: DoctorFinding, lint: FileLint | string, cwd: string, receivers: readonly string[] = []): LintLink {
  if (typeof lint === 'string') return { status: 'not-caught', reason: lint };
  const rules = [finding.rule, ...finding.alsoRules];
  const candidates = lint.messages
    .map((message) => ({ message, rule: ruleOf(message, lint.prefix) }))
    .filter((c): c is { message: Linter.LintMessage; rule: string } => c.rule !== undefined && rules.includes(c.rule))
    .sort((a, b) => rules.indexOf(a.rule) - rules.indexOf(b.rule));
  const sameFile = finding.related.filter((r) => r.file === finding.site.file);
  const lines = new Set([finding.site.line, ...sameFile.map((r) => r.line)]);
  // the lint finding's lines hold the site or a related site (a wrapper the callback ran through)
  const covers = (m: Linter.LintMessage): boolean => [...lines].some((line) => line >= m.line && line <= (m.endLine ?? m.line));
  const enclosing = lint.functions
    .filter((f) => contains(f, finding.site.line, finding.site.column))
    .sort((a, b) => b.start[0] - a.start[0] || b.start[1] - a.start[1])[0];
  // the named functions around the site (from the source), besides the names on the runtime stack
  const around = lint.functions
    .filter((f) => f.name !== undefined && contains(f, finding.site.line, finding.site.column))
    .map((f) => f.name as string);
  const functions = [...new Set([...(finding.functions ?? []), ...around])];
  const text = (m: Linter.LintMessage): string => {
    const rows = lint.lines.slice(m.line - 1, m.endLine ?? m.line);
    if (rows.length === 0) return '';
    const last = rows.length - 1;
    rows[last] = (rows[last] ?? '').slice(0, m.endColumn === undefined ? undefined : m.endColumn - 1);
    rows[0] = (rows[0] ?? '').slice(m.column - 1);
    return rows.join('\n');
  };
  const called = functions
    .map((fn) => fn.split('.').pop() ?? fn)
    .filter((fn) => /^[\w$]+$/.test(fn))
    .map((fn) => new RegExp(`(^|[^\\w$])${fn.replace(/\$/g, '\\$')}\\s*\\(`));
  const named = new Set(functions.map((fn) => fn.split('.').pop() ?? fn));
  // what the calls at the site and at the callers in this file call: the callback that was kept and
  // called later (`done(null)`) is the reference the lint flags where it is kept (`waiting.push(done)`)
  const callees = new Set(
    [finding.site, ...sameFile].map((s) => calleeAt(lint.lines, s.line, s.column)).filter((name): name is string => name !== undefined),
  );
  const inReceiver = (m: Linter.LintMessage): boolean =>
    receivers.length > 0 && lint.functions.some((f) => f.name !== undefined && receivers.includes(f.name) && contains(f, m.line, m.column));
  // The strongest link of the finding's own rule, then of each related rule in turn:
  //   1. on the site's line or a related site's line;
  //   2. inside the innermost function that contains the site;
  //   3. on a call of a function that was running at the site (a floating call, a call into a
  //      span-starting function), or on a bare reference to one (the queued callback);
  //   4. on a bare reference to what a call at the site or a caller calls (the kept callback);
  //   5. inside a function the site's code was handed to (the queue that kept it);
  //   6. for a leak (no-unpaired-context-attach), anywhere in the file: a context left current by
  //      an earlier run has no site on the stack that finds it later, only the module it leaked in.
  const strategies: ((m: Linter.LintMessage, rule: string) => boolean)[] = [
    (m) => enclosing !== undefined && contains(enclosing, m.line, m.column),
    (m) => called.some((re) => re.test(text(m))) || named.has(text(m).trim()),
    (m) => callees.has(text(m).trim()),
    inReceiver,
    (_m, rule) => rule === LEAK_RULE,
  ];
  let chosen = candidates.find((c) => covers(c.message));
  for (const rule of rules) {
    if (chosen) break;
    const ofRule = candidates.filter((c) => c.rule === rule);
    for (const strategy of strategies) {
      chosen = ofRule.find((c) => strategy(c.message, rule));
      if (chosen) break;
    }
  }
  const how = lint.usedUserConfig ? '' : ' (your ESLint config does not enable the plugin for this file: linted with its strict preset)';
  if (!chosen) return { status: 'not-caught', reason: how.trim().replace(/^\(|\)$/g, '') || undefined };
  const rel = relative(cwd, finding.site.file);
  return {
    status: 'confirmed',
    rule: chosen.rule,
    file: finding.site.file,
    line: chosen.message.line,
    column: chosen.message.column,
    message: chosen.message.message,
    codemod: `npx otel-context-codemod ${chosen.rule} ${rel.startsWith('..') ? finding.site.file : rel}`,
    ...(lint.usedUserConfig ? {} : { preset: true }),
  };
}

/**
 * The functions the code at the site was handed to: each function around the site that is an
 * argument of a call (`pool.acquire((err, conn) => ..)`, `limit(async () => ..)`), by the called
 * function's name. A queue keeps what it is handed, so its lint finding may be in that function.
 */
function receiversOf(finding: DoctorFinding, lint: FileLint | string): string[] {
  if (typeof lint === 'string') return [];
  return [
    ...new Set(
      lint.functions
        .filter((f) => f.passedTo !== undefined && contains(f, finding.site.line, finding.site.column))
        .map((f) => f.passedTo as string),
    ),
  ];
}

/** Lints every file that holds a finding and attaches a LintLink to each finding. */
export async function linkFindings(findings: DoctorFinding[], options: LintOptions): Promise<void> {
  if (findings.length === 0) return;
  const eslint = await loadEslint(options.cwd);
  const parser = await loadParser();
  const { default: plugin } = await import('../index.js');
  const byFile = new Map<string, FileLint | string>();
  const lintOf = async (file: string): Promise<FileLint | string> => {
    if (!byFile.has(file)) {
      if (!existsSync(file)) byFile.set(file, 'source file not found');
      else if (!LINTABLE.has(extname(file).toLowerCase())) byFile.set(file, `not a JavaScript/TypeScript file`);
      else {
        try {
          byFile.set(file, await lintFile(eslint, file, options, plugin, parser));
        } catch (error) {
          byFile.set(file, `linting failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
        }
      }
    }
    return byFile.get(file) ?? 'not linted';
  };
  for (const finding of findings) {
    const own = await lintOf(finding.site.file);
    const receivers = receiversOf(finding, own);
    finding.lint = linkFinding(finding, own, options.cwd, receivers);
    if (finding.lint.status === 'confirmed') continue;
    // the site is in a helper (another file): the related sites in other files, e.g. the caller
    for (const related of finding.related) {
      if (related.file === finding.site.file) continue;
      const link = linkFinding({ ...finding, site: { file: related.file, line: related.line, column: related.column } }, await lintOf(related.file), options.cwd, receivers);
      if (link.status === 'confirmed') {
        finding.lint = link;
        break;
      }
    }
  }
}
