/**
 * `no-late-context-capture`, the early side: a layer wrapper that runs the middleware
 * continuation (`next`, continuations.ts) in the context it captured before the layer ran.
 *
 *   const parentContext = context.active();            // before the layer
 *   const wrappedNext = (err) => { span.end(); return context.with(parentContext, next, undefined, err); };
 *
 * The layer calls `next` from its own flow, after it may have put baggage or a store value into
 * the active context; re-entering `parentContext` drops all of it for every later layer and the
 * route handler (measured: fixture `middleware-next-context`; opentelemetry-js-contrib
 * 92313a73, express, and 74bb8cab, router). Reported at the captured context. Fix: keep the active
 * context and put back only the parent span,
 * `const parentSpan = trace.getSpan(parentContext);` and
 * `context.with(parentSpan ? trace.setSpan(context.active(), parentSpan) : trace.deleteSpan(context.active()), next, undefined, err)`.
 *
 * Reported: `context.with(captured, next, ..)`, `context.with(captured, () => next(..))` and
 * `context.bind(captured, next)` called at once (`(..)`, `.call(..)`, `.apply(..)`), inside a
 * function nested in the one where `captured` is a `const` read from `context.active()`. Not
 * reported: a callback that is not a continuation (a library calls it back from its own context,
 * where re-entering the caller's is the fix); a context built at the call (`context.active()`
 * there, or a `const` of the same function).
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, ASTUtils } from '@typescript-eslint/utils';
import { contains, getEnclosingFunction, getInvokedFunction, getMethodName, isFunctionLike, unwrapTypeScriptExpression } from '../../analysis/ast.js';
import { API } from '../../analysis/otel-api.js';
import type { OtelApi } from '../../analysis/otel-api.js';
import { ensureApiMembers } from '../../edits/api-imports.js';
import { getFreeNameAt } from '../../edits/names.js';
import { lineIndent } from '../../edits/indent.js';
import type { Edit } from '../../findings.js';
import { isContinuation, spanRestoringContext } from './continuations.js';

export interface StaleContinuation {
  /** The captured context, as passed. */
  node: TSESTree.Identifier;
  callback: string;
  fix: Edit[] | undefined;
}

/** The continuation a `context.with` / `context.bind` call runs, when it is one. */
function getContinuation(sourceCode: Readonly<TSESLint.SourceCode>, api: OtelApi, call: TSESTree.CallExpression): TSESTree.Identifier | undefined {
  const fn = call.arguments[1] && unwrapTypeScriptExpression(call.arguments[1]);
  if (!fn) return undefined;
  if (api.isApiCall(call, 'context.bind')) {
    // only a bind called at once: `context.bind(ctx, next)(..)`, `.call(..)`, `.apply(..)`
    const parent = call.parent;
    const calledAtOnce =
      (parent.type === AST_NODE_TYPES.CallExpression && parent.callee === call) ||
      (parent.type === AST_NODE_TYPES.MemberExpression && parent.object === call && parent.parent.type === AST_NODE_TYPES.CallExpression && ['call', 'apply'].includes(getMethodName(parent.parent) ?? ''));
    if (!calledAtOnce) return undefined;
  }
  if (fn.type === AST_NODE_TYPES.Identifier) return isContinuation(sourceCode, fn) ? fn : undefined;
  // `() => next(err)`
  if (fn.type !== AST_NODE_TYPES.ArrowFunctionExpression || fn.body.type !== AST_NODE_TYPES.CallExpression) return undefined;
  const callee = getInvokedFunction(fn.body);
  return callee.type === AST_NODE_TYPES.Identifier && isContinuation(sourceCode, callee) ? callee : undefined;
}

/** `context.with(captured, next, ..)` and its kin (see the file comment), or undefined. */
export function findStaleContinuation(sourceCode: Readonly<TSESLint.SourceCode>, api: OtelApi, call: TSESTree.CallExpression): StaleContinuation | undefined {
  if (!api.isApiCall(call, 'context.with') && !api.isApiCall(call, 'context.bind')) return undefined;
  const ctx = call.arguments[0] && unwrapTypeScriptExpression(call.arguments[0]);
  if (ctx?.type !== AST_NODE_TYPES.Identifier) return undefined;
  const continuation = getContinuation(sourceCode, api, call);
  if (!continuation) return undefined;
  const variable = ASTUtils.findVariable(sourceCode.getScope(ctx), ctx);
  const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
  if (def?.type !== 'Variable' || def.parent.kind !== 'const' || !def.node.init) return undefined;
  const init = unwrapTypeScriptExpression(def.node.init);
  if (init.type !== AST_NODE_TYPES.CallExpression || api.calleePath(init) !== API('context.active')) return undefined;
  // captured in an enclosing function, before the layer ran: not at the call
  const capturedIn = getEnclosingFunction(def.node);
  const runsIn = getEnclosingFunction(call);
  if (!runsIn || capturedIn === runsIn || (capturedIn !== undefined && !contains(capturedIn, runsIn))) return undefined;
  return { node: ctx, callback: continuation.name, fix: buildFix(sourceCode, api, call, ctx) };
}

/** `const parentSpan = trace.getSpan(captured);` before the call's statement, and the span-restoring context in place of `captured`. */
function buildFix(sourceCode: Readonly<TSESLint.SourceCode>, api: OtelApi, call: TSESTree.CallExpression, ctx: TSESTree.Identifier): Edit[] | undefined {
  let statement: TSESTree.Node = call;
  while (statement.parent && statement.parent.type !== AST_NODE_TYPES.BlockStatement) {
    if (isFunctionLike(statement.parent)) return undefined;
    statement = statement.parent;
  }
  if (!statement.parent) return undefined;
  const refs = ensureApiMembers(sourceCode, api, ['context', 'trace']);
  const name = getFreeNameAt(sourceCode, statement, 'parentSpan');
  const indent = lineIndent(sourceCode, statement);
  return [
    ...refs.edits,
    { range: [statement.range[0], statement.range[0]], text: `const ${name} = ${refs.names.trace}.getSpan(${ctx.name});\n${indent}` },
    { range: ctx.range, text: spanRestoringContext(refs.names, name) },
  ];
}
