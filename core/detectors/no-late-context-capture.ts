/**
 * Detector for `no-late-context-capture`: a read of the active context (`context.active()`,
 * `trace.getActiveSpan()`, and so `trace.getSpan(context.active())` and
 * `propagation.inject(context.active(), ..)`) in code that runs after the caller's context is gone.
 *
 * Where a read is late, by manager (runtime-semantics 7a–7c, 0b, 1g, 4c, 10a, 11a):
 * - `zone`: after a native `await` (zone.js cannot see native `await`).
 * - `stack`: after an `await`, inside `.then` / `.catch` / `.finally` callbacks, and inside one-shot
 *   timer callbacks.
 * - `zone` / `stack`: implicit reads there count too — `tracer.startSpan(name)` and
 *   `startActiveSpan(name, fn)` without an explicit context take their parent from it.
 * - every manager: inside listeners on long-lived emitters and callbacks stored in work queues.
 *   Those callbacks are owned by `no-unbound-listener` / `no-unbound-queued-callback` (and timer
 *   callbacks in traced code under `stack` by `no-unbound-timer`): binding the callback fixes every
 *   read in it, so this detector treats an owned callback as running in its registration context
 *   and reports nothing for it (core/analysis/bindable-callbacks.ts). A listener no rule owns (registered at
 *   startup on a process-wide bus) is meant to see the emitter's context (5d): not a finding.
 *   So under `async-local-storage` and `async-hooks` this part has nothing to report, and does no work.
 * - every manager: the caller's callback called, after `span.end()`, by a wrapper made inside a
 *   span's callback (issue #11 family 3; no-late-context-capture/callbacks-in-span.ts).
 *
 * The walk goes from the read outwards through enclosing functions: an `await` before the read
 * (or in a loop around it) and a `.then`/timer callback under `stack` are late boundaries;
 * synchronous callbacks, callbacks that keep their context (timers and `.then` outside `stack`,
 * listeners under `zone`), and owned callbacks are crossed; any
 * other function (traced callbacks, plain functions, unowned listeners) ends the walk; recurring
 * timer ticks end it with no finding (their ticks should be roots). The fix captures the context
 * once before the outermost boundary — `const ctx = context.active();` before the statement with
 * the first `await`, or before the statement that schedules the callback — and uses `ctx` at every
 * read behind that boundary (`trace.getSpan(ctx)`, `startSpan(name, opts, ctx)`).
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import type { FunctionNode } from '../analysis/ast.js';
import { PROMISE_METHODS, contains, getCallOfArgument, getEnclosingFunction, getMethodName, isFunctionLike, unwrapTypeScriptExpression, walk } from '../analysis/ast.js';
import { getTimerCall } from '../analysis/timers.js';
import { getCallbackOwner } from '../analysis/bindable-callbacks.js';
import { useFileAnalysis, mergeListeners } from '../analysis/file-analysis.js';
import type { FileAnalysis } from '../analysis/file-analysis.js';
import { ensureApiMembers } from '../edits/api-imports.js';
import { indentBefore } from '../edits/indent.js';
import { getFreeLocalName } from '../edits/names.js';
import type { Edit } from '../findings.js';
import type { Finding } from '../findings.js';
import { API, getOtelApi, getSpanStartKind, getTracedCallback, getUsageSpanCallback, hasExplicitParentContext, fileMayContainTracedCode } from '../analysis/otel-api.js';
import { isPassThroughCallback } from '../analysis/traced-code.js';
import type { OtelApi } from '../analysis/otel-api.js';
import { findCallbacksInSpan } from './no-late-context-capture/callbacks-in-span.js';
import { findStaleContinuation } from './no-late-context-capture/stale-continuations.js';
import { isTestRunnerCall } from '../analysis/test-runner.js';
import { getListenerRegistration } from '../analysis/listeners.js';
import { reschedulesItself } from '../analysis/recurring-timers.js';

export type NoLateContextCaptureMessageId = 'lateContextRead' | 'lateImplicitParent' | 'callbackInEndedSpan' | 'continuationInStaleContext';

/**
 * Issue #11 family 3, every manager: a caller's callback that a wrapper made inside a span's
 * callback calls after ending the span (detectors/no-late-context-capture/callbacks-in-span.ts);
 * and a middleware continuation run in the context captured before its layer ran
 * (no-late-context-capture/stale-continuations.ts).
 */
function createCallbackInSpanListeners(
  sourceCode: Readonly<TSESLint.SourceCode>,
  api: OtelApi,
  analysis: FileAnalysis,
  onFinding: (finding: Finding<NoLateContextCaptureMessageId>) => void,
): TSESLint.RuleListener {
  return {
    // The span scopes are the file's `startActiveSpan` and `context.with` calls, taken from the
    // calls the file analysis collects (in traversal order): no listener of its own per call.
    'Program:exit'() {
      const reported = new Set<TSESTree.Node>();
      for (const scope of analysis.callsAndAssignments) {
        if (scope.type !== AST_NODE_TYPES.CallExpression) continue;
        const stale = findStaleContinuation(sourceCode, api, scope);
        if (stale) {
          onFinding({
            messageId: 'continuationInStaleContext',
            data: { callback: stale.callback, captured: stale.node.name },
            node: stale.node,
            ...(stale.fix ? { fix: stale.fix } : {}),
          });
        }
        if (getSpanStartKind(scope) !== 'startActiveSpan' && !api.isApiCall(scope, 'context.with')) continue;
        for (const found of findCallbacksInSpan(sourceCode, api, scope, analysis.callsAndAssignments)) {
          if (reported.has(found.call)) continue;
          reported.add(found.call);
          onFinding({
            messageId: 'callbackInEndedSpan',
            data: { callback: found.callback, span: found.span },
            node: found.call.callee,
            ...(found.fix ? { fix: found.fix } : {}),
          });
        }
      }
    },
  };
}

type ReadKind = 'active' | 'activeSpan' | 'implicit';

/**
 * Where the capture goes: before a statement of a statement list, or into the expression body of
 * an arrow function (which then becomes a block: `=> { const ctx = ..; return <body>; }`).
 */
type Anchor = { kind: 'statement'; node: TSESTree.Node } | { kind: 'arrow-body'; arrow: TSESTree.ArrowFunctionExpression };

interface Boundary {
  /** How the message names it: `after an await`, `in a .then callback`, `in a setTimeout callback`. */
  text: string;
  anchor: Anchor | undefined;
}

interface LateRead {
  call: TSESTree.CallExpression;
  kind: ReadKind;
  inner: Boundary;
  outer: Boundary;
}

const LOOPS = new Set<string>([
  AST_NODE_TYPES.ForStatement, AST_NODE_TYPES.ForInStatement, AST_NODE_TYPES.ForOfStatement,
  AST_NODE_TYPES.WhileStatement, AST_NODE_TYPES.DoWhileStatement,
]);

export function createNoLateContextCaptureDetector(
  context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>,
  onFinding: (finding: Finding<NoLateContextCaptureMessageId>) => void,
): TSESLint.RuleListener {
  if (!fileMayContainTracedCode(context)) return {};
  const sourceCode = context.sourceCode;
  const api = getOtelApi(context);
  const manager = api.settings.contextManager;
  const awaitsLoseContext = manager === 'zone' || manager === 'stack';
  const { analysis, listeners } = useFileAnalysis(context);
  const spanScopes = createCallbackInSpanListeners(sourceCode, api, analysis, onFinding);
  // Under async-local-storage and async-hooks every late boundary this detector knows is a
  // callback that a binding rule owns (findBoundaries finds a boundary only after an await under
  // zone/stack, or in a deferred callback under stack): there is nothing to report, so nothing to
  // run — not even the three binding detectors that tell owned callbacks apart.
  if (!awaitsLoseContext) return mergeListeners(listeners, spanScopes);
  const candidates: { call: TSESTree.CallExpression; kind: ReadKind }[] = [];
  const awaitCache = new Map<FunctionNode, TSESTree.Node[]>();

  /** The `await`s (and `for await` loops) of `fn` itself, in source order. */
  function awaitsOf(fn: FunctionNode): TSESTree.Node[] {
    let list = awaitCache.get(fn);
    if (list) return list;
    list = [];
    const found = list;
    if (fn.async) {
      walk(fn.body, (node) => {
        if (isFunctionLike(node)) return false;
        if (node.type === AST_NODE_TYPES.AwaitExpression || (node.type === AST_NODE_TYPES.ForOfStatement && node.await)) found.push(node);
        return true;
      });
    }
    awaitCache.set(fn, list);
    return list;
  }

  function isAfterAwait(fn: FunctionNode, position: TSESTree.Node): boolean {
    return awaitsOf(fn).some((node) => {
      // `return await x` / `throw await x`: the function leaves right after it, so nothing of it
      // runs after that await — except a `finally` block around it.
      const exit = getExitAfter(node);
      if (exit && !contains(exit, position) && !inFinallyAround(node, position, fn)) return false;
      const end = node.type === AST_NODE_TYPES.ForOfStatement ? node.right.range[1] : node.range[1];
      if (end <= position.range[0]) return true;
      // `tracer.startActiveSpan(name, { attributes: await attrs }, fn)`: the arguments are
      // evaluated, and awaited, before the call reads the active context.
      if (position.type === AST_NODE_TYPES.CallExpression && position.arguments.some((argument) => contains(argument, node))) return true;
      for (let loop = node.parent; loop && loop !== fn; loop = loop.parent) {
        if (LOOPS.has(loop.type) && loop.range[0] <= position.range[0] && position.range[1] <= loop.range[1]) return true;
      }
      return false;
    });
  }

  /** The statement of a statement list that contains `node` (or the arrow body), without leaving its function. */
  /**
   * Where the capture goes for a boundary at `node`: before its statement, in the innermost
   * statement list that also holds `reader` (so that the capture is in scope at the read: an
   * `await` in a `try` block read from its `finally` is captured before the `try`).
   */
  function getAnchor(node: TSESTree.Node, reader?: TSESTree.Node): Anchor | undefined {
    for (let current: TSESTree.Node = node; current.parent; current = current.parent) {
      const parent: TSESTree.Node = current.parent;
      if (parent.type === AST_NODE_TYPES.BlockStatement || parent.type === AST_NODE_TYPES.SwitchCase) {
        if (reader && !contains(parent, reader)) continue;
        return { kind: 'statement', node: current };
      }
      if (parent.type === AST_NODE_TYPES.ArrowFunctionExpression && parent.body === current) return { kind: 'arrow-body', arrow: parent };
      if (parent.type === AST_NODE_TYPES.Program || isFunctionLike(parent)) return undefined;
    }
    return undefined;
  }

  function findBoundaries(read: TSESTree.CallExpression): { inner: Boundary; outer: Boundary } | undefined {
    let inner: Boundary | undefined;
    let outer: Boundary | undefined;
    const found = (boundary: Boundary) => {
      inner ??= boundary;
      outer = boundary;
    };
    let position: TSESTree.Node = read;
    for (let fn = getEnclosingFunction(read); fn; fn = getEnclosingFunction(fn)) {
      if (awaitsLoseContext && isAfterAwait(fn, position)) {
        const first = awaitsOf(fn)[0];
        found({ text: 'after an await', anchor: first && getAnchor(first, position) });
      }
      position = fn;
      if (getCallbackOwner(analysis, fn)) continue;
      const site = getCallOfArgument(fn);
      const call = site?.call.type === AST_NODE_TYPES.CallExpression ? site.call : undefined;
      if (manager === 'stack' && call) {
        const method = getMethodName(call);
        const timer = getTimerCall(api.resolver, call, true);
        const deferred =
          method !== undefined && PROMISE_METHODS.has(method)
            ? `in a .${method} callback`
            : timer?.kind === 'callback' && site?.index === 0
              ? `in a ${timer.name} callback`
              : undefined;
        if (timer?.kind === 'callback' && site?.index === 0 && (timer.repeats || reschedulesItself(sourceCode, api, timer))) return undefined;
        if (deferred !== undefined) {
          // Scheduled at module level: there is no caller's context to keep.
          if (!getEnclosingFunction(call)) return undefined;
          found({ text: deferred, anchor: getAnchor(call) });
          continue;
        }
      }
      if (isPassThroughCallback(api, fn)) continue;
      // zone.js runs a listener in the zone it was registered in (5a, 5b).
      if (manager === 'zone' && call && getListenerRegistration(sourceCode, call)?.listener === fn) continue;
      // A test runner calls its callbacks from the root context: there is no caller's context to keep.
      if (call && isTestRunnerCall(api, call)) return undefined;
      // `await load(); await retry(() => tracer.startSpan(..))`: a callback handed to a call made
      // after an await runs after it, whenever the callee runs it — unless the call gives it a
      // context of its own (`context.with`, a span helper, a zone's `run`)
      const outerFn = getEnclosingFunction(fn);
      if (awaitsLoseContext && call && outerFn && !getTracedCallback(api, fn) && !/^(?:run|runGuarded|runTask|wrap|bind|with)$/.test(getMethodName(call) ?? '') && isAfterAwait(outerFn, call)) {
        const first = awaitsOf(outerFn)[0];
        found({ text: 'after an await', anchor: first && getAnchor(first, fn) });
      }
      break;
    }
    return inner && outer ? { inner, outer } : undefined;
  }

  /**
   * The `return`/`throw` statement (or expression body of an arrow function) whose expression
   * holds `node` (an `await`): the function leaves once it is evaluated. Undefined otherwise.
   */
  function getExitAfter(node: TSESTree.Node): TSESTree.Node | undefined {
    let child: TSESTree.Node = node;
    for (let current: TSESTree.Node | undefined = node.parent; current; child = current, current = current.parent) {
      if (current.type === AST_NODE_TYPES.ReturnStatement || current.type === AST_NODE_TYPES.ThrowStatement) return current;
      if (current.type === AST_NODE_TYPES.ArrowFunctionExpression) return current.body === child && child.type !== AST_NODE_TYPES.BlockStatement ? child : undefined;
      if (isFunctionLike(current) || /Statement$|Declaration$/.test(current.type)) return undefined;
    }
    return undefined;
  }

  /** Whether `position` is in the `finally` block of a `try` (of `fn`) whose block holds `node`. */
  function inFinallyAround(node: TSESTree.Node, position: TSESTree.Node, fn: FunctionNode): boolean {
    for (let current: TSESTree.Node | undefined = node.parent; current && current !== fn; current = current.parent) {
      if (current.type === AST_NODE_TYPES.TryStatement && current.finalizer && contains(current.finalizer, position)) return true;
    }
    return false;
  }

  function readText(read: LateRead): string {
    if (read.kind !== 'implicit') return sourceCode.getText(read.call);
    return `${sourceCode.getText(read.call.callee)}(..)`;
  }

  /** Edits that make `read` use the captured `ctx`; undefined when it cannot be rewritten. */
  function rewriteRead(read: LateRead, ctx: string, traceName: string): Edit[] | undefined {
    const { call } = read;
    if (read.kind === 'active') return [{ range: call.range, text: ctx }];
    if (read.kind === 'activeSpan') {
      const callee = unwrapTypeScriptExpression(call.callee);
      const object = callee.type === AST_NODE_TYPES.MemberExpression ? sourceCode.getText(callee.object) : traceName;
      return [{ range: call.range, text: `${object}.getSpan(${ctx})` }];
    }
    const args = call.arguments;
    // a span helper recognised by usage: where it takes a parent context is its own business
    if (getUsageSpanCallback(call) || args.some((a) => a.type === AST_NODE_TYPES.SpreadElement)) return undefined;
    const [first, second, third] = args;
    if (getSpanStartKind(call) === 'startSpan') {
      if (args.length === 1 && first) return [{ range: [first.range[1], first.range[1]], text: `, undefined, ${ctx}` }];
      if (args.length === 2 && second) return [{ range: [second.range[1], second.range[1]], text: `, ${ctx}` }];
      return undefined;
    }
    if (args.length === 2 && second) return [{ range: [second.range[0], second.range[0]], text: `{}, ${ctx}, ` }];
    if (args.length === 3 && third) return [{ range: [third.range[0], third.range[0]], text: `${ctx}, ` }];
    return undefined;
  }

  function report(reads: LateRead[]): void {
    // One capture per statement list (before its earliest anchor) or arrow body; one fix for all reads behind it.
    const groups = new Map<TSESTree.Node, { anchor: Anchor; reads: LateRead[] }>();
    const unfixable: LateRead[] = [];
    for (const read of reads) {
      const anchor = read.outer.anchor;
      const key = anchor?.kind === 'statement' ? anchor.node.parent : anchor?.arrow;
      if (!anchor || !key) {
        unfixable.push(read);
        continue;
      }
      const group = groups.get(key);
      if (!group) groups.set(key, { anchor, reads: [read] });
      else {
        if (anchor.kind === 'statement' && group.anchor.kind === 'statement' && anchor.node.range[0] < group.anchor.node.range[0]) group.anchor = anchor;
        group.reads.push(read);
      }
    }
    const taken = new Set<string>();
    for (const group of groups.values()) {
      const needsTrace = group.reads.some((r) => r.kind === 'activeSpan' && unwrapTypeScriptExpression(r.call.callee).type !== AST_NODE_TYPES.MemberExpression);
      const refs = ensureApiMembers(sourceCode, api, needsTrace ? ['context', 'trace'] : ['context']);
      const existing = getExistingCapture(group.anchor);
      const ctx = existing ?? getFreeLocalName(sourceCode, 'ctx', taken);
      const rewrites = group.reads.map((read) => rewriteRead(read, ctx, refs.names.trace));
      const capture = existing === undefined ? captureEdits(group.anchor, `const ${ctx} = ${refs.names.context}.active();`) : [];
      const fix: Edit[] | undefined =
        capture && rewrites.every((r) => r !== undefined) ? [...refs.edits, ...capture, ...rewrites.flat()] : undefined;
      for (const read of group.reads) emit(read, fix);
    }
    for (const read of unfixable) emit(read, undefined);
  }

  /** `const ctx = context.active();` already written before the anchor in the same statement list (reused, never doubled). */
  function getExistingCapture(anchor: Anchor): string | undefined {
    if (anchor.kind !== 'statement') return undefined;
    const list = anchor.node.parent;
    const body = list?.type === AST_NODE_TYPES.BlockStatement ? list.body : list?.type === AST_NODE_TYPES.SwitchCase ? list.consequent : [];
    for (const statement of body) {
      if (statement === anchor.node) break;
      if (statement.type !== AST_NODE_TYPES.VariableDeclaration || statement.kind !== 'const') continue;
      for (const declarator of statement.declarations) {
        const init = declarator.init && unwrapTypeScriptExpression(declarator.init);
        if (declarator.id.type === AST_NODE_TYPES.Identifier && init?.type === AST_NODE_TYPES.CallExpression && api.isApiCall(init, 'context.active')) {
          return declarator.id.name;
        }
      }
    }
    return undefined;
  }

  function captureEdits(anchor: Anchor, statement: string): Edit[] | undefined {
    if (anchor.kind === 'statement') {
      const start = anchor.node.range[0];
      const lineStart = sourceCode.text.lastIndexOf('\n', start - 1) + 1;
      const before = sourceCode.text.slice(lineStart, start);
      const separator = /^\s*$/.test(before) ? `\n${before}` : ' ';
      return [{ range: [start, start], text: `${statement}${separator}` }];
    }
    // `(span) => p.then(..)` → `(span) => {\n  const ctx = ..;\n  return p.then(..);\n}`
    const arrowToken = sourceCode.getTokenBefore(anchor.arrow.body, { filter: (t) => t.value === '=>' });
    const first = arrowToken && sourceCode.getTokenAfter(arrowToken);
    if (!arrowToken || !first) return undefined;
    const base = indentBefore(sourceCode, anchor.arrow.range[0]);
    const inner = `${base}  `;
    return [
      { range: [arrowToken.range[1], first.range[0]], text: ` {\n${inner}${statement}\n${inner}return ` },
      { range: [anchor.arrow.range[1], anchor.arrow.range[1]], text: `;\n${base}}` },
    ];
  }

  function emit(read: LateRead, fix: Edit[] | undefined): void {
    onFinding({
      messageId: read.kind === 'implicit' ? 'lateImplicitParent' : 'lateContextRead',
      data: { read: readText(read), boundary: read.inner.text, manager },
      node: read.kind === 'implicit' ? read.call.callee : read.call,
      ...(fix ? { fix } : {}),
    });
  }

  return mergeListeners(mergeListeners(listeners, spanScopes), {
    CallExpression(node) {
      const path = api.calleePath(node);
      if (path === API('context.active')) candidates.push({ call: node, kind: 'active' });
      else if (path === API('trace.getActiveSpan')) candidates.push({ call: node, kind: 'activeSpan' });
      else if (awaitsLoseContext && getSpanStartKind(node) && !hasExplicitParentContext(node)) candidates.push({ call: node, kind: 'implicit' });
    },
    'Program:exit'() {
      const reads: LateRead[] = [];
      for (const candidate of candidates) {
        const boundaries = findBoundaries(candidate.call);
        if (boundaries) reads.push({ ...candidate, ...boundaries });
      }
      report(reads);
    },
  });
}
