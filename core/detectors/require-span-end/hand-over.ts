/**
 * `require-span-end`: when a span is not the function's to end — handed over to whoever ends it.
 * Returned, stored, passed to a function (other than `trace.setSpan`; unless the function ends it
 * itself and the callee's name does not say it ends it), or put into a context that outlives the
 * function (given to a function by `context.bind`, or used in a function the owner returns).
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { getCalleeName, getEnclosingFunction, isFunctionLike } from '../../analysis/ast.js';
import { API } from '../../analysis/otel-api.js';
import type { OtelApi } from '../../analysis/otel-api.js';

type Variable = TSESLint.Scope.Variable;

/** Span methods that neither end nor hand the span over. */
export const SPAN_METHODS = new Set([
  'setAttribute', 'setAttributes', 'addEvent', 'addLink', 'addLinks', 'setStatus', 'updateName',
  'recordException', 'isRecording', 'spanContext', 'end',
]);

/** Returned, stored, passed to a function (other than `trace.setSpan`), bound into a function: someone else ends it. */
export function isHandedOver(api: OtelApi, variable: Variable, except?: TSESTree.CallExpression | ReadonlySet<TSESTree.Node>): boolean {
  const endsItself = endsInOwnBody(variable);
  return variable.references.some((reference) => {
    if (reference.init) return false;
    const identifier = reference.identifier;
    const parent = identifier.parent;
    if (parent?.type === AST_NODE_TYPES.MemberExpression && parent.object === identifier) {
      return !(parent.property.type === AST_NODE_TYPES.Identifier && SPAN_METHODS.has(parent.property.name));
    }
    if (parent?.type === AST_NODE_TYPES.CallExpression && parent.arguments.some((a) => a === identifier)) {
      if (parent === except || (except instanceof Set && except.has(parent))) return false;
      // a function that ends the span itself passes it to helpers to record on it
      // (`recordSpanException(span, error); span.end();`), not to end it for it
      if (api.calleePath(parent) !== API('trace.setSpan')) return !endsItself || !isRecordingCall(parent);
      return isContextHandedOver(api, parent, variable.scope.variableScope.block);
    }
    return true;
  });
}

/** A helper whose name says it ends what it is given: `finish(span)`, `endSpan(span, err)`. */
const ENDING_HELPER = /end|finish|close|stop|complete|done/i;
/** A helper whose name says it records on what it is given: `recordSpanException(span, e)`, `setSpanError(span, e)`. */
const RECORDING_HELPER = /^_*(?:record|set|add|log|capture|mark|annotate|report|tag)(?![a-z])/;
/** Timers hand their extra arguments to their callback, which runs later: a hand-over. */
const TIMERS = new Set(['setTimeout', 'setInterval', 'setImmediate']);

/**
 * A call that records on the span rather than takes it over: a helper named so, or any helper
 * called from a `catch` clause (`recordErrorOnSpan(span, error)` before the span is ended). The
 * work a function hands the span to (`fn(span)`, which may end it when `endWhenDone` is off) is a
 * hand-over.
 */
function isRecordingCall(call: TSESTree.CallExpression): boolean {
  const name = getCalleeName(call) ?? '';
  if (ENDING_HELPER.test(name) || TIMERS.has(name)) return false;
  if (RECORDING_HELPER.test(name)) return true;
  for (let node: TSESTree.Node | undefined = call.parent; node && !isFunctionLike(node); node = node.parent) {
    if (node.type === AST_NODE_TYPES.CatchClause) return true;
  }
  return false;
}


/** `span.end()` written in the function that owns the span (not in a callback inside it). */
function endsInOwnBody(variable: Variable): boolean {
  const owner = variable.scope.variableScope.block;
  return variable.references.some((reference) => {
    const member = reference.identifier.parent;
    if (member?.type !== AST_NODE_TYPES.MemberExpression || member.object !== reference.identifier) return false;
    const call = member.parent;
    return (
      call?.type === AST_NODE_TYPES.CallExpression && call.callee === member &&
      member.property.type === AST_NODE_TYPES.Identifier && member.property.name === 'end' &&
      getEnclosingFunction(call) === owner
    );
  });
}

/**
 * A context made from the span (`trace.setSpan(.., span)`) that outlives the function owning the
 * span, so whoever runs the code it goes with may end the span (`trace.getActiveSpan().end()`):
 * `context.bind(<it>, fn)`, or a function the owner returns that uses it (or the `const` holding
 * it) — a request wrapper returning the handler it will run (elysia's root span).
 */
function isContextHandedOver(api: OtelApi, setSpan: TSESTree.CallExpression, owner: TSESTree.Node): boolean {
  const bind = setSpan.parent;
  if (bind?.type === AST_NODE_TYPES.CallExpression && bind.arguments[0] === setSpan && api.calleePath(bind) === API('context.bind')) return true;
  if (isInReturnedFunction(setSpan, owner)) return true;
  const declarator = setSpan.parent;
  if (declarator?.type !== AST_NODE_TYPES.VariableDeclarator || declarator.init !== setSpan || declarator.parent.kind !== 'const') return false;
  const holder = api.sourceCode.getDeclaredVariables(declarator)[0];
  return holder?.references.some((reference) => !reference.init && isInReturnedFunction(reference.identifier, owner)) ?? false;
}

/** `node` is inside a function that `owner` returns (`return (...args) => ..`, an arrow body). */
function isInReturnedFunction(node: TSESTree.Node, owner: TSESTree.Node): boolean {
  for (let fn = getEnclosingFunction(node); fn && fn !== owner; fn = getEnclosingFunction(fn)) {
    const parent = fn.parent;
    const returned = parent?.type === AST_NODE_TYPES.ReturnStatement || (parent?.type === AST_NODE_TYPES.ArrowFunctionExpression && parent.body === fn);
    if (returned && getEnclosingFunction(fn) === owner) return true;
  }
  return false;
}
