/**
 * `no-unbound-queued-callback`, partial binding (core/analysis/partial-binding.ts): a file that
 * already binds its caller's callback on some paths and forgets on one. Reported at the forgotten
 * path, with the file's own mechanism as the fix: `this.runInAsyncScope(fn, null, ..)` in an
 * `AsyncResource` subclass, the siblings' binder (`bindToCurrentDomain(cb)`,
 * `AsyncResource.bind(cb)`) for a callback handed raw to a receiver the other calls bind for.
 * Looked at under the AsyncLocalStorage managers only (`async-local-storage`, `async-hooks`, or
 * none set), in files with or without tracing: the binders it recognises carry async_hooks
 * context, which zone and stack do not follow.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { getSettings } from '../../settings.js';
import { findRawHandOvers, findUnscopedResourceCalls, mayHoldPartialBinding } from '../../analysis/partial-binding.js';
import { surround } from '../../edits/wrap.js';
import type { Finding } from '../../findings.js';

export type PartialBindingMessageId = 'resourceCallOutsideScope' | 'callbackHandedOnUnbound';

/** `nodes`: the file analysis' calls and assignments (complete at `Program:exit`), read instead of a listener of its own. */
export function createPartialBindingListeners(
  context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>,
  nodes: readonly (TSESTree.CallExpression | TSESTree.AssignmentExpression)[],
  reported: ReadonlySet<TSESTree.Node>,
  onFinding: (finding: Finding<PartialBindingMessageId>) => void,
): TSESLint.RuleListener {
  const manager = getSettings(context.settings).contextManager;
  if (manager !== undefined && manager !== 'async-local-storage' && manager !== 'async-hooks') return {};
  const sourceCode = context.sourceCode;
  if (!mayHoldPartialBinding(sourceCode.text)) return {};
  const classes: (TSESTree.ClassDeclaration | TSESTree.ClassExpression)[] = [];
  const addClass = (node: TSESTree.ClassDeclaration | TSESTree.ClassExpression): void => {
    if (node.superClass) classes.push(node);
  };
  return {
    ClassDeclaration: addClass,
    ClassExpression: addClass,
    'Program:exit'() {
      for (const { call, field, fix } of findUnscopedResourceCalls(sourceCode, classes)) {
        if (reported.has(call)) continue;
        onFinding({ messageId: 'resourceCallOutsideScope', data: { name: `this.${field}` }, node: call, ...(fix ? { fix } : {}) });
      }
      const calls = nodes.filter((node): node is TSESTree.CallExpression => node.type === AST_NODE_TYPES.CallExpression && node.arguments.length > 0);
      for (const { node, receiver, wrap } of findRawHandOvers(sourceCode, calls)) {
        if (reported.has(node)) continue;
        onFinding({ messageId: 'callbackHandedOnUnbound', data: { receiver }, node, ...(wrap ? { fix: surround(node, `${wrap}(`, ')') } : {}) });
      }
    },
  };
}
