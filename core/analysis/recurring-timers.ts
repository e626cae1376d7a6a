/**
 * Recurring timers: a one-shot timer whose callback schedules itself again. Read by
 * `no-unbound-timer` (recurring work joins the trace forever) and `no-late-context-capture`.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import type { FunctionNode } from './ast.js';
import { getMethodName, resolveThisMethod, unwrapTypeScriptExpression, walk } from './ast.js';
import type { OtelApi } from './otel-api.js';
import { getTimerCall } from './timers.js';
import type { TimerCall } from './timers.js';
import { resolveFunction } from './traced-code.js';

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
export function isRescheduleInsideItself(sourceCode: Readonly<TSESLint.SourceCode>, callback: TSESTree.Node, call: TSESTree.CallExpression): boolean {
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
  const method = resolveThisMethod(member);
  return method ? { kind: 'method', name: member.property.name, method } : undefined;
}
