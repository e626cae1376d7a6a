/**
 * `no-unpaired-context-attach`, issue #11 family 6 through a tracer's or library's own API
 * (core/analysis/context-apis.ts): an in-place write of the current context — cls-hooked's
 * `ns.enter(ctx)`, Zipkin's `tracer.setId(id)` — that is not undone on every path.
 *
 * Decided as `enterWith` is (no-unpaired-context-attach.ts, restores.ts, setters.ts, binds.ts):
 * not reported when the write is undone in a `finally` it cannot skip (`isUndoneInFinally`, with
 * the entry's own undo: `ns.exit(ctx)` of the same context, `tracer.setId(saved)` of a value read
 * from `tracer.id` before), is itself such an undo, is the body of a scope primitive
 * (`Namespace#run`'s own `enter`), of a context setter or of a constructor (the base context a
 * context class enters once: zipkin-js CLSContext.js), or runs inside a scope runner's callback
 * (`tracer.scoped(() => { tracer.setId(..) })`, `ns.run(..)`: the runner puts the caller's
 * context back), is one half of a write and undo split across the file's functions (as
 * split-restores.ts for `enterWith`), or writes through a receiver the function was handed as a
 * parameter (`isHandedIn`). Otherwise:
 * - an undo in the same function, not in a `finally`: skipped when the code between throws
 *   (`ambientRestoreSkippedOnThrow`, fixed by moving that code into `try` and the undo into `finally`);
 * - no undo at all: the context stays current for the rest of the caller's run
 *   (`ambientWriteLeak`, no fix: where it should end is the author's choice).
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, ASTUtils } from '@typescript-eslint/utils';
import { getEnclosingFunction, getMethodName, getMethodReceiver, isFunctionLike, walk } from '../../analysis/ast.js';
import { isContextApiScopeRunner, matchContextApi } from '../../analysis/context-apis.js';
import type { ContextApi } from '../../analysis/context-apis.js';
import { isInConstructor } from '../../analysis/queue-shapes.js';
import { buildTryFinally } from '../../edits/try-finally.js';
import type { Finding } from '../../findings.js';
import type { NoUnpairedContextAttachMessageId } from '../no-unpaired-context-attach.js';
import { isScopePrimitive } from './binds.js';
import { isSavedValueRestore, isUndoneInFinally } from './restores.js';
import { isInContextSetter } from './setters.js';

type SourceCode = Readonly<TSESLint.SourceCode>;

export function findUnpairedAmbientWrite(sourceCode: SourceCode, call: TSESTree.CallExpression): Finding<NoUnpairedContextAttachMessageId> | undefined {
  const entry = matchContextApi(sourceCode, call, 'ambient-write');
  const undo = entry?.undo;
  const receiver = getMethodReceiver(call);
  if (!entry || !undo || !receiver) return undefined;
  // a constructor entering the base context the object's later scopes fork from (zipkin-js CLSContext.js)
  if (isScopePrimitive(call) || isInContextSetter(call) || isInConstructor(call) || isInScopeRunner(sourceCode, call)) return undefined;
  const store = sourceCode.getText(receiver);
  const owner = getEnclosingFunction(call);
  const isUndo = (candidate: TSESTree.CallExpression): boolean => undoes(sourceCode, entry, call, candidate, store);
  if (isUndoneInFinally(call, isUndo) || isHandedIn(sourceCode, receiver)) return undefined;
  // split across handlers: set in one (`onPreHandler`), put back from a saved value in another (zipkin-js hapiMiddleware.js)
  if (findUndo(sourceCode.ast, call, (candidate) => getEnclosingFunction(candidate) !== owner && isUndo(candidate), true)) return undefined;
  const label = `${sourceCode.getText(call.callee)}()`;
  const statement = call.parent;
  const undoCall = owner ? findUndo(owner, call, isUndo) : undefined;
  if (undoCall && statement.type === AST_NODE_TYPES.ExpressionStatement) {
    const fix = undoCall.parent.type === AST_NODE_TYPES.ExpressionStatement && undoCall.parent.parent === statement.parent
      ? buildTryFinally(sourceCode, statement, sourceCode.getText(undoCall), [undoCall], undefined)
      : undefined;
    return { messageId: 'ambientRestoreSkippedOnThrow', data: { call: label, undo: `${sourceCode.getText(undoCall.callee)}()` }, node: call.callee, ...(fix ? { fix } : {}) };
  }
  const put = undo.argument === 'same' ? sourceCode.getText(call.arguments[0] as TSESTree.Node) : 'previous';
  return { messageId: 'ambientWriteLeak', data: { call: label, undo: `${store}.${undo.method}(${put})` }, node: call.callee };
}

/** `ns.exit(ctx)` for `ns.enter(ctx)` (the same text); `tracer.setId(saved)` with `saved` read from `tracer.id`. */
function undoes(sourceCode: SourceCode, entry: ContextApi, write: TSESTree.CallExpression, candidate: TSESTree.CallExpression, store: string): boolean {
  const undo = entry.undo;
  if (!undo) return false;
  if (undo.argument === 'saved') return isSavedValueRestore(sourceCode, candidate, store, undo.method, undo.read);
  const receiver = getMethodReceiver(candidate);
  const [written] = write.arguments;
  const [undone] = candidate.arguments;
  return (
    getMethodName(candidate) === undo.method &&
    receiver !== undefined &&
    sourceCode.getText(receiver) === store &&
    written !== undefined &&
    undone !== undefined &&
    sourceCode.getText(written) === sourceCode.getText(undone)
  );
}

/** The first undo after the write in the same function (not in a nested one). */
function findUndo(owner: TSESTree.Node, write: TSESTree.CallExpression, isUndo: (candidate: TSESTree.CallExpression) => boolean, anywhere = false): TSESTree.CallExpression | undefined {
  let found: TSESTree.CallExpression | undefined;
  walk(owner, (node) => {
    if (found) return false;
    if (!anywhere && node !== owner && isFunctionLike(node)) return false;
    if (node.type === AST_NODE_TYPES.CallExpression && node !== write && (anywhere || node.range[0] > write.range[1]) && isUndo(node)) found = node;
    return true;
  });
  return found;
}

/**
 * The receiver is a parameter of the function that writes (`recordConsumeStart(tracer, ..)`): a
 * helper handed the tracer is one step of its caller, which owns the scope (zipkin-js
 * kafka-recorder.js, called only inside `tracer.scoped(..)` from another file).
 */
function isHandedIn(sourceCode: SourceCode, receiver: TSESTree.Node): boolean {
  if (receiver.type !== AST_NODE_TYPES.Identifier) return false;
  const def = ASTUtils.findVariable(sourceCode.getScope(receiver), receiver)?.defs[0];
  return def?.type === 'Parameter' && def.node === getEnclosingFunction(receiver);
}

/** The write runs in a function handed to a scope runner of the data (`tracer.scoped(() => ..)`, `ns.run(() => ..)`). */
function isInScopeRunner(sourceCode: SourceCode, call: TSESTree.CallExpression): boolean {
  for (let fn = getEnclosingFunction(call); fn; fn = getEnclosingFunction(fn)) {
    const parent = fn.parent;
    if (parent?.type === AST_NODE_TYPES.CallExpression && parent.arguments.includes(fn as TSESTree.CallExpressionArgument) && isContextApiScopeRunner(sourceCode, parent)) return true;
  }
  return false;
}
