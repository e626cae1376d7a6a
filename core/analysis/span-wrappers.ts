/**
 * Span-running helpers found without configuration (issue #11, family 8): a call whose callback
 * runs inside a span although the call is neither `startActiveSpan` nor `context.with` —
 * - an imported helper whose name says so (`runInSpan`, `withSpan`, `asyncRunInSpan`, `traced`, …);
 * - a function of this file (or a method of the enclosing class, called as `this.method(..)`) whose
 *   body passes its callback parameter to `startActiveSpan` / `context.with`, or calls it inside
 *   their inline callback (judged by its body, not its name).
 * `settings['otel-context'].spanWrappers` names more (otel-api.ts, matchesSpanWrapper).
 */
import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, ASTUtils } from '@typescript-eslint/utils';
import type { FunctionNode } from './ast.js';
import { getMethodName, isFunctionLike, resolveThisMethod, unwrapTypeScriptExpression, walk } from './ast.js';
import { OTEL_API_MODULE } from './import-bindings.js';
import type { OtelApi } from './otel-api.js';
import { getSpanlessContextChange, getSpanStartKind } from './spans.js';

const API = (member: string): string => `${OTEL_API_MODULE}:${member}`;

/**
 * Names that say a helper runs its callback in a span: `runInSpan`, `withSpan`, `asyncRunInSpan`,
 * `withActiveSpan`, `runWithSpan`, `inSpan`, `wrapInSpan`, … and `traced`.
 */
const SPAN_HELPER_NAME = /^(?:async)?(?:run|exec|execute|call|wrap)?(?:in|with)(?:active|new|child)?span$/i;

export function isSpanHelperName(name: string): boolean {
  return name === 'traced' || SPAN_HELPER_NAME.test(name);
}

/** `withSpan(..)`, `tracing.runInSpan(..)`: an imported function (ESM or CommonJS) whose name says it runs a span. */
export function isImportedSpanHelper(api: OtelApi, call: TSESTree.CallExpression): boolean {
  const callee = unwrapTypeScriptExpression(call.callee);
  const local = callee.type === AST_NODE_TYPES.Identifier ? callee.name : getMethodName(call);
  if (local === undefined) return false;
  // A member callee's path ends with its own name (`<base>.<name>`, `<module>:<name>`): the
  // name decides before any resolving.
  if (callee.type === AST_NODE_TYPES.MemberExpression && !isSpanHelperName(helperName(local, local))) return false;
  const path = api.resolver.pathOf(callee);
  if (path === undefined || path.startsWith('global:') || path.startsWith(API(''))) return false;
  return isSpanHelperName(helperName(path, local));
}

/** The name a helper is judged by: the path's last member, or the local name for a default or whole-module import. */
function helperName(path: string, local: string): string {
  const member = path.slice(path.lastIndexOf(':') + 1).split('.').at(-1) ?? '';
  return member === 'default' || member === '' ? local : member;
}

const spanRunnerCache = new WeakMap<FunctionNode, Map<number, boolean>>();

/**
 * `helper(.., fn)` where `helper` is a function of this file whose parameter at `index` is passed
 * to `startActiveSpan` / `context.with` as their callback, or called inside their inline callback:
 * a span wrapper of the file, found without configuration.
 */
export function isSpanRunningFunctionOfFile(api: OtelApi, call: TSESTree.CallExpression, index: number): boolean {
  const callee = unwrapTypeScriptExpression(call.callee);
  let helper: FunctionNode | undefined;
  if (callee.type === AST_NODE_TYPES.Identifier) {
    const variable = ASTUtils.findVariable(api.sourceCode.getScope(callee), callee);
    const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
    if (def?.type === 'FunctionName' && isFunctionLike(def.node)) helper = def.node;
    else if (def?.type === 'Variable' && def.node.parent.kind === 'const' && def.node.init && isFunctionLike(def.node.init)) helper = def.node.init;
  } else if (callee.type === AST_NODE_TYPES.MemberExpression && callee.object.type === AST_NODE_TYPES.ThisExpression) {
    // `this.runInSpan(..)`: a method of the enclosing class, judged by its body the same way
    helper = resolveThisMethod(callee);
  }
  if (!helper) return false;
  let byIndex = spanRunnerCache.get(helper);
  if (!byIndex) spanRunnerCache.set(helper, (byIndex = new Map()));
  let result = byIndex.get(index);
  if (result === undefined) {
    result = runsParameterInSpan(api, helper, index);
    byIndex.set(index, result);
  }
  return result;
}

function runsParameterInSpan(api: OtelApi, helper: FunctionNode, index: number): boolean {
  const param = helper.params[index];
  if (param?.type !== AST_NODE_TYPES.Identifier) return false;
  const parameter = api.sourceCode.getDeclaredVariables(helper).find((v) => v.name === param.name);
  if (!parameter) return false;
  const isParameter = (node: TSESTree.Node | undefined): boolean => {
    const expression = node && unwrapTypeScriptExpression(node);
    return expression?.type === AST_NODE_TYPES.Identifier && parameter.references.some((r) => r.identifier === expression);
  };
  /** `fn(..)`, `fn.call(..)`, `fn.apply(..)`, `await fn()` inside `callback`. */
  const callsParameter = (callback: FunctionNode): boolean => {
    let found = false;
    walk(callback.body, (node) => {
      if (found) return false;
      if (node.type === AST_NODE_TYPES.CallExpression) {
        const target = unwrapTypeScriptExpression(node.callee);
        if (isParameter(target)) found = true;
        else if (target.type === AST_NODE_TYPES.MemberExpression && isParameter(target.object) && ['call', 'apply'].includes(getMethodName(node) ?? '')) found = true;
      }
      return !found;
    });
    return found;
  };
  let runs = false;
  walk(helper.body, (node) => {
    if (runs) return false;
    if (node.type !== AST_NODE_TYPES.CallExpression) return true;
    const isStart = getSpanStartKind(node) === 'startActiveSpan' && node.arguments.length >= 2;
    const isWith = api.isApiCall(node, 'context.with');
    if (!isStart && !isWith) return true;
    const callback = isStart ? node.arguments.at(-1) : node.arguments[1];
    if (isWith) {
      const ctx = node.arguments[0];
      if (ctx && (api.resolver.pathOf(ctx) === API('ROOT_CONTEXT') || getSpanlessContextChange(api, ctx) !== undefined)) return true;
    }
    if (isParameter(callback) || (callback && isFunctionLike(callback) && callsParameter(callback))) runs = true;
    return !runs;
  });
  return runs;
}
