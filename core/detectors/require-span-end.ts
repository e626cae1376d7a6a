/**
 * Detector for `require-span-end`: a span from `tracer.startSpan(..)` or the span handed to a
 * `startActiveSpan` callback must be ended on every path out of the function that owns it,
 * exceptional paths included. Paths come from ESLint's code-path analysis (`createPairingTracker`);
 * a call that may throw outside any `try` whose `finally`/`catch` ends the span is an exceptional
 * path that code paths do not model, found by `findUnprotectedThrowingNodes`.
 *
 * A `startActiveSpan` callback with no parameter that never reads the active span (nor
 * `arguments`) cannot end its span at all: reported as such, without a suggestion.
 *
 * Not this function's to end (skipped): a span returned, stored, passed to a function other than
 * `trace.setSpan` (unless this function ends it itself and the function's name does not say it
 * ends it: `recordSpanException(span, error); span.end();`), put into a context that outlives the function (given to a function by
 * `context.bind`, or used in a function the owner returns), or
 * ended inside a callback (handed over to whoever runs it).
 *
 * Out of scope: spans held in `let` variables that are reassigned, in object properties or class
 * fields; `startActiveSpan` with a callback that is not written inline.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, ASTUtils } from '@typescript-eslint/utils';
import type { FunctionNode } from '../analysis/ast.js';
import { getEnclosingFunction, getMethodName, getMethodReceiver, isFunctionLike, unwrapTypeScriptExpression } from '../analysis/ast.js';
import type { Finding } from '../findings.js';
import { API, getOtelApi, getSpanStartKind, getUsageSpanCallback, usageSpanCallbackEnds } from '../analysis/otel-api.js';
import { ACTIVE_SPAN_CALLBACK, methodCallAttributes, SPAN_START_DECLARATOR } from '../analysis/spans.js';
import { fileMayContainFinding } from '../triggers.js';
import type { OtelApi } from '../analysis/otel-api.js';
import { createPairingTracker, findUnprotectedThrowingNodes } from './require-span-end/pairing.js';
import { suggestFinally } from './require-span-end/suggest-finally.js';
import { isHandedOver, SPAN_METHODS } from './require-span-end/hand-over.js';
import { findFulfilOnlyPromise } from './require-span-end/fulfil-only.js';
import type { ThrowingNode } from './require-span-end/pairing.js';
import { collectEndSites, mayReachActiveSpan } from './require-span-end/end-sites.js';
import { findContinuationOnlyEnd, findHeldByResource } from './require-span-end/callback-ends.js';
import { findEndingCallbackMiss } from './require-span-end/made-callbacks.js';
import { createRunsAtOnce, findSettledChainThrow } from './require-span-end/settled-chain.js';
import { getTimerCall } from '../analysis/timers.js';
import { isInTestCode, isInTestScript } from '../analysis/test-runner.js';
import { resolveFunction } from '../analysis/traced-code.js';

export interface RequireSpanEndOptions {
  /** Also report a synchronous call that may throw between the start and `span.end()` (`strict`). */
  checkSyncCalls: boolean;
  /**
   * Also report, inside the body of a test, a hook or a suite (`strict`): a span never ended or
   * thrown away (tests start parents only to make a context, and an open parent keeps it out of the
   * in-memory exporter they assert on), and an `await`/call that may skip the end (a rejection
   * fails the test). A normal path that leaves the span open is reported in tests too.
   */
  checkTests: boolean;
}

export type RequireSpanEndMessageId =
  | 'spanNeverEnded'
  | 'spanNotEndedOnEveryPath'
  | 'spanNotEndedOnException'
  | 'spanNotEndedOnThrow'
  | 'spanDiscarded'
  | 'activeSpanUnreachable'
  | 'spanEndedOnlyInContinuation'
  | 'spanHeldByResource'
  | 'spanEndedOnlyInUnusedFunction'
  | 'spanEndedOnlyInCallbackOnSomePaths'
  | 'endSpanInFinally';

type Variable = TSESLint.Scope.Variable;

interface Acquired {
  variable: Variable;
  /** Where the span comes from: the `startSpan` call or the `startActiveSpan` callee. */
  reportNode: TSESTree.Node;
  /** Code after this node owns the span. */
  from: TSESTree.Node;
  fn: FunctionNode | TSESTree.Program;
  /** The statements that a `try { .. } finally { span.end(); }` would wrap. */
  rest: TSESTree.Statement[];
}

export function createRequireSpanEndDetector(
  context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>,
  options: RequireSpanEndOptions,
  onFinding: (finding: Finding<RequireSpanEndMessageId>) => void,
): TSESLint.RuleListener {
  if (!fileMayContainFinding(context, 'require-span-end')) return {};
  const sourceCode = context.sourceCode;
  const api = getOtelApi(context);
  /** Test scaffolding: the body of a test, hook or suite, or the script code of a test file or fixture script. */
  const inTests = (node: TSESTree.Node): boolean => isInTestCode(api, node) || isInTestScript(context.filename, node);
  const acquired = new Map<Variable, Acquired>();
  /** One statement, one finding: an `await` that leaves two nested spans open is named once. */
  const named = new Set<TSESTree.Node>();
  const runsAtOnce = createRunsAtOnce(api);

  const pairing = createPairingTracker<Variable>({
    context,
    onComplete(result) {
      const info = acquired.get(result.key);
      if (!info) return;
      if (checkEndedInCallbacks(info, result.releases.length > 0)) return;
      if (result.releasesElsewhere.length > 0) {
        if (result.releases.length === 0 && !checkEndedOnFulfilOnly(info, result.releasesElsewhere) && !checkEndedInAsyncCallback(info, result.releasesElsewhere)) {
          checkSettledChain(info, result.releasesElsewhere);
        }
        return;
      }
      if (isHandedOver(api, info.variable)) return;
      const name = info.variable.name;
      // built only for a finding (most spans are ended on every path): the same suggestion, computed where it is reported
      const suggestions = (): ReturnType<typeof suggestFinally> => suggestFinally(sourceCode, info, result.releases);
      if (result.releases.length === 0) {
        if (!options.checkTests && inTests(info.reportNode)) return;
        onFinding({ messageId: 'spanNeverEnded', data: { span: name }, node: info.reportNode, suggestions: suggestions() });
        return;
      }
      const throwing = findUnprotectedThrowingNodes(
        info.fn,
        info.from,
        result.releases,
        (node) => isSafe(api, info.variable, node) || isOtherSpanMethodCall(node),
        options.checkSyncCalls ? runsAtOnce : undefined,
      );
      // `await` / `yield` first (the real bug: async work rejects, a consumer stops iterating); a
      // synchronous call only with checkSyncCalls. ESLint's code paths count a `yield` as a possible
      // exit of a generator: it is named as the `yield`, not as "a return".
      const suspension = throwing.find((node) => isSuspension(node) && !cannotReject(node));
      if (!(suspension?.type === AST_NODE_TYPES.YieldExpression) && (result.leaksOnReturn || result.leaksOnThrow)) {
        onFinding({
          messageId: 'spanNotEndedOnEveryPath',
          data: { span: name, exit: result.leaksOnReturn ? 'a return' : 'a throw' },
          node: info.reportNode,
          suggestions: suggestions(),
        });
        return;
      }
      const culprit = suspension ?? (options.checkSyncCalls ? throwing.find((node) => !isSuspension(node) && !isInsideSuspension(node) && !returnsPromise(node)) : undefined);
      if (!culprit || named.has(culprit)) return;
      // in a test, a rejection fails the test: the span it leaves open is never looked at
      if (!options.checkTests && inTests(info.reportNode)) return;
      named.add(culprit);
      const call = shorten(sourceCode.getText(culprit));
      if (culprit.type === AST_NODE_TYPES.AwaitExpression || culprit.type === AST_NODE_TYPES.YieldExpression) {
        const how = culprit.type === AST_NODE_TYPES.AwaitExpression ? 'rejects' : 'is where the consumer stops';
        onFinding({ messageId: 'spanNotEndedOnException', data: { span: name, call, how }, node: info.reportNode, suggestions: suggestions() });
      } else {
        onFinding({ messageId: 'spanNotEndedOnThrow', data: { span: name, call }, node: info.reportNode, suggestions: suggestions() });
      }
    },
  });

  /** A span ended only in `.then` fulfilment handlers of its function (require-span-end/fulfil-only.ts): a rejection leaves it open. */
  function checkEndedOnFulfilOnly(info: Acquired, releases: readonly TSESTree.Node[]): boolean {
    const promise = findFulfilOnlyPromise(info.fn, releases);
    if (!promise || isHandedOver(api, info.variable) || named.has(promise)) return false;
    if (!options.checkTests && inTests(info.reportNode)) return false;
    named.add(promise);
    onFinding({
      messageId: 'spanNotEndedOnException',
      data: { span: info.variable.name, call: shorten(sourceCode.getText(promise)), how: 'rejects' },
      node: info.reportNode,
    });
    return true;
  }

  /**
   * A span ended (only) inside one async callback written in its function, after an `await` that
   * no `finally` protects, where the function returns what the call running the callback returns
   * (a wrapper): `return tracer.withSpan(span, async () => { await next(); span.end(); })`. The
   * callback is the span's scope; a rejection there skips the end() the same way (contrib's koa
   * wrapper before f8d86869). Callbacks that end it without awaiting first (`.then(() => span.end())`,
   * a `finish` listener) are a hand-over, as before.
   */
  function checkEndedInAsyncCallback(info: Acquired, releases: readonly TSESTree.Node[]): boolean {
    const callback = releases.length === 1 && releases[0] ? getEnclosingFunction(releases[0]) : undefined;
    if (!callback?.async || callback.body.type !== AST_NODE_TYPES.BlockStatement || getEnclosingFunction(callback) !== info.fn) return false;
    // `withSpan(span, callback)`: the span handed to the call that runs the callback is still this function's
    const site = callback.parent?.type === AST_NODE_TYPES.CallExpression ? callback.parent : undefined;
    if (!site || isHandedOver(api, info.variable, site)) return false;
    // the wrapper shape only: the call's result is what the function returns (tests that run an
    // awaited request in `context.with(.., async () => { await get(); root.end(); })` are left alone)
    const returned = site.parent?.type === AST_NODE_TYPES.ReturnStatement || (site.parent?.type === AST_NODE_TYPES.ArrowFunctionExpression && site.parent.body === site);
    if (!returned) return false;
    const start = { range: [callback.body.range[0], callback.body.range[0] + 1] } as TSESTree.Node;
    const throwing = findUnprotectedThrowingNodes(callback, start, releases, (node) => isSafe(api, info.variable, node) || isOtherSpanMethodCall(node));
    const culprit = throwing.find((node) => node.type === AST_NODE_TYPES.AwaitExpression && !cannotReject(node));
    if (!culprit || named.has(culprit)) return false;
    if (!options.checkTests && inTests(info.reportNode)) return false;
    named.add(culprit);
    const suggestions = suggestFinally(sourceCode, { ...info, rest: callback.body.body }, releases);
    onFinding({
      messageId: 'spanNotEndedOnException',
      data: { span: info.variable.name, call: shorten(sourceCode.getText(culprit)), how: 'rejects' },
      // at the await: it is in another function than the span's start
      node: culprit,
      suggestions,
    });
    return true;
  }

  /**
   * An `end()` in a callback ends the span only where the callback is sure to run
   * (require-span-end/callback-ends.ts): a continuation proxy handed to the caller's middleware,
   * or a listener on a resource the caller then holds while sibling paths end the span.
   */
  function checkEndedInCallbacks(info: Acquired, endsInOwnBody: boolean): boolean {
    if (!options.checkTests && inTests(info.reportNode)) return false;
    const found = collectEndSites(sourceCode, info.variable);
    const held = findHeldByResource(sourceCode, found);
    if (held && !named.has(held.node)) {
      named.add(held.node);
      onFinding({ messageId: 'spanHeldByResource', data: { span: info.variable.name, resource: held.resource, event: held.event, to: held.to }, node: held.node });
      return true;
    }
    const continuation = endsInOwnBody ? undefined : findContinuationOnlyEnd(sourceCode, info.fn, found);
    if (!continuation) return endsInOwnBody ? false : checkEndingCallbackMade(info, found);
    onFinding({ messageId: 'spanEndedOnlyInContinuation', data: { span: info.variable.name, slot: continuation.slot }, node: info.reportNode });
    return true;
  }

  /** Every `end()` is in a callback made only on some paths, or kept where nothing runs it (require-span-end/made-callbacks.ts). */
  function checkEndingCallbackMade(info: Acquired, found: ReturnType<typeof collectEndSites>): boolean {
    const miss = findEndingCallbackMiss(api, info.variable, info.fn, info.from, found);
    if (miss) onFinding({ ...miss, node: info.reportNode });
    return miss !== undefined;
  }

  /** `strict`: a span ended only in the handlers of one promise chain, and a call that may throw before they are attached or before their `end()`. */
  function checkSettledChain(info: Acquired, releases: readonly TSESTree.Node[]): void {
    if (!options.checkSyncCalls) return;
    const culprit = findSettledChainThrow(info.fn, info.from, releases, (node) => isSafe(api, info.variable, node) || isOtherSpanMethodCall(node) || returnsPromise(node), runsAtOnce);
    if (!culprit || named.has(culprit) || (!options.checkTests && inTests(info.reportNode))) return;
    named.add(culprit);
    onFinding({ messageId: 'spanNotEndedOnThrow', data: { span: info.variable.name, call: shorten(sourceCode.getText(culprit)) }, node: info.reportNode });
  }

  /**
   * An `await` of work that cannot reject: a timer sleep (`node:timers/promises`), or
   * `new Promise((resolve) => setTimeout(resolve, ms))` (an executor that only schedules `resolve`).
   */
  function cannotReject(node: ThrowingNode): boolean {
    if (node.type !== AST_NODE_TYPES.AwaitExpression) return false;
    const awaited = unwrapTypeScriptExpression(node.argument);
    if (awaited.type === AST_NODE_TYPES.CallExpression) {
      const timer = getTimerCall(api.resolver, awaited, true);
      return timer?.kind === 'promise' && timer.name !== 'setInterval' && !hasSignalOption(awaited);
    }
    if (awaited.type !== AST_NODE_TYPES.NewExpression || api.resolver.pathOf(awaited.callee) !== 'global:Promise') return false;
    const executor = awaited.arguments[0];
    if (!executor || (executor.type !== AST_NODE_TYPES.ArrowFunctionExpression && executor.type !== AST_NODE_TYPES.FunctionExpression)) return false;
    const resolve = executor.params[0];
    if (executor.params.length !== 1 || resolve?.type !== AST_NODE_TYPES.Identifier) return false;
    let body: TSESTree.Node = executor.body;
    if (body.type === AST_NODE_TYPES.BlockStatement) {
      const only = body.body.length === 1 ? body.body[0] : undefined;
      if (only?.type !== AST_NODE_TYPES.ExpressionStatement) return false;
      body = only.expression;
    }
    const call = unwrapTypeScriptExpression(body);
    if (call.type !== AST_NODE_TYPES.CallExpression || getTimerCall(api.resolver, call)?.kind !== 'callback') return false;
    const callback = call.arguments[0];
    return callback?.type === AST_NODE_TYPES.Identifier && callback.name === resolve.name;
  }

  /** A call that returns a promise (it rejects later instead of throwing here): a `.then` chain, `new Promise`, `Promise.*`, an async function of the file. */
  function returnsPromise(node: ThrowingNode): boolean {
    if (node.type === AST_NODE_TYPES.NewExpression) return api.resolver.pathOf(node.callee) === 'global:Promise';
    if (node.type !== AST_NODE_TYPES.CallExpression) return false;
    const method = getMethodName(node);
    if (method === 'then' || method === 'catch' || method === 'finally') return true;
    if (api.calleePath(node)?.startsWith('global:Promise.')) return true;
    if (getTimerCall(api.resolver, node)?.kind === 'promise') return true;
    const fn = resolveFunction(sourceCode, node.callee);
    return fn?.async === true;
  }

  /** `other.end()`, `other.setAttribute(..)` on another span of this file: span methods never throw (API contract). */
  function isOtherSpanMethodCall(node: ThrowingNode): boolean {
    if (node.type !== AST_NODE_TYPES.CallExpression || !SPAN_METHODS.has(getMethodName(node) ?? '')) return false;
    const receiver = getMethodReceiver(node);
    if (receiver?.type !== AST_NODE_TYPES.Identifier) return false;
    const variable = ASTUtils.findVariable(sourceCode.getScope(receiver), receiver);
    return variable !== null && acquired.has(variable);
  }

  function endCallVariable(node: TSESTree.CallExpression): Variable | undefined {
    if (getMethodName(node) !== 'end') return undefined;
    const receiver = getMethodReceiver(node);
    if (receiver?.type !== AST_NODE_TYPES.Identifier) return undefined;
    const variable = ASTUtils.findVariable(sourceCode.getScope(receiver), receiver);
    return variable && acquired.has(variable) ? variable : undefined;
  }

  function onFunction(fn: FunctionNode): void {
    const parent = fn.parent;
    if (parent?.type !== AST_NODE_TYPES.CallExpression || getSpanStartKind(parent) !== 'startActiveSpan') return;
    if (parent.arguments.at(-1) !== fn || parent.arguments.length < 2) return;
    // a helper recognised by how its callback uses the span owns the end unless the callback ends it
    if (getUsageSpanCallback(parent) && !usageSpanCallbackEnds(parent)) return;
    const param = fn.params[0];
    if (param === undefined && !mayReachActiveSpan(fn)) {
      onFinding({ messageId: 'activeSpanUnreachable', data: {}, node: parent.callee });
      return;
    }
    if (param?.type !== AST_NODE_TYPES.Identifier) return;
    const variable = sourceCode.getDeclaredVariables(fn).find((v) => v.name === param.name);
    if (!variable) return;
    const rest = fn.body.type === AST_NODE_TYPES.BlockStatement ? fn.body.body : [];
    acquired.set(variable, { variable, reportNode: parent.callee, from: param, fn, rest });
    pairing.acquire(variable, fn);
  }

  return {
    ...pairing.listeners,
    [ACTIVE_SPAN_CALLBACK]: onFunction,
    [SPAN_START_DECLARATOR](node: TSESTree.VariableDeclarator) {
      if (!node.init || node.id.type !== AST_NODE_TYPES.Identifier) return;
      const init = unwrapTypeScriptExpression(node.init);
      if (init.type !== AST_NODE_TYPES.CallExpression || getSpanStartKind(init) !== 'startSpan') return;
      const variable = sourceCode.getDeclaredVariables(node)[0];
      if (!variable) return;
      const declaration = node.parent;
      const block = declaration.parent;
      const rest =
        block.type === AST_NODE_TYPES.BlockStatement || block.type === AST_NODE_TYPES.Program
          ? (block.body.slice(block.body.indexOf(declaration as never) + 1) as TSESTree.Statement[])
          : [];
      acquired.set(variable, { variable, reportNode: init.callee, from: node, fn: getEnclosingFunction(node) ?? sourceCode.ast, rest });
      pairing.acquire(variable, node);
    },
    // the listeners below run on candidates only (selectors narrowed by method name, re-checked inside)
    [END_CALL](node: TSESTree.CallExpression) {
      const variable = endCallVariable(node);
      if (variable) pairing.release(variable, node);
    },
    // explicit exits, once a span is in play (one is acquired before any exit that can leave it open)
    'ReturnStatement:exit'(node: TSESTree.ReturnStatement) {
      if (acquired.size > 0) pairing.exit(node);
    },
    'ThrowStatement:exit'(node: TSESTree.ThrowStatement) {
      if (acquired.size > 0) pairing.exit(node);
    },
    [SPAN_START_STATEMENT](node: TSESTree.ExpressionStatement) {
      const expression = unwrapTypeScriptExpression(node.expression);
      if (expression.type === AST_NODE_TYPES.CallExpression && getSpanStartKind(expression) === 'startSpan' && (options.checkTests || !inTests(node))) {
        onFinding({ messageId: 'spanDiscarded', data: {}, node: expression.callee });
      }
    },
  };
}

const END_CALL = `CallExpression:matches(${methodCallAttributes('', ['end'])})`;
const SPAN_START_STATEMENT = `ExpressionStatement:matches(${methodCallAttributes('expression', ['startSpan'])}, [expression.type=/^TS/])`;

function isSuspension(node: ThrowingNode): node is TSESTree.AwaitExpression | TSESTree.YieldExpression {
  return node.type === AST_NODE_TYPES.AwaitExpression || node.type === AST_NODE_TYPES.YieldExpression;
}

/** A call that is (part of) the operand of an `await` / `yield`: the suspension is the culprit, not the call. */
function isInsideSuspension(node: TSESTree.Node): boolean {
  for (let current = node.parent; current && !isFunctionLike(current); current = current.parent) {
    if (current.type === AST_NODE_TYPES.AwaitExpression || current.type === AST_NODE_TYPES.YieldExpression) return true;
    if (current.type.endsWith('Statement') || current.type === AST_NODE_TYPES.VariableDeclaration) return false;
  }
  return false;
}

/** `setTimeout(ms, value, { signal })` from `node:timers/promises` rejects when aborted. */
function hasSignalOption(call: TSESTree.CallExpression): boolean {
  return call.arguments.length >= 3;
}

function isSafe(api: OtelApi, variable: Variable, node: ThrowingNode): boolean {
  if (node.type !== AST_NODE_TYPES.CallExpression) return false;
  const receiver = getMethodReceiver(node);
  if (receiver?.type === AST_NODE_TYPES.Identifier && receiver.name === variable.name) return true;
  if (getSpanStartKind(node)) return true;
  const path = api.calleePath(node);
  // `safeExecuteInTheMiddle(fn, onDone, true)` (@opentelemetry/instrumentation) catches what fn throws
  if (path === '@opentelemetry/instrumentation:safeExecuteInTheMiddle' && node.arguments[2]?.type === AST_NODE_TYPES.Literal && node.arguments[2].value === true) return true;
  return path !== undefined && (path.startsWith(API('')) || path.startsWith('global:console.'));
}

function shorten(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > 40 ? `${oneLine.slice(0, 37)}...` : oneLine;
}
