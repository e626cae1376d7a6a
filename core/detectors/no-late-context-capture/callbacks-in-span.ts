/**
 * `no-late-context-capture`, issue #11 family 3: a caller's callback run inside an
 * instrumentation's span. A wrapper made inside `context.with(trace.setSpan(.., span), ..)` or a
 * `startActiveSpan` callback ends the span and then calls the callback it received from outside:
 *
 *   context.with(trace.setSpan(context.active(), span), () =>
 *     original.call(this, sql, (err, rows) => { span.end(); callback(err, rows); }));
 *
 * The library calls the wrapper from the context it was handed in (under every manager that
 * propagates: ALS and async-hooks through the async resources, zone through its zone), so the
 * caller's callback runs as a child of a span that has already ended, and the spans it starts are
 * children of a finished client span instead of the caller's. Measured: fixture
 * `callback-runs-in-client-span`. The callback reads the context late, where it runs, instead of
 * the caller's, captured before the span: the fix is this rule's — capture the context before the
 * statement that activates the span (`const parentContext = context.active();`) and run the
 * callback in it (`context.with(parentContext, () => callback(err, rows))`).
 *
 * Only the shape that shows the intent is reported: the callback comes from outside the span's
 * callback and the wrapper (a parameter of an enclosing function, or `arguments[i]`/`args[i]` of
 * one), and the wrapper has ended the span before (a statement `span.end()` earlier in the same
 * function). The wrapper is made inside the span's callback, or before it in the same function
 * (and handed in with the arguments). A callback called while the span is still open is meant to
 * be its child.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, ASTUtils } from '@typescript-eslint/utils';
import type { FunctionNode } from '../../analysis/ast.js';
import { contains, getEnclosingFunction, getInvokedFunction, getMethodName, isFunctionLike, unwrapTypeScriptExpression, walk } from '../../analysis/ast.js';
import { API, getSpanStartKind, getUsageSpanCallback } from '../../analysis/otel-api.js';
import type { OtelApi } from '../../analysis/otel-api.js';
import { ensureApiMembers } from '../../edits/api-imports.js';
import { getFreeNameAt } from '../../edits/names.js';
import { lineIndent } from '../../edits/indent.js';
import { canMoveIntoArrow, surround } from '../../edits/wrap.js';
import { isTestRunnerCallback } from '../../analysis/test-runner.js';
import { nodesStartingIn } from '../../analysis/file-analysis.js';
import type { Edit } from '../../findings.js';
import { isContinuation, spanRestoringContext } from './continuations.js';

export interface CallbackInSpan {
  /** The call of the caller's callback (`callback(err, rows)`, `cb.apply(this, arguments)`). */
  call: TSESTree.CallExpression;
  /** How the message names it. */
  callback: string;
  /** The span's name in the code. */
  span: string;
  fix: Edit[] | undefined;
}

/** A callback that runs with a span active, and that span's variable. */
interface SpanScope {
  /** Undefined when the span's context runs a function written elsewhere: `context.with(ctx, original, this, ...args)`. */
  fn: FunctionNode | undefined;
  /** The `context.with(..)` / `startActiveSpan(..)` call. */
  call: TSESTree.CallExpression;
  span: TSESLint.Scope.Variable;
}

const CAPTURE_NAME = 'parentContext';
const CAPTURE_SPAN_NAME = 'parentSpan';

/**
 * `calls`: the file's calls in traversal order (the file analysis' `callsAndAssignments`), read
 * instead of walking the function again for every span scope.
 */
export function findCallbacksInSpan(
  sourceCode: Readonly<TSESLint.SourceCode>,
  api: OtelApi,
  scopeCall: TSESTree.CallExpression,
  calls: readonly (TSESTree.CallExpression | TSESTree.AssignmentExpression)[],
): CallbackInSpan[] {
  const scope = getSpanScope(sourceCode, api, scopeCall);
  if (!scope) return [];
  const found: CallbackInSpan[] = [];
  // The wrapper may be made inside the span's callback, or before it in the same function and
  // handed in with the arguments (`args[last] = function () { span.end(); cb.apply(..) }`).
  const outer = getEnclosingFunction(scopeCall);
  const body = outer?.body ?? scope.fn?.body;
  if (!body) return [];
  const [start, end] = body.range;
  // the calls inside that body, in traversal order
  for (const node of nodesStartingIn(calls, start, end)) {
    if (node.type !== AST_NODE_TYPES.CallExpression || node.range[1] > end) continue;
    const inner = getEnclosingFunction(node);
    if (!inner || inner === scope.fn || inner === outer || !endsSpanBefore(scope.span, inner, node)) continue;
    const target = getCallbackTarget(sourceCode, api, scope, inner, node);
    if (!target) continue;
    const callee = getReflectedFunction(api, node) ?? getInvokedFunction(node);
    const continuation = callee.type === AST_NODE_TYPES.Identifier && isContinuation(sourceCode, callee);
    found.push({ call: node, callback: target, span: scope.span.name, fix: buildFix(sourceCode, api, scope, node, continuation) });
  }
  return found;
}

/** `context.with(trace.setSpan(.., span), fn)` (or a `const` holding that context), `startActiveSpan(.., (span) => ..)`. */
function getSpanScope(sourceCode: Readonly<TSESLint.SourceCode>, api: OtelApi, call: TSESTree.CallExpression): SpanScope | undefined {
  const last = getUsageSpanCallback(call) ?? call.arguments.at(-1);
  if (getSpanStartKind(call) === 'startActiveSpan') {
    const fn = last && unwrapTypeScriptExpression(last);
    if (!isFunctionLike(fn) || call.arguments.length < 2) return undefined;
    const param = fn.params[0];
    if (param?.type !== AST_NODE_TYPES.Identifier) return undefined;
    const span = sourceCode.getDeclaredVariables(fn).find((variable) => variable.name === param.name);
    return span ? { fn, call, span } : undefined;
  }
  if (api.calleePath(call) !== API('context.with')) return undefined;
  const callback = call.arguments[1] && unwrapTypeScriptExpression(call.arguments[1]);
  const ctx = call.arguments[0];
  if (!ctx || !callback) return undefined;
  // `context.with(ctx, original, this, ...args)`: the original runs in the span with the caller's
  // arguments (among them the wrapper made before, in the same function)
  const fn = isFunctionLike(callback) ? callback : undefined;
  if (!fn && !passesArguments(call)) return undefined;
  let setSpan = unwrapTypeScriptExpression(ctx);
  if (setSpan.type === AST_NODE_TYPES.Identifier) {
    const def = ASTUtils.findVariable(sourceCode.getScope(setSpan), setSpan)?.defs[0];
    if (def?.type !== 'Variable' || def.parent.kind !== 'const' || !def.node.init) return undefined;
    setSpan = unwrapTypeScriptExpression(def.node.init);
  }
  if (setSpan.type !== AST_NODE_TYPES.CallExpression || api.calleePath(setSpan) !== API('trace.setSpan')) return undefined;
  const spanNode = setSpan.arguments[1] && unwrapTypeScriptExpression(setSpan.arguments[1]);
  if (spanNode?.type !== AST_NODE_TYPES.Identifier) return undefined;
  const span = ASTUtils.findVariable(sourceCode.getScope(spanNode), spanNode);
  return span ? { fn, call, span } : undefined;
}

/**
 * `cb(..)`, `cb.call(..)`, `cb.apply(..)` where `cb` comes from outside the span's callback: a
 * parameter of an enclosing function, or a variable read from `arguments[i]` / `args[i]` of one.
 */
function getCallbackTarget(sourceCode: Readonly<TSESLint.SourceCode>, api: OtelApi, scope: SpanScope, inner: FunctionNode, call: TSESTree.CallExpression): string | undefined {
  const callee = getReflectedFunction(api, call) ?? getInvokedFunction(call);
  if (callee.type !== AST_NODE_TYPES.Identifier) return undefined;
  const variable = ASTUtils.findVariable(sourceCode.getScope(callee), callee);
  const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
  if (!def) return undefined;
  // The test runner's `done` records the end of a test: it starts no span.
  if (contains(inner, def.name)) return undefined;
  if (def.type === 'Parameter') return (scope.fn && contains(scope.fn, def.node)) || isTestRunnerCallback(api, def.node) ? undefined : callee.name;
  if (def.type !== 'Variable' || def.parent.kind !== 'const' || !def.node.init) return undefined;
  const init = unwrapTypeScriptExpression(def.node.init);
  // `const callback = typeof optionsOrCallback === 'function' ? optionsOrCallback : cb`: the
  // optional-argument idiom of callback APIs picks one of the caller's arguments
  if (init.type === AST_NODE_TYPES.ConditionalExpression || init.type === AST_NODE_TYPES.LogicalExpression) {
    const branches = init.type === AST_NODE_TYPES.ConditionalExpression ? [init.consequent, init.alternate] : [init.left, init.right];
    const isOuterParameter = (node: TSESTree.Node): boolean => {
      const expression = unwrapTypeScriptExpression(node);
      if (expression.type !== AST_NODE_TYPES.Identifier) return false;
      const branchDef = ASTUtils.findVariable(sourceCode.getScope(expression), expression)?.defs[0];
      return branchDef?.type === 'Parameter' && !(scope.fn && contains(scope.fn, branchDef.node)) && !isTestRunnerCallback(api, branchDef.node);
    };
    return branches.some(isOuterParameter) && branches.every((branch) => isOuterParameter(branch) || isNothing(branch)) ? callee.name : undefined;
  }
  const read = getArgumentRead(init);
  if (!read) return undefined;
  const holder = unwrapTypeScriptExpression(read);
  if (holder.type !== AST_NODE_TYPES.Identifier) return undefined;
  if (holder.name === 'arguments') return callee.name;
  const holderDef = ASTUtils.findVariable(sourceCode.getScope(holder), holder)?.defs[0];
  return holderDef?.type === 'Parameter' && !(scope.fn && contains(scope.fn, holderDef.node)) ? callee.name : undefined;
}

/** `undefined`, `null`, `noop`-like empty functions: what an optional callback falls back to. */
function isNothing(node: TSESTree.Node): boolean {
  const expression = unwrapTypeScriptExpression(node);
  if (expression.type === AST_NODE_TYPES.Identifier) return expression.name === 'undefined';
  if (expression.type === AST_NODE_TYPES.Literal) return expression.value === null;
  return isFunctionLike(expression) && expression.body.type === AST_NODE_TYPES.BlockStatement && expression.body.body.length === 0;
}

/** `context.with(ctx, fn, thisArg, ...args)` / `(.., arguments)`: the enclosing function's arguments are handed on. */
function passesArguments(call: TSESTree.CallExpression): boolean {
  return call.arguments.slice(2).some((argument) => {
    const expression = argument.type === AST_NODE_TYPES.SpreadElement ? argument.argument : argument;
    return expression.type === AST_NODE_TYPES.Identifier && (argument.type === AST_NODE_TYPES.SpreadElement || expression.name === 'arguments');
  });
}

/**
 * Where a variable takes one of the arguments from: `arguments[i]`, `args[i]`, `args.at(-1)`,
 * `args.pop()` — the holder (`arguments`, `args`); undefined for anything else.
 */
function getArgumentRead(init: TSESTree.Node): TSESTree.Node | undefined {
  if (init.type === AST_NODE_TYPES.MemberExpression) return init.computed ? init.object : undefined;
  if (init.type !== AST_NODE_TYPES.CallExpression || init.callee.type !== AST_NODE_TYPES.MemberExpression) return undefined;
  const method = getMethodName(init);
  return method === 'pop' || method === 'at' ? init.callee.object : undefined;
}

/** `Reflect.apply(cb, this, arguments)`: the function called, like `cb.apply(this, arguments)`. */
function getReflectedFunction(api: OtelApi, call: TSESTree.CallExpression): TSESTree.Node | undefined {
  const first = call.arguments[0];
  if (!first || first.type === AST_NODE_TYPES.SpreadElement || api.resolver.pathOf(unwrapTypeScriptExpression(call.callee)) !== 'global:Reflect.apply') return undefined;
  return unwrapTypeScriptExpression(first);
}

/**
 * A statement `span.end()` (or `span?.end()`) of `fn` itself, before `node` on its path: in the
 * statement list that holds `node` (or one around it). An `end()` in a sibling branch that
 * returns (`if (err) { span.end(); return cb(err); }`) does not end the span for a later call:
 * there the callback runs while the span is still open, as its child.
 */
function endsSpanBefore(span: TSESLint.Scope.Variable, fn: FunctionNode, node: TSESTree.Node): boolean {
  return span.references.some((reference) => {
    const member = reference.identifier.parent;
    const end = member?.parent;
    const statement = end?.parent?.type === AST_NODE_TYPES.ChainExpression ? end.parent.parent : end?.parent;
    return (
      member?.type === AST_NODE_TYPES.MemberExpression &&
      end?.type === AST_NODE_TYPES.CallExpression &&
      getMethodName(end) === 'end' &&
      statement?.type === AST_NODE_TYPES.ExpressionStatement &&
      end.range[1] <= node.range[0] &&
      getEnclosingFunction(end) === fn &&
      contains(fallThroughStatement(statement).parent ?? statement, node)
    );
  });
}

/** `if (span) span.end();` (a guard whose branch falls through): the `if` is the statement on the path. */
function fallThroughStatement(statement: TSESTree.Node): TSESTree.Node {
  let current = statement;
  for (;;) {
    const parent: TSESTree.Node | undefined = current.parent;
    const guard = parent?.type === AST_NODE_TYPES.BlockStatement ? parent.parent : parent;
    if (guard?.type !== AST_NODE_TYPES.IfStatement || guard.test === current) return current;
    const branch = guard.consequent === current || guard.consequent === parent ? guard.consequent : guard.alternate;
    if (!branch || exits(branch)) return current;
    current = guard;
  }
}

/** A `return` or `throw` written in `branch` (outside nested functions). */
function exits(branch: TSESTree.Node): boolean {
  let found = false;
  walk(branch, (node) => {
    if (found || isFunctionLike(node)) return false;
    if (node.type === AST_NODE_TYPES.ReturnStatement || node.type === AST_NODE_TYPES.ThrowStatement) found = true;
    return !found;
  });
  return found;
}

/**
 * `const parentContext = context.active();` before the statement that holds the span's scope (or
 * the one already there), and the callback call run in it. Undefined when that statement is not
 * in a statement list, or the call cannot move into an arrow (it awaits or yields).
 *
 * A middleware continuation (`next`, continuations.ts) runs in the layer's own context: it keeps
 * that context and gets only its span put back, `const parentSpan = trace.getSpan(context.active());`
 * before the statement and `context.with(parentSpan ? trace.setSpan(context.active(), parentSpan) :
 * trace.deleteSpan(context.active()), () => next(err))`.
 */
function buildFix(sourceCode: Readonly<TSESLint.SourceCode>, api: OtelApi, scope: SpanScope, call: TSESTree.CallExpression, continuation: boolean): Edit[] | undefined {
  let statement: TSESTree.Node = scope.call;
  while (statement.parent && statement.parent.type !== AST_NODE_TYPES.BlockStatement && statement.parent.type !== AST_NODE_TYPES.Program) {
    if (isFunctionLike(statement.parent)) return undefined;
    statement = statement.parent;
  }
  const list = statement.parent;
  if (!list || (list.type !== AST_NODE_TYPES.BlockStatement && list.type !== AST_NODE_TYPES.Program)) return undefined;
  if (!canMoveIntoArrow(call)) return undefined;
  // a span helper recognised by usage in a file that does not import the API: adding the import
  // is not this fix's call (the package may not depend on it)
  if (!api.hasApiImport && getUsageSpanCallback(scope.call)) return undefined;
  const refs = ensureApiMembers(sourceCode, api, continuation ? ['context', 'trace'] : ['context']);
  const { context, trace } = refs.names;
  const edits: Edit[] = [...refs.edits];
  const index = (list.body as TSESTree.Node[]).indexOf(statement);
  const previous = index > 0 ? list.body[index - 1] : undefined;
  let name = continuation ? getCapturedSpanName(api, previous) : getCapturedContextName(api, previous);
  if (name === undefined) {
    name = getFreeNameAt(sourceCode, statement, continuation ? CAPTURE_SPAN_NAME : CAPTURE_NAME);
    const indent = lineIndent(sourceCode, statement);
    const captured = continuation ? `${trace}.getSpan(${context}.active())` : `${context}.active()`;
    edits.push({ range: [statement.range[0], statement.range[0]], text: `const ${name} = ${captured};\n${indent}` });
  }
  const runIn = continuation ? spanRestoringContext(refs.names, name) : name;
  edits.push(...surround(call, `${context}.with(${runIn}, () => `, ')'));
  return edits;
}

/** `const x = trace.getSpan(context.active());`: the name `x`. */
function getCapturedSpanName(api: OtelApi, statement: TSESTree.Node | undefined): string | undefined {
  const declarator = getConstDeclarator(statement);
  const init = declarator?.init && unwrapTypeScriptExpression(declarator.init);
  if (declarator?.id.type !== AST_NODE_TYPES.Identifier || init?.type !== AST_NODE_TYPES.CallExpression || api.calleePath(init) !== API('trace.getSpan')) return undefined;
  const ctx = init.arguments[0] && unwrapTypeScriptExpression(init.arguments[0]);
  return ctx?.type === AST_NODE_TYPES.CallExpression && api.calleePath(ctx) === API('context.active') ? declarator.id.name : undefined;
}

function getConstDeclarator(statement: TSESTree.Node | undefined): TSESTree.VariableDeclarator | undefined {
  if (statement?.type !== AST_NODE_TYPES.VariableDeclaration || statement.kind !== 'const' || statement.declarations.length !== 1) return undefined;
  return statement.declarations[0];
}

/** `const x = context.active();`: the name `x`. */
function getCapturedContextName(api: OtelApi, statement: TSESTree.Node | undefined): string | undefined {
  const declarator = getConstDeclarator(statement);
  const init = declarator?.init && unwrapTypeScriptExpression(declarator.init);
  if (declarator?.id.type !== AST_NODE_TYPES.Identifier || init?.type !== AST_NODE_TYPES.CallExpression) return undefined;
  return api.calleePath(init) === API('context.active') ? declarator.id.name : undefined;
}

