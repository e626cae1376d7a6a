/**
 * Command-object queues (issue 11, families 4 and 5): a caller's callback kept in an object the
 * file constructs and queues — `this.addCommand(new Commands.Query(sql, cb))` where `addCommand`
 * pushes its argument onto `this._commands`, drained (`shift`) when the server replies — runs
 * later from the socket's data handler, in the context of whoever's reply drained the queue, not
 * the caller's (sidorares/node-mysql2 36cba61, lib/connection.js, fixed with `domain.bind(cb)` in
 * each command method). The constructed object is stored directly (`queue.push(new Request(opts, cb))`)
 * or through a method or function of the file whose parameter it stores.
 *
 * Only a caller's callback is reported: a parameter of the function that constructs the object,
 * named as a callback (`cb`, `callback`, `done`, `*Callback`, …) and not bound already; and not
 * when the class is a handler object of this file (it runs the callback from its own methods:
 * handler-objects.ts reports it where it is stored) or an `AsyncResource` subclass of this file. The
 * object decides when (and whether) the callback runs, and the callback is often optional there,
 * so no `bind` fix is offered (`AsyncResource.bind(undefined)` throws).
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, ASTUtils } from '@typescript-eslint/utils';
import type { FunctionNode } from './ast.js';
import { getEnclosingClassBody, getEnclosingFunction, getMemberKeyName, getPrototypeClassName, getPropertyName, getThisMemberName, isFunctionLike, unwrapTypeScriptExpression } from './ast.js';
import { isContextBound } from './callbacks.js';
import { findHandlerObjectCallbacks } from './handler-objects.js';
import type { OtelApi } from './otel-api.js';
import { extendsAsyncResource } from './partial-binding.js';
import { getDrainedStores } from './queues.js';
import type { QueuedCallback } from './queues.js';

const CALLBACK_NAME = /^(?:cb|callback|done|next|fn|handler)$|(?:Callback|Cb|Handler)$/;

/** The caller's callbacks carried by objects the file constructs and stores in a queue it drains. */
export function findQueuedCommandCallbacks(
  sourceCode: Readonly<TSESLint.SourceCode>,
  api: OtelApi,
  nodes: readonly (TSESTree.CallExpression | TSESTree.AssignmentExpression)[],
): QueuedCallback[] {
  const found: QueuedCallback[] = [];
  const seen = new Set<TSESTree.Node>();
  for (const store of getDrainedStores(sourceCode, nodes)) {
    for (const value of store.values) {
      for (const construction of constructionsStored(sourceCode, nodes, value, store.call)) {
        if (isHandlerObjectOfThisFile(sourceCode, construction)) continue;
        const queue = `${store.queue} (in a ${sourceCode.getText(construction.callee)})`;
        for (const argument of construction.arguments) {
          if (seen.has(argument) || !isCallersCallback(sourceCode, argument, construction)) continue;
          if (isContextBound(sourceCode, api, argument)) continue;
          seen.add(argument);
          found.push({ node: argument, queue, call: store.call, noFix: true });
        }
      }
    }
  }
  return found;
}

/** `new X(..)` stored directly, or handed to the storing function's parameter by the file's calls of it. */
function constructionsStored(
  sourceCode: Readonly<TSESLint.SourceCode>,
  nodes: readonly (TSESTree.CallExpression | TSESTree.AssignmentExpression)[],
  value: TSESTree.Node,
  storeCall: TSESTree.CallExpression,
): TSESTree.NewExpression[] {
  const expression = unwrapTypeScriptExpression(value);
  const direct = constructionOf(sourceCode, expression);
  if (direct) return [direct];
  if (expression.type !== AST_NODE_TYPES.Identifier) return [];
  const def = ASTUtils.findVariable(sourceCode.getScope(expression), expression)?.defs[0];
  const fn = getEnclosingFunction(storeCall);
  if (def?.type !== 'Parameter' || def.node !== fn || !fn) return [];
  const index = fn.params.indexOf(def.name as TSESTree.Parameter);
  const method = getMethodNameOf(fn);
  if (index < 0 || method === undefined) return [];
  const owner = ownerOf(fn.body);
  const constructions: TSESTree.NewExpression[] = [];
  for (const node of nodes) {
    if (node.type !== AST_NODE_TYPES.CallExpression || getThisMemberName(node.callee) !== method || ownerOf(node) !== owner) continue;
    const argument = node.arguments[index];
    const construction = argument && constructionOf(sourceCode, unwrapTypeScriptExpression(argument));
    if (construction) constructions.push(construction);
  }
  return constructions;
}

/** `new X(..)`, or a `const`/`var` initialised with one and never reassigned. */
function constructionOf(sourceCode: Readonly<TSESLint.SourceCode>, expression: TSESTree.Node): TSESTree.NewExpression | undefined {
  if (expression.type === AST_NODE_TYPES.NewExpression) return expression;
  if (expression.type !== AST_NODE_TYPES.Identifier) return undefined;
  const variable = ASTUtils.findVariable(sourceCode.getScope(expression), expression);
  const def = variable?.defs[0];
  if (!variable || variable.defs.length !== 1 || def?.type !== 'Variable' || !def.node.init) return undefined;
  if (variable.references.some((reference) => reference.isWrite() && !reference.init)) return undefined;
  const init = unwrapTypeScriptExpression(def.node.init);
  return init.type === AST_NODE_TYPES.NewExpression ? init : undefined;
}

/** The name a method is called by on `this`: a class method's key, or `Name.prototype.<name> = function`. */
function getMethodNameOf(fn: FunctionNode): string | undefined {
  const parent = fn.parent;
  if (parent?.type === AST_NODE_TYPES.MethodDefinition) return getMemberKeyName(parent);
  if (parent?.type === AST_NODE_TYPES.AssignmentExpression && parent.right === fn) {
    const left = unwrapTypeScriptExpression(parent.left);
    if (left.type !== AST_NODE_TYPES.MemberExpression) return undefined;
    const object = unwrapTypeScriptExpression(left.object);
    return object.type === AST_NODE_TYPES.MemberExpression && getPropertyName(object) === 'prototype' ? getPropertyName(left) : undefined;
  }
  return undefined;
}

/** The class body, or the pre-class constructor's name, that `node`'s `this` belongs to. */
function ownerOf(node: TSESTree.Node): TSESTree.Node | string | undefined {
  return getEnclosingClassBody(node) ?? getPrototypeClassName(node);
}

/** A parameter of the function that constructs the object, named as a callback. */
function isCallersCallback(sourceCode: Readonly<TSESLint.SourceCode>, argument: TSESTree.Node, construction: TSESTree.NewExpression): boolean {
  const expression = unwrapTypeScriptExpression(argument);
  if (expression.type !== AST_NODE_TYPES.Identifier || !CALLBACK_NAME.test(expression.name)) return false;
  const def = ASTUtils.findVariable(sourceCode.getScope(expression), expression)?.defs[0];
  const fn = getEnclosingFunction(construction);
  return def?.type === 'Parameter' && fn !== undefined && isFunctionLike(def.node) && def.node === fn;
}

/**
 * A class of this file that keeps the callback and runs it from its own event methods: a handler
 * object, reported where it stores the callback (core/analysis/handler-objects.ts). One defect,
 * one finding.
 */
function isHandlerObjectOfThisFile(sourceCode: Readonly<TSESLint.SourceCode>, construction: TSESTree.NewExpression): boolean {
  const callee = unwrapTypeScriptExpression(construction.callee);
  if (callee.type !== AST_NODE_TYPES.Identifier) return false;
  const def = ASTUtils.findVariable(sourceCode.getScope(callee), callee)?.defs[0];
  if (def?.type !== 'ClassName') return false;
  const node = def.node;
  if (node.type !== AST_NODE_TYPES.ClassDeclaration && node.type !== AST_NODE_TYPES.ClassExpression) return false;
  // an AsyncResource subclass runs its callbacks in its own scope (partial binding reports a path that forgets)
  return extendsAsyncResource(node) || findHandlerObjectCallbacks(sourceCode, [node]).length > 0;
}
