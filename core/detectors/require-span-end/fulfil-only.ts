/**
 * `require-span-end`: a span ended only in a fulfilment handler. The span's function attaches
 * `.then((result) => { span.end(); .. })` to a promise and nothing ends the span when that
 * promise rejects — no rejection handler (`.then(_, onRejected)`, `.catch`) and no `.finally`
 * ends it — so a rejection leaves it open, the way an `await` with no `finally` does:
 *
 *   const span = tracer.startSpan('db.query');
 *   return original.apply(this, args).then((result) => { span.end(); return result; });
 *
 * A `recommended` finding, like the `await`: the promise's rejection is the path that skips the
 * end. Not reported: a handler attached in another function than the span's (handed over), an end
 * in any rejection or settlement handler, or a `.then` attached after a `.catch` or a two-handler
 * `.then` (the rejection may have been recovered before it).
 */
import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { getCallOfArgument, getEnclosingFunction, getMethodName, getMethodReceiver, unwrapTypeScriptExpression } from '../../analysis/ast.js';
import type { FunctionNode } from '../../analysis/ast.js';

type Role = 'fulfil' | 'reject' | 'other';

/** How the function holding `release` is attached: `.then(f)` → fulfil; `.then(_, f)`, `.catch(f)`, `.finally(f)` → reject; anything else → other. */
function roleOf(release: TSESTree.Node, owner: FunctionNode | TSESTree.Program): { role: Role; call?: TSESTree.CallExpression } {
  const fn = getEnclosingFunction(release);
  const site = fn && getCallOfArgument(fn);
  const call = site?.call;
  if (call?.type !== AST_NODE_TYPES.CallExpression) return { role: 'other' };
  if (getEnclosingFunction(call) !== (owner.type === AST_NODE_TYPES.Program ? undefined : owner)) return { role: 'other' };
  const method = getMethodName(call);
  if (method === 'then') return site?.index === 0 && call.arguments.length === 1 ? { role: 'fulfil', call } : { role: 'reject', call };
  if (method === 'catch' || method === 'finally') return { role: 'reject', call };
  return { role: 'other' };
}

/**
 * The promise whose rejection skips every `end()` of the span, when all of them are in `.then`
 * fulfilment handlers attached in the span's own function; undefined otherwise.
 */
export function findFulfilOnlyPromise(owner: FunctionNode | TSESTree.Program, releases: readonly TSESTree.Node[]): TSESTree.Node | undefined {
  let promise: TSESTree.Node | undefined;
  for (const release of releases) {
    const { role, call } = roleOf(release, owner);
    if (role !== 'fulfil' || !call) return undefined;
    const receiver = getMethodReceiver(call);
    if (!receiver) return undefined;
    const source = unwrapTypeScriptExpression(receiver);
    // `.catch(..).then(..)`, `.then(a, b).then(..)`: the rejection may be recovered before
    if (source.type === AST_NODE_TYPES.CallExpression) {
      const before = getMethodName(source);
      if (before === 'catch' || before === 'finally' || (before === 'then' && source.arguments.length > 1)) return undefined;
    }
    promise ??= receiver;
  }
  return promise;
}
