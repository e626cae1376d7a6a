/**
 * Detector for `no-unbound-timer`: timer callbacks that will run in the wrong context.
 *
 * 1. `stack`: every one-shot timer scheduled in traced code (1a–1e: orphaned) →
 *    `context.bind(context.active(), cb)`.
 * 2. every manager: a timer scheduled while a `startSpan` span is in play but was never made
 *    active, whose callback does traced work (2b: orphaned) →
 *    `context.bind(trace.setSpan(context.active(), span), cb)`.
 * 3. every manager but `stack`: recurring work (`setInterval`, a self-rescheduling timer) started
 *    in traced code: every tick joins the trace forever (6b, 12g) → `context.bind(ROOT_CONTEXT, cb)`.
 *    Under `stack` ticks are already roots, and binding them would create that very bug.
 * 4. ALS-only code (no OpenTelemetry import): recurring work started inside `als.run(store, ..)`
 *    carries the store forever → `als.exit(() => setInterval(..))`.
 *
 * Out of scope: timers in functions that are called from traced code but are not lexically
 * inside it; `node:timers/promises` (no callback: what follows the `await` is the late-capture
 * rule's business).
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, ASTUtils } from '@typescript-eslint/utils';
import type { FunctionNode } from './ast.js';
import { getEnclosingFunction, getMethodName, unwrapTypeScriptExpression, walk } from './ast.js';
import { getTimerCall, mayAliasTimers } from './async-boundaries.js';
import type { TimerCall } from './async-boundaries.js';
import { ensureApiMembers, surround, wrapInBind } from './edits.js';
import type { Finding } from './findings.js';
import { API, getOtelApi, fileMayContainTracedCode } from './otel-api.js';
import type { OtelApi } from './otel-api.js';
import { createSpanRegionTracker, doesTracedWork, resolveFunction } from './traced-code.js';
import type { InactiveSpan } from './traced-code.js';

export type UnboundTimerMessageId =
  | 'timerLosesContext'
  | 'timerExpectsInactiveSpan'
  | 'recurringTimerInTrace'
  | 'recurringTimerInStore';

export function createUnboundTimerDetector(
  context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>,
  onFinding: (finding: Finding<UnboundTimerMessageId>) => void,
): TSESLint.RuleListener {
  if (!fileMayContainTracedCode(context)) return {};
  const sourceCode = context.sourceCode;
  const api = getOtelApi(context);
  const regions = createSpanRegionTracker(sourceCode, api);
  const manager = api.settings.contextManager;
  const mayAlias = mayAliasTimers(sourceCode.text);

  function bindFix(callback: TSESTree.Node, members: Parameters<typeof ensureApiMembers>[2], ctx: (names: Record<string, string>) => string) {
    const refs = ensureApiMembers(sourceCode, api, members);
    return [...refs.edits, ...wrapInBind(callback, `${refs.names.context}.bind`, ctx(refs.names))];
  }

  function check(timer: TimerCall): void {
    if (timer.kind !== 'callback') return;
    const callback = timer.call.arguments[0];
    if (!callback || callback.type === AST_NODE_TYPES.SpreadElement) return;
    if (isContextBound(sourceCode, api, callback)) return;
    if (isRescheduleInsideItself(sourceCode, callback, timer.call)) return;
    const scope = regions.getTraceScope(timer.call);
    if (!scope) return;
    const recurring = timer.repeats || reschedulesItself(sourceCode, api, timer);
    const data = { timer: timer.name };
    const node = timer.call.callee;

    if (scope.kind === 'als.run') {
      if (!recurring) return;
      const receiver = unwrapTypeScriptExpression(scope.call.callee);
      const storeText = receiver.type === AST_NODE_TYPES.MemberExpression ? sourceCode.getText(receiver.object) : undefined;
      const usesThis = storeText?.startsWith('this.') === true;
      const fixable = storeText !== undefined && (!usesThis || sameThis(scope.fn, timer.call));
      onFinding({
        messageId: 'recurringTimerInStore',
        data: { ...data, store: storeText ?? 'the store' },
        node,
        ...(fixable ? { fix: surround(timer.call, `${storeText}.exit(() => `, ')') } : {}),
      });
      return;
    }
    if (recurring) {
      if (manager === 'stack') return;
      onFinding({
        messageId: 'recurringTimerInTrace',
        data,
        node,
        fix: bindFix(callback, ['context', 'ROOT_CONTEXT'], (n) => n.ROOT_CONTEXT ?? 'ROOT_CONTEXT'),
      });
      return;
    }
    if (scope.kind === 'inactive-span') {
      const fn = resolveFunction(sourceCode, callback);
      if (fn && doesTracedWork(sourceCode, api, fn)) {
        onFinding({
          messageId: 'timerExpectsInactiveSpan',
          data: { ...data, span: scope.name },
          node,
          ...(spanVisibleAt(sourceCode, scope, timer.call)
            ? { fix: bindFix(callback, ['context', 'trace'], (n) => `${n.trace}.setSpan(${n.context}.active(), ${scope.name})`) }
            : {}),
        });
        return;
      }
    }
    if (manager === 'stack') {
      onFinding({
        messageId: 'timerLosesContext',
        data,
        node,
        fix: bindFix(callback, ['context'], (n) => `${n.context}.active()`),
      });
    }
  }

  return {
    ...regions.listeners,
    CallExpression(node) {
      const timer = getTimerCall(api.resolver, node, mayAlias);
      if (timer) check(timer);
    },
  };
}

/** Arrow functions keep `this`; a `function` between the store's `run` callback and the timer does not. */
function sameThis(outer: FunctionNode, node: TSESTree.Node): boolean {
  for (let fn = getEnclosingFunction(node); fn && fn !== outer; fn = getEnclosingFunction(fn)) {
    if (fn.type !== AST_NODE_TYPES.ArrowFunctionExpression) return false;
  }
  return outer.type === AST_NODE_TYPES.ArrowFunctionExpression;
}

function spanVisibleAt(sourceCode: Readonly<TSESLint.SourceCode>, span: InactiveSpan, node: TSESTree.Node): boolean {
  return ASTUtils.findVariable(sourceCode.getScope(node), span.name) === span.variable;
}

const BINDERS = new Set([
  API('context.bind'),
  'node:async_hooks:AsyncLocalStorage.bind',
  'node:async_hooks:AsyncResource.bind',
]);

/** Already bound: `context.bind(..)`, `AsyncLocalStorage.bind(..)`, `AsyncResource.bind(..)`, `Zone.current.wrap(..)`, or a const holding one. */
export function isContextBound(sourceCode: Readonly<TSESLint.SourceCode>, api: OtelApi, node: TSESTree.Node): boolean {
  const expression = unwrapTypeScriptExpression(node);
  if (expression.type === AST_NODE_TYPES.CallExpression) {
    const path = api.calleePath(expression);
    if (path !== undefined && BINDERS.has(path)) return true;
    const callee = unwrapTypeScriptExpression(expression.callee);
    return getMethodName(expression) === 'wrap' && callee.type === AST_NODE_TYPES.MemberExpression && sourceCode.getText(callee.object).startsWith('Zone.');
  }
  if (expression.type === AST_NODE_TYPES.Identifier) {
    const variable = ASTUtils.findVariable(sourceCode.getScope(expression), expression);
    const def = variable?.defs[0];
    if (def?.type === 'Variable' && def.node.parent.kind === 'const' && def.node.init) {
      return isContextBound(sourceCode, api, def.node.init);
    }
  }
  return false;
}

/**
 * A one-shot timer whose callback schedules itself again: `setTimeout(function tick() { ..;
 * setTimeout(tick, ms) })`, `setTimeout(poll, ms)` with `function poll() { ..; setTimeout(poll, ms) }`,
 * or `setTimeout(() => this.poll(), ms)` with a method `poll` that does the same.
 */
export function reschedulesItself(sourceCode: Readonly<TSESLint.SourceCode>, api: OtelApi, timer: TimerCall): boolean {
  const callback = timer.call.arguments[0];
  if (!callback) return false;
  const target = getCallbackTarget(sourceCode, callback);
  if (!target) return false;
  const body = target.kind === 'function' ? target.fn : target.method;
  let found = false;
  walk(body, (node) => {
    if (found) return false;
    if (node.type === AST_NODE_TYPES.CallExpression) {
      const inner = getTimerCall(api.resolver, node);
      const innerCallback = inner?.kind === 'callback' ? node.arguments[0] : undefined;
      if (innerCallback && sameTarget(target, getCallbackTarget(sourceCode, innerCallback))) found = true;
    }
    return !found;
  });
  return found;
}

/** `function tick() { ..; setTimeout(tick, ms) }`: the inner call is the recurrence itself, not a new defect. */
function isRescheduleInsideItself(sourceCode: Readonly<TSESLint.SourceCode>, callback: TSESTree.Node, call: TSESTree.CallExpression): boolean {
  const target = getCallbackTarget(sourceCode, callback);
  if (!target) return false;
  const body = target.kind === 'function' ? target.fn : target.method;
  return body.range[0] <= call.range[0] && call.range[1] <= body.range[1];
}

type CallbackTarget = { kind: 'function'; fn: FunctionNode } | { kind: 'method'; name: string; method: FunctionNode };

function sameTarget(a: CallbackTarget, b: CallbackTarget | undefined): boolean {
  if (!b) return false;
  if (a.kind === 'function' && b.kind === 'function') return a.fn === b.fn;
  return a.kind === 'method' && b.kind === 'method' && a.method === b.method;
}

/** What a timer callback runs: a function of this file, or a method of the enclosing class via `this`. */
function getCallbackTarget(sourceCode: Readonly<TSESLint.SourceCode>, node: TSESTree.Node): CallbackTarget | undefined {
  const expression = unwrapTypeScriptExpression(node);
  // `() => this.poll()` or `this.poll.bind(this)`
  const method = getThisMethodCalled(expression);
  if (method) return method;
  if (expression.type === AST_NODE_TYPES.FunctionExpression && expression.id) return { kind: 'function', fn: expression };
  if (expression.type === AST_NODE_TYPES.Identifier) {
    const fn = resolveFunction(sourceCode, expression);
    if (fn) return { kind: 'function', fn };
  }
  return undefined;
}

function getThisMethodCalled(expression: TSESTree.Node): CallbackTarget | undefined {
  let member: TSESTree.Node | undefined;
  if (expression.type === AST_NODE_TYPES.ArrowFunctionExpression) {
    const body =
      expression.body.type === AST_NODE_TYPES.BlockStatement
        ? expression.body.body.length === 1 && expression.body.body[0]?.type === AST_NODE_TYPES.ExpressionStatement
          ? expression.body.body[0].expression
          : undefined
        : expression.body;
    const call = body && unwrapTypeScriptExpression(body.type === AST_NODE_TYPES.AwaitExpression ? body.argument : body);
    if (call?.type === AST_NODE_TYPES.CallExpression) member = unwrapTypeScriptExpression(call.callee);
  } else if (expression.type === AST_NODE_TYPES.CallExpression && getMethodName(expression) === 'bind') {
    const callee = unwrapTypeScriptExpression(expression.callee);
    if (callee.type === AST_NODE_TYPES.MemberExpression) member = unwrapTypeScriptExpression(callee.object);
  }
  if (
    member?.type !== AST_NODE_TYPES.MemberExpression ||
    member.object.type !== AST_NODE_TYPES.ThisExpression ||
    member.computed ||
    member.property.type !== AST_NODE_TYPES.Identifier
  ) {
    return undefined;
  }
  const name = member.property.name;
  for (let current: TSESTree.Node | undefined = member.parent; current; current = current.parent) {
    if (current.type === AST_NODE_TYPES.ClassBody) {
      for (const element of current.body) {
        if (
          (element.type === AST_NODE_TYPES.MethodDefinition || element.type === AST_NODE_TYPES.PropertyDefinition) &&
          element.key.type === AST_NODE_TYPES.Identifier &&
          element.key.name === name &&
          element.value &&
          (element.value.type === AST_NODE_TYPES.FunctionExpression || element.value.type === AST_NODE_TYPES.ArrowFunctionExpression)
        ) {
          return { kind: 'method', name, method: element.value };
        }
      }
      return undefined;
    }
  }
  return undefined;
}
