/**
 * Stored callbacks (issue 11, families 4 and 5, the general shape of the handler objects in
 * handler-objects.ts): a per-call object keeps the function its caller handed in — the
 * constructor stores a parameter raw in a field (`this._callback = fn`, `this[kHandler] = handler`)
 * — and ANOTHER method of the object calls it later (`this.f(..)`, `this.f.call(..)`, a copy
 * `const { f } = this; f(..)`, or through a wrapper `tryCatch(f).call(..)`). Whoever calls that
 * method — a socket parser, a promise library's settle queue, a dispatcher — runs the callback in
 * its own async context, not the caller's (petkaantonov/bluebird 53c199e: `MappingPromiseArray`
 * keeps the mapper and `_promiseFulfilled` calls it as each input settles; nodejs/undici's request
 * handlers before they became `AsyncResource`s). Classes and pre-class constructor functions
 * (`function X(..) { this.f = fn }` with `X.prototype.m = function () { .. }`) alike.
 *
 * Reported only when the file shows a per-call object with a caller's continuation:
 * - the file constructs it (`new X(.., cb)`) with a callback some caller handed in
 *   (core/analysis/caller-callbacks.ts), and does not hand the object itself back to that caller
 *   (`return new Server(handler)`: the caller keeps it, drives it and its callback is a persistent
 *   listener, issue point 12);
 * - a method that calls the stored function is not run synchronously by the code that built the
 *   object: not called from the constructor, nor on the new object by the constructing function
 *   (`new Walker(visitor).walk(ast)`, `const p = new Parser(cb); p.write(..)`), nor from a method
 *   those call (their context is the caller's);
 * - the field is never set from another method's parameter (a setter: a listener slot);
 * - the class does not already bind (`extends AsyncResource`, `runInAsyncScope`: partial-binding.ts).
 * Only in files with no tracing (traced code has its own binding rules) and only under the
 * AsyncLocalStorage managers (the detector's gate): the fix, `AsyncResource.bind(fn)` at the store,
 * is Node-only.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, ASTUtils } from '@typescript-eslint/utils';
import { getEnclosingFunction, getInvokedFunction, getMemberKeyName, getPropertyName, getThisFieldRead, isFunctionLike, unwrapTypeScriptExpression, walk } from './ast.js';
import type { FunctionNode } from './ast.js';
import { carriesCallerCallback } from './caller-callbacks.js';
import { extendsAsyncResource } from './partial-binding.js';

/** A callback a constructor stored: the stored parameter, the field's text, the storing assignment. */
export interface StoredCallback {
  node: TSESTree.Identifier;
  queue: string;
  assignment: TSESTree.AssignmentExpression;
  /** The callbacks handed to the constructions (`cb` in `new X(.., cb)`): one defect with the store. */
  handedIn: TSESTree.Node[];
}

const STORE = /\bthis(?:\.([\w$]+)|\[([\w$]+)\])\s*=\s*[\w$]+\s*[;,)\n}]/g;

/**
 * Cheap text test (no parse): a field set from a bare name (`this.f = fn`) that the text also
 * calls or copies (`this.f(`, `this.f.call(`, `= this.f;`, `(this.f)`, `{ f } = this`), in a file
 * that constructs something.
 */
export function mayHoldStoredCallback(text: string): boolean {
  if (!text.includes('new ') || !text.includes('this')) return false;
  STORE.lastIndex = 0;
  const seen = new Set<string>();
  for (let match = STORE.exec(text), count = 0; match && count < 200; match = STORE.exec(text), count++) {
    const field = match[1] ?? match[2];
    if (field === undefined || seen.has(field)) continue;
    seen.add(field);
    const member = match[1] !== undefined ? `this.${field}` : `this[${field}]`;
    if (
      text.includes(`${member}(`) ||
      text.includes(`${member}.call(`) ||
      text.includes(`${member}.apply(`) ||
      text.includes(`(${member})`) ||
      new RegExp(`=\\s*${member.replace(/[.$[\]]/g, '\\$&')}\\s*[;\\n]`).test(text) ||
      (match[1] !== undefined && new RegExp(`[{,]\\s*${field.replace(/\$/g, '\\$')}\\b[^{}=]*\\}\\s*=\\s*this\\b`).test(text))
    ) {
      return true;
    }
  }
  return false;
}

/** `this.f` → 'f'; `this[k]` (an identifier key) → '[k]'. */
function thisKey(node: TSESTree.Node): string | undefined {
  const expression = unwrapTypeScriptExpression(node);
  if (expression.type !== AST_NODE_TYPES.MemberExpression || unwrapTypeScriptExpression(expression.object).type !== AST_NODE_TYPES.ThisExpression) return undefined;
  if (!expression.computed) {
    if (expression.property.type === AST_NODE_TYPES.Identifier) return expression.property.name;
    return expression.property.type === AST_NODE_TYPES.PrivateIdentifier ? `#${expression.property.name}` : undefined;
  }
  return expression.property.type === AST_NODE_TYPES.Identifier ? `[${expression.property.name}]` : undefined;
}

interface Unit {
  /** The constructor (class constructor or constructor function). */
  ctor: FunctionNode;
  /** The declaration whose variable `new` references: the class, its declarator, or the function. */
  declaring: TSESTree.Node;
  methods: Map<string, FunctionNode>;
  resource: boolean;
}

const CONSTRUCTOR_NAME = /^[A-Z]/;

/** The class or constructor function `fn` is the constructor of, with its methods. */
function getUnit(fn: FunctionNode, assignments: readonly TSESTree.AssignmentExpression[]): Unit | undefined {
  const parent = fn.parent;
  if (parent?.type === AST_NODE_TYPES.MethodDefinition && parent.kind === 'constructor') {
    const classNode = parent.parent.parent as TSESTree.ClassDeclaration | TSESTree.ClassExpression;
    const methods = new Map<string, FunctionNode>();
    for (const element of classNode.body.body) {
      if ((element.type !== AST_NODE_TYPES.MethodDefinition && element.type !== AST_NODE_TYPES.PropertyDefinition) || element.static) continue;
      const key = getMemberKeyName(element);
      const value = element.value;
      if (key !== undefined && key !== 'constructor' && value && isFunctionLike(value)) methods.set(key, value);
    }
    const declaring = classNode.type === AST_NODE_TYPES.ClassExpression && classNode.parent.type === AST_NODE_TYPES.VariableDeclarator ? classNode.parent : classNode;
    return { ctor: fn, declaring, methods, resource: extendsAsyncResource(classNode) };
  }
  let name: string | undefined;
  let declaring: TSESTree.Node | undefined;
  if (fn.type === AST_NODE_TYPES.FunctionDeclaration && fn.id) [name, declaring] = [fn.id.name, fn];
  else if (fn.type === AST_NODE_TYPES.FunctionExpression && parent?.type === AST_NODE_TYPES.VariableDeclarator && parent.id.type === AST_NODE_TYPES.Identifier) [name, declaring] = [parent.id.name, parent];
  if (name === undefined || declaring === undefined || !CONSTRUCTOR_NAME.test(name)) return undefined;
  const methods = new Map<string, FunctionNode>();
  for (const assignment of assignments) {
    const left = unwrapTypeScriptExpression(assignment.left);
    const right = unwrapTypeScriptExpression(assignment.right);
    if (left.type !== AST_NODE_TYPES.MemberExpression) continue;
    const owner = unwrapTypeScriptExpression(left.object);
    // `X.prototype.m = function () {..}`
    if (owner.type === AST_NODE_TYPES.MemberExpression && getPropertyName(owner) === 'prototype' && isNamed(owner.object, name) && isFunctionLike(right)) {
      const key = getPropertyName(left);
      if (key !== undefined) methods.set(key, right);
    }
    // `X.prototype = { m() {..}, n: function () {..} }`
    if (getPropertyName(left) === 'prototype' && isNamed(owner, name) && right.type === AST_NODE_TYPES.ObjectExpression) {
      for (const property of right.properties) {
        if (property.type !== AST_NODE_TYPES.Property || property.computed || property.key.type !== AST_NODE_TYPES.Identifier) continue;
        if (isFunctionLike(property.value)) methods.set(property.key.name, property.value);
      }
    }
  }
  return { ctor: fn, declaring, methods, resource: false };
}

const isNamed = (node: TSESTree.Node, name: string): boolean => {
  const expression = unwrapTypeScriptExpression(node);
  return expression.type === AST_NODE_TYPES.Identifier && expression.name === name;
};

/** Walk a method's body where `this` is the instance: arrows included, nested `function`s not. */
function walkWithThis(fn: FunctionNode, visit: (node: TSESTree.Node) => void): void {
  walk(fn.body, (node) => {
    if (node !== fn && isFunctionLike(node) && node.type !== AST_NODE_TYPES.ArrowFunctionExpression) return false;
    visit(node);
    return true;
  });
}

/** The instance's own methods `fn` calls: `this.m(..)`, `this.m.call(..)`. */
function calledMethods(fn: FunctionNode, into: Set<string>): void {
  walkWithThis(fn, (node) => {
    if (node.type !== AST_NODE_TYPES.CallExpression) return;
    const key = thisKey(getInvokedFunction(node));
    if (key !== undefined) into.add(key);
  });
}

/** The field an invoked expression runs: `this.f`, a copy of it, or either wrapped (`tryCatch(f)`). */
function invokedField(sourceCode: Readonly<TSESLint.SourceCode>, callee: TSESTree.Node): string | undefined {
  const expression = unwrapTypeScriptExpression(callee);
  const direct = getThisFieldRead(sourceCode, expression, thisKey);
  if (direct !== undefined || expression.type !== AST_NODE_TYPES.CallExpression || expression.arguments.length !== 1) return direct;
  const [only] = expression.arguments;
  const inner = only && unwrapTypeScriptExpression(only);
  if (!inner) return undefined;
  return getThisFieldRead(sourceCode, inner, thisKey);
}

/** The fields `fn` runs (see invokedField). */
function invokedFields(sourceCode: Readonly<TSESLint.SourceCode>, fn: FunctionNode): Set<string> {
  const fields = new Set<string>();
  walkWithThis(fn, (node) => {
    if (node.type !== AST_NODE_TYPES.CallExpression) return;
    const field = invokedField(sourceCode, getInvokedFunction(node));
    if (field !== undefined) fields.add(field);
  });
  return fields;
}

/** Whether the new object itself goes back to the caller: `return new X(..)`, `=> new X(..)`, or a local holding it returned. */
function handedBack(sourceCode: Readonly<TSESLint.SourceCode>, site: TSESTree.NewExpression): boolean {
  let node: TSESTree.Node = site;
  while (node.parent && (node.parent.type === AST_NODE_TYPES.TSAsExpression || node.parent.type === AST_NODE_TYPES.TSNonNullExpression)) node = node.parent;
  const parent = node.parent;
  if (parent?.type === AST_NODE_TYPES.ReturnStatement) return true;
  if (parent?.type === AST_NODE_TYPES.ArrowFunctionExpression && parent.body === node) return true;
  if (parent?.type !== AST_NODE_TYPES.VariableDeclarator || parent.id.type !== AST_NODE_TYPES.Identifier) return false;
  const variable = ASTUtils.findVariable(sourceCode.getScope(parent), parent.id);
  return (variable?.references ?? []).some((reference) => reference.identifier.parent?.type === AST_NODE_TYPES.ReturnStatement);
}

const COLLECTION_STORES = new Set(['push', 'unshift', 'set', 'add', 'enqueue']);

/**
 * What the constructing code does with the new object (`new X(..)` itself, or a local holding it):
 * the methods of the unit it calls on it go into `into` (`new X(..).m(..)`, `x.m(..)`); 'opaque' when
 * it calls, for its effect, a method the unit does not define (inherited: `visitor.visit(ast)` may
 * run any method), 'collected' when it keeps it in a collection (a registry, or a queue the queue
 * model owns: `this.tasks.set(name, task)`, `this.waiting.push(query)`).
 */
function useOfSite(sourceCode: Readonly<TSESLint.SourceCode>, site: TSESTree.NewExpression, methods: ReadonlyMap<string, FunctionNode>, into: Set<string>): 'opaque' | 'collected' | undefined {
  let verdict: 'opaque' | 'collected' | undefined;
  const use = (expression: TSESTree.Node): void => {
    const parent = expression.parent;
    if (parent?.type === AST_NODE_TYPES.MemberExpression && parent.object === expression && parent.parent.type === AST_NODE_TYPES.CallExpression && parent.parent.callee === parent) {
      const key = getPropertyName(parent);
      if (key === undefined) return;
      if (methods.has(key)) into.add(key);
      else if (parent.parent.parent.type === AST_NODE_TYPES.ExpressionStatement || parent.parent.parent.type === AST_NODE_TYPES.AwaitExpression) verdict ??= 'opaque';
      return;
    }
    if (parent?.type === AST_NODE_TYPES.CallExpression && parent.arguments.includes(expression as TSESTree.CallExpressionArgument)) {
      const callee = unwrapTypeScriptExpression(parent.callee);
      const method = callee.type === AST_NODE_TYPES.MemberExpression ? getPropertyName(callee) : undefined;
      if (method !== undefined && COLLECTION_STORES.has(method)) verdict = 'collected';
      return;
    }
    if (parent?.type === AST_NODE_TYPES.AssignmentExpression && parent.right === expression && parent.left.type === AST_NODE_TYPES.MemberExpression && parent.left.computed) verdict = 'collected';
  };
  use(site);
  const parent = site.parent;
  let holder: TSESTree.Identifier | undefined;
  if (parent?.type === AST_NODE_TYPES.VariableDeclarator && parent.id.type === AST_NODE_TYPES.Identifier) holder = parent.id;
  if (parent?.type === AST_NODE_TYPES.AssignmentExpression && parent.left.type === AST_NODE_TYPES.Identifier) holder = parent.left;
  if (holder) {
    const variable = ASTUtils.findVariable(sourceCode.getScope(holder), holder);
    for (const reference of variable?.references ?? []) if (reference.identifier !== holder) use(reference.identifier);
  }
  return verdict;
}

/**
 * Every stored callback of the file (see the file comment), given the file's calls and
 * assignments in traversal order (the file analysis' list).
 */
export function findStoredCallbacks(sourceCode: Readonly<TSESLint.SourceCode>, nodes: readonly (TSESTree.CallExpression | TSESTree.AssignmentExpression)[]): StoredCallback[] {
  const assignments = nodes.filter((node): node is TSESTree.AssignmentExpression => node.type === AST_NODE_TYPES.AssignmentExpression && node.operator === '=');
  const stores: { key: string; node: TSESTree.Identifier; assignment: TSESTree.AssignmentExpression; ctor: FunctionNode; index: number }[] = [];
  const setFromOtherParameters = new Set<string>();
  for (const assignment of assignments) {
    const key = thisKey(assignment.left);
    const value = unwrapTypeScriptExpression(assignment.right);
    if (key === undefined || value.type !== AST_NODE_TYPES.Identifier) continue;
    const def = ASTUtils.findVariable(sourceCode.getScope(value), value)?.defs[0];
    const fn = getEnclosingFunction(assignment);
    if (def?.type !== 'Parameter' || !fn || def.node !== fn) continue;
    const index = fn.params.findIndex((param) => param.type === AST_NODE_TYPES.Identifier && param.name === value.name);
    const isConstructor = (fn.parent?.type === AST_NODE_TYPES.MethodDefinition && fn.parent.kind === 'constructor') || fn.type !== AST_NODE_TYPES.ArrowFunctionExpression;
    if (index < 0 || !isConstructor) continue;
    stores.push({ key, node: value, assignment, ctor: fn, index });
  }
  if (stores.length === 0) return [];
  const found: StoredCallback[] = [];
  const units = new Map<FunctionNode, Unit | undefined>();
  for (const store of stores) {
    if (!units.has(store.ctor)) units.set(store.ctor, getUnit(store.ctor, assignments));
    const unit = units.get(store.ctor);
    if (!unit || unit.resource) continue;
    // a setter elsewhere (`setHandler(fn) { this.handler = fn }`): a listener slot, not a continuation
    for (const other of stores) if (other.ctor !== unit.ctor && other.key === store.key && [...unit.methods.values()].includes(other.ctor)) setFromOtherParameters.add(store.key);
    if (setFromOtherParameters.has(store.key)) continue;
    if ([...unit.methods.values()].some((method) => sourceCode.getText(method).includes('runInAsyncScope'))) continue;
    const sites = sourceCode.getDeclaredVariables(unit.declaring).flatMap((variable) =>
      variable.references.flatMap((reference) => {
        const parent = reference.identifier.parent;
        return parent?.type === AST_NODE_TYPES.NewExpression && parent.callee === reference.identifier ? [parent] : [];
      }),
    );
    const perCall = sites.filter((site) => {
      const argument = site.arguments[store.index];
      return argument !== undefined && argument.type !== AST_NODE_TYPES.SpreadElement && carriesCallerCallback(sourceCode, argument);
    });
    if (perCall.length === 0 || sites.some((site) => handedBack(sourceCode, site))) continue;
    // run synchronously by the code that built the object: from the constructor, on the new object, and what those call
    const synchronous = new Set<string>();
    calledMethods(unit.ctor, synchronous);
    if (sites.some((site) => useOfSite(sourceCode, site, unit.methods, synchronous) !== undefined)) continue;
    for (const pending = [...synchronous]; pending.length > 0; ) {
      const method = unit.methods.get(pending.pop() as string);
      if (!method) continue;
      const next = new Set<string>();
      calledMethods(method, next);
      for (const name of next) {
        if (synchronous.has(name)) continue;
        synchronous.add(name);
        pending.push(name);
      }
    }
    const later = [...unit.methods].some(([name, method]) => !synchronous.has(name) && invokedFields(sourceCode, method).has(store.key));
    if (!later) continue;
    const handedIn = perCall.map((site) => site.arguments[store.index] as TSESTree.Node);
    found.push({ node: store.node, queue: store.key.startsWith('[') ? `this${store.key}` : `this.${store.key}`, assignment: store.assignment, handedIn });
  }
  return found;
}
