/**
 * Middleware continuations (`next`): the callback a layer calls to run the rest of its chain. The
 * layer calls it from its own flow, in the context it built (a middleware that puts baggage or a
 * store value into the context runs `next` inside `context.with(withBaggage, ..)`), so a wrapper
 * that runs `next` must keep that context and change only the span:
 *
 *   const parentSpan = trace.getSpan(parentContext);
 *   context.with(parentSpan ? trace.setSpan(context.active(), parentSpan) : trace.deleteSpan(context.active()), () => next(err));
 *
 * Re-entering the context captured before the layer ran (`context.with(parentContext, next, ..)`,
 * `context.bind(parentContext, next)`) drops everything the layer added, for every later layer and
 * the route handler: opentelemetry-js-contrib fixed it twice (92313a73, express; 74bb8cab,
 * router), and it is the shape `stale-continuations.ts` reports. A callback a library calls back
 * from its own context (a database reply) is not a continuation: re-entering the caller's
 * captured context is its fix (callbacks-in-span.ts).
 *
 * A continuation, in one file: a callback named `next` (or `…Next`), typed as a `…Next` /
 * `…NextFunction`, or a parameter after `(req, res)` of a handler — or read from the arguments of
 * such a handler (`args[callbackIdx]` in `function (req, res)`).
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, ASTUtils } from '@typescript-eslint/utils';
import { CONTINUATION_NAME, getEnclosingFunction, isFunctionLike, unwrapTypeScriptExpression } from '../../analysis/ast.js';
import type { FunctionNode } from '../../analysis/ast.js';

const NEXT_TYPE = /^\w*Next(?:Function)?$/;
const REQUEST_NAME = /^(?:req|request)$/i;
const RESPONSE_NAME = /^(?:res|response|reply)$/i;

function paramName(param: TSESTree.Parameter | undefined): string | undefined {
  const target = param?.type === AST_NODE_TYPES.AssignmentPattern ? param.left : param;
  return target?.type === AST_NODE_TYPES.Identifier ? target.name : undefined;
}

/** The parameters that take arguments: TypeScript's `this` parameter is not one. */
function argumentParams(fn: FunctionNode): TSESTree.Parameter[] {
  return paramName(fn.params[0]) === 'this' ? fn.params.slice(1) : fn.params;
}

/** A handler `(req, res, ..)`: its first two parameters are named as a request and a response. */
function isRequestHandler(fn: FunctionNode): boolean {
  const params = argumentParams(fn);
  const [request, response] = [paramName(params[0]), paramName(params[1])];
  return request !== undefined && response !== undefined && REQUEST_NAME.test(request) && RESPONSE_NAME.test(response);
}

/** `NextFunction`, `Router.NextFunction`: the name of a type reference. */
function referenceName(type: TSESTree.TypeNode | undefined): string | undefined {
  if (type?.type !== AST_NODE_TYPES.TSTypeReference) return undefined;
  const name = type.typeName;
  if (name.type === AST_NODE_TYPES.Identifier) return name.name;
  return name.type === AST_NODE_TYPES.TSQualifiedName ? name.right.name : undefined;
}

/** The declared type of a parameter or variable (`next: NextFunction`), or of its initialiser (`= args[i] as NextFunction`). */
function declaredTypeName(def: TSESLint.Scope.Definition): string | undefined {
  const id = def.name;
  const annotated = id.type === AST_NODE_TYPES.Identifier ? referenceName(id.typeAnnotation?.typeAnnotation) : undefined;
  if (annotated !== undefined || def.type !== 'Variable' || !def.node.init) return annotated;
  const init = def.node.init;
  return init.type === AST_NODE_TYPES.TSAsExpression ? referenceName(init.typeAnnotation) : undefined;
}

/** Whether the function `callee` names is a middleware continuation (see the file comment). */
export function isContinuation(sourceCode: Readonly<TSESLint.SourceCode>, callee: TSESTree.Identifier): boolean {
  if (CONTINUATION_NAME.test(callee.name)) return true;
  const variable = ASTUtils.findVariable(sourceCode.getScope(callee), callee);
  const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
  if (!def) return false;
  const declared = declaredTypeName(def);
  if (declared !== undefined && NEXT_TYPE.test(declared)) return true;
  if (def.type === 'Parameter') {
    const fn = def.node;
    return isFunctionLike(fn) && isRequestHandler(fn) && argumentParams(fn).indexOf(def.name as TSESTree.Parameter) >= 2;
  }
  // `const callback = args[i]` / `arguments[i]` inside `function (req, res)`
  if (def.type !== 'Variable' || !def.node.init) return false;
  const init = unwrapTypeScriptExpression(def.node.init);
  if (init.type !== AST_NODE_TYPES.MemberExpression || !init.computed) return false;
  const holder = unwrapTypeScriptExpression(init.object);
  if (holder.type !== AST_NODE_TYPES.Identifier) return false;
  let fn = getEnclosingFunction(def.node);
  if (holder.name !== 'arguments') {
    const holderDef = ASTUtils.findVariable(sourceCode.getScope(holder), holder)?.defs[0];
    const holderInit = holderDef?.type === 'Variable' && holderDef.node.init ? unwrapTypeScriptExpression(holderDef.node.init) : undefined;
    // `const args = Array.from(arguments)` / `[...arguments]`
    const fromArguments = holderInit !== undefined && sourceCode.getText(holderInit).includes('arguments');
    if (!fromArguments && holderDef?.type !== 'Parameter') return false;
    fn = holderDef?.type === 'Parameter' && isFunctionLike(holderDef.node) ? holderDef.node : holderDef ? getEnclosingFunction(holderDef.node) : undefined;
  }
  // the arguments of the handler itself, or of the function a wrapper closes over
  for (let current = fn; current; current = getEnclosingFunction(current)) if (isRequestHandler(current)) return true;
  return false;
}

/** The context a continuation runs in: the active one with only its span put back to `parentSpan` (a `const` that may be undefined). */
export function spanRestoringContext(names: Record<string, string>, parentSpan: string): string {
  return `${parentSpan} ? ${names.trace}.setSpan(${names.context}.active(), ${parentSpan}) : ${names.trace}.deleteSpan(${names.context}.active())`;
}
