import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, ASTUtils } from '@typescript-eslint/utils';

export type FunctionNode =
  | TSESTree.ArrowFunctionExpression
  | TSESTree.FunctionDeclaration
  | TSESTree.FunctionExpression;

export function isFunctionLike(node: TSESTree.Node | null | undefined): node is FunctionNode {
  return (
    node?.type === AST_NODE_TYPES.ArrowFunctionExpression ||
    node?.type === AST_NODE_TYPES.FunctionDeclaration ||
    node?.type === AST_NODE_TYPES.FunctionExpression
  );
}

/** Strips TypeScript-only wrappers (`x as T`, `x!`, `<T>x`, `x satisfies T`) and parentheses. */
export function unwrapTypeScriptExpression(node: TSESTree.Node): TSESTree.Node {
  let current = node;
  for (;;) {
    switch (current.type) {
      case AST_NODE_TYPES.TSAsExpression:
      case AST_NODE_TYPES.TSNonNullExpression:
      case AST_NODE_TYPES.TSSatisfiesExpression:
      case AST_NODE_TYPES.TSTypeAssertion:
      case AST_NODE_TYPES.TSInstantiationExpression:
        current = current.expression;
        break;
      default:
        return current;
    }
  }
}

/** The nearest enclosing function of `node` (not `node` itself), or undefined at module level. */
export function getEnclosingFunction(node: TSESTree.Node): FunctionNode | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (isFunctionLike(current)) return current;
  }
  return undefined;
}

/** Name of a non-computed (or string-literal computed) member property. */
export function getPropertyName(node: TSESTree.MemberExpression): string | undefined {
  if (!node.computed && node.property.type === AST_NODE_TYPES.Identifier) return node.property.name;
  if (node.computed && node.property.type === AST_NODE_TYPES.Literal && typeof node.property.value === 'string') {
    return node.property.value;
  }
  return undefined;
}

/** `obj.name(...)` → 'name' for member calls; undefined otherwise. */
export function getMethodName(call: TSESTree.CallExpression): string | undefined {
  const callee = unwrapTypeScriptExpression(call.callee);
  return callee.type === AST_NODE_TYPES.MemberExpression ? getPropertyName(callee) : undefined;
}

/** The name a call is made by: `fn(..)` → 'fn', `obj.name(..)` → 'name'. */
export function getCalleeName(call: TSESTree.CallExpression): string | undefined {
  const callee = unwrapTypeScriptExpression(call.callee);
  return callee.type === AST_NODE_TYPES.Identifier ? callee.name : getMethodName(call);
}

/** A middleware continuation's name: `next`, `patchedNext`, `callNext`. */
export const CONTINUATION_NAME = /^(?:next|\w*Next)$/;

/** The methods that register promise callbacks. */
export const PROMISE_METHODS: ReadonlySet<string> = new Set(['then', 'catch', 'finally']);

/**
 * The name a function is declared under: `function f`, `const f = () =>`, a method or property
 * `f() {}` (not computed, not private).
 */
export function getFunctionName(fn: FunctionNode): string | undefined {
  if (fn.type !== AST_NODE_TYPES.ArrowFunctionExpression && fn.id) return fn.id.name;
  const parent = fn.parent;
  if (parent?.type === AST_NODE_TYPES.VariableDeclarator && parent.id.type === AST_NODE_TYPES.Identifier) return parent.id.name;
  if ((parent?.type === AST_NODE_TYPES.MethodDefinition || parent?.type === AST_NODE_TYPES.Property || parent?.type === AST_NODE_TYPES.PropertyDefinition) && !parent.computed) {
    return parent.key.type === AST_NODE_TYPES.Identifier ? parent.key.name : undefined;
  }
  return undefined;
}

/** The function a call runs: `fn` for `fn(..)`, `fn.call(..)` and `fn.apply(..)`. */
export function getInvokedFunction(call: TSESTree.CallExpression): TSESTree.Node {
  const callee = unwrapTypeScriptExpression(call.callee);
  const method = getMethodName(call);
  return callee.type === AST_NODE_TYPES.MemberExpression && (method === 'call' || method === 'apply') ? unwrapTypeScriptExpression(callee.object) : callee;
}

/** The key name of a class member: `name`, `#name` (private); undefined when computed. */
export function getMemberKeyName(element: TSESTree.MethodDefinition | TSESTree.PropertyDefinition): string | undefined {
  if (element.computed) return undefined;
  if (element.key.type === AST_NODE_TYPES.Identifier) return element.key.name;
  return element.key.type === AST_NODE_TYPES.PrivateIdentifier ? `#${element.key.name}` : undefined;
}

/** The object a method is called on: `a.b.c()` → `a.b`. */
export function getMethodReceiver(call: TSESTree.CallExpression): TSESTree.Expression | undefined {
  const callee = unwrapTypeScriptExpression(call.callee);
  return callee.type === AST_NODE_TYPES.MemberExpression ? callee.object : undefined;
}

/** `a.b.c` → 'a.b.c', `this.x` → 'this.x'; undefined for anything else (calls, computed members). */
export function getDottedName(node: TSESTree.Node): string | undefined {
  const expression = unwrapTypeScriptExpression(node);
  if (expression.type === AST_NODE_TYPES.Identifier) return expression.name;
  if (expression.type === AST_NODE_TYPES.ThisExpression) return 'this';
  if (expression.type === AST_NODE_TYPES.MemberExpression && !expression.computed && expression.property.type === AST_NODE_TYPES.Identifier) {
    const object = getDottedName(expression.object);
    return object === undefined ? undefined : `${object}.${expression.property.name}`;
  }
  return undefined;
}

/** Whether `inner` lies inside `outer` (inclusive). */
export function contains(outer: TSESTree.Node, inner: TSESTree.Node): boolean {
  return outer.range[0] <= inner.range[0] && inner.range[1] <= outer.range[1];
}

/** The last argument if it is a function expression. */
export function getCallbackArgument(call: TSESTree.CallExpression | TSESTree.NewExpression): FunctionNode | undefined {
  const last = call.arguments.at(-1);
  return last && isFunctionLike(last) ? last : undefined;
}

/** The call whose argument `fn` is, with the argument index; undefined if `fn` is not a direct argument. */
export function getCallOfArgument(
  fn: TSESTree.Node,
): { call: TSESTree.CallExpression | TSESTree.NewExpression; index: number } | undefined {
  const parent = fn.parent;
  if (parent?.type !== AST_NODE_TYPES.CallExpression && parent?.type !== AST_NODE_TYPES.NewExpression) return undefined;
  const index = parent.arguments.indexOf(fn as TSESTree.CallExpressionArgument);
  return index === -1 ? undefined : { call: parent, index };
}

const SKIPPED_KEYS = new Set(['parent', 'loc', 'range', 'tokens', 'comments', 'typeAnnotation', 'returnType', 'typeParameters', 'typeArguments']);

/**
 * Visits every descendant of `root` depth first. Return `false` from `visit` to skip a subtree.
 * Type annotations are not visited.
 */
export function walk(root: TSESTree.Node, visit: (node: TSESTree.Node) => boolean | void): void {
  const stack: TSESTree.Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (!node) break;
    if (visit(node) === false) continue;
    for (const key of Object.keys(node)) {
      if (SKIPPED_KEYS.has(key)) continue;
      const value = (node as unknown as Record<string, unknown>)[key];
      if (Array.isArray(value)) {
        for (let i = value.length - 1; i >= 0; i--) {
          const child: unknown = value[i];
          if (isNode(child)) stack.push(child);
        }
      } else if (isNode(value)) {
        stack.push(value);
      }
    }
  }
}

function isNode(value: unknown): value is TSESTree.Node {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/** The name an import specifier imports: `import { a as b }` → `a` (also `import { 'a-b' as c }`). */
export function importedName(specifier: TSESTree.ImportSpecifier): string {
  return specifier.imported.type === AST_NODE_TYPES.Identifier ? specifier.imported.name : specifier.imported.value;
}

/** `require('x')` (TypeScript wrappers unwrapped) → `'x'`; the caller decides whether `require` is the global one. */
export function getRequireSource(node: TSESTree.Node): string | undefined {
  const unwrapped = unwrapTypeScriptExpression(node);
  if (
    unwrapped.type !== AST_NODE_TYPES.CallExpression ||
    unwrapped.callee.type !== AST_NODE_TYPES.Identifier ||
    unwrapped.callee.name !== 'require' ||
    unwrapped.arguments.length !== 1
  ) {
    return undefined;
  }
  const argument = unwrapped.arguments[0];
  return argument?.type === AST_NODE_TYPES.Literal && typeof argument.value === 'string' ? argument.value : undefined;
}

/** Whether `fn` runs as a method of a class (so `this` is the instance): a method, or an arrow inside one. */
export function getEnclosingClassBody(node: TSESTree.Node): TSESTree.ClassBody | undefined {
  for (let fn = getEnclosingFunction(node); fn; fn = getEnclosingFunction(fn)) {
    if (fn.type === AST_NODE_TYPES.ArrowFunctionExpression) continue;
    const parent = fn.parent;
    if (
      (parent?.type === AST_NODE_TYPES.MethodDefinition || parent?.type === AST_NODE_TYPES.PropertyDefinition) &&
      parent.parent.type === AST_NODE_TYPES.ClassBody
    ) {
      return parent.parent;
    }
    return undefined;
  }
  // Arrow functions in a class field initialiser: `handler = () => this.x.push(..)`.
  for (let current: TSESTree.Node | undefined = node.parent; current; current = current.parent) {
    if (current.type === AST_NODE_TYPES.PropertyDefinition) return current.parent;
    if (isFunctionLike(current) && current.type !== AST_NODE_TYPES.ArrowFunctionExpression) return undefined;
  }
  return undefined;
}

/** `this.name` / `this.#name` inside a class: the member name, or undefined. */
export function getThisMemberName(node: TSESTree.Node): string | undefined {
  const expression = unwrapTypeScriptExpression(node);
  if (expression.type !== AST_NODE_TYPES.MemberExpression || expression.computed) return undefined;
  if (unwrapTypeScriptExpression(expression.object).type !== AST_NODE_TYPES.ThisExpression) return undefined;
  if (expression.property.type === AST_NODE_TYPES.Identifier) return expression.property.name;
  if (expression.property.type === AST_NODE_TYPES.PrivateIdentifier) return `#${expression.property.name}`;
  return undefined;
}

/**
 * The field of `this` an expression reads, named by `keyOf` (getThisMemberName by default): the
 * member itself (`this.f`), or a local copy of it (`const g = this.f`, `const { f } = this`,
 * `const { f: g } = this`).
 */
export function getThisFieldRead(
  sourceCode: Readonly<TSESLint.SourceCode>,
  node: TSESTree.Node,
  keyOf: (node: TSESTree.Node) => string | undefined = getThisMemberName,
): string | undefined {
  const expression = unwrapTypeScriptExpression(node);
  const direct = keyOf(expression);
  if (direct !== undefined || expression.type !== AST_NODE_TYPES.Identifier) return direct;
  const variable = ASTUtils.findVariable(sourceCode.getScope(expression), expression);
  const def = variable?.defs[0];
  if (variable?.defs.length !== 1 || def?.type !== 'Variable' || !def.node.init) return undefined;
  const init = unwrapTypeScriptExpression(def.node.init);
  if (def.node.id === def.name) return keyOf(init);
  if (init.type !== AST_NODE_TYPES.ThisExpression) return undefined;
  const property = def.name.parent;
  return property?.type === AST_NODE_TYPES.Property && property.value === def.name && !property.computed && property.key.type === AST_NODE_TYPES.Identifier ? property.key.name : undefined;
}

/**
 * The method (or arrow-function field) `name` of a class body: `this.name(..)` runs it.
 */
export function getClassMethod(classBody: TSESTree.ClassBody, name: string): FunctionNode | undefined {
  for (const element of classBody.body) {
    if ((element.type !== AST_NODE_TYPES.MethodDefinition && element.type !== AST_NODE_TYPES.PropertyDefinition) || element.static) continue;
    if (getMemberKeyName(element) !== name) continue;
    const value = element.value ? unwrapTypeScriptExpression(element.value) : undefined;
    if (value?.type === AST_NODE_TYPES.FunctionExpression || value?.type === AST_NODE_TYPES.ArrowFunctionExpression) return value;
  }
  return undefined;
}

/** `this.name(..)` in a class: the method of that class it runs. */
export function resolveThisMethod(callee: TSESTree.Node): FunctionNode | undefined {
  const member = getThisMemberName(callee);
  const classBody = member === undefined ? undefined : getEnclosingClassBody(callee);
  return classBody && member !== undefined ? getClassMethod(classBody, member) : undefined;
}

/** The values a function returns (its expression body, or the arguments of its own `return`s). */
export function getReturnedValues(fn: FunctionNode): TSESTree.Node[] {
  if (fn.body.type !== AST_NODE_TYPES.BlockStatement) return [fn.body];
  const values: TSESTree.Node[] = [];
  let bare = false;
  walk(fn.body, (node) => {
    if (isFunctionLike(node)) return false;
    if (node.type === AST_NODE_TYPES.ReturnStatement) {
      if (node.argument) values.push(node.argument);
      else bare = true;
    }
    return true;
  });
  return bare ? [] : values;
}

/** `const { task } = entry` → 'task' for the identifier `task`. */
export function getPatternKey(name: TSESTree.Node): string | undefined {
  const parent = name.parent;
  if (parent?.type === AST_NODE_TYPES.Property && parent.value === name && parent.parent.type === AST_NODE_TYPES.ObjectPattern) {
    return parent.key.type === AST_NODE_TYPES.Identifier ? parent.key.name : undefined;
  }
  return undefined;
}

/** `self.name` where `self` is a never-reassigned alias of `this` (`var self = this`): the member and that `this`. */
export function getThisAlias(sourceCode: Readonly<TSESLint.SourceCode>, expression: TSESTree.Node): { member: string; thisNode: TSESTree.Node } | undefined {
  if (expression.type !== AST_NODE_TYPES.MemberExpression || expression.computed || expression.property.type !== AST_NODE_TYPES.Identifier) return undefined;
  const object = unwrapTypeScriptExpression(expression.object);
  if (object.type !== AST_NODE_TYPES.Identifier) return undefined;
  const variable = ASTUtils.findVariable(sourceCode.getScope(object), object);
  const def = variable?.defs[0];
  if (!variable || variable.defs.length !== 1 || def?.type !== 'Variable' || !def.node.init) return undefined;
  const init = unwrapTypeScriptExpression(def.node.init);
  if (init.type !== AST_NODE_TYPES.ThisExpression || variable.references.some((reference) => reference.isWrite() && !reference.init)) return undefined;
  return { member: expression.property.name, thisNode: init };
}

/**
 * The constructor whose instance `this` is in a pre-class "class": a method assigned to
 * `Name.prototype.method` (or a property of `Name.prototype = { .. }`), or the constructor
 * function `Name` itself (a function named with a capital letter).
 */
export function getPrototypeClassName(node: TSESTree.Node): string | undefined {
  let fn = getEnclosingFunction(node);
  while (fn?.type === AST_NODE_TYPES.ArrowFunctionExpression) fn = getEnclosingFunction(fn);
  if (!fn) return undefined;
  if (fn.type === AST_NODE_TYPES.FunctionDeclaration && fn.id && /^[A-Z]/.test(fn.id.name)) return fn.id.name;
  let parent = fn.parent;
  if (parent?.type === AST_NODE_TYPES.Property && !parent.computed) parent = parent.parent.parent;
  if (parent?.type === AST_NODE_TYPES.AssignmentExpression) {
    let left = unwrapTypeScriptExpression(parent.left);
    if (left.type === AST_NODE_TYPES.MemberExpression && getPropertyName(left) !== 'prototype') left = unwrapTypeScriptExpression(left.object);
    if (left.type === AST_NODE_TYPES.MemberExpression && getPropertyName(left) === 'prototype') {
      const owner = unwrapTypeScriptExpression(left.object);
      if (owner.type === AST_NODE_TYPES.Identifier) return owner.name;
    }
  }
  return fn.type === AST_NODE_TYPES.FunctionExpression && fn.id && /^[A-Z]/.test(fn.id.name) ? fn.id.name : undefined;
}

/** `text` as a literal inside a regular expression. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
