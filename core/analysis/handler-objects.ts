/**
 * Handler objects (issue 11, family 4): a class whose constructor keeps a function it was handed
 * (`this.callback = callback`) and whose event-handler methods — `onUpgrade`, `onError`,
 * `_onHeaders`: the methods a dispatcher calls back from its socket's events — call it, directly
 * (`this.callback(..)`) or through a copy (`const { callback } = this; callback(..)`). The
 * dispatcher runs those methods in the async context of its socket or queue, not in that of the
 * code that made the handler, so the caller's callback loses the caller's context: the shape
 * undici's request handlers had before they became `AsyncResource`s.
 *
 * An `AsyncResource` subclass counts when one of its event methods calls the stored function
 * directly and no method runs it through `this.runInAsyncScope(fn, ..)`; when one does, the direct
 * call is the path the fix missed (nodejs/undici b53613db) and partial-binding.ts reports that
 * call. Not a handler object: a class that calls the stored function from methods with other
 * names (the caller runs them itself, in its own context), one whose event methods call it only
 * through `runInAsyncScope`, a callback already bound where it is stored,
 * a class this file never constructs with a callback a caller handed in (a test harness's
 * `new Spec(() => finish(), (err) => fail(err))`: no caller's context to keep).
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, ASTUtils } from '@typescript-eslint/utils';
import { getInvokedFunction, getMemberKeyName, getThisMemberName, isFunctionLike, unwrapTypeScriptExpression, walk } from './ast.js';
import { carriesCallerCallback } from './caller-callbacks.js';
import { extendsAsyncResource, getScopedFields } from './partial-binding.js';

/** A callback a constructor stored: the stored parameter, the field's text, the storing assignment. */
export interface HandlerObjectCallback {
  node: TSESTree.Identifier;
  queue: string;
  assignment: TSESTree.AssignmentExpression;
}

/** The methods a dispatcher calls on a handler object: `onX` / `_onX`. */
const EVENT_METHOD = /^_?on[A-Z]/;

/** Cheap text test (no parse): can the file hold a handler object? */
export function mayHoldHandlerObject(text: string): boolean {
  return text.includes('constructor') && /\b_?on[A-Z]\w*\s*\(/.test(text);
}

/** The fields of `this` that `method` calls: `this.f(..)`, `this.f.call(..)`, or a copy `const { f } = this` / `const f = this.f` called. */
function calledFields(sourceCode: Readonly<TSESLint.SourceCode>, method: TSESTree.FunctionExpression): Set<string> {
  const called = new Set<string>();
  walk(method.body, (node) => {
    if (node !== method && isFunctionLike(node) && node.type !== AST_NODE_TYPES.ArrowFunctionExpression) return false;
    if (node.type !== AST_NODE_TYPES.CallExpression) return true;
    const callee = getInvokedFunction(node);
    const field = getThisMemberName(callee);
    if (field !== undefined) {
      called.add(field);
      return true;
    }
    if (callee.type !== AST_NODE_TYPES.Identifier) return true;
    const variable = ASTUtils.findVariable(sourceCode.getScope(callee), callee);
    const def = variable?.defs[0];
    if (def?.type !== 'Variable' || !def.node.init) return true;
    const init = unwrapTypeScriptExpression(def.node.init);
    if (def.node.id === def.name) {
      // `const f = this.f`
      const copied = getThisMemberName(init);
      if (copied !== undefined) called.add(copied);
    } else if (init.type === AST_NODE_TYPES.ThisExpression) {
      // `const { f } = this` / `const { f: g } = this`
      const property = def.name.parent;
      if (property?.type === AST_NODE_TYPES.Property && property.value === def.name && !property.computed && property.key.type === AST_NODE_TYPES.Identifier) called.add(property.key.name);
    }
    return true;
  });
  return called;
}

/** The `new X(..)` expressions of the file that construct `classNode`. */
function getConstructions(sourceCode: Readonly<TSESLint.SourceCode>, classNode: TSESTree.ClassDeclaration | TSESTree.ClassExpression): TSESTree.NewExpression[] {
  let declaring: TSESTree.Node = classNode;
  if (classNode.type === AST_NODE_TYPES.ClassExpression && classNode.parent.type === AST_NODE_TYPES.VariableDeclarator) declaring = classNode.parent;
  const sites: TSESTree.NewExpression[] = [];
  for (const variable of sourceCode.getDeclaredVariables(declaring)) {
    for (const reference of variable.references) {
      const parent = reference.identifier.parent;
      if (parent?.type === AST_NODE_TYPES.NewExpression && parent.callee === reference.identifier) sites.push(parent);
    }
  }
  return sites;
}

/**
 * Every handler-object callback of the file (see the file comment), given the file's classes in
 * traversal order (the file analysis collects them when `mayHoldHandlerObject` says the file can
 * hold one).
 */
export function findHandlerObjectCallbacks(
  sourceCode: Readonly<TSESLint.SourceCode>,
  classes: readonly (TSESTree.ClassDeclaration | TSESTree.ClassExpression)[],
): HandlerObjectCallback[] {
  if (classes.length === 0) return [];
  const found: HandlerObjectCallback[] = [];
  for (const node of classes) {
    const methods = node.body.body.filter((element): element is TSESTree.MethodDefinition => element.type === AST_NODE_TYPES.MethodDefinition && !element.static);
    const constructor = methods.find((element) => element.kind === 'constructor');
    if (!constructor?.value.body) continue;
    const parameters = new Map(constructor.value.params.flatMap((param, index) => (param.type === AST_NODE_TYPES.Identifier ? [[param.name, index] as const] : [])));
    const sites = getConstructions(sourceCode, node);
    const stores = new Map<string, { node: TSESTree.Identifier; assignment: TSESTree.AssignmentExpression }>();
    for (const statement of constructor.value.body.body) {
      if (statement.type !== AST_NODE_TYPES.ExpressionStatement || statement.expression.type !== AST_NODE_TYPES.AssignmentExpression) continue;
      const assignment = statement.expression;
      const field = assignment.operator === '=' ? getThisMemberName(assignment.left) : undefined;
      const value = unwrapTypeScriptExpression(assignment.right);
      const index = value.type === AST_NODE_TYPES.Identifier ? parameters.get(value.name) : undefined;
      if (field === undefined || index === undefined || value.type !== AST_NODE_TYPES.Identifier) continue;
      // Only a callback some caller handed in: the file constructs the class by name with a
      // parameter of the constructing function, or a function that runs one
      // (`connect(opts, callback) { new ConnectHandler(opts, callback) }`). A class the file never
      // constructs by name (a zone spec looked up in a registry) is not reported.
      if (sites.some((site) => { const argument = site.arguments[index]; return argument !== undefined && argument.type !== AST_NODE_TYPES.SpreadElement && carriesCallerCallback(sourceCode, argument); })) {
        stores.set(field, { node: value, assignment });
      }
    }
    if (stores.size === 0) continue;
    const calledByEvents = new Set<string>();
    for (const method of methods) {
      const key = getMemberKeyName(method);
      if (method.kind !== 'method' || key === undefined || !EVENT_METHOD.test(key) || !method.value.body) continue;
      for (const field of calledFields(sourceCode, method.value)) calledByEvents.add(field);
    }
    // An AsyncResource subclass that runs the field through runInAsyncScope on another path: the
    // direct call is the defect, reported there (partial-binding.ts), not the store.
    const scoped = extendsAsyncResource(node) ? getScopedFields(sourceCode, node) : undefined;
    for (const [field, store] of stores) {
      if (calledByEvents.has(field) && !scoped?.has(field)) found.push({ node: store.node, queue: `this.${field}`, assignment: store.assignment });
    }
  }
  return found;
}
