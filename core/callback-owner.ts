/**
 * "One defect, one finding": which binding rule owns a callback.
 *
 * A callback that a binding rule (`no-unbound-timer`, `no-unbound-listener`,
 * `no-unbound-queued-callback`) reports is fixed by binding it, and binding makes every read of
 * the active context inside it correct. So `no-late-context-capture` does not report reads that are
 * late only because of such a callback; it asks this module, which runs the binding detectors
 * themselves (with their default options) and records what they report — ownership is exactly
 * "the binding rule reports it", never a second copy of their logic.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import type { FunctionNode } from './ast.js';
import { unwrapTypeScriptExpression } from './ast.js';
import { mergeListeners } from './callbacks.js';
import { resolveFunction } from './traced-code.js';
import { createUnboundListenerDetector } from './unbound-listener.js';
import { createUnboundQueuedCallbackDetector } from './unbound-queued-callback.js';
import { createUnboundTimerDetector } from './unbound-timer.js';

export type BindingRuleName = 'no-unbound-timer' | 'no-unbound-listener' | 'no-unbound-queued-callback';

export interface CallbackOwnership {
  /** Merge into the rule's listeners, before any `Program:exit` that queries `getOwner`. */
  listeners: TSESLint.RuleListener;
  /** The binding rule that reports `fn` (valid from `Program:exit` on). */
  getOwner(fn: FunctionNode): BindingRuleName | undefined;
}

export function createCallbackOwnership(context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>): CallbackOwnership {
  const sourceCode = context.sourceCode;
  const owned = new Map<TSESTree.Node, BindingRuleName>();
  let owners: Map<FunctionNode, BindingRuleName> | undefined;

  const own = (node: TSESTree.Node | undefined, rule: BindingRuleName) => {
    if (node) owned.set(unwrapTypeScriptExpression(node), rule);
  };
  const timer = createUnboundTimerDetector(context, (finding) => {
    const node = finding.node as TSESTree.Node;
    const call = node.type === AST_NODE_TYPES.CallExpression ? node : node.parent;
    if (call?.type === AST_NODE_TYPES.CallExpression) own(call.arguments[0], 'no-unbound-timer');
  });
  const listener = createUnboundListenerDetector(context, (finding) => own(finding.node as TSESTree.Node, 'no-unbound-listener'));
  const queued = createUnboundQueuedCallbackDetector(context, { additionalQueueFunctions: [] }, (finding) => {
    const node = finding.node as TSESTree.Node;
    own(node.type === AST_NODE_TYPES.Property ? node.value : node, 'no-unbound-queued-callback');
  });

  return {
    listeners: mergeListeners(timer, listener, queued),
    getOwner(fn) {
      if (!owners) {
        owners = new Map();
        for (const [node, rule] of owned) {
          const target = resolveFunction(sourceCode, node);
          if (target && !owners.has(target)) owners.set(target, rule);
        }
      }
      return owners.get(fn);
    },
  };
}
