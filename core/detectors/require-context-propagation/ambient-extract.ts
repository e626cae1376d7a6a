/**
 * Consumer side of `require-context-propagation`, "consumer context built on the ambient context"
 * (issue #11, family 1): a message consumer extracts the producer's context onto
 * `context.active()` instead of `ROOT_CONTEXT`. At delivery the active context is not the message's:
 * it is the context the delivering resource was created in — the connection opened lazily inside a
 * request, the poll loop started inside a startup span, the Worker created inside a request
 * (measured under both Node managers: bench/real-world/ambient-at-delivery.mjs). A message without
 * trace headers then gets that span as its parent: unrelated messages join one long trace.
 * `propagation.extract(ROOT_CONTEXT, headers)` gives the producer's context when there is one and a
 * root otherwise (what OpenTelemetry's kafkajs, amqplib and SQS instrumentations ship).
 *
 * Reported at the `context.active()` argument (or a `const` holding it) of `propagation.extract`
 * when the extract is
 * - inside a broker's consumer slot of core/transports/records.ts (kafkajs `eachMessage`/`eachBatch`,
 *   the BullMQ `Worker` processor, amqplib `consume`) whose transport is not instrumented (an
 *   instrumentation runs the handler in its own consumer span: there the ambient context is the
 *   message's). Not `parentPort.on('message')` in a worker nor `process.on('message')` in a child:
 *   their port is created when the thread or process starts, before any user span; or
 * - the parent of a span started with `kind: SpanKind.CONSUMER`: passed as `startSpan`'s context
 *   (directly or through a variable), or run in with `context.with(extracted, fn)` around the start
 *   (a consumer wrapper, whatever library delivers to it).
 * Fix: `ROOT_CONTEXT` in its place (imported when missing). Nothing in the fix compares a context
 * with `ROOT_CONTEXT`.
 *
 * Not reported: an HTTP (or any `SERVER`-kind) handler's `propagation.extract(context.active(),
 * req.headers)` — OpenTelemetry's documented form, and at the root for a server that starts
 * listening at the root (measured; a server listening inside a span hands it to every request too,
 * but no file shows where `listen()` ran); producers; extracts onto anything else; a handler whose
 * context is built by a library abstraction (BullMQ's `contextManager.fromMetadata`).
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, ASTUtils } from '@typescript-eslint/utils';
import type { FunctionNode } from '../../analysis/ast.js';
import { contains, getMethodName, isFunctionLike, unwrapTypeScriptExpression, walk } from '../../analysis/ast.js';
import { getSpanStartKind } from '../../analysis/otel-api.js';
import type { OtelApi } from '../../analysis/otel-api.js';
import { ensureApiMembers } from '../../edits/api-imports.js';
import type { Finding } from '../../findings.js';

export interface AmbientExtractCheck {
  /** Collects `propagation.extract(<ambient>, ..)`; true when `call` is a `propagation.extract` call. */
  collect(call: TSESTree.CallExpression): boolean;
  /** Reports every collected extract that builds a consumer's context; `handlers` are the file's consumer slots. */
  check(handlers: readonly { fn: FunctionNode; transport: string }[]): void;
}

export function createAmbientExtractCheck(
  sourceCode: Readonly<TSESLint.SourceCode>,
  api: OtelApi,
  onFinding: (finding: Finding<'extractOntoAmbientContext'>) => void,
): AmbientExtractCheck {
  const extracts: TSESTree.CallExpression[] = [];

  function isActiveCall(node: TSESTree.Node): boolean {
    const expression = unwrapTypeScriptExpression(node);
    return expression.type === AST_NODE_TYPES.CallExpression && api.isApiCall(expression, 'context.active');
  }

  /** `context.active()`, or a never reassigned variable initialised with it. */
  function isAmbient(node: TSESTree.Node | undefined): boolean {
    if (!node || node.type === AST_NODE_TYPES.SpreadElement) return false;
    if (isActiveCall(node)) return true;
    const expression = unwrapTypeScriptExpression(node);
    if (expression.type !== AST_NODE_TYPES.Identifier) return false;
    const variable = ASTUtils.findVariable(sourceCode.getScope(expression), expression);
    const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
    if (def?.type !== 'Variable' || !def.node.init || !isActiveCall(def.node.init)) return false;
    return !variable!.references.some((reference) => reference.isWrite() && !reference.init);
  }

  /** Where the extracted context is read: the call itself, or the reads of the variable it initialises. */
  function usesOf(extract: TSESTree.CallExpression): TSESTree.Node[] {
    let node: TSESTree.Node = extract;
    while (node.parent && (node.parent.type === AST_NODE_TYPES.TSAsExpression || node.parent.type === AST_NODE_TYPES.TSNonNullExpression)) node = node.parent;
    const parent = node.parent;
    if (parent?.type !== AST_NODE_TYPES.VariableDeclarator || parent.init !== node || parent.id.type !== AST_NODE_TYPES.Identifier) return [node];
    const variable = ASTUtils.findVariable(sourceCode.getScope(parent.id), parent.id);
    if (!variable) return [];
    return variable.references.filter((reference) => !reference.init && reference.isRead()).map((reference) => reference.identifier);
  }

  function isConsumerKind(options: TSESTree.Node | undefined): boolean {
    if (options?.type !== AST_NODE_TYPES.ObjectExpression) return false;
    return options.properties.some((property) => {
      if (property.type !== AST_NODE_TYPES.Property || property.computed) return false;
      const key = property.key.type === AST_NODE_TYPES.Identifier ? property.key.name : undefined;
      const value = unwrapTypeScriptExpression(property.value);
      return key === 'kind' && value.type === AST_NODE_TYPES.MemberExpression && !value.computed &&
        value.property.type === AST_NODE_TYPES.Identifier && value.property.name === 'CONSUMER';
    });
  }

  /** A CONSUMER span started with `use` as its explicit parent context. */
  function parentsConsumerSpan(use: TSESTree.Node): boolean {
    const call = use.parent;
    if (call?.type !== AST_NODE_TYPES.CallExpression || call.arguments[2] !== use) return false;
    const kind = getSpanStartKind(call);
    if (kind === 'startSpan' || (kind === 'startActiveSpan' && call.arguments.length >= 4)) return isConsumerKind(call.arguments[1]);
    return false;
  }

  /** `context.with(use, fn)` where `fn` starts a CONSUMER span from the active context. */
  function runsConsumerSpan(use: TSESTree.Node): boolean {
    const call = use.parent;
    if (call?.type !== AST_NODE_TYPES.CallExpression || call.arguments[0] !== use || !api.isApiCall(call, 'context.with')) return false;
    const callback = call.arguments[1];
    if (!callback || !isFunctionLike(callback)) return false;
    let found = false;
    walk(callback.body, (node) => {
      if (found) return false;
      if (node.type === AST_NODE_TYPES.CallExpression) {
        const kind = getSpanStartKind(node);
        const explicitParent = kind === 'startSpan' ? node.arguments.length >= 3 : node.arguments.length >= 4;
        if (kind && !explicitParent && isConsumerKind(node.arguments[1])) found = true;
      }
      return !found;
    });
    return found;
  }

  function report(extract: TSESTree.CallExpression, where: string): void {
    const ambient = extract.arguments[0]!;
    const { names, edits } = ensureApiMembers(sourceCode, api, ['ROOT_CONTEXT']);
    onFinding({
      messageId: 'extractOntoAmbientContext',
      data: { where, ambient: sourceCode.getText(ambient), root: names.ROOT_CONTEXT },
      node: ambient,
      fix: [{ range: ambient.range, text: names.ROOT_CONTEXT }, ...edits],
    });
  }

  return {
    collect(call) {
      if (getMethodName(call) !== 'extract' || !api.isApiCall(call, 'propagation.extract')) return false;
      if (isAmbient(call.arguments[0])) extracts.push(call);
      return true;
    },
    check(handlers) {
      for (const extract of extracts) {
        const handler = handlers.find((h) => contains(h.fn, extract));
        if (handler) {
          report(extract, `this ${handler.transport} handler`);
          continue;
        }
        if (usesOf(extract).some((use) => parentsConsumerSpan(use) || runsConsumerSpan(use))) report(extract, 'this CONSUMER span');
      }
    },
  };
}
