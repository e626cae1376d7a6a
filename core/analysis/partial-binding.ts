/**
 * Partial binding (issue 11, family 4: "one path forgot"): code that already keeps its caller's
 * context on some paths hands the caller's callback on without it on another. The file itself
 * says the callback runs later from somewhere else (it binds it elsewhere), so the unbound path is
 * the defect, and the fix is the file's own mechanism. Two forms, each seen in real bug fixes:
 *
 * - **Resource classes.** A class that extends `AsyncResource` (or `EventEmitterAsyncResource`)
 *   runs a stored function through `this.runInAsyncScope(fn, ..)` in one method and calls the same
 *   function directly in another, typically an error path (nodejs/undici b53613db: the CONNECT and
 *   upgrade handlers' `onError`). The direct call runs in whatever context called the method: the
 *   dispatcher's socket. Fix: `this.runInAsyncScope(fn, null, ..args)`.
 * - **Binder siblings.** Calls on one receiver hand their caller's callback through a context
 *   binder (`this._protocol.ping(bindToCurrentDomain(cb))`, `.stats(AsyncResource.bind(cb))`) and
 *   another call on the same receiver hands a caller's callback raw (`this._protocol.handshake(cb)`):
 *   mysqljs/mysql 98c2b7f and abed142, fixed one method at a time. Fix: the siblings' binder.
 *
 * Not reported: a direct call inside a function that is itself run through `runInAsyncScope`; a
 * callback reassigned from a binder before it is handed on; calls on `this` itself (the class's own
 * methods, which the file shows); a receiver no call binds for.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, ASTUtils } from '@typescript-eslint/utils';
import { getDottedName, getEnclosingFunction, getInvokedFunction, getMethodName, getMethodReceiver, getReturnedValues, getThisFieldRead, getThisMemberName, isFunctionLike, unwrapTypeScriptExpression, walk } from './ast.js';
import type { FunctionNode } from './ast.js';
import { textIncludes } from './text-search.js';

type ClassNode = TSESTree.ClassDeclaration | TSESTree.ClassExpression;

/** Cheap text test (no parse): can the file hold a partially bound callback? */
export function mayHoldPartialBinding(text: string): boolean {
  // The `.bind(` pattern starts with an alternation, which the regex engine tries at every offset
  // of the text: the plain `includes` first is ten times faster on files without it (most files).
  // (the function-name pattern needs `bind` or `Bind` in the text: looked for first, the same way)
  return (
    textIncludes(text, 'runInAsyncScope(') ||
    (textIncludes(text, '.bind(') && /\b(?:AsyncResource|AsyncLocalStorage|domain|context)\.bind\(/.test(text)) ||
    ((textIncludes(text, 'bind') || textIncludes(text, 'Bind')) && /function\s+\w*[Bb]ind\w*\s*\(/.test(text))
  );
}

const RESOURCE_CLASS = /(?:^|\.)(?:EventEmitter)?AsyncResource$/;

/** Whether a class extends `AsyncResource` / `EventEmitterAsyncResource` (by name: the method names that follow are its own). */
export function extendsAsyncResource(node: ClassNode): boolean {
  const name = node.superClass ? getDottedName(node.superClass) : undefined;
  return name !== undefined && RESOURCE_CLASS.test(name);
}

const isRunInScope = (call: TSESTree.CallExpression): boolean => getThisMemberName(unwrapTypeScriptExpression(call.callee)) === 'runInAsyncScope';

/** The instance methods' bodies, walked where `this` is the instance (arrows included, nested `function`s not). */
function walkMethods(node: ClassNode, visit: (call: TSESTree.CallExpression, method: TSESTree.MethodDefinition) => void): void {
  for (const element of node.body.body) {
    if (element.type !== AST_NODE_TYPES.MethodDefinition || element.static || !element.value.body) continue;
    const fn = element.value;
    walk(fn.body as TSESTree.Node, (child) => {
      if (child !== fn && isFunctionLike(child) && child.type !== AST_NODE_TYPES.ArrowFunctionExpression) return false;
      if (child.type === AST_NODE_TYPES.CallExpression) visit(child, element);
      return true;
    });
  }
}

/** The fields a resource class runs through `this.runInAsyncScope(fn, ..)`. */
export function getScopedFields(sourceCode: Readonly<TSESLint.SourceCode>, node: ClassNode): Set<string> {
  const fields = new Set<string>();
  walkMethods(node, (call) => {
    const first = call.arguments[0];
    const field = first && isRunInScope(call) ? getThisFieldRead(sourceCode, first) : undefined;
    if (field !== undefined) fields.add(field);
  });
  return fields;
}

/** A direct call of a function the same resource class runs in its scope elsewhere. */
export interface UnscopedCall {
  call: TSESTree.CallExpression;
  field: string;
  fix?: { range: readonly [number, number]; text: string }[];
}

/** Inside a function handed to `this.runInAsyncScope(..)`: already in the resource's scope. */
function insideScopedFunction(node: TSESTree.Node): boolean {
  for (let fn = getEnclosingFunction(node); fn; fn = getEnclosingFunction(fn)) {
    const parent = fn.parent;
    if (parent?.type === AST_NODE_TYPES.CallExpression && parent.arguments.includes(fn as TSESTree.CallExpressionArgument) && isRunInScope(parent)) return true;
    if (fn.parent?.type === AST_NODE_TYPES.MethodDefinition) return false;
  }
  return false;
}

function unscopedFix(sourceCode: Readonly<TSESLint.SourceCode>, call: TSESTree.CallExpression): UnscopedCall['fix'] {
  if (call.optional || call.arguments.some((argument) => argument.type === AST_NODE_TYPES.SpreadElement)) return undefined;
  const callee = unwrapTypeScriptExpression(call.callee);
  const method = getMethodName(call);
  let fn: string;
  let thisArg: string;
  let args = call.arguments.map((argument) => sourceCode.getText(argument));
  if (callee.type === AST_NODE_TYPES.Identifier) [fn, thisArg] = [callee.name, 'null'];
  else if (method === 'call' && callee.type === AST_NODE_TYPES.MemberExpression && !callee.optional) {
    fn = sourceCode.getText(callee.object);
    [thisArg = 'undefined', ...args] = args;
  } else if (getThisMemberName(callee) !== undefined && !(callee as TSESTree.MemberExpression).optional) [fn, thisArg] = [sourceCode.getText(callee), 'this'];
  else return undefined;
  return [{ range: call.range, text: `this.runInAsyncScope(${[fn, thisArg, ...args].join(', ')})` }];
}

/** Every direct call, in a resource class, of a function the class runs in its scope elsewhere. */
export function findUnscopedResourceCalls(sourceCode: Readonly<TSESLint.SourceCode>, classes: readonly ClassNode[]): UnscopedCall[] {
  const found: UnscopedCall[] = [];
  for (const node of classes) {
    if (!extendsAsyncResource(node)) continue;
    const scoped = getScopedFields(sourceCode, node);
    if (scoped.size === 0) continue;
    walkMethods(node, (call, method) => {
      if (method.kind === 'constructor' || isRunInScope(call)) return;
      const field = getThisFieldRead(sourceCode, getInvokedFunction(call));
      if (field === undefined || !scoped.has(field) || insideScopedFunction(call)) return;
      const fix = unscopedFix(sourceCode, call);
      found.push({ call, field, ...(fix ? { fix } : {}) });
    });
  }
  return found;
}

// ---------- binder siblings ----------

const BINDER_OBJECT = /(?:^|\.)(?:AsyncResource|AsyncLocalStorage|domain|context)$/;

/**
 * `AsyncResource.bind(x)`, `process.domain.bind(x)`, `context.bind(ctx, x)`: the bound argument,
 * and whether the binder is a domain (which does not carry AsyncLocalStorage context).
 */
function boundByBindCall(call: TSESTree.CallExpression): { bound: TSESTree.Node; domain: boolean } | undefined {
  const callee = unwrapTypeScriptExpression(call.callee);
  if (callee.type !== AST_NODE_TYPES.MemberExpression || getMethodName(call) !== 'bind') return undefined;
  const object = getDottedName(callee.object);
  const bound = call.arguments.at(-1);
  return object !== undefined && bound && BINDER_OBJECT.test(object) ? { bound, domain: /(?:^|\.)domain$/.test(object) } : undefined;
}

/**
 * A function of the file that returns its first parameter bound (`return domain.bind(cb)`,
 * `return domain ? domain.bind(cb) : cb`): 'domain' or 'context' by its binder; undefined otherwise.
 */
function binderFunctionKind(fn: FunctionNode): 'domain' | 'context' | undefined {
  const first = fn.params[0];
  if (first?.type !== AST_NODE_TYPES.Identifier) return undefined;
  for (const value of getReturnedValues(fn)) {
    const expression = unwrapTypeScriptExpression(value);
    const branches = expression.type === AST_NODE_TYPES.ConditionalExpression ? [expression.consequent, expression.alternate] : [expression];
    for (const branch of branches) {
      const inner = unwrapTypeScriptExpression(branch);
      const bind = inner.type === AST_NODE_TYPES.CallExpression ? boundByBindCall(inner) : undefined;
      if (bind?.bound.type === AST_NODE_TYPES.Identifier && bind.bound.name === first.name) return bind.domain ? 'domain' : 'context';
    }
  }
  return undefined;
}

function resolveLocalFunction(sourceCode: Readonly<TSESLint.SourceCode>, node: TSESTree.Node): FunctionNode | undefined {
  const expression = unwrapTypeScriptExpression(node);
  if (expression.type !== AST_NODE_TYPES.Identifier) return undefined;
  const def = ASTUtils.findVariable(sourceCode.getScope(expression), expression)?.defs[0];
  if (def?.type === 'FunctionName' && isFunctionLike(def.node)) return def.node;
  if (def?.type === 'Variable' && def.node.init && isFunctionLike(def.node.init)) return def.node.init;
  return undefined;
}

/**
 * The argument a binder call binds, and the text to bind another callback the same way: only for
 * a binder that takes the callback alone and carries async context (a domain does not carry
 * AsyncLocalStorage's: binding with it would not fix the finding).
 */
function asBinderCall(sourceCode: Readonly<TSESLint.SourceCode>, node: TSESTree.Node): { bound: TSESTree.Node; wrap?: string } | undefined {
  const call = unwrapTypeScriptExpression(node);
  if (call.type !== AST_NODE_TYPES.CallExpression) return undefined;
  const bind = boundByBindCall(call);
  if (bind) return { bound: bind.bound, ...(call.arguments.length === 1 && !bind.domain ? { wrap: sourceCode.getText(call.callee) } : {}) };
  const fn = resolveLocalFunction(sourceCode, call.callee);
  const first = call.arguments[0];
  const kind = fn && first && call.arguments.length === 1 ? binderFunctionKind(fn) : undefined;
  if (!kind || !first) return undefined;
  return { bound: first, ...(kind === 'context' ? { wrap: sourceCode.getText(call.callee) } : {}) };
}

/** A parameter of the nearest enclosing function (what a caller handed in), never reassigned from a binder. */
function isRawCallerParameter(sourceCode: Readonly<TSESLint.SourceCode>, node: TSESTree.Node): node is TSESTree.Identifier {
  if (node.type !== AST_NODE_TYPES.Identifier) return false;
  const variable = ASTUtils.findVariable(sourceCode.getScope(node), node);
  const def = variable?.defs[0];
  if (variable?.defs.length !== 1 || def?.type !== 'Parameter' || def.node !== getEnclosingFunction(node)) return false;
  return !variable.references.some((reference) => reference.writeExpr !== undefined && reference.writeExpr !== null && asBinderCall(sourceCode, reference.writeExpr) !== undefined);
}

/** A caller's callback handed raw to a receiver that the file's other calls hand bound callbacks to. */
export interface RawHandOver {
  node: TSESTree.Identifier;
  receiver: string;
  wrap?: string;
}

const CALLBACK_NAME = /^(?:cb|callback|done|next|fn|handler|listener|resolve|reject)$|(?:Callback|Cb|Handler|Listener|Fn)$/;

/** Every call of the file, in order (collected by the detector's `CallExpression` listener). */
export function findRawHandOvers(sourceCode: Readonly<TSESLint.SourceCode>, calls: readonly TSESTree.CallExpression[]): RawHandOver[] {
  const bound = new Map<string, { wrap: string | undefined; names: Set<string> }>();
  const candidates: { node: TSESTree.Identifier; receiver: string }[] = [];
  for (const call of calls) {
    const receiverNode = getMethodReceiver(call);
    const receiver = receiverNode ? getDottedName(receiverNode) : undefined;
    const last = call.arguments.at(-1);
    if (receiver === undefined || receiver === 'this' || !last || boundByBindCall(call)) continue;
    const binder = asBinderCall(sourceCode, last);
    const boundArgument = binder && unwrapTypeScriptExpression(binder.bound);
    if (boundArgument) {
      if (!isRawCallerParameter(sourceCode, boundArgument)) continue;
      const entry = bound.get(receiver) ?? { wrap: binder.wrap, names: new Set<string>() };
      entry.names.add(boundArgument.name);
      bound.set(receiver, entry);
    } else if (isRawCallerParameter(sourceCode, last)) candidates.push({ node: last, receiver });
  }
  const found: RawHandOver[] = [];
  for (const { node, receiver } of candidates) {
    const entry = bound.get(receiver);
    // a callback by its name: the name the bound siblings use, or a callback's name
    if (!entry || !(entry.names.has(node.name) || CALLBACK_NAME.test(node.name))) continue;
    found.push({ node, receiver, ...(entry.wrap ? { wrap: entry.wrap } : {}) });
  }
  return found;
}
