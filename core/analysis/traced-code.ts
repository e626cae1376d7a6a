/**
 * "Traced code" (spec): the callback of `startActiveSpan`, `context.with`, a `spanWrappers`
 * helper (or, in ALS-only code, `als.run`); or the statements between
 * `const span = tracer.startSpan(..)` and `span.end()`.
 *
 * Context flows from an enclosing function into callbacks that run synchronously (array
 * methods, a `new Promise` executor) or that the runtime schedules from the current context
 * (timer and `.then` callbacks), so the search walks outwards through those, and stops at any
 * other function: it may be called from anywhere.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, ASTUtils } from '@typescript-eslint/utils';
import type { FunctionNode } from './ast.js';
import { PROMISE_METHODS, contains, getCallOfArgument, getEnclosingFunction, getMethodName, isFunctionLike, resolveThisMethod, unwrapTypeScriptExpression, walk } from './ast.js';
import { getTimerCall } from './timers.js';
import { API, calleeMayResolveTo, getSpanlessContextChange, getSpanStartKind, getTracedCallback, hasExplicitParentContext, isActiveContextRead } from './otel-api.js';
import { SPAN_START_DECLARATOR } from './spans.js';
import type { OtelApi, TracedCallback } from './otel-api.js';

/** A span started with `startSpan` that nothing made active (yet) and that has not ended. */
export interface InactiveSpan {
  kind: 'inactive-span';
  /** The span variable. */
  name: string;
  variable: TSESLint.Scope.Variable;
  declarator: TSESTree.VariableDeclarator;
}

export type TraceScope = TracedCallback | InactiveSpan;

const SYNC_CALLBACK_METHODS = new Set([
  'forEach', 'map', 'filter', 'reduce', 'reduceRight', 'some', 'every', 'find', 'findIndex', 'findLast',
  'findLastIndex', 'flatMap', 'sort', 'toSorted',
]);

/** Span methods that use a span without making it active. Any other use might activate it. */
const PASSIVE_SPAN_METHODS = new Set([
  'end', 'setAttribute', 'setAttributes', 'addEvent', 'addLink', 'addLinks', 'setStatus', 'updateName',
  'recordException', 'isRecording', 'spanContext',
]);

/** Whether the context current where `fn` is created is the one it runs in. */
export function isPassThroughCallback(api: OtelApi, fn: FunctionNode): boolean {
  const site = getCallOfArgument(fn);
  if (!site) return false;
  const { call } = site;
  if (call.type === AST_NODE_TYPES.NewExpression) {
    return call.callee.type === AST_NODE_TYPES.Identifier && call.callee.name === 'Promise' && site.index === 0;
  }
  // `context.bind(ctx, fn)`: fn runs in the context it was bound to, the current one unless that
  // is the root context (then it is no longer traced code).
  if (site.index === 1 && calleeMayResolveTo(call, API('context.bind')) && api.calleePath(call) === API('context.bind')) {
    const ctx = call.arguments[0];
    return ctx !== undefined && api.resolver.pathOf(ctx) !== API('ROOT_CONTEXT');
  }
  // `context.with(propagation.setBaggage(context.active(), ..), fn)`: fn runs in the caller's trace.
  if (site.index === 1 && calleeMayResolveTo(call, API('context.with')) && api.calleePath(call) === API('context.with')) {
    const ctx = call.arguments[0];
    return ctx !== undefined && getSpanlessContextChange(api, ctx) === 'baggage';
  }
  const method = getMethodName(call);
  if (method !== undefined && (SYNC_CALLBACK_METHODS.has(method) || PROMISE_METHODS.has(method))) return true;
  const timer = getTimerCall(api.resolver, call);
  return timer !== undefined && timer.kind === 'callback' && site.index === 0;
}

export interface SpanRegionTracker {
  /** Keyed by SPAN_START_DECLARATOR (a superset of the `startSpan` declarators). */
  listeners: Record<string, (node: TSESTree.VariableDeclarator) => void>;
  /** The innermost trace scope that `node` is in, or undefined when it is not in traced code. */
  getTraceScope(node: TSESTree.Node): TraceScope | undefined;
}

/** Tracks `const span = tracer.startSpan(..)` declarations, to know which spans are in play where. */
export function createSpanRegionTracker(
  sourceCode: Readonly<TSESLint.SourceCode>,
  api: OtelApi,
): SpanRegionTracker {
  const startsByFunction = new Map<FunctionNode | TSESTree.Program, TSESTree.VariableDeclarator[]>();
  // per declarator: its span variable when nothing ever makes the span active (null otherwise);
  // both depend only on the declarator, and every statement after it asks
  const neverActivated = new Map<TSESTree.VariableDeclarator, TSESLint.Scope.Variable | null>();

  function neverActivatedVariable(declarator: TSESTree.VariableDeclarator): TSESLint.Scope.Variable | undefined {
    let variable = neverActivated.get(declarator);
    if (variable === undefined) {
      const declared = declarator.id.type === AST_NODE_TYPES.Identifier ? sourceCode.getDeclaredVariables(declarator)[0] : undefined;
      variable = declared && isNeverActivated(api, declared) ? declared : null;
      neverActivated.set(declarator, variable);
    }
    return variable ?? undefined;
  }

  function getInactiveSpanAt(node: TSESTree.Node, owner: FunctionNode | TSESTree.Program): InactiveSpan | undefined {
    const declarators = startsByFunction.get(owner);
    if (!declarators) return undefined;
    for (let i = declarators.length - 1; i >= 0; i--) {
      const declarator = declarators[i];
      if (!declarator || declarator.range[1] > node.range[0]) continue;
      const block = declarator.parent.parent;
      if (!contains(block, node)) continue;
      if (declarator.id.type !== AST_NODE_TYPES.Identifier) continue;
      const variable = neverActivatedVariable(declarator);
      if (!variable || isEndedBefore(variable, node)) continue;
      return { kind: 'inactive-span', name: declarator.id.name, variable, declarator };
    }
    return undefined;
  }

  // What a function is to the outward search, remembered once known: its traced-callback scope,
  // 'stop' (it may run anywhere), or — context flows in from where it is created — the function
  // the search goes on to (its enclosing function; null at the top level). All of it depends only
  // on the function's call site and import tracing, never on the query, so every later query
  // through the same function skips the tests and the walk up to the next function (a file asks
  // once per statement, timer, listener and producer).
  const steps = new Map<FunctionNode, { traced: TracedCallback } | { next: FunctionNode | null } | 'stop'>();

  function getTraceScope(node: TSESTree.Node): TraceScope | undefined {
    let fn = getEnclosingFunction(node);
    for (;;) {
      const inactive = getInactiveSpanAt(node, fn ?? sourceCode.ast);
      if (inactive) return inactive;
      if (!fn) return undefined;
      let step = steps.get(fn);
      if (step === undefined) {
        const traced = getTracedCallback(api, fn);
        step = traced ? { traced } : isPassThroughCallback(api, fn) ? { next: getEnclosingFunction(fn) ?? null } : 'stop';
        steps.set(fn, step);
      }
      if (step === 'stop') return undefined;
      if ('traced' in step) return step.traced;
      fn = step.next ?? undefined;
    }
  }

  return {
    listeners: {
      [SPAN_START_DECLARATOR](node: TSESTree.VariableDeclarator) {
        if (!node.init || node.id.type !== AST_NODE_TYPES.Identifier) return;
        const init = unwrapTypeScriptExpression(node.init);
        if (init.type !== AST_NODE_TYPES.CallExpression || getSpanStartKind(init) !== 'startSpan') return;
        const owner = getEnclosingFunction(node) ?? sourceCode.ast;
        const list = startsByFunction.get(owner);
        if (list) list.push(node);
        else startsByFunction.set(owner, [node]);
      },
    },
    getTraceScope,
  };
}

/**
 * Nothing makes the span active for the rest of its region: every use is a passive method call
 * (`span.setAttribute(..)`, `span.end()`) or a site-local context built from it
 * (`trace.setSpan(ctx, span)` passed to `context.with`, `context.bind` or a `startSpan` call) —
 * those cover only their own site, so other sites in the region still lack the span. Any other
 * use (handed to an unknown function, `context.attach(trace.setSpan(..))`) might activate it.
 */
function isNeverActivated(api: OtelApi, variable: TSESLint.Scope.Variable): boolean {
  return variable.references.every((reference) => {
    if (reference.init) return true;
    const parent = reference.identifier.parent;
    if (parent?.type === AST_NODE_TYPES.CallExpression && parent.arguments[1] === reference.identifier) {
      if (api.calleePath(parent) !== API('trace.setSpan')) return false;
      const user = parent.parent;
      return !(user.type === AST_NODE_TYPES.CallExpression && api.calleePath(user) === API('context.attach'));
    }
    if (parent?.type !== AST_NODE_TYPES.MemberExpression || parent.object !== reference.identifier) return false;
    return (
      !parent.computed &&
      parent.property.type === AST_NODE_TYPES.Identifier &&
      PASSIVE_SPAN_METHODS.has(parent.property.name) &&
      parent.parent.type === AST_NODE_TYPES.CallExpression
    );
  });
}

/** `span.end()` runs before `node` on the way to it: a statement of a block that encloses `node`. */
function isEndedBefore(variable: TSESLint.Scope.Variable, node: TSESTree.Node): boolean {
  return variable.references.some((reference) => {
    const member = reference.identifier.parent;
    if (member?.type !== AST_NODE_TYPES.MemberExpression) return false;
    const call = member.parent;
    if (call.type !== AST_NODE_TYPES.CallExpression || getMethodName(call) !== 'end') return false;
    if (call.range[1] > node.range[0]) return false;
    const statement = call.parent;
    if (statement.type !== AST_NODE_TYPES.ExpressionStatement) return false;
    return contains(statement.parent, node) && getEnclosingFunction(call) === getEnclosingFunction(node);
  });
}

/* ------------------------------------------------------------------------------------------ */
/* What a callback does                                                                        */
/* ------------------------------------------------------------------------------------------ */

/** The function a callback expression runs: an inline function, or a function of this file by name. */
export function resolveFunction(
  sourceCode: Readonly<TSESLint.SourceCode>,
  node: TSESTree.Node,
): FunctionNode | undefined {
  const expression = unwrapTypeScriptExpression(node);
  if (isFunctionLike(expression)) return expression;
  if (expression.type !== AST_NODE_TYPES.Identifier) return undefined;
  const variable = ASTUtils.findVariable(sourceCode.getScope(expression), expression);
  const def = variable?.defs[0];
  if (!def || variable.defs.length !== 1) return undefined;
  if (def.type === 'FunctionName' && isFunctionLike(def.node)) return def.node;
  if (def.type === 'Variable' && def.node.parent.kind === 'const' && def.node.init && isFunctionLike(def.node.init)) {
    return def.node.init;
  }
  return undefined;
}

/** The function of this file a call's callee runs: a declared function (resolveFunction) or a method of the enclosing class (`this.method`). */
export function resolveCalledFunction(sourceCode: Readonly<TSESLint.SourceCode>, callee: TSESTree.Node): FunctionNode | undefined {
  return resolveFunction(sourceCode, callee) ?? resolveThisMethod(callee);
}

/** What a traced-work scan looks at (see scanTracedWork). */
export interface TracedWorkScan {
  /** Whether the walk enters `nested`, a function written inside the scanned one. */
  enters(nested: FunctionNode): boolean;
  /** Whether `read`, a read of the active context or span, counts. */
  counts(read: TSESTree.CallExpression): boolean;
  /** The scan for functions of this file that the scanned one calls (default: this one). */
  callees?: TracedWorkScan;
  /** Results of complete scans. */
  cache: WeakMap<FunctionNode, boolean>;
}

/**
 * Whether running `fn` does work that takes its parent from the active context: starts a span
 * without an explicit context, reads the active context or span (as far as `scan` counts it), or
 * calls a function of this file that does; nested functions as far as `scan` enters them.
 */
export function scanTracedWork(
  sourceCode: Readonly<TSESLint.SourceCode>,
  api: OtelApi,
  fn: FunctionNode,
  scan: TracedWorkScan,
  visiting = new Set<FunctionNode>(),
): boolean {
  const cached = scan.cache.get(fn);
  if (cached !== undefined) return cached;
  if (visiting.has(fn)) return false;
  visiting.add(fn);
  let found = false;
  walk(fn.body, (node) => {
    if (found) return false;
    if (isFunctionLike(node)) return scan.enters(node);
    if (node.type !== AST_NODE_TYPES.CallExpression) return true;
    if ((getSpanStartKind(node) && !hasExplicitParentContext(node)) || (isActiveContextRead(api, node) && scan.counts(node))) {
      found = true;
      return false;
    }
    const callee = resolveCalledFunction(sourceCode, node.callee);
    if (callee && callee !== fn && scanTracedWork(sourceCode, api, callee, scan.callees ?? scan, visiting)) found = true;
    return !found;
  });
  visiting.delete(fn);
  // A negative result reached while a caller is still being scanned may have cut a cycle short.
  if (found || visiting.size === 0) scan.cache.set(fn, found);
  return found;
}

/** Every nested function, every read: what `doesTracedWork` asks. */
const EVERYTHING: TracedWorkScan = { enters: () => true, counts: () => true, cache: new WeakMap() };

/** scanTracedWork with everything counted (nested functions included). */
export function doesTracedWork(sourceCode: Readonly<TSESLint.SourceCode>, api: OtelApi, fn: FunctionNode): boolean {
  return scanTracedWork(sourceCode, api, fn, EVERYTHING);
}
