/**
 * Consumer side of `require-context-propagation`, "extracted context ignored": a handler wrapper
 * extracts the producer's context with `propagation.extract(..)` but builds the handler's context
 * from the ambient one, `trace.setSpan(context.active(), span)` — using the extracted context only
 * as the parent of `span` (or not at all). The handler then runs in the producer's trace (its spans
 * are children of `span`) without the producer's baggage or any other extracted entry (measured:
 * fixture `extracted-context-ignored`, the handler reads the producer's baggage as missing).
 *
 * Reported at the `context.active()` read. Fix, when a variable holds the extracted context and is
 * `span`'s parent: `trace.setSpan(extracted, span)` (only which context the handler observes
 * changes). Reported without a fix when the extracted context is inline in the `startSpan` call, or
 * extracted into a variable nothing reads while `span` starts from the ambient context (the span
 * needs it as its parent too).
 *
 * Not reported: an extracted context used for anything else (run in with `context.with`, put into
 * a link, reassigned) — including `trace.setSpan(context.active(), span)` inside
 * `context.with(extracted, ..)`, where the active context is the extracted one; extract and
 * `setSpan` in different functions (a batch span in the ambient context, each message extracted in
 * a nested callback).
 *
 * The span may also come from a helper handed the extracted context instead of `startSpan`
 * (`self._startConsumerSpan(topic, message, op, extracted)`, aspecto-io/opentelemetry-ext-js
 * ceeb658): whatever a call returns that becomes the handler's span was made from its arguments.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, ASTUtils } from '@typescript-eslint/utils';
import type { FunctionNode } from '../../analysis/ast.js';
import { contains, getEnclosingFunction, getMethodName, unwrapTypeScriptExpression } from '../../analysis/ast.js';
import { getSpanStartKind } from '../../analysis/otel-api.js';
import type { OtelApi } from '../../analysis/otel-api.js';
import type { Finding } from '../../findings.js';

export interface ExtractedContextCheck {
  /** Collects `trace.setSpan(context.active(), span)`; true when `call` is a `trace.setSpan` call. */
  collect(call: TSESTree.CallExpression): boolean;
  /** Reports, at Program:exit, every collected call that ignores an extracted context. */
  check(): void;
}

export function createExtractedContextCheck(
  sourceCode: Readonly<TSESLint.SourceCode>,
  api: OtelApi,
  onFinding: (finding: Finding<'extractedContextIgnored'>) => void,
): ExtractedContextCheck {
  const ambientSpanContexts: TSESTree.CallExpression[] = [];

  function isExtractCall(node: TSESTree.Node | null | undefined): boolean {
    const expression = node && unwrapTypeScriptExpression(node);
    return expression?.type === AST_NODE_TYPES.CallExpression && api.isApiCall(expression, 'propagation.extract');
  }

  /** The variable `identifier` reads, when its only definition is `= propagation.extract(..)` and it is never reassigned. */
  function extractedVariable(identifier: TSESTree.Identifier): TSESLint.Scope.Variable | undefined {
    const variable = ASTUtils.findVariable(sourceCode.getScope(identifier), identifier);
    const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
    if (!variable || def?.type !== 'Variable' || !isExtractCall(def.node.init)) return undefined;
    return variable.references.some((reference) => reference.isWrite() && !reference.init) ? undefined : variable;
  }

  /** Variables declared in `fn`'s own scopes (parameters and blocks, not nested functions). */
  function ownVariables(fn: FunctionNode): TSESLint.Scope.Variable[] {
    const out: TSESLint.Scope.Variable[] = [];
    const visit = (scope: TSESLint.Scope.Scope): void => {
      out.push(...scope.variables);
      for (const child of scope.childScopes) if (child.type !== 'function') visit(child);
    };
    visit(sourceCode.getScope(fn));
    return out;
  }

  /**
   * The argument of a span helper call that holds an extracted context: an inline
   * `propagation.extract(..)`, or a variable whose only value is one. A helper handed the
   * extracted context returns a span made from it; its result passed to `trace.setSpan` is the span.
   */
  function helperParent(start: TSESTree.CallExpression): TSESTree.Node | undefined {
    for (const argument of start.arguments) {
      const expression = unwrapTypeScriptExpression(argument);
      if (isExtractCall(expression)) return expression;
      if (expression.type === AST_NODE_TYPES.Identifier && extractedVariable(expression)) return expression;
    }
    return undefined;
  }

  function checkOne(call: TSESTree.CallExpression): void {
    const active = call.arguments[0];
    const spanArgument = call.arguments[1];
    if (!active || spanArgument?.type !== AST_NODE_TYPES.Identifier) return;
    const spanVariable = ASTUtils.findVariable(sourceCode.getScope(spanArgument), spanArgument);
    const spanDef = spanVariable?.defs.length === 1 ? spanVariable.defs[0] : undefined;
    if (spanDef?.type !== 'Variable' || !spanDef.node.init) return;
    const start = unwrapTypeScriptExpression(spanDef.node.init);
    if (start.type !== AST_NODE_TYPES.CallExpression) return;
    const isStartSpan = getSpanStartKind(start) === 'startSpan';
    const owner = getEnclosingFunction(spanDef.node);
    if (owner === undefined || !contains(owner, call)) return;
    const span = spanArgument.name;
    // `tracer.startSpan(name, options, parent)`, or the file's own span helper handed the extracted
    // context (`self._startConsumerSpan(topic, message, op, extracted)`): the span is made from it
    const parentArgument = isStartSpan ? start.arguments[2] : helperParent(start);
    if (!isStartSpan && parentArgument === undefined) return;
    const parent = parentArgument && unwrapTypeScriptExpression(parentArgument);
    if (parent?.type === AST_NODE_TYPES.CallExpression && isExtractCall(parent)) {
      onFinding({ messageId: 'extractedContextIgnored', data: { span, extracted: 'propagation.extract(..)' }, node: active });
      return;
    }
    if (parent?.type === AST_NODE_TYPES.Identifier) {
      const extracted = extractedVariable(parent);
      // used for nothing but the span's parent: not run in, not linked
      if (!extracted || !extracted.references.every((reference) => reference.init || reference.identifier === parent)) return;
      const visible = ASTUtils.findVariable(sourceCode.getScope(call), extracted.name) === extracted;
      onFinding({
        messageId: 'extractedContextIgnored',
        data: { span, extracted: extracted.name },
        node: active,
        ...(visible ? { fix: [{ range: active.range, text: extracted.name }] } : {}),
      });
      return;
    }
    if (parent !== undefined) return;
    // the span starts from the ambient context too: an extracted context that nothing reads
    for (const variable of ownVariables(owner)) {
      const def = variable.defs[0];
      if (def?.type !== 'Variable' || def.node.range[1] > call.range[0] || getEnclosingFunction(def.node) !== owner) continue;
      if (!isExtractCall(def.node.init) || variable.references.some((reference) => !reference.init)) continue;
      onFinding({ messageId: 'extractedContextIgnored', data: { span, extracted: variable.name }, node: active });
      return;
    }
  }

  return {
    collect(call) {
      if (getMethodName(call) !== 'setSpan' || !api.isApiCall(call, 'trace.setSpan')) return false;
      const base = call.arguments[0];
      const unwrapped = base && unwrapTypeScriptExpression(base);
      if (unwrapped?.type === AST_NODE_TYPES.CallExpression && api.isApiCall(unwrapped, 'context.active')) ambientSpanContexts.push(call);
      return true;
    },
    check() {
      for (const call of ambientSpanContexts) checkOne(call);
    },
  };
}
