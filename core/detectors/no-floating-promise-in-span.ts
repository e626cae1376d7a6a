/**
 * Detector for `no-floating-promise-in-span`: a promise started in traced code and neither
 * awaited, returned nor handled before the span that started it ends (3a, 3b, 0b).
 *
 * - every manager: the work outlives its parent span, and its rejection is recorded on no span;
 *   in Node 20 it is an `unhandledRejection`, which ends the process by default (3b);
 * - `zone`/`stack`: what the work does after its first native `await` is orphaned (3a, 0b);
 * - `void p`: a deliberate detach under `async-local-storage`/`async-hooks` (reported only with
 *   `checkVoid`); reported under `zone`/`stack`, where the work still loses its parent.
 *
 * Which expressions are promises: syntactically, calls of functions of this file that are
 * `async` or return a promise, `.then`/`.finally` chains, `new Promise(..)`, `Promise.*(..)`,
 * `node:timers/promises`, `startActiveSpan`/`context.with` with such a callback; with type
 * information (`checkTypes`, see `promise-types.ts`), any expression whose type is a native
 * `Promise`. Handled: `.catch(handler)` or `.then(onFulfilled, onRejected)` ends the chain.
 *
 * Only statements whose own function is the traced callback (or the function holding an open
 * `startSpan` span), or a synchronous callback inside it, are looked at: a callback that runs
 * later (a listener, a `.then` callback) is not inside the span any more.
 *
 * Out of scope: promises inside `&&`/`?:`/`,` expressions; promises stored in variables and
 * never awaited; methods of classes (`this.save()`) unless `checkTypes` is on.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, ASTUtils } from '@typescript-eslint/utils';
import type { FunctionNode } from '../analysis/ast.js';
import { PROMISE_METHODS, getCallOfArgument, getEnclosingFunction, getMethodName, getMethodReceiver, isFunctionLike, unwrapTypeScriptExpression, walk } from '../analysis/ast.js';
import { getTimerCall } from '../analysis/timers.js';
import { ensureApiMembers } from '../edits/api-imports.js';
import { indentBefore } from '../edits/indent.js';
import type { Edit, Finding, FindingSuggestion } from '../findings.js';
import { API, getOtelApi, getSpanStartKind, fileMayContainTracedCode } from '../analysis/otel-api.js';
import type { OtelApi } from '../analysis/otel-api.js';
import { createPromiseTypeChecker } from '../analysis/promise-types.js';
import { resolveFunction } from '../analysis/traced-code.js';
import { isTestRunnerCallback } from '../analysis/test-runner.js';
import { mergeListeners, useFileAnalysis } from '../analysis/file-analysis.js';
import type { TraceScope } from '../analysis/traced-code.js';
import { createEscapingGeneratorListeners } from './no-floating-promise-in-span/escaping-generators.js';
import type { EscapingGeneratorMessageId } from './no-floating-promise-in-span/escaping-generators.js';
import { createEndsBeforeResultListeners } from './no-floating-promise-in-span/ends-before-result.js';
import type { EndsBeforeResultMessageId } from './no-floating-promise-in-span/ends-before-result.js';

export type NoFloatingPromiseInSpanMessageId =
  | 'floatingPromiseInSpan'
  | 'floatingPromiseOrphaned'
  | 'voidedPromiseInSpan'
  | 'voidedPromiseOrphaned'
  | 'awaitPromise'
  | 'detachInOwnSpan'
  | EscapingGeneratorMessageId
  | EndsBeforeResultMessageId;

export interface NoFloatingPromiseInSpanOptions {
  checkTypes: boolean;
  checkVoid: boolean;
}

/** The statements `check` looks at without type information (a superset: TypeScript wrappers and every unary operator). */
const WORK_STATEMENT =
  'ExpressionStatement:matches([expression.type="CallExpression"], [expression.type="NewExpression"], [expression.type="UnaryExpression"], [expression.type=/^TS/])';
const SYNC_CALLBACK_METHODS = new Set([
  'forEach', 'map', 'filter', 'reduce', 'reduceRight', 'some', 'every', 'find', 'findIndex', 'flatMap',
]);

export function createNoFloatingPromiseInSpanDetector(
  context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>,
  options: NoFloatingPromiseInSpanOptions,
  onFinding: (finding: Finding<NoFloatingPromiseInSpanMessageId>) => void,
): TSESLint.RuleListener {
  if (!fileMayContainTracedCode(context)) return {};
  const sourceCode = context.sourceCode;
  const api = getOtelApi(context);
  const { analysis, listeners: analysisListeners } = useFileAnalysis(context);
  const regions = analysis.regions;
  const manager = api.settings.contextManager;
  const orphans = manager === 'zone' || manager === 'stack';
  const types = options.checkTypes ? createPromiseTypeChecker(context) : undefined;
  const knowledge = createPromiseKnowledge(sourceCode, api);

  function isPromise(node: TSESTree.Node): boolean {
    return knowledge.isPromise(node) || (types?.isNativePromise(node) ?? false);
  }

  /**
   * A chain whose continuation settles what the enclosing code waits for: the `resolve` of a
   * `new Promise` executor it is written in, or a test runner's `done`
   * (`fs.promises.access(p).finally(() => resolve())`, `query().then(handler)` with a handler that
   * calls `done()`). The work then ends before what waits for it goes on; a `new Promise` that is
   * itself left floating is reported on its own.
   */
  function settlesWaiter(promise: TSESTree.Node): boolean {
    if (promise.type !== AST_NODE_TYPES.CallExpression || !['then', 'finally'].includes(getMethodName(promise) ?? '')) return false;
    const first = promise.arguments[0];
    const callback = first && resolveFunction(sourceCode, first);
    if (!callback) return false;
    let settles = false;
    walk(callback.body, (node) => {
      if (settles) return false;
      if (node.type !== AST_NODE_TYPES.CallExpression || node.callee.type !== AST_NODE_TYPES.Identifier) return true;
      const variable = ASTUtils.findVariable(sourceCode.getScope(node.callee), node.callee);
      const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
      if (def?.type !== 'Parameter' || !isFunctionLike(def.node) || def.node.params[0] !== def.name) return true;
      const owner = getCallOfArgument(def.node);
      const isExecutor = owner?.call.type === AST_NODE_TYPES.NewExpression && owner.index === 0 && api.resolver.pathOf(owner.call.callee) === 'global:Promise';
      settles = isExecutor || isTestRunnerCallback(api, def.node);
      return !settles;
    });
    return settles;
  }

  function check(statement: TSESTree.ExpressionStatement): void {
    const expression = unwrapTypeScriptExpression(statement.expression);
    const voided = expression.type === AST_NODE_TYPES.UnaryExpression && expression.operator === 'void';
    const promise = voided ? unwrapTypeScriptExpression(expression.argument) : expression;
    if (voided && !orphans && !options.checkVoid) return;
    // only a call or `new` can start work; the type checker is asked only about statements inside a span
    if (!types && promise.type !== AST_NODE_TYPES.CallExpression && promise.type !== AST_NODE_TYPES.NewExpression) return;
    const scope = getSpanScope(statement);
    // a file that does not import the API itself is traced only through a span-running helper it imports
    if (!scope || (!api.hasApiImport && scope.kind !== 'spanWrapper')) return;
    if (knowledge.isHandled(promise) || !isPromise(promise) || settlesWaiter(promise)) return;
    // The span ends inside the promise's own continuation (`.then(() => span.end())`, an async
    // callback that ends it after its awaits): the work cannot outlive it.
    if (endsScopeSpan(scope, promise)) return;
    const data = { scope: describeScope(scope), manager };
    const messageId: NoFloatingPromiseInSpanMessageId = voided
      ? orphans ? 'voidedPromiseOrphaned' : 'voidedPromiseInSpan'
      : orphans ? 'floatingPromiseOrphaned' : 'floatingPromiseInSpan';
    const awaitFix = suggestAwait(statement, expression, promise, scope);
    const detachFix = suggestDetach(expression, promise, scope);
    const suggestions: FindingSuggestion<NoFloatingPromiseInSpanMessageId>[] = [];
    // Under zone/stack awaiting does not bring the work's continuation back: offer the detach first.
    const ordered = orphans || voided ? [detachFix, awaitFix] : [awaitFix, detachFix];
    for (const s of ordered) if (s) suggestions.push(s);
    onFinding({ messageId, data, node: statement.expression, suggestions });
  }

  /** Whether `node` contains `<span>.end()` for the span of `scope` (by name: the variable, the callback's parameter, the span in `trace.setSpan(..)`). */
  function endsScopeSpan(scope: TraceScope, node: TSESTree.Node): boolean {
    const name = scopeSpanName(scope);
    if (name === undefined) return false;
    let found = false;
    walk(node, (inner) => {
      if (found) return false;
      if (inner.type === AST_NODE_TYPES.CallExpression && getMethodName(inner) === 'end') {
        const receiver = getMethodReceiver(inner);
        if (receiver?.type === AST_NODE_TYPES.Identifier && receiver.name === name) found = true;
      }
      return !found;
    });
    return found;
  }

  function scopeSpanName(scope: TraceScope): string | undefined {
    if (scope.kind === 'inactive-span') return scope.name;
    if (scope.kind === 'startActiveSpan') {
      const param = scope.fn.params[0];
      return param?.type === AST_NODE_TYPES.Identifier ? param.name : undefined;
    }
    if (scope.kind === 'context.with') {
      const ctx = scope.call.arguments[0];
      const setSpan = ctx && unwrapTypeScriptExpression(ctx);
      if (setSpan?.type !== AST_NODE_TYPES.CallExpression || api.calleePath(setSpan) !== API('trace.setSpan')) return undefined;
      const span = setSpan.arguments[1];
      return span?.type === AST_NODE_TYPES.Identifier ? span.name : undefined;
    }
    return undefined;
  }

  /** The trace scope of `statement`, if its function is the scope's own or runs synchronously inside it. */
  function getSpanScope(statement: TSESTree.Node): TraceScope | undefined {
    const scope = regions.getTraceScope(statement);
    if (!scope || scope.kind === 'als.run') return undefined;
    const owner = scope.kind === 'inactive-span' ? getEnclosingFunction(scope.declarator) : scope.fn;
    for (let fn = getEnclosingFunction(statement); fn !== owner; fn = getEnclosingFunction(fn)) {
      if (!fn || !runsSynchronously(api, fn)) return undefined;
    }
    return scope;
  }

  function describeScope(scope: TraceScope): string {
    switch (scope.kind) {
      case 'inactive-span':
        return `span '${scope.name}'`;
      case 'startActiveSpan':
        return 'the startActiveSpan callback';
      case 'context.with':
        return 'the context.with callback';
      default:
        return `the ${sourceCode.getText(scope.call.callee)} callback`;
    }
  }

  function suggestAwait(
    statement: TSESTree.ExpressionStatement,
    expression: TSESTree.Node,
    promise: TSESTree.Node,
    scope: TraceScope,
  ): FindingSuggestion<NoFloatingPromiseInSpanMessageId> | undefined {
    const fn = getEnclosingFunction(statement);
    if (!fn) return undefined;
    const edits: Edit[] = [];
    if (!fn.async) {
      if (scope.kind === 'inactive-span' || fn !== scope.fn) return undefined;
      edits.push({ range: [fn.range[0], fn.range[0]], text: 'async ' });
    }
    // `void (p as Promise<void>)` → `await (p as Promise<void>)`: replace the `void` keyword only
    const after = expression === promise ? undefined : sourceCode.getTokenAfter(sourceCode.getFirstToken(expression) ?? expression);
    edits.push({ range: [expression.range[0], after ? after.range[0] : promise.range[0]], text: 'await ' });
    return { messageId: 'awaitPromise', data: {}, fix: edits };
  }

  function suggestDetach(
    expression: TSESTree.Node,
    promise: TSESTree.Node,
    scope: TraceScope,
  ): FindingSuggestion<NoFloatingPromiseInSpanMessageId> | undefined {
    const spanName = spanVariableOf(scope);
    const tracer = tracerText(scope, expression);
    const members: ('context' | 'trace' | 'SpanStatusCode')[] = ['SpanStatusCode'];
    if (spanName !== undefined) members.push('context', 'trace');
    if (tracer === undefined) members.push('trace');
    const refs = ensureApiMembers(sourceCode, api, [...new Set(members)]);
    const names = refs.names;
    const tracerCode = tracer ?? `${names.trace}.getTracer('detached')`;
    const ctx = spanName === undefined ? '' : `{}, ${names.trace}.setSpan(${names.context}.active(), ${spanName}), `;
    const d = sourceCode.text.includes('detached') ? 'detachedSpan' : 'detached';
    const promiseText = sourceCode.getText(promise);
    const needsParens = promise.type !== AST_NODE_TYPES.CallExpression && promise.type !== AST_NODE_TYPES.Identifier && promise.type !== AST_NODE_TYPES.MemberExpression;
    const text =
      `${tracerCode}.startActiveSpan('${workName(sourceCode, promise)}', ${ctx}(${d}) => ` +
      `${needsParens ? `(${promiseText})` : promiseText}.then(() => ${d}.end(), (error) => {\n` +
      `${indentBefore(sourceCode, expression.range[0])}  ${d}.recordException(error);\n` +
      `${indentBefore(sourceCode, expression.range[0])}  ${d}.setStatus({ code: ${names.SpanStatusCode}.ERROR });\n` +
      `${indentBefore(sourceCode, expression.range[0])}  ${d}.end();\n` +
      `${indentBefore(sourceCode, expression.range[0])}}))`;
    return { messageId: 'detachInOwnSpan', data: {}, fix: [...refs.edits, { range: expression.range, text }] };
  }

  /** The span variable a detached span must hang under when the active context may not hold it. */
  function spanVariableOf(scope: TraceScope): string | undefined {
    if (scope.kind === 'inactive-span') return scope.name;
    if (scope.kind === 'startActiveSpan') {
      const param = scope.fn.params[0];
      return param?.type === AST_NODE_TYPES.Identifier ? param.name : undefined;
    }
    return undefined;
  }

  /** The tracer that started the scope's span, when it is a `const` visible here; else a module-level tracer. */
  function tracerText(scope: TraceScope, at: TSESTree.Node): string | undefined {
    const start = scope.kind === 'inactive-span' ? scope.declarator.init : scope.kind === 'startActiveSpan' ? scope.call : undefined;
    const call = start && unwrapTypeScriptExpression(start);
    const receiver = call?.type === AST_NODE_TYPES.CallExpression ? getMethodReceiver(call) : undefined;
    if (receiver?.type === AST_NODE_TYPES.Identifier) {
      const there = ASTUtils.findVariable(sourceCode.getScope(receiver), receiver);
      const here = ASTUtils.findVariable(sourceCode.getScope(at), receiver.name);
      if (there && there === here) return receiver.name;
    }
    for (const statement of sourceCode.ast.body) {
      const declaration = statement.type === AST_NODE_TYPES.ExportNamedDeclaration ? statement.declaration : statement;
      if (declaration?.type !== AST_NODE_TYPES.VariableDeclaration || declaration.kind !== 'const') continue;
      for (const declarator of declaration.declarations) {
        const init = declarator.init && unwrapTypeScriptExpression(declarator.init);
        if (declarator.id.type === AST_NODE_TYPES.Identifier && init?.type === AST_NODE_TYPES.CallExpression && api.isApiCall(init, 'trace.getTracer')) {
          // the module-level tracer, unless a name in between shadows it where the suggestion goes
          const declared = sourceCode.getDeclaredVariables(declarator)[0];
          return declared && ASTUtils.findVariable(sourceCode.getScope(at), declarator.id.name) === declared ? declarator.id.name : undefined;
        }
      }
    }
    return undefined;
  }

  // Without type information only a call, `new` or `void` statement can start work: check sees only those.
  // generators created in traced code and iterated after it returned (escaping-generators.ts)
  const generators = createEscapingGeneratorListeners(sourceCode, api, onFinding);
  // a span helper that ends the span as soon as the caller's callback returns its (maybe promised) result (ends-before-result.ts)
  const helpers = createEndsBeforeResultListeners(sourceCode, onFinding);
  return mergeListeners(analysisListeners, { [types ? 'ExpressionStatement' : WORK_STATEMENT]: check }, generators, helpers);
}

/** Array methods, a `new Promise` executor and `context.with` run their callback before the call returns. */
function runsSynchronously(api: OtelApi, fn: FunctionNode): boolean {
  const site = getCallOfArgument(fn);
  if (!site) return false;
  if (site.call.type === AST_NODE_TYPES.NewExpression) {
    return site.call.callee.type === AST_NODE_TYPES.Identifier && site.call.callee.name === 'Promise' && site.index === 0;
  }
  const method = getMethodName(site.call);
  if (method !== undefined && SYNC_CALLBACK_METHODS.has(method)) return true;
  return site.index === 1 && api.isApiCall(site.call, 'context.with');
}

/** A short name for the detached work: `audit.write(..)` → `audit.write`. */
function workName(sourceCode: Readonly<TSESLint.SourceCode>, promise: TSESTree.Node): string {
  let node = unwrapTypeScriptExpression(promise);
  while (node.type === AST_NODE_TYPES.CallExpression && PROMISE_METHODS.has(getMethodName(node) ?? '')) {
    const receiver = getMethodReceiver(node);
    if (!receiver) break;
    node = unwrapTypeScriptExpression(receiver);
  }
  if (node.type === AST_NODE_TYPES.NewExpression) return 'promise';
  if (node.type !== AST_NODE_TYPES.CallExpression) return 'detached work';
  const text = sourceCode.getText(node.callee).replace(/^this\./, '').replace(/\s+/g, '');
  return /^[\w$.]+$/.test(text) && text.length <= 60 ? text : 'detached work';
}

export interface PromiseKnowledge {
  /** Syntactically known to be a promise. */
  isPromise(node: TSESTree.Node): boolean;
  /** A chain that ends in a rejection handler (`.catch(h)`, `.then(a, b)`), or a span helper returning one. */
  isHandled(node: TSESTree.Node): boolean;
}

/** What the file itself says about which expressions are promises. */
export function createPromiseKnowledge(sourceCode: Readonly<TSESLint.SourceCode>, api: OtelApi): PromiseKnowledge {
  const functionCache = new Map<FunctionNode, boolean>();

  function returnsPromise(fn: FunctionNode): boolean {
    if (fn.async) return true;
    const cached = functionCache.get(fn);
    if (cached !== undefined) return cached;
    functionCache.set(fn, false);
    let result = false;
    if (fn.body.type !== AST_NODE_TYPES.BlockStatement) {
      result = isPromise(fn.body);
    } else {
      walk(fn.body, (node) => {
        if (result || (node !== fn.body && isFunctionLike(node))) return false;
        if (node.type === AST_NODE_TYPES.ReturnStatement && node.argument && isPromise(node.argument)) result = true;
        return !result;
      });
    }
    functionCache.set(fn, result);
    return result;
  }

  function spanHelperCallback(call: TSESTree.CallExpression): FunctionNode | undefined {
    const isHelper = getSpanStartKind(call) === 'startActiveSpan' || api.isApiCall(call, 'context.with');
    const last = call.arguments.at(-1);
    return isHelper && last && isFunctionLike(last) ? last : undefined;
  }

  function isPromise(node: TSESTree.Node): boolean {
    const expression = unwrapTypeScriptExpression(node);
    if (expression.type === AST_NODE_TYPES.NewExpression) return api.resolver.pathOf(expression.callee) === 'global:Promise';
    if (expression.type !== AST_NODE_TYPES.CallExpression) return false;
    const method = getMethodName(expression);
    // A `.then` / `.catch` / `.finally` chain is a thenable whatever its receiver is.
    if (method !== undefined && PROMISE_METHODS.has(method)) return true;
    const path = api.calleePath(expression);
    if (path?.startsWith('global:Promise.')) return true;
    if (getTimerCall(api.resolver, expression)?.kind === 'promise') return true;
    const callback = spanHelperCallback(expression);
    if (callback) return returnsPromise(callback);
    const fn = resolveFunction(sourceCode, expression.callee);
    return fn !== undefined && returnsPromise(fn);
  }

  function isHandled(node: TSESTree.Node): boolean {
    const expression = unwrapTypeScriptExpression(node);
    if (expression.type !== AST_NODE_TYPES.CallExpression) return false;
    const method = getMethodName(expression);
    if (method === 'catch' && expression.arguments.length >= 1) return true;
    if (method === 'then' && expression.arguments.length >= 2) return true;
    if (method === 'finally') {
      const receiver = getMethodReceiver(expression);
      return receiver !== undefined && isHandled(receiver);
    }
    const callback = spanHelperCallback(expression);
    if (callback && callback.body.type !== AST_NODE_TYPES.BlockStatement) return isHandled(callback.body);
    return false;
  }

  return { isPromise, isHandled };
}
