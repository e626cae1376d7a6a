/**
 * An enter and its restore split across two handlers of one file: a tracing plugin enters the
 * span's store when a diagnostics channel's `start` event fires and puts the saved store back on
 * its `end` or `error` event, in another method (dd-trace's plugins, whole-repository run of
 * session 11: `const store = storage('legacy').getStore()` then `storage('legacy').enterWith({
 * ...store, span })` in `#onNativeRequestCreate`, and `storage('legacy').enterWith(store)` in
 * `#onNativeRequestBodySent` and `#onNativeRequestError`).
 *
 * - **The restore** leaves nothing behind: `S.enterWith(v)` in a function that enters nothing
 *   else into `S`, where `v` is named as a value the file saved from `S.getStore()`
 *   (`const store = S.getStore()` in another function, carried over in a record).
 * - **The enter** is one half of that pair: `S.enterWith(next)` in a file that restores `S` that
 *   way, or with an earlier store (`S.enterWith(parentStore)`, restores.ts), in another function.
 *
 * An enter in a file that never puts the store back is still reported (the leak of
 * DataDog/dd-trace-js 37aac56: `skip()` enters `{ noop: true }` and nothing restores it).
 * `S` is the receiver as written (`storage('legacy')`, `this._store`), compared as text.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { getEnclosingFunction, getMethodName, getMethodReceiver, unwrapTypeScriptExpression, walk } from '../../analysis/ast.js';
import type { FunctionNode } from '../../analysis/ast.js';
import { lastName } from '../../analysis/queue-shapes.js';
import { namesEarlierStore } from './restores.js';

type SourceCode = Readonly<TSESLint.SourceCode>;

interface StoreUse {
  /** Names of variables initialised from `S.getStore()`, by store text. */
  saved: Map<string, Set<string>>;
  /** Every `S.enterWith(..)` call, by store text. */
  enters: Map<string, TSESTree.CallExpression[]>;
}

const uses = new WeakMap<TSESTree.Program, StoreUse>();

/** One walk per file, on the first `enterWith` that needs it. */
function getStoreUse(sourceCode: SourceCode): StoreUse {
  const cached = uses.get(sourceCode.ast);
  if (cached) return cached;
  const use: StoreUse = { saved: new Map(), enters: new Map() };
  walk(sourceCode.ast, (node) => {
    if (node.type === AST_NODE_TYPES.VariableDeclarator && node.id.type === AST_NODE_TYPES.Identifier && node.init) {
      // `const store = S.getStore()`, also `const store = ctx.parentStore = S.getStore()`
      let init = unwrapTypeScriptExpression(node.init);
      while (init.type === AST_NODE_TYPES.AssignmentExpression && init.operator === '=') init = unwrapTypeScriptExpression(init.right);
      const receiver = init.type === AST_NODE_TYPES.CallExpression && init.arguments.length === 0 && getMethodName(init) === 'getStore' ? getMethodReceiver(init) : undefined;
      if (receiver) {
        const store = sourceCode.getText(receiver);
        use.saved.set(store, (use.saved.get(store) ?? new Set()).add(node.id.name));
      }
    }
    if (node.type === AST_NODE_TYPES.CallExpression && getMethodName(node) === 'enterWith') {
      const receiver = getMethodReceiver(node);
      if (receiver) {
        const store = sourceCode.getText(receiver);
        use.enters.set(store, [...(use.enters.get(store) ?? []), node]);
      }
    }
    return true;
  });
  uses.set(sourceCode.ast, use);
  return use;
}

/** `S.enterWith(store)` putting back a value saved from `S.getStore()` elsewhere, in a function that enters nothing else into `S`. */
function isSavedStoreRestore(use: StoreUse, call: TSESTree.CallExpression, store: string): boolean {
  const first = call.arguments[0];
  if (call.arguments.length !== 1 || !first || first.type === AST_NODE_TYPES.SpreadElement) return false;
  const name = lastName(first);
  if (name === undefined || (use.saved.get(store)?.has(name) !== true && !namesEarlierStore(name))) return false;
  const owner = getEnclosingFunction(call);
  return (use.enters.get(store) ?? []).every((other) => other === call || getEnclosingFunction(other) !== owner);
}

/** Whether `call` (`S.enterWith(..)`) is either half of an enter/restore pair split across the file's functions. */
export function isSplitEnterRestorePair(sourceCode: SourceCode, call: TSESTree.CallExpression): boolean {
  const receiver = getMethodReceiver(call);
  if (!receiver) return false;
  const store = sourceCode.getText(receiver);
  const use = getStoreUse(sourceCode);
  if (isSavedStoreRestore(use, call, store)) return true;
  const owner: FunctionNode | undefined = getEnclosingFunction(call);
  if (owner === undefined) return false;
  return (use.enters.get(store) ?? []).some(
    (other) => other !== call && getEnclosingFunction(other) !== owner && isSavedStoreRestore(use, other, store),
  );
}
