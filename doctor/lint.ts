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
  functions: { start: [number, number]; end: [number, number]; name: string | undefined }[];
  lines: string[];
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

interface FunctionNode {
  loc: { start: { line: number; column: number }; end: { line: number; column: number } };
  id?: { name?: string } | null;
  parent?: { type: string; id?: { name?: string }; key?: { name?: string } };
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
        out.push({ start: [node.loc.start.line, node.loc.start.column + 1], end: [node.loc.end.line, node.loc.end.column + 1], name: functionName(node) });
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

/** Picks the lint finding that covers a runtime finding, or says why there is none. */
export function linkFinding(finding: DoctorFinding, lint: FileLint | string, cwd: string): LintLink {
  if (typeof lint === 'string') return { status: 'not-caught', reason: lint };
  const rules = [finding.rule, ...finding.alsoRules];
  const candidates = lint.messages
    .map((message) => ({ message, rule: ruleOf(message, lint.prefix) }))
    .filter((c): c is { message: Linter.LintMessage; rule: string } => c.rule !== undefined && rules.includes(c.rule))
    .sort((a, b) => rules.indexOf(a.rule) - rules.indexOf(b.rule));
  const lines = new Set([finding.site.line, ...finding.related.filter((r) => r.file === finding.site.file).map((r) => r.line)]);
  // the lint finding's lines hold the site or a related site (a wrapper the callback ran through)
  const covers = (m: Linter.LintMessage): boolean => [...lines].some((line) => line >= m.line && line <= (m.endLine ?? m.line));
  let chosen = candidates.find((c) => covers(c.message));
  if (!chosen) {
    const enclosing = lint.functions
      .filter((f) => contains(f, finding.site.line, finding.site.column))
      .sort((a, b) => b.start[0] - a.start[0] || b.start[1] - a.start[1])[0];
    if (enclosing) chosen = candidates.find((c) => contains(enclosing, c.message.line, c.message.column));
  }
  // the named functions around the site (from the source), besides the names on the runtime stack
  const around = lint.functions
    .filter((f) => f.name !== undefined && contains(f, finding.site.line, finding.site.column))
    .map((f) => f.name as string);
  const functions = [...new Set([...(finding.functions ?? []), ...around])];
  if (!chosen && functions.length > 0) {
    // the lint flags a call of a function that was running at the site (a floating call, a call into
    // a span-starting function)
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
    // or flags a reference to such a function: the callback that was queued and ran at the site
    const named = new Set(functions.map((fn) => fn.split('.').pop() ?? fn));
    chosen = candidates.find((c) => called.some((re) => re.test(text(c.message))) || named.has(text(c.message).trim()));
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
    finding.lint = linkFinding(finding, await lintOf(finding.site.file), options.cwd);
    if (finding.lint.status === 'confirmed') continue;
    // the site is in a helper (another file): the related sites in other files, e.g. the caller
    for (const related of finding.related) {
      if (related.file === finding.site.file) continue;
      const link = linkFinding({ ...finding, site: { file: related.file, line: related.line, column: related.column } }, await lintOf(related.file), options.cwd);
      if (link.status === 'confirmed') {
        finding.lint = link;
        break;
      }
    }
  }
}
