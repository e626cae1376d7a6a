/**
 * Issue 11, family 4 (with callback-wrappers.ts): the spellings by which instrumentation hands a
 * callback wrapper to the wrapped original other than returning it, assigning it to a member or
 * passing it straight to `original(..)`:
 *
 * - held in a variable first: `const wrapped = function (err, res) {..}; args[i] = wrapped;` or
 *   `original.call(this, ...args, wrapped)`;
 * - an element of the argument array of `original.apply(this, [sql, function (..) {..}])`;
 * - pushed onto an argument list the original then gets: `args.push(function (..) {..});
 *   return original.apply(this, args)` (also `unshift`, `splice`).
 *
 * And how the caller's callback is taken off an argument list: `const cb = args.pop()`,
 * `arguments[0].callback`, `args.at(-1)`.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, ASTUtils } from '@typescript-eslint/utils';
import type { FunctionNode } from './ast.js';
import { getEnclosingFunction, getPropertyName, isFunctionLike, unwrapTypeScriptExpression, walk } from './ast.js';

const INVOKE_METHODS = new Set(['call', 'apply']);
const LIST_STORES = new Set(['push', 'unshift', 'splice']);
/** Calls that take an element off a list: the value is the list's element. */
const LIST_TAKES = new Set(['pop', 'shift', 'at']);

/** `original(..)`, `original.call(..)`, `this._original.apply(..)`, `orig(..)`: the wrapped function. */
export function isOriginalCall(call: TSESTree.Node | undefined): boolean {
  if (call?.type !== AST_NODE_TYPES.CallExpression) return false;
  let callee = unwrapTypeScriptExpression(call.callee);
  if (callee.type === AST_NODE_TYPES.MemberExpression && INVOKE_METHODS.has(getPropertyName(callee) ?? '')) callee = unwrapTypeScriptExpression(callee.object);
  const name = callee.type === AST_NODE_TYPES.Identifier ? callee.name : callee.type === AST_NODE_TYPES.MemberExpression ? getPropertyName(callee) : undefined;
  return name !== undefined && /^orig/i.test(name);
}

/** `args.pop()`, `args.at(-1)`: the list an element is taken from (else the node itself). */
export function takenFromList(node: TSESTree.Node): TSESTree.Node {
  const expression = unwrapTypeScriptExpression(node);
  if (expression.type !== AST_NODE_TYPES.CallExpression) return expression;
  const callee = unwrapTypeScriptExpression(expression.callee);
  return callee.type === AST_NODE_TYPES.MemberExpression && LIST_TAKES.has(getPropertyName(callee) ?? '') ? callee.object : expression;
}

/** `list` (an identifier) is an argument of a later call of the original, or its argument array's spread. */
function isListPassedToOriginal(sourceCode: Readonly<TSESLint.SourceCode>, list: TSESTree.Identifier, after: TSESTree.Node): boolean {
  const variable = ASTUtils.findVariable(sourceCode.getScope(list), list);
  if (!variable) return list.name === 'arguments' && isArgumentsPassed(after);
  return variable.references.some((reference) => {
    const id = reference.identifier;
    if (!reference.isRead() || id.range[0] < after.range[1]) return false;
    const use = id.parent?.type === AST_NODE_TYPES.SpreadElement ? id.parent : id;
    return isOriginalCall(use.parent) && (use.parent as TSESTree.CallExpression).arguments.includes(use as TSESTree.CallExpressionArgument);
  });
}

/** `original.apply(this, arguments)` later in the function that holds `after` (not in a nested function: `arguments` is its own). */
function isArgumentsPassed(after: TSESTree.Node): boolean {
  const fn = getEnclosingFunction(after);
  if (!fn) return false;
  let found = false;
  walk(fn.body, (node) => {
    if (found || (node !== fn.body && isFunctionLike(node))) return false;
    if (node.range[0] > after.range[1] && isOriginalCall(node) && (node as TSESTree.CallExpression).arguments.some((a) => a.type === AST_NODE_TYPES.Identifier && a.name === 'arguments')) found = true;
    return !found;
  });
  return found;
}

/** Where `value` (the wrapper, or a read of the variable holding it) goes straight to the original or into a member. */
function isHandedOnValue(sourceCode: Readonly<TSESLint.SourceCode>, value: TSESTree.Node): boolean {
  const parent = value.parent;
  if (!parent) return false;
  if (parent.type === AST_NODE_TYPES.AssignmentExpression && parent.right === value) {
    return unwrapTypeScriptExpression(parent.left).type === AST_NODE_TYPES.MemberExpression;
  }
  if (parent.type === AST_NODE_TYPES.CallExpression && isOriginalCall(parent)) return parent.arguments.includes(value as TSESTree.CallExpressionArgument);
  // `original.apply(this, [sql, wrapper])`
  if (parent.type === AST_NODE_TYPES.ArrayExpression) return isOriginalCall(parent.parent) && (parent.parent as TSESTree.CallExpression).arguments.includes(parent);
  // `args.push(wrapper); return original.apply(this, args)`
  if (parent.type === AST_NODE_TYPES.CallExpression && parent.arguments.includes(value as TSESTree.CallExpressionArgument)) {
    const callee = unwrapTypeScriptExpression(parent.callee);
    if (callee.type !== AST_NODE_TYPES.MemberExpression || !LIST_STORES.has(getPropertyName(callee) ?? '')) return false;
    const list = unwrapTypeScriptExpression(callee.object);
    return list.type === AST_NODE_TYPES.Identifier && isListPassedToOriginal(sourceCode, list, parent);
  }
  return false;
}

/**
 * The wrapper reaches the original through an argument list or a variable (see the module
 * comment); the direct spellings are callback-wrappers.ts's `isHandedOn`.
 */
export function isHandedOnIndirectly(sourceCode: Readonly<TSESLint.SourceCode>, wrapper: FunctionNode): boolean {
  const parent = wrapper.parent;
  if (parent?.type === AST_NODE_TYPES.VariableDeclarator && parent.init === wrapper && parent.id.type === AST_NODE_TYPES.Identifier) {
    const variable = sourceCode.getDeclaredVariables(parent)[0];
    return (variable?.references ?? []).some((reference) => !reference.init && reference.isRead() && isHandedOnValue(sourceCode, reference.identifier));
  }
  if (parent?.type === AST_NODE_TYPES.AssignmentExpression || parent?.type === AST_NODE_TYPES.ReturnStatement) return false;
  return isHandedOnValue(sourceCode, wrapper);
}

/**
 * The call of the original that receives `wrapper`: the call it is an argument of (or an element of
 * its argument array), or the later call that gets the list or object it was stored into
 * (`args[args.length - 1] = wrapper; .. original.apply(this, args)`). Where that call runs inside an
 * active span (`context.with(spanCtx, () => original.apply(this, args))`), the caller's callback runs
 * inside the instrumentation's span: family 3's defect and fix, not this one's.
 */
export function getOriginalCallOf(sourceCode: Readonly<TSESLint.SourceCode>, wrapper: FunctionNode): TSESTree.Node | undefined {
  const parent = wrapper.parent;
  const values: TSESTree.Node[] = [wrapper];
  if (parent?.type === AST_NODE_TYPES.VariableDeclarator && parent.init === wrapper) {
    for (const reference of sourceCode.getDeclaredVariables(parent)[0]?.references ?? []) if (!reference.init && reference.isRead()) values.push(reference.identifier);
  }
  for (const value of values) {
    const holder = value.parent;
    if (!holder) continue;
    if (holder.type === AST_NODE_TYPES.CallExpression && isOriginalCall(holder)) return holder;
    if (holder.type === AST_NODE_TYPES.ArrayExpression && isOriginalCall(holder.parent)) return holder.parent;
    let list: TSESTree.Node | undefined;
    if (holder.type === AST_NODE_TYPES.AssignmentExpression && holder.right === value) {
      list = unwrapTypeScriptExpression(holder.left);
      while (list.type === AST_NODE_TYPES.MemberExpression) list = unwrapTypeScriptExpression(list.object);
    } else if (holder.type === AST_NODE_TYPES.CallExpression && holder.callee.type === AST_NODE_TYPES.MemberExpression && LIST_STORES.has(getPropertyName(holder.callee) ?? '')) {
      list = unwrapTypeScriptExpression(holder.callee.object);
    }
    if (list?.type !== AST_NODE_TYPES.Identifier) continue;
    const call = findLaterOriginalCall(sourceCode, list, holder);
    if (call) return call;
  }
  return undefined;
}

/** The first call of the original after `after` that gets `list` (or `...list`) as an argument. */
function findLaterOriginalCall(sourceCode: Readonly<TSESLint.SourceCode>, list: TSESTree.Identifier, after: TSESTree.Node): TSESTree.Node | undefined {
  const fn = getEnclosingFunction(after);
  if (!fn) return undefined;
  const variable = list.name === 'arguments' ? undefined : ASTUtils.findVariable(sourceCode.getScope(list), list);
  let found: TSESTree.Node | undefined;
  walk(fn.body, (node) => {
    if (found) return false;
    if (node !== fn.body && isFunctionLike(node) && list.name === 'arguments') return false;
    if (node.range[0] > after.range[1] && node.type === AST_NODE_TYPES.CallExpression && isOriginalCall(node)) {
      const gets = node.arguments.some((a) => {
        const arg = a.type === AST_NODE_TYPES.SpreadElement ? a.argument : a;
        if (arg.type !== AST_NODE_TYPES.Identifier || arg.name !== list.name) return false;
        return variable === undefined || ASTUtils.findVariable(sourceCode.getScope(arg), arg) === variable;
      });
      if (gets) found = node;
    }
    return !found;
  });
  return found;
}

/**
 * `function handle(span, call, callback, original) { const patched = (..) => {..; callback(..)};
 * original.call({}, call, patched) }`: the "original" is a parameter of the function that calls
 * it, so that function is a helper handed a handler (opentelemetry-js's grpc server utilities),
 * not a patched library method that closes over the method it replaced; whether the wrapper runs
 * later in a library's context is decided by its callers, in other files.
 */
export function isParameterOriginal(sourceCode: Readonly<TSESLint.SourceCode>, call: TSESTree.Node): boolean {
  if (call.type !== AST_NODE_TYPES.CallExpression) return false;
  let callee = unwrapTypeScriptExpression(call.callee);
  if (callee.type === AST_NODE_TYPES.MemberExpression && INVOKE_METHODS.has(getPropertyName(callee) ?? '')) callee = unwrapTypeScriptExpression(callee.object);
  if (callee.type !== AST_NODE_TYPES.Identifier) return false;
  const def = ASTUtils.findVariable(sourceCode.getScope(callee), callee)?.defs[0];
  return def?.type === 'Parameter' && def.node === getEnclosingFunction(call);
}
