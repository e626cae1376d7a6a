/**
 * `require-span-end`: where a span is ended when its function does not end it in its own body —
 * the `end()` calls on it inside callbacks, and inside the file's own helpers it is handed to
 * (`getNextProxy(next, span)`, `this._releaseOnEnd(session, snapshot, span)`), one or two helpers
 * deep. Used to decide whether such an `end()` is sure to run (callback-ends.ts).
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, ASTUtils } from '@typescript-eslint/utils';
import { getEnclosingFunction, getMethodName, isFunctionLike, unwrapTypeScriptExpression, walk } from '../../analysis/ast.js';
import type { FunctionNode } from '../../analysis/ast.js';
import { resolveCalledFunction } from '../../analysis/traced-code.js';
import { SPAN_METHODS } from './hand-over.js';

type Variable = TSESLint.Scope.Variable;
type SourceCode = Readonly<TSESLint.SourceCode>;

export interface EndSite {
  /** The `.end()` call. */
  end: TSESTree.CallExpression;
  /** The variable it ends: the span's, or a helper's parameter. */
  variable: Variable;
  /** The call in the span's own code that handed the span to the file's helper holding this end. */
  via?: { call: TSESTree.CallExpression; helper: FunctionNode; index: number };
}

export interface EndSites {
  sites: EndSite[];
  /** The span also goes somewhere this file cannot follow (returned, stored, an unknown function). */
  opaque: boolean;
  /** The same, not counting `setSpan(ctx, span)` (a context made from the span, which `isHandedOver` judges). */
  opaqueOutsideContext: boolean;
}

/** The `.end()` calls on `variable`, in its helpers too; `opaque` when some use cannot be followed. */
export function collectEndSites(sourceCode: SourceCode, variable: Variable, depth = 2): EndSites {
  const result: EndSites = { sites: [], opaque: false, opaqueOutsideContext: false };
  collect(sourceCode, variable, depth, undefined, result);
  return result;
}

function collect(sourceCode: SourceCode, variable: Variable, depth: number, via: EndSite['via'], into: EndSites): void {
  for (const reference of variable.references) {
    if (reference.init) continue;
    const identifier = reference.identifier;
    const parent = identifier.parent;
    if (parent?.type === AST_NODE_TYPES.MemberExpression && parent.object === identifier) {
      const name = parent.property.type === AST_NODE_TYPES.Identifier ? parent.property.name : undefined;
      if (name === 'end' && parent.parent?.type === AST_NODE_TYPES.CallExpression && parent.parent.callee === parent) {
        into.sites.push({ end: parent.parent, variable, via });
      } else if (name === undefined || !SPAN_METHODS.has(name)) into.opaque = into.opaqueOutsideContext = true;
      continue;
    }
    if (parent?.type === AST_NODE_TYPES.CallExpression && parent.callee !== identifier) {
      const index = parent.arguments.indexOf(identifier as TSESTree.Identifier);
      const helper = depth > 0 ? resolveCalledFunction(sourceCode, parent.callee) : undefined;
      const param = helper ? parameterVariable(sourceCode, helper, index) : undefined;
      if (helper && param) collect(sourceCode, param, depth - 1, via ?? { call: parent, helper, index }, into);
      else {
        into.opaque = true;
        if (!isSetSpan(parent.callee)) into.opaqueOutsideContext = true;
      }
      continue;
    }
    into.opaque = true;
    into.opaqueOutsideContext = true;
  }
}

/** `trace.setSpan` / `setSpan` (by name: the pairing's `isHandedOver` checks the API). */
function isSetSpan(callee: TSESTree.Node): boolean {
  const expression = unwrapTypeScriptExpression(callee);
  if (expression.type === AST_NODE_TYPES.Identifier) return expression.name === 'setSpan';
  return expression.type === AST_NODE_TYPES.MemberExpression && !expression.computed && expression.property.type === AST_NODE_TYPES.Identifier && expression.property.name === 'setSpan';
}

/** The variable of `fn`'s `index`-th parameter, when it is a plain identifier. */
export function parameterVariable(sourceCode: SourceCode, fn: FunctionNode, index: number): Variable | undefined {
  const params = fn.params[0]?.type === AST_NODE_TYPES.Identifier && fn.params[0].name === 'this' ? fn.params.slice(1) : fn.params;
  const param = params[index];
  if (param?.type !== AST_NODE_TYPES.Identifier) return undefined;
  return sourceCode.getDeclaredVariables(fn).find((v) => v.name === param.name);
}

/**
 * Code the caller supplied: a parameter of an enclosing function (or `arguments`), a member or
 * element of one, or a `const` initialised from one (`const callback = typeof a === 'function' ? a : cb`,
 * `const middlewareArgs = argsServer[0]`).
 */
export function isCallerProvided(sourceCode: SourceCode, node: TSESTree.Node, depth = 3): boolean {
  let expression = unwrapTypeScriptExpression(node);
  while (expression.type === AST_NODE_TYPES.MemberExpression) expression = unwrapTypeScriptExpression(expression.object);
  if (expression.type === AST_NODE_TYPES.ConditionalExpression) {
    return isCallerProvided(sourceCode, expression.consequent, depth) || isCallerProvided(sourceCode, expression.alternate, depth);
  }
  if (expression.type === AST_NODE_TYPES.LogicalExpression) {
    return isCallerProvided(sourceCode, expression.left, depth) || isCallerProvided(sourceCode, expression.right, depth);
  }
  if (expression.type !== AST_NODE_TYPES.Identifier) return false;
  if (expression.name === 'arguments') return true;
  const variable = ASTUtils.findVariable(sourceCode.getScope(expression), expression);
  const def = variable?.defs[0];
  if (!def || variable.defs.length !== 1) return false;
  if (def.type === 'Parameter') return true;
  if (depth > 0 && def.type === 'Variable' && def.node.parent.kind === 'const' && def.node.init && def.node.id.type === AST_NODE_TYPES.Identifier) {
    return !isFunctionLike(def.node.init) && isCallerProvided(sourceCode, def.node.init, depth - 1);
  }
  return false;
}

/** The function of the end site (innermost), and whether that is the span's own function. */
export function siteFunction(site: EndSite): FunctionNode | undefined {
  return getEnclosingFunction(site.end);
}

/** Calls through which code reaches the active span without holding it. */
const ACTIVE_SPAN_READS = new Set(['getActiveSpan', 'getSpan', 'active']);

/**
 * Whether a `startActiveSpan` callback without parameters can still get at its span: through the
 * active context (`trace.getActiveSpan()`, `trace.getSpan(context.active())`, in it or in a
 * function it defines) or `arguments`.
 */
export function mayReachActiveSpan(fn: FunctionNode): boolean {
  let found = false;
  walk(fn.body, (node) => {
    if (found) return false;
    if (node.type === AST_NODE_TYPES.Identifier && node.name === 'arguments') found = true;
    if (node.type === AST_NODE_TYPES.CallExpression) {
      const callee = unwrapTypeScriptExpression(node.callee);
      const name = callee.type === AST_NODE_TYPES.Identifier ? callee.name : getMethodName(node);
      if (name !== undefined && ACTIVE_SPAN_READS.has(name)) found = true;
    }
    return !found;
  });
  return found;
}
