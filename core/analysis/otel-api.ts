/**
 * Recognition of the OpenTelemetry API (by import tracing) and of "traced code".
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { getCallbackArgument, getMethodName, getPropertyName, getRequireSource, importedName, isFunctionLike, unwrapTypeScriptExpression, getDottedName } from './ast.js';
import type { FunctionNode } from './ast.js';
import { createBindingResolver, OTEL_API_MODULE } from './import-bindings.js';
import type { BindingResolver } from './import-bindings.js';
import { getSettings } from '../settings.js';
import { textIncludes, textIncludesAny } from './text-search.js';
import { isImportedSpanHelper, isSpanRunningFunctionOfFile } from './span-wrappers.js';
import { getSpanlessContextChange, getSpanStartKind, getUsageSpanCallback, rememberProgramText } from './spans.js';
import type { OtelContextSettings } from '../settings.js';

/** A member of `@opentelemetry/api` that generated code may need. */
export type ApiMember = 'context' | 'trace' | 'propagation' | 'ROOT_CONTEXT' | 'SpanStatusCode';

const apiPaths = new Map<string, string>();

/** `<api module>:<member>`, one string per member (asked per call of the file: no concatenation, its hash kept). */
export const API = (member: string): string => {
  let path = apiPaths.get(member);
  if (path === undefined) apiPaths.set(member, (path = `${OTEL_API_MODULE}:${member}`));
  return path;
};

export interface ApiImports {
  /** ESM `import { .. } from '<api module>'` declarations (value imports only). */
  namedImports: TSESTree.ImportDeclaration[];
  /** `import * as api` / `import api` / `const api = require(..)`: the local name. */
  namespaceName: string | undefined;
  /** `const { .. } = require('<api module>')` patterns. */
  requirePatterns: TSESTree.ObjectPattern[];
  /** Local names already bound to API members: `context` → `otelContext`. */
  memberNames: Map<string, string>;
}

export interface OtelApi {
  /** The file the API was resolved in. */
  sourceCode: Readonly<TSESLint.SourceCode>;
  settings: OtelContextSettings;
  resolver: BindingResolver;
  /** The resolved path of a call's callee. */
  calleePath(call: TSESTree.CallExpression | TSESTree.NewExpression): string | undefined;
  isApiCall(call: TSESTree.CallExpression, member: string): boolean;
  /** The file imports `@opentelemetry/api` (or one of `apiModules`). */
  hasApiImport: boolean;
  /** The file imports `AsyncLocalStorage` from `node:async_hooks`. */
  hasAsyncLocalStorageImport: boolean;
  imports: ApiImports;
  /** The file uses ESM syntax (import/export), as opposed to CommonJS `require`. */
  isEsm: boolean;
}

/**
 * Substrings without which a file cannot contain traced code, an active-context read or a span
 * (the OpenTelemetry API module, span starts, an AsyncLocalStorage of its own). Detectors bail out
 * on a file without any of them (or of the configured `apiModules` / `spanWrappers`) before doing
 * any work; the codemod skips such a file before parsing it. One list for both.
 */
export const TRACED_CODE_TRIGGERS: readonly string[] = [
  OTEL_API_MODULE, 'startSpan', 'startActiveSpan', 'AsyncLocalStorage',
  // a span used as one where a helper no rule knows hands it over (spans.ts, getUsageSpanCallback)
  'pan.end(', 'pan?.end(', 'pan.setAttribute',
  // imported span-running helpers (see isSpanHelperName)
  'InSpan', 'inSpan', 'WithSpan', 'withSpan', 'ActiveSpan', 'NewSpan', 'ChildSpan', 'traced(',
];

// The span-start names are looked for only in a text that mentions `Span`: one scan for a short
// needle is about twice as fast as two for the long ones (7 vs 16 ms over the 15.6 MB corpus).
const SPAN_TRIGGERS = TRACED_CODE_TRIGGERS.filter((trigger) => trigger.includes('Span'));
const OTHER_TRIGGERS = TRACED_CODE_TRIGGERS.filter((trigger) => !trigger.includes('Span'));

/** Cheap text test: can this file contain traced code at all? */
export function mayContainTracedCode(text: string, settings: Pick<OtelContextSettings, 'apiModules' | 'spanWrappers'>): boolean {
  return (
    textIncludesAny(text, OTHER_TRIGGERS) ||
    (textIncludes(text, 'Span') && textIncludesAny(text, SPAN_TRIGGERS)) ||
    settings.apiModules.some((name) => name.length > 0 && textIncludes(text, name)) ||
    settings.spanWrappers.some((name) => name.length > 0 && textIncludes(text, name.split('.').at(-1) ?? name))
  );
}

const tracedCodeCache = new WeakMap<object, boolean>();

/** For a rule's `create`: whether the file can contain traced code (see mayContainTracedCode); once per file. */
export function fileMayContainTracedCode(context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>): boolean {
  const ast = context.sourceCode.ast;
  let result = tracedCodeCache.get(ast);
  if (result === undefined) {
    result = mayContainTracedCode(context.sourceCode.text, getSettings(context.settings));
    tracedCodeCache.set(ast, result);
  }
  return result;
}

const mentionsCache = new WeakMap<object, Map<string, boolean>>();

/** Whether the file's text contains `needle`; each needle is looked for once per file, whichever rules ask. */
export function fileMentions(sourceCode: Readonly<TSESLint.SourceCode>, needle: string): boolean {
  let known = mentionsCache.get(sourceCode.ast);
  if (!known) {
    known = new Map();
    mentionsCache.set(sourceCode.ast, known);
  }
  let found = known.get(needle);
  if (found === undefined) {
    found = textIncludes(sourceCode.text, needle);
    known.set(needle, found);
  }
  return found;
}

/** For a rule's `create`: whether the file's text mentions one of the rule's own triggers (core/triggers.ts). */
export function fileMentionsAny(context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>, triggers: readonly string[]): boolean {
  return triggers.some((trigger) => fileMentions(context.sourceCode, trigger));
}

/**
 * Whether `text` contains one of `needles`: the same answer as `needles.some((n) => text.includes(n))`,
 * each needle searched through its rarest characters (core/analysis/text-search.ts). For a rule's
 * own list that no other rule shares; shared needles go through fileMentions, which remembers each
 * needle per file.
 */
export function textMentionsAny(text: string, needles: readonly string[]): boolean {
  return textIncludesAny(text, needles);
}

const cache = new WeakMap<object, OtelApi>();

/** Builds (once per file) what the rules need to know about the OpenTelemetry API in it. */
export function getOtelApi(context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>): OtelApi {
  const sourceCode = context.sourceCode;
  const cached = cache.get(sourceCode.ast);
  if (cached) return cached;
  const settings = getSettings(context.settings);
  const resolver = createBindingResolver(sourceCode, settings.apiModules);
  const program = sourceCode.ast;
  rememberProgramText(program, sourceCode.text);
  const imports: ApiImports = { namedImports: [], namespaceName: undefined, requirePatterns: [], memberNames: new Map() };
  let hasApiImport = false;
  let hasAsyncLocalStorageImport = false;
  let isEsm = false;

  for (const statement of program.body) {
    if (
      statement.type === AST_NODE_TYPES.ImportDeclaration ||
      statement.type === AST_NODE_TYPES.ExportNamedDeclaration ||
      statement.type === AST_NODE_TYPES.ExportDefaultDeclaration ||
      statement.type === AST_NODE_TYPES.ExportAllDeclaration
    ) {
      isEsm = true;
    }
    if (statement.type === AST_NODE_TYPES.ImportDeclaration) {
      const module = resolver.normaliseModule(statement.source.value);
      if (module === 'node:async_hooks') {
        hasAsyncLocalStorageImport ||= statement.specifiers.some(
          (s) => s.type !== AST_NODE_TYPES.ImportSpecifier || importedName(s) === 'AsyncLocalStorage',
        );
      }
      if (module !== OTEL_API_MODULE) continue;
      hasApiImport = true;
      if (statement.importKind === 'type') continue;
      let hasNamed = false;
      for (const specifier of statement.specifiers) {
        if (specifier.type === AST_NODE_TYPES.ImportSpecifier) {
          hasNamed = true;
          if (specifier.importKind !== 'type') imports.memberNames.set(importedName(specifier), specifier.local.name);
        } else {
          imports.namespaceName ??= specifier.local.name;
        }
      }
      if (hasNamed || statement.specifiers.length === 0) imports.namedImports.push(statement);
    } else if (statement.type === AST_NODE_TYPES.VariableDeclaration) {
      for (const declarator of statement.declarations) {
        const source = declarator.init ? getRequireSource(declarator.init) : undefined;
        if (source === undefined) continue;
        const module = resolver.normaliseModule(source);
        if (module === 'node:async_hooks') hasAsyncLocalStorageImport = true;
        if (module !== OTEL_API_MODULE) continue;
        hasApiImport = true;
        if (declarator.id.type === AST_NODE_TYPES.Identifier) {
          imports.namespaceName ??= declarator.id.name;
        } else if (declarator.id.type === AST_NODE_TYPES.ObjectPattern && statement.kind === 'const') {
          imports.requirePatterns.push(declarator.id);
          for (const property of declarator.id.properties) {
            if (
              property.type === AST_NODE_TYPES.Property &&
              property.key.type === AST_NODE_TYPES.Identifier &&
              property.value.type === AST_NODE_TYPES.Identifier
            ) {
              imports.memberNames.set(property.key.name, property.value.name);
            }
          }
        }
      }
    }
  }

  const api: OtelApi = {
    sourceCode,
    settings,
    resolver,
    calleePath: (call) => resolver.pathOf(call.callee),
    isApiCall: (call, member) => calleeMayResolveTo(call, API(member)) && resolver.pathOf(call.callee) === API(member),
    hasApiImport,
    hasAsyncLocalStorageImport,
    imports,
    isEsm: isEsm || program.sourceType === 'module' && imports.requirePatterns.length === 0 && imports.namespaceName === undefined && !hasTopLevelRequire(program),
  };
  cache.set(sourceCode.ast, api);
  return api;
}

/**
 * Cheap exact pre-check before resolving a callee: a member callee's path, when it has one, ends
 * with the member's name (`<base>.<name>`, `<module>:<name>`, `global:<name>`), so a callee
 * `x.<name>(..)` can resolve to `path` only if `path` ends with `<name>`. Other callees (an
 * identifier) may resolve to anything: true.
 */
export function calleeMayResolveTo(call: TSESTree.CallExpression | TSESTree.NewExpression, path: string): boolean {
  let callee: TSESTree.Node = call.callee;
  for (;;) {
    callee = unwrapTypeScriptExpression(callee);
    if (callee.type !== AST_NODE_TYPES.ChainExpression) break;
    callee = callee.expression;
  }
  if (callee.type !== AST_NODE_TYPES.MemberExpression) return !METHODS_WITH_RECEIVER.has(path);
  const name = getPropertyName(callee);
  return name !== undefined && path.endsWith(name);
}

/**
 * API methods that read `this` and that the rules look for on every call of a file
 * (`context.with`, `context.bind`, PropagationAPI's `inject`/`extract`/`fields`): called through a
 * bare alias (`const { with: w } = context; w(..)`) they throw, so only a member callee can be
 * such a call, and an identifier callee is never resolved for them. (`context.active` also reads
 * `this`, but a destructured `active()` is still recognised as a context read, as before.)
 */
const METHODS_WITH_RECEIVER = new Set(['context.with', 'context.bind', 'propagation.inject', 'propagation.extract', 'propagation.fields'].map((member) => API(member)));

function hasTopLevelRequire(program: TSESTree.Program): boolean {
  return program.body.some(
    (statement) =>
      statement.type === AST_NODE_TYPES.VariableDeclaration &&
      statement.declarations.some((d) => d.init !== null && getRequireSource(d.init) !== undefined),
  );
}

/* ------------------------------------------------------------------------------------------ */
/* Spans (core/analysis/spans.ts, re-exported here for the detectors)                         */
/* ------------------------------------------------------------------------------------------ */

export { getSpanlessContextChange, getSpanStartKind, getUsageSpanCallback, hasExplicitParentContext, usageSpanCallbackEnds } from './spans.js';
export { isSpanHelperName } from './span-wrappers.js';


/** Reads of the active context: `context.active()`, `trace.getActiveSpan()`. */
export function isActiveContextRead(api: OtelApi, call: TSESTree.CallExpression): boolean {
  const path = api.calleePath(call);
  return path === API('context.active') || path === API('trace.getActiveSpan');
}

/* ------------------------------------------------------------------------------------------ */
/* Traced code                                                                                 */
/* ------------------------------------------------------------------------------------------ */

export type TracedCallbackKind = 'startActiveSpan' | 'context.with' | 'spanWrapper' | 'als.run';

export interface TracedCallback {
  kind: TracedCallbackKind;
  fn: FunctionNode;
  call: TSESTree.CallExpression;
}

/**
 * If `fn` is the callback of a call that runs it inside an active span — `startActiveSpan`,
 * `context.with(ctx, fn)` (not with `ROOT_CONTEXT`), `context.bind(trace.setSpan(ctx, span), fn)`,
 * a `spanWrappers` helper — says which.
 * In files with no OpenTelemetry import, the callback of `als.run(store, fn)` on an
 * `AsyncLocalStorage` counts too.
 */
export function getTracedCallback(api: OtelApi, fn: TSESTree.Node): TracedCallback | undefined {
  if (!isFunctionLike(fn)) return undefined;
  // asked once per statement, timer, listener and producer inside the function: answered once per
  // function (the answer depends only on its call site and the file's API; callers only read it)
  let cached = tracedCallbackCache.get(fn);
  if (cached === undefined) {
    cached = findTracedCallback(api, fn) ?? null;
    tracedCallbackCache.set(fn, cached);
  }
  return cached ?? undefined;
}

const tracedCallbackCache = new WeakMap<FunctionNode, TracedCallback | null>();

function findTracedCallback(api: OtelApi, fn: FunctionNode): TracedCallback | undefined {
  const parent = fn.parent;
  // `recordSpan({ name, fn: async (span) => .. })`: a span helper recognised by how the callback uses its span
  if (parent?.type === AST_NODE_TYPES.Property && parent.value === fn && parent.parent.type === AST_NODE_TYPES.ObjectExpression) {
    const call = parent.parent.parent;
    return call?.type === AST_NODE_TYPES.CallExpression && getUsageSpanCallback(call) === fn ? { kind: 'startActiveSpan', fn, call } : undefined;
  }
  if (parent?.type !== AST_NODE_TYPES.CallExpression) return undefined;
  const index = parent.arguments.indexOf(fn as TSESTree.CallExpressionArgument);
  if (index === -1) return undefined;
  const kind = getTracedCallKind(api, parent, index);
  return kind && { kind, fn, call: parent };
}

/**
 * How `call` runs the function it is handed as argument `index` inside an active span (or, in
 * files with no OpenTelemetry import, an AsyncLocalStorage store): getTracedCallback's answer for
 * a callback written at that argument, also asked of calls whose callback is a reference.
 */
export function getTracedCallKind(api: OtelApi, call: TSESTree.CallExpression, index: number): TracedCallbackKind | undefined {
  const isLast = index === call.arguments.length - 1;
  const usage = getUsageSpanCallback(call);
  if (usage) {
    if (call.arguments[index] === usage) return 'startActiveSpan';
  } else if (getSpanStartKind(call) === 'startActiveSpan' && isLast && index > 0) return 'startActiveSpan';
  // resolved only when the callee can be `context.with` / `context.bind` (calleeMayResolveTo)
  const path = index === 1 && (calleeMayResolveTo(call, API('context.with')) || calleeMayResolveTo(call, API('context.bind'))) ? api.calleePath(call) : undefined;
  if (path === API('context.with') && index === 1) {
    const ctx = call.arguments[0];
    if (ctx && api.resolver.pathOf(ctx) === API('ROOT_CONTEXT')) return undefined;
    if (ctx && getSpanlessContextChange(api, ctx) !== undefined) return undefined;
    return 'context.with';
  }
  // `context.bind(trace.setSpan(ctx, span), fn)`: fn runs with `span` active.
  if (path === API('context.bind') && index === 1) {
    const ctx = call.arguments[0];
    const unwrapped = ctx && unwrapTypeScriptExpression(ctx);
    if (unwrapped?.type === AST_NODE_TYPES.CallExpression && api.calleePath(unwrapped) === API('trace.setSpan')) return 'context.with';
  }
  if (isLast && api.settings.spanWrappers.length > 0 && matchesSpanWrapper(api, call)) return 'spanWrapper';
  if ((isLast && isImportedSpanHelper(api, call)) || isSpanRunningFunctionOfFile(api, call, index)) return 'spanWrapper';
  if (!api.hasApiImport && index === 1 && getMethodName(call) === 'run' && isAsyncLocalStorageReceiver(api, call)) return 'als.run';
  return undefined;
}

function matchesSpanWrapper(api: OtelApi, call: TSESTree.CallExpression): boolean {
  const text = getDottedName(call.callee);
  if (text === undefined) return false;
  const method = text.split('.').at(-1);
  return api.settings.spanWrappers.some((wrapper) => wrapper === text || (!wrapper.includes('.') && wrapper === method));
}

/**
 * Whether the receiver of `x.run(..)` is an `AsyncLocalStorage`: a `const` made with
 * `new AsyncLocalStorage()`, or a class field initialised that way (`this.storage`).
 */
export function isAsyncLocalStorageReceiver(api: OtelApi, call: TSESTree.CallExpression): boolean {
  const callee = unwrapTypeScriptExpression(call.callee);
  if (callee.type !== AST_NODE_TYPES.MemberExpression) return false;
  return isAsyncLocalStorageInstance(api, callee.object);
}

export function isAsyncLocalStorageInstance(api: OtelApi, node: TSESTree.Node): boolean {
  if (api.resolver.pathOf(node) === 'node:async_hooks:AsyncLocalStorage#new') return true;
  const object = unwrapTypeScriptExpression(node);
  if (
    object.type === AST_NODE_TYPES.MemberExpression &&
    object.object.type === AST_NODE_TYPES.ThisExpression &&
    !object.computed &&
    object.property.type === AST_NODE_TYPES.Identifier
  ) {
    const name = object.property.name;
    for (let current: TSESTree.Node | undefined = object.parent; current; current = current.parent) {
      if (current.type === AST_NODE_TYPES.ClassBody) {
        return current.body.some(
          (member) =>
            member.type === AST_NODE_TYPES.PropertyDefinition &&
            member.key.type === AST_NODE_TYPES.Identifier &&
            member.key.name === name &&
            member.value !== null &&
            member.value.type === AST_NODE_TYPES.NewExpression &&
            api.resolver.pathOf(member.value.callee) === 'node:async_hooks:AsyncLocalStorage',
        );
      }
    }
  }
  return false;
}

export { getCallbackArgument };
