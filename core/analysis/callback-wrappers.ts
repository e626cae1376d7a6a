/**
 * Issue 11, family 4 (owned by `no-unbound-queued-callback`): a callback wrapper that does not
 * restore its caller's context. Instrumentation replaces the callback it is handed with a
 * function of its own — `function (err, res) { span.end(); return cb.apply(this, arguments); }`
 * — and hands that to the library, which keeps it in its reply or wait queue and calls it later
 * from whatever delivers the reply (a socket listener, another caller's release). The caller's
 * callback then runs in that context, not its caller's.
 *
 * A wrapper is a function expression that
 * - calls a callback that came from its caller — a parameter of an enclosing function (not a test
 *   runner's `done`), or a value read off one or off `arguments` (`arguments[0].callback`) —
 *   directly, with `.call` or `.apply`;
 * - is handed on to be called later: returned from a factory, stored in a member or an element
 *   (`arguments[0].callback = ..`, `args[args.length - 1] = ..`), or passed to a call;
 * - and is visibly the instrumentation's: it ends or records a span it closes over
 *   (`span.end()`, `endSpan(span, err)`), or it is returned from a factory whose result the file
 *   passes on to another call (`original.call(pool, this._patchCallback(cb))`).
 *
 * Not here: a wrapper made where a span is active (`context.with(spanCtx, ..)`,
 * `startActiveSpan`): binding it to the current context would run the user's callback inside the
 * instrumentation's span, which is family 3's business (bind to the context captured before the
 * span). Wrappers already bound, and wrappers whose only call to the user's callback is inside
 * `context.with(..)`, restore a context of their own.
 *
 * Fix: bind the wrapper where it is made, `context.bind(context.active(), function (..) {..})`:
 * that is the caller's context when the factory runs in the caller's call (capture at wrap time).
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, ASTUtils } from '@typescript-eslint/utils';
import type { FunctionNode } from './ast.js';
import { contains, getEnclosingFunction, getFunctionName, getMethodName, getPropertyName, isFunctionLike, unwrapTypeScriptExpression, walk } from './ast.js';
import { isContextBound } from './callbacks.js';
import { API } from './otel-api.js';
import type { OtelApi } from './otel-api.js';
import { isTestRunnerCallback } from './test-runner.js';
import { isHandedOnIndirectly, takenFromList } from './wrapper-hand-over.js';

const INVOKE_METHODS = new Set(['call', 'apply']);
/**
 * How the callbacks handed to a library call are named: `cb`, `callback`, `originalCallback`,
 * `done`. Not `handler`, `next`, `original`: a patched handler or method runs in its caller's call.
 */
const CALLBACK_NAME = /cb$|^cb|callback|^done$/i;

/** The identifier a value comes from when it is `x`, `x.y`, `x[0].callback`; `arguments` counts. */
function getRoot(node: TSESTree.Node): TSESTree.Identifier | undefined {
  let current = unwrapTypeScriptExpression(node);
  while (current.type === AST_NODE_TYPES.MemberExpression) current = unwrapTypeScriptExpression(current.object);
  return current.type === AST_NODE_TYPES.Identifier ? current : undefined;
}

/**
 * Whether `identifier`, used inside `wrapper`, is a callback handed in by the wrapper's caller's
 * caller: a parameter of a function around the wrapper, or a `const`/`let` of one initialised
 * from such a parameter or from `arguments` (`const original = arguments[0].callback`).
 */
function isCallerCallback(sourceCode: Readonly<TSESLint.SourceCode>, api: OtelApi, identifier: TSESTree.Identifier, wrapper: FunctionNode): boolean {
  // A wrapped *callback*, not a patched method calling its `original` (that one runs in its caller's call).
  if (!CALLBACK_NAME.test(identifier.name)) return false;
  const variable = ASTUtils.findVariable(sourceCode.getScope(identifier), identifier);
  const def = variable?.defs[0];
  if (!variable || !def || variable.defs.length !== 1 || contains(wrapper, def.name)) return false;
  // a test runner's `done` records the end of the test: it starts no span and reads no context
  if (def.type === 'Parameter') return !isTestRunnerCallback(api, def.node);
  if (def.type !== 'Variable' || !def.node.init || def.node.id !== def.name) return false;
  // `const cb = args.pop()`: an element of the argument list
  const root = getRoot(takenFromList(def.node.init));
  if (!root || root === def.node.init) return false;
  if (root.name === 'arguments') return true;
  const rootVariable = ASTUtils.findVariable(sourceCode.getScope(root), root);
  return rootVariable?.defs[0]?.type === 'Parameter';
}

/**
 * The file's calls, indexed once per file for the wrapper checks: every call (traversal order) and,
 * by innermost enclosing function, the calls whose callee is a name CALLBACK_NAME matches
 * (directly or through `.call`/`.apply`) — the only calls that can call a caller's callback.
 */
export interface CallIndex {
  calls: readonly TSESTree.CallExpression[];
  callbackCalls: ReadonlyMap<FunctionNode, readonly TSESTree.CallExpression[]>;
}

/** The callee a wrapper calls, through `.call` / `.apply`. */
function invokedCallee(call: TSESTree.CallExpression): TSESTree.Node {
  const callee = unwrapTypeScriptExpression(call.callee);
  return callee.type === AST_NODE_TYPES.MemberExpression && INVOKE_METHODS.has(getPropertyName(callee) ?? '') ? unwrapTypeScriptExpression(callee.object) : callee;
}

/** `nodes`: every call and assignment of the file, in traversal order (the file analysis' list). */
export function indexCalls(nodes: readonly (TSESTree.CallExpression | TSESTree.AssignmentExpression)[]): CallIndex {
  const calls: TSESTree.CallExpression[] = [];
  const callbackCalls = new Map<FunctionNode, TSESTree.CallExpression[]>();
  for (const node of nodes) {
    if (node.type !== AST_NODE_TYPES.CallExpression) continue;
    calls.push(node);
    const callee = invokedCallee(node);
    if (callee.type !== AST_NODE_TYPES.Identifier || !CALLBACK_NAME.test(callee.name)) continue;
    const fn = getEnclosingFunction(node);
    if (!fn) continue;
    const list = callbackCalls.get(fn);
    if (list) list.push(node);
    else callbackCalls.set(fn, [node]);
  }
  return { calls, callbackCalls };
}

/**
 * The wrapper calls its caller's callback (not from inside `context.with(..)` or a bound call,
 * which restore a context): a call of the wrapper's own body (not of a nested function) whose
 * callee is such a callback, with no such call around it inside the body.
 */
function callsCallerCallback(sourceCode: Readonly<TSESLint.SourceCode>, api: OtelApi, wrapper: FunctionNode, index: CallIndex): boolean {
  const body = wrapper.body;
  for (const call of index.callbackCalls.get(wrapper) ?? []) {
    if (call.range[0] < body.range[0] || call.range[1] > body.range[1]) continue; // a parameter default
    let restored = false;
    for (let current: TSESTree.Node | undefined = call; current; current = current.parent) {
      if (current.type === AST_NODE_TYPES.CallExpression && (isContextBound(sourceCode, api, current) || api.calleePath(current) === API('context.with'))) {
        restored = true;
        break;
      }
      if (current === body) break;
    }
    if (restored || runsOnlyWhenNothingCaptured(sourceCode, wrapper, call)) continue;
    const callee = invokedCallee(call);
    if (callee.type === AST_NODE_TYPES.Identifier && isCallerCallback(sourceCode, api, callee, wrapper)) return true;
  }
  return false;
}

/**
 * `if (parentSpan) return withActiveSpan(parentSpan, () => cb(..)); return cb(..);`: the wrapper
 * restores what it captured at wrap time (a span or context held outside it), through any helper
 * that takes it first and runs a function (Sentry's `withActiveSpan`, `context.with`), and calls
 * the callback raw only when nothing was captured: then there was no trace to keep.
 */
function runsOnlyWhenNothingCaptured(sourceCode: Readonly<TSESLint.SourceCode>, wrapper: FunctionNode, call: TSESTree.CallExpression): boolean {
  for (let node: TSESTree.Node = call; node.parent && node !== wrapper.body; node = node.parent) {
    const block: TSESTree.Node = node.parent;
    if (block.type !== AST_NODE_TYPES.BlockStatement) continue;
    for (const statement of block.body) {
      if (statement === node) break;
      if (statement.type !== AST_NODE_TYPES.IfStatement || statement.alternate) continue;
      const test = unwrapTypeScriptExpression(statement.test);
      const last = statement.consequent.type === AST_NODE_TYPES.BlockStatement ? statement.consequent.body.at(-1) : statement.consequent;
      const restore = last?.type === AST_NODE_TYPES.ReturnStatement && last.argument ? unwrapTypeScriptExpression(last.argument) : undefined;
      if (test.type !== AST_NODE_TYPES.Identifier || restore?.type !== AST_NODE_TYPES.CallExpression) continue;
      const first = restore.arguments[0];
      if (first?.type !== AST_NODE_TYPES.Identifier || first.name !== test.name || !restore.arguments.slice(1).some(isFunctionLike)) continue;
      const def = ASTUtils.findVariable(sourceCode.getScope(test), test)?.defs[0];
      if (def && !contains(wrapper, def.name)) return true;
    }
  }
  return false;
}

/** `span.end()`, `span.setStatus(..)`, `endSpan(span, err)`: the wrapper finishes a span it closes over. */
function finishesSpan(sourceCode: Readonly<TSESLint.SourceCode>, wrapper: FunctionNode): boolean {
  let found = false;
  const outside = (identifier: TSESTree.Identifier) => {
    const variable = ASTUtils.findVariable(sourceCode.getScope(identifier), identifier);
    const def = variable?.defs[0];
    return def !== undefined && !contains(wrapper, def.name) && variable?.scope.type !== 'module' && variable?.scope.type !== 'global';
  };
  walk(wrapper.body, (node) => {
    if (found) return false;
    if (node.type !== AST_NODE_TYPES.CallExpression) return true;
    const callee = unwrapTypeScriptExpression(node.callee);
    if (callee.type === AST_NODE_TYPES.MemberExpression && ['end', 'setStatus', 'recordException'].includes(getMethodName(node) ?? '')) {
      const object = unwrapTypeScriptExpression(callee.object);
      if (object.type === AST_NODE_TYPES.Identifier && /span/i.test(object.name) && outside(object)) found = true;
    }
    for (const argument of node.arguments) {
      const value = unwrapTypeScriptExpression(argument);
      if (value.type === AST_NODE_TYPES.Identifier && /span/i.test(value.name) && outside(value) && /end|finish|close|stop/i.test(sourceCode.getText(callee))) found = true;
    }
    return !found;
  });
  return found;
}

/** The function whose `return` (or arrow body) hands `wrapper` out, if any. */
function getReturningFactory(wrapper: FunctionNode): FunctionNode | undefined {
  const parent = wrapper.parent;
  if (parent?.type === AST_NODE_TYPES.ReturnStatement) return getEnclosingFunction(parent);
  if (parent?.type === AST_NODE_TYPES.ArrowFunctionExpression && parent.body === wrapper) return parent;
  return undefined;
}

/** How the wrapper leaves the function that makes it: returned, stored in a member or element, or passed to a call. */
function isHandedOn(wrapper: FunctionNode): boolean {
  const parent = wrapper.parent;
  if (getReturningFactory(wrapper)) return true;
  if (parent?.type === AST_NODE_TYPES.AssignmentExpression && parent.right === wrapper) {
    return unwrapTypeScriptExpression(parent.left).type === AST_NODE_TYPES.MemberExpression;
  }
  // handed to the wrapped original: `original.call(this, sql, function (err, rows) {..})`
  if (parent?.type !== AST_NODE_TYPES.CallExpression || !parent.arguments.includes(wrapper as TSESTree.CallExpressionArgument)) return false;
  let callee = unwrapTypeScriptExpression(parent.callee);
  if (callee.type === AST_NODE_TYPES.MemberExpression && INVOKE_METHODS.has(getPropertyName(callee) ?? '')) callee = unwrapTypeScriptExpression(callee.object);
  const name = callee.type === AST_NODE_TYPES.Identifier ? callee.name : callee.type === AST_NODE_TYPES.MemberExpression ? getPropertyName(callee) : undefined;
  return name !== undefined && /^orig/i.test(name);
}

/** Some call of the factory (by name) in the file hands its result to another call, directly or through a `const`. */
function isFactoryResultPassedOn(sourceCode: Readonly<TSESLint.SourceCode>, api: OtelApi, factory: FunctionNode, index: CallIndex): boolean {
  const name = getFunctionName(factory);
  if (name === undefined) return false;
  let found = false;
  // every call of the file (the order does not matter: any one that hands the result on)
  for (const node of index.calls) {
    if (found) break;
    const callee = unwrapTypeScriptExpression(node.callee);
    const calledName = callee.type === AST_NODE_TYPES.Identifier ? callee.name : callee.type === AST_NODE_TYPES.MemberExpression ? getPropertyName(callee) : undefined;
    if (calledName !== name || contains(factory, node)) continue;
    const holder = getHolder(node);
    if (holder && isReboundLater(sourceCode, api, holder)) continue;
    const parent = node.parent;
    if (parent.type === AST_NODE_TYPES.CallExpression && isContextBound(sourceCode, api, parent)) continue;
    if ((parent.type === AST_NODE_TYPES.CallExpression || parent.type === AST_NODE_TYPES.NewExpression) && parent.arguments.includes(node)) found = true;
    else if (parent.type === AST_NODE_TYPES.AssignmentExpression && parent.right === node && unwrapTypeScriptExpression(parent.left).type === AST_NODE_TYPES.MemberExpression) found = true;
    else if (parent.type === AST_NODE_TYPES.VariableDeclarator && parent.id.type === AST_NODE_TYPES.Identifier) {
      const variable = sourceCode.getDeclaredVariables(parent)[0];
      found = (variable?.references ?? []).some((reference) => {
        const use = reference.identifier.parent;
        return !reference.init && (use?.type === AST_NODE_TYPES.CallExpression || use?.type === AST_NODE_TYPES.NewExpression) && use.arguments.includes(reference.identifier as TSESTree.Identifier);
      });
    }
  }
  return found;
}

/**
 * Whether what holds the wrapper is bound afterwards in the same function:
 * `args[i] = patch(..); args[i] = context.bind(context.active(), args[i])`, `cb = context.bind(.., cb)`.
 */
function isReboundLater(sourceCode: Readonly<TSESLint.SourceCode>, api: OtelApi, holder: TSESTree.Node): boolean {
  const text = sourceCode.getText(holder);
  const owner = getEnclosingFunction(holder) ?? sourceCode.ast;
  let bound = false;
  walk(owner, (node) => {
    if (bound) return false;
    if (node.type === AST_NODE_TYPES.CallExpression && isContextBound(sourceCode, api, node) && node.arguments.some((a) => sourceCode.getText(a) === text)) bound = true;
    return !bound;
  });
  return bound;
}

/** Where a wrapper (or a factory call making one) ends up: a member or element it is assigned to, a variable it initialises. */
function getHolder(node: TSESTree.Node): TSESTree.Node | undefined {
  const parent = node.parent;
  if (parent?.type === AST_NODE_TYPES.AssignmentExpression && parent.right === node) return parent.left;
  if (parent?.type === AST_NODE_TYPES.VariableDeclarator && parent.init === node) return parent.id;
  return undefined;
}

/** Whether `fn` is a callback wrapper that will run its caller's callback in a library's context (see the module comment). */
export function isUnboundCallbackWrapper(sourceCode: Readonly<TSESLint.SourceCode>, api: OtelApi, fn: FunctionNode, index: CallIndex): boolean {
  // cheapest first: a function that calls nothing named like a callback cannot call its caller's
  // (callsCallerCallback's own first test; the tests before it are pure, so the answer is the same)
  if (!index.callbackCalls.has(fn)) return false;
  if (fn.type === AST_NODE_TYPES.FunctionDeclaration || !(isHandedOn(fn) || isHandedOnIndirectly(sourceCode, fn))) return false;
  const parent = fn.parent;
  if (parent?.type === AST_NODE_TYPES.CallExpression && isContextBound(sourceCode, api, parent)) return false;
  if (!callsCallerCallback(sourceCode, api, fn, index)) return false;
  const factory = getReturningFactory(fn);
  // A factory's wrapper is judged where the file calls the factory: an exported helper may be
  // bound by its callers elsewhere (`callback = context.bind(context.active(), patchCallback(..))`).
  if (factory) return isFactoryResultPassedOn(sourceCode, api, factory, index);
  const holder = getHolder(fn);
  if (holder && isReboundLater(sourceCode, api, holder)) return false;
  return finishesSpan(sourceCode, fn);
}
