/**
 * Wrapping an expression: `context.bind(ctx, cb)`, any prefix and suffix, and binding a callback to
 * the context current where it is stored or registered.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { isFunctionLike, walk } from '../analysis/ast.js';
import { getAsyncLocalStorageClassText, isAsyncLocalStorageOnly } from '../analysis/callbacks.js';
import type { OtelApi } from '../analysis/otel-api.js';
import type { Edit } from '../findings.js';
import { ensureApiMembers } from './api-imports.js';

/** `cb` → `<bindCall>(<ctxText>, cb)`, keeping the callback's own text untouched. */
export function wrapInBind(node: TSESTree.Node, bindText: string, ctxText: string): Edit[] {
  return [
    { range: [node.range[0], node.range[0]], text: `${bindText}(${ctxText}, ` },
    { range: [node.range[1], node.range[1]], text: ')' },
  ];
}

/** `expr` → `<prefix>expr<suffix>`. */
export function surround(node: TSESTree.Node, prefix: string, suffix: string): Edit[] {
  return [
    { range: [node.range[0], node.range[0]], text: prefix },
    { range: [node.range[1], node.range[1]], text: suffix },
  ];
}

/**
 * Whether `node` can move into an arrow (`() => node`) unchanged: nothing in it, outside nested
 * functions, awaits, yields or refers to `super`.
 */
export function canMoveIntoArrow(node: TSESTree.Node): boolean {
  let ok = true;
  walk(node, (child) => {
    if (!ok || isFunctionLike(child)) return false;
    if (child.type === AST_NODE_TYPES.AwaitExpression || child.type === AST_NODE_TYPES.YieldExpression || child.type === AST_NODE_TYPES.Super) ok = false;
    return ok;
  });
  return ok;
}

/**
 * The edits that bind `callback` to the context current where it is stored or registered:
 * `context.bind(context.active(), cb)` (adding the import where needed), or in ALS-only code
 * `AsyncLocalStorage.bind(cb)`. Undefined when no safe edit exists.
 */
export function bindToCurrentContext(
  sourceCode: Readonly<TSESLint.SourceCode>,
  api: OtelApi,
  callback: TSESTree.Node,
): Edit[] | undefined {
  if (isAsyncLocalStorageOnly(api)) {
    const als = getAsyncLocalStorageClassText(sourceCode, api);
    return als === undefined ? undefined : surround(callback, `${als}.bind(`, ')');
  }
  const refs = ensureApiMembers(sourceCode, api, ['context']);
  return [...refs.edits, ...wrapInBind(callback, `${refs.names.context}.bind`, `${refs.names.context}.active()`)];
}
