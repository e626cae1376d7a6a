/**
 * Detector for `no-unpaired-context-attach`: imperative context changes that are not undone.
 *
 * - `context.attach(ctx)` (api 1.10) under `async-local-storage`: the token must be disposed on
 *   every path, normal and exceptional (8e), exactly once, and the attach must not run before
 *   the first `await` of an async function (8g: it leaks into the caller even when disposed).
 *   A token thrown away, or handed somewhere this detector cannot follow, is reported as such.
 * - `context.attach` under `async-hooks`, `zone` and `stack`: those managers do not implement
 *   it, so it does nothing (8f).
 * - `store.enterWith(value)` on any store, by the method name (8a–8c), except a reset, an enter
 *   undone in a `finally` (no-unpaired-context-attach/restores.ts), the body of a context-setter
 *   API (`setContext(ctx)`: no-unpaired-context-attach/setters.ts) and, unless `checkTests`, one in
 *   the body of a test, a hook or a suite; a bind whose result is
 *   thrown away (issue #11 families 6 and 7: no-unpaired-context-attach/binds.ts).
 * - `als.withScope(store)` (Node 24+): held by `using`, or paired like an attach token.
 *
 * Pairing is computed over ESLint's code paths (`code-paths.ts`). Exceptions that ESLint
 * does not model (any call, `await` or `throw` may leave the function) are checked per node: a
 * node that may throw while the token is live must sit in a `try` whose `finally` (or `catch`)
 * disposes the token.
 *
 * A token passed to a function of this file that calls `.dispose()` on that parameter counts as
 * disposed at that call. Out of scope: tokens kept in fields or collections, attach/detach split
 * across functions, disposal in the wrong (non-LIFO) order, `attach` before a `yield` of a sync
 * generator.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import type { FunctionNode } from '../analysis/ast.js';
import { contains, getEnclosingFunction, getMethodName, getMethodReceiver, isFunctionLike } from '../analysis/ast.js';
import { solveSegments, stateAtReturn, useSegmentRecorder } from '../analysis/code-paths.js';
import type { RecordedCodePath } from '../analysis/code-paths.js';
import { buildRunInsteadOfEnterWith, buildTryFinally, buildWrapInCallback } from '../edits/try-finally.js';
import type { Finding, FindingSuggestion } from '../findings.js';
import { API, fileMentions, getOtelApi, isAsyncLocalStorageInstance } from '../analysis/otel-api.js';
import { methodCallAttributes } from '../analysis/spans.js';
import { fileMayContainFinding, mayHoldFieldSwap } from '../triggers.js';
import { getFreeNameAt } from '../edits/names.js';
import type { OtelApi } from '../analysis/otel-api.js';
import { resolveFunction } from '../analysis/traced-code.js';
import { isInTestCode } from '../analysis/test-runner.js';
import { findThrownAwayBind, isLocalNonStore, isScopePrimitive, isTransparent } from './no-unpaired-context-attach/binds.js';
import { isRestoredEnterWith, isStoreReset } from './no-unpaired-context-attach/restores.js';
import { isSplitEnterRestorePair } from './no-unpaired-context-attach/split-restores.js';
import { isInContextSetter } from './no-unpaired-context-attach/setters.js';
import { FIELD_RESTORE, findFieldSwap, findHolderSwap, findStackSwap, HOLDER_RESTORE, STACK_POP } from './no-unpaired-context-attach/field-swaps.js';
import { getBinding, getDisposeCall } from './no-unpaired-context-attach/tokens.js';
import { findUnpairedAmbientWrite } from './no-unpaired-context-attach/ambient-writes.js';
import { contextApiMethods } from '../analysis/context-apis.js';
import type { Binding } from './no-unpaired-context-attach/tokens.js';

export type NoUnpairedContextAttachMessageId =
  | 'attachNotImplemented'
  | 'attachBeforeAwait'
  | 'discardedToken'
  | 'undisposedToken'
  | 'tokenDisposedTwice'
  | 'escapingToken'
  | 'nonDisposableToken'
  | 'enterWithLeak'
  | 'discardedBind' | 'unusedBind' | 'assignBound' | 'passBound'
  | 'useContextWith' | 'useAlsRun'
  | 'fieldRestoreSkippedOnThrow'
  | 'ambientWriteLeak' | 'ambientRestoreSkippedOnThrow';

type AttachKind = 'context.attach' | 'als.withScope';

interface AttachSite {
  kind: AttachKind;
  call: TSESTree.CallExpression;
  /** `context.attach()`, `requestStore.withScope()`. */
  label: string;
  binding: Binding;
  owner: FunctionNode | undefined;
}

const LIVE_UNATTACHED = 1;
const LIVE = 2;
const DISPOSED = 4;
const NOT_AWAITED = 1;
const AWAITED = 2;

export interface NoUnpairedContextAttachOptions {
  /** Also report an `enterWith` written in the body of a test, a hook or a suite. */
  checkTests: boolean;
}

export function createNoUnpairedContextAttachDetector(
  context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>,
  options: NoUnpairedContextAttachOptions,
  onFinding: (finding: Finding<NoUnpairedContextAttachMessageId>) => void,
): TSESLint.RuleListener {
  // a hand-rolled context field saved and put back around the work (field-swaps.ts) lives in
  // tracers' and libraries' own code, with no trigger of the other checks
  const fieldSwaps = mayHoldFieldSwap(context.sourceCode.text) ? fieldSwapListeners(context.sourceCode, onFinding) : {};
  if (!fileMayContainFinding(context, 'no-unpaired-context-attach')) return fieldSwaps;
  const sourceCode = context.sourceCode;
  const api = getOtelApi(context);
  const manager = api.settings.contextManager;
  const sites = new Map<TSESTree.CallExpression, AttachSite>();
  // Tokens to pair come only from calls spelled `.attach(` or `.withScope(` (`enterWith` is reported
  // where it is called): a file without either (or an escaped name) has no code path worth recording.
  const recorder = PAIRED_METHODS.some((method) => fileMentions(sourceCode, method)) || fileMentions(sourceCode, '\\u') ? useSegmentRecorder(context, analyze) : undefined;

  function analyze(recorded: RecordedCodePath): void {
    const inPath = new Set<AttachSite>();
    for (const nodes of recorded.nodesBySegment.values()) {
      for (const node of nodes) {
        const site = node.type === AST_NODE_TYPES.CallExpression ? sites.get(node) : undefined;
        if (site) inPath.add(site);
      }
    }
    if (inPath.size === 0) return;
    const fn = isFunctionLike(recorded.node) ? recorded.node : undefined;
    const beforeAwait = new Set<AttachSite>();
    if (fn?.async) {
      solveSegments(recorded, NOT_AWAITED, (state, node, report) => {
        if (isSuspension(node)) return AWAITED;
        const site = node.type === AST_NODE_TYPES.CallExpression ? sites.get(node) : undefined;
        if (report && site && state & NOT_AWAITED) beforeAwait.add(site);
        return state;
      });
    }
    for (const site of inPath) {
      if (beforeAwait.has(site)) reportBeforeAwait(site);
      else checkSite(site, recorded);
    }
  }

  function alternative(site: AttachSite): { messageId: 'useContextWith' | 'useAlsRun'; head: string } | undefined {
    const arg = site.call.arguments[0];
    const receiver = getMethodReceiver(site.call);
    if (!arg || arg.type === AST_NODE_TYPES.SpreadElement || !receiver) return undefined;
    const method = site.kind === 'context.attach' ? 'with' : 'run';
    return {
      messageId: site.kind === 'context.attach' ? 'useContextWith' : 'useAlsRun',
      head: `${sourceCode.getText(receiver)}.${method}(${sourceCode.getText(arg)}, `,
    };
  }

  function suggestions(site: AttachSite, disposeCalls: readonly TSESTree.CallExpression[]): FindingSuggestion<NoUnpairedContextAttachMessageId>[] {
    const alt = alternative(site);
    if (!alt || site.binding.kind === 'escape' || site.binding.kind === 'using') return [];
    const fix = buildWrapInCallback(sourceCode, site.binding.statement, alt.head, disposeCalls);
    return fix ? [{ messageId: alt.messageId, data: { head: `${alt.head.slice(0, -2)}, ..)` }, fix }] : [];
  }

  function alternativeText(site: AttachSite, isAsync: boolean): string {
    const alt = alternative(site);
    const head = alt ? alt.head.slice(0, alt.head.indexOf('(')) : site.kind === 'context.attach' ? 'context.with' : 'als.run';
    return `${head}(${site.kind === 'context.attach' ? 'ctx' : 'store'}, ${isAsync ? 'async ' : ''}() => ..)`;
  }

  function reportBeforeAwait(site: AttachSite): void {
    const disposeCalls = site.binding.kind === 'variable' ? classifyReferences(site).disposeCalls : [];
    onFinding({
      messageId: 'attachBeforeAwait',
      data: { call: site.label, alternative: alternativeText(site, true) },
      node: site.call.callee,
      suggestions: suggestions(site, disposeCalls),
    });
  }

  interface References {
    disposeCalls: TSESTree.CallExpression[];
    escape: string | undefined;
  }

  function classifyReferences(site: AttachSite): References {
    const result: References = { disposeCalls: [], escape: undefined };
    if (site.binding.kind !== 'variable') return result;
    for (const reference of site.binding.variable.references) {
      const id = reference.identifier;
      if (reference.init || (reference.isWrite() && contains(site.binding.statement, id))) continue;
      if (reference.isWrite()) {
        result.escape ??= 'is reassigned';
        continue;
      }
      if (getEnclosingFunction(id) !== site.owner) {
        result.escape ??= 'is used inside a nested function';
        continue;
      }
      const dispose = getDisposeCall(id) ?? getHelperDisposeCall(id);
      if (dispose) {
        result.disposeCalls.push(dispose);
        continue;
      }
      result.escape ??= describeEscape(id);
    }
    return result;
  }

  function getHelperDisposeCall(id: TSESTree.Node): TSESTree.CallExpression | undefined {
    const call = id.parent;
    if (call?.type !== AST_NODE_TYPES.CallExpression) return undefined;
    const index = call.arguments.indexOf(id as TSESTree.CallExpressionArgument);
    const helper = index === -1 ? undefined : resolveFunction(sourceCode, call.callee);
    const param = helper?.params[index];
    if (param?.type !== AST_NODE_TYPES.Identifier) return undefined;
    const variable = sourceCode.getDeclaredVariables(helper as FunctionNode).find((v) => v.name === param.name);
    return variable?.references.some((r) => getDisposeCall(r.identifier) !== undefined) ? call : undefined;
  }

  function describeEscape(id: TSESTree.Node): string {
    let node: TSESTree.Node = id;
    while (node.parent && isTransparent(node.parent)) node = node.parent;
    const parent = node.parent;
    if (parent?.type === AST_NODE_TYPES.ReturnStatement || parent?.type === AST_NODE_TYPES.ArrowFunctionExpression) return 'is returned';
    if ((parent?.type === AST_NODE_TYPES.CallExpression || parent?.type === AST_NODE_TYPES.NewExpression) && parent.callee !== node) {
      return `is passed to '${sourceCode.getText(parent.callee)}'`;
    }
    return 'is stored or passed on';
  }

  function checkSite(site: AttachSite, recorded: RecordedCodePath): void {
    const { binding } = site;
    if (binding.kind === 'using') {
      if (site.kind === 'context.attach') onFinding({ messageId: 'nonDisposableToken', data: { call: site.label }, node: site.call.callee });
      return;
    }
    if (binding.kind === 'escape') {
      onFinding({ messageId: 'escapingToken', data: { call: site.label, how: binding.how, alternative: alternativeText(site, false) }, node: site.call.callee });
      return;
    }
    if (binding.kind === 'discarded') {
      const name = getFreeNameAt(sourceCode, binding.statement, site.kind === 'context.attach' ? 'token' : 'scope');
      const fix = buildTryFinally(sourceCode, binding.statement, `${name}.dispose()`, [], name);
      onFinding({
        messageId: 'discardedToken',
        data: { call: site.label },
        node: site.call.callee,
        ...(fix ? { fix } : {}),
        suggestions: suggestions(site, []),
      });
      return;
    }
    const { disposeCalls, escape } = classifyReferences(site);
    if (escape !== undefined) {
      onFinding({ messageId: 'escapingToken', data: { call: site.label, how: escape, alternative: alternativeText(site, false) }, node: site.call.callee });
      return;
    }
    const disposeSet = new Set(disposeCalls);
    const token = binding.variable.name;
    const twice = new Set<TSESTree.CallExpression>();
    let reattached = false;
    let throwsWhileLive = false;
    const out = solveSegments(recorded, LIVE_UNATTACHED, (state, node, report) => {
      if (node === site.call) {
        if (report && state & LIVE) reattached = true;
        return LIVE;
      }
      if (node.type === AST_NODE_TYPES.CallExpression && disposeSet.has(node)) {
        if (report && state & DISPOSED) twice.add(node);
        return (state & LIVE_UNATTACHED) | (state & (LIVE | DISPOSED) ? DISPOSED : 0);
      }
      if (report && state & LIVE && !throwsWhileLive && mayThrow(node) && !isProtected(node, site, disposeSet)) throwsWhileLive = true;
      return state;
    });
    const leaksOnReturn = (stateAtReturn(recorded, out) & LIVE) !== 0 || reattached;
    if (leaksOnReturn || throwsWhileLive) {
      const dispose = disposeCalls.length === 1 ? disposeCalls[0] : undefined;
      const fix =
        disposeCalls.length === 0 || dispose
          ? buildTryFinally(sourceCode, binding.statement, dispose ? sourceCode.getText(dispose) : `${token}.dispose()`, disposeCalls, undefined)
          : undefined;
      onFinding({
        messageId: 'undisposedToken',
        data: { call: site.label, token, when: leaksOnReturn ? 'on every path' : 'when the code that follows it throws' },
        node: site.call.callee,
        ...(fix ? { fix } : {}),
        suggestions: suggestions(site, disposeCalls),
      });
    }
    for (const call of twice) onFinding({ messageId: 'tokenDisposedTwice', data: { token }, node: call });
  }

  function mayThrow(node: TSESTree.Node): boolean {
    if (node.type === AST_NODE_TYPES.CallExpression) return !sites.has(node) && getMethodName(node) !== 'dispose';
    return node.type === AST_NODE_TYPES.NewExpression || node.type === AST_NODE_TYPES.AwaitExpression || node.type === AST_NODE_TYPES.ThrowStatement;
  }

  /** An exception at `node` reaches a `finally` or `catch` that disposes the token, or a `catch` that ESLint's paths continue from. */
  function isProtected(node: TSESTree.Node, site: AttachSite, disposeCalls: Set<TSESTree.CallExpression>): boolean {
    const disposesIn = (block: TSESTree.Node | null): boolean => block !== null && [...disposeCalls].some((call) => contains(block, call));
    let previous: TSESTree.Node = node;
    for (let current = node.parent; current && current !== site.owner; previous = current, current = current.parent) {
      if (current.type !== AST_NODE_TYPES.TryStatement) continue;
      // an exception in the `catch` still runs the `finally`; one in the `finally` leaves the statement
      if (previous === current.handler) {
        if (disposesIn(current.handler) || disposesIn(current.finalizer)) return true;
        continue;
      }
      if (previous === current.finalizer) {
        if (disposesIn(previous)) return true;
        continue;
      }
      if (disposesIn(current.finalizer) || disposesIn(current.handler)) return true;
      if (current.handler) return !contains(current.block, site.call);
    }
    return false;
  }

  function reportEnterWith(call: TSESTree.CallExpression): void {
    const receiver = getMethodReceiver(call);
    const store = receiver ? sourceCode.getText(receiver) : 'als';
    const fix = buildRunInsteadOfEnterWith(sourceCode, call);
    onFinding({
      messageId: 'enterWithLeak',
      data: { store },
      node: call.callee,
      ...(fix ? { suggestions: [{ messageId: 'useAlsRun', data: { head: `${store}.run(store, ..)` }, fix }] } : {}),
    });
  }

  function register(call: TSESTree.CallExpression, kind: AttachKind): void {
    const receiver = getMethodReceiver(call);
    const label = kind === 'context.attach' ? 'context.attach()' : `${receiver ? sourceCode.getText(receiver) : 'als'}.withScope()`;
    const site: AttachSite = { kind, call, label, binding: getBinding(sourceCode, call), owner: getEnclosingFunction(call) };
    if (kind === 'context.attach' && manager !== 'async-local-storage') {
      const alt = alternative(site);
      const fix = alt && site.binding.kind !== 'escape' && site.binding.kind !== 'using'
        ? buildWrapInCallback(sourceCode, site.binding.statement, alt.head, site.binding.kind === 'variable' ? classifyReferences(site).disposeCalls : [])
        : undefined;
      onFinding({
        messageId: 'attachNotImplemented',
        data: { manager },
        node: call.callee,
        ...(alt && fix ? { suggestions: [{ messageId: alt.messageId, data: { head: `${alt.head.slice(0, -2)}, ..)` }, fix }] } : {}),
      });
      return;
    }
    sites.set(call, site);
  }

  const onCallExit = (node: TSESTree.CallExpression): void => {
    const kind = getCallKind(api, node);
    // a bind whose result is thrown away; a tracer's or library's in-place write (ambient-writes.ts)
    // (the in-place write first: most calls are none, and the test-code walk is the dearer question)
    const other = kind ? undefined : findThrownAwayBind(sourceCode, api, node) ?? findUnpairedAmbientWrite(sourceCode, node);
    if (other && (other.messageId.startsWith('ambient') ? options.checkTests || !isInTestCode(api, node) : true)) onFinding(other);
    // test scaffolding (a test or hook entering the store its code under test reads) unless asked
    if (kind === 'als.enterWith') {
      if (options.checkTests || !isInTestCode(api, node)) reportEnterWith(node);
    }
    else if (kind) register(node, kind);
    recorder?.record(node);
  };
  // Without a recording only the calls getCallKind and findThrownAwayBind look at matter.
  if (!recorder) return { ...fieldSwaps, [`CallExpression:matches(${methodCallAttributes('', CALL_METHODS)}):exit`]: onCallExit };
  const record = (node: TSESTree.Node): void => recorder.record(node);
  const recorded = ['NewExpression:exit', 'AwaitExpression:exit', 'YieldExpression:exit', 'ThrowStatement', 'ForOfStatement[await=true]'];
  return { ...fieldSwaps, ...recorder.listeners, 'CallExpression:exit': onCallExit, ...Object.fromEntries(recorded.map((selector) => [selector, record])) };
}

function fieldSwapListeners(
  sourceCode: Readonly<TSESLint.SourceCode>,
  onFinding: (finding: Finding<NoUnpairedContextAttachMessageId>) => void,
): TSESLint.RuleListener {
  const report = (swap: ReturnType<typeof findFieldSwap>): void => {
    if (swap) onFinding({ messageId: 'fieldRestoreSkippedOnThrow', data: { field: swap.field, call: swap.call }, node: swap.restore, ...(swap.fix ? { fix: swap.fix } : {}) });
  };
  return {
    [FIELD_RESTORE]: (node: TSESTree.AssignmentExpression) => report(findFieldSwap(sourceCode, node)),
    // the same with a closure or module variable as the holder
    [HOLDER_RESTORE]: (node: TSESTree.AssignmentExpression) => report(findHolderSwap(sourceCode, node)),
    [STACK_POP]: (node: TSESTree.CallExpression) => report(findStackSwap(sourceCode, node)),
  };
}

/** Methods whose calls make a token to pair (getCallKind), and every method getCallKind and getBindKind (binds.ts) look at. */
const PAIRED_METHODS = ['attach', 'withScope'];
const CALL_METHODS = [...new Set(['attach', 'enterWith', 'withScope', 'bind', ...contextApiMethods(['binder', 'ambient-write'])])];

function isSuspension(node: TSESTree.Node): boolean {
  return (
    node.type === AST_NODE_TYPES.AwaitExpression ||
    node.type === AST_NODE_TYPES.YieldExpression ||
    (node.type === AST_NODE_TYPES.ForOfStatement && node.await)
  );
}

function getCallKind(api: OtelApi, call: TSESTree.CallExpression): AttachKind | 'als.enterWith' | undefined {
  const method = getMethodName(call);
  if (method === 'attach') return api.calleePath(call) === API('context.attach') ? 'context.attach' : undefined;
  if (method !== 'enterWith' && method !== 'withScope') return undefined;
  const receiver = getMethodReceiver(call);
  if (!receiver) return undefined;
  if (method === 'enterWith') {
    const paired =
      isLocalNonStore(api, receiver) ||
      isScopePrimitive(call) ||
      isStoreReset(call) ||
      isRestoredEnterWith(api.sourceCode, call) ||
      isInContextSetter(call) ||
      isSplitEnterRestorePair(api.sourceCode, call);
    return paired ? undefined : 'als.enterWith';
  }
  return isAsyncLocalStorageInstance(api, receiver) ? 'als.withScope' : undefined;
}
