/**
 * Detector for `require-span-end`: a span from `tracer.startSpan(..)` or the span handed to a
 * `startActiveSpan` callback must be ended on every path out of the function that owns it,
 * exceptional paths included. Paths come from ESLint's code-path analysis (`createPairingTracker`);
 * a call that may throw outside any `try` whose `finally`/`catch` ends the span is an exceptional
 * path that code paths do not model, found by `findUnprotectedThrowingNodes`.
 *
 * A `startActiveSpan` callback with no parameter that never reads the active span (nor
 * `arguments`) cannot end its span at all: reported as such, without a suggestion.
 *
 * Not this function's to end (skipped): a span returned, stored, passed to a function other than
 * `trace.setSpan`, or ended inside a callback (handed over to whoever runs it).
 *
 * Out of scope: spans held in `let` variables that are reassigned, in object properties or class
 * fields; `startActiveSpan` with a callback that is not written inline.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, ASTUtils } from '@typescript-eslint/utils';
import type { FunctionNode } from '../analysis/ast.js';
import { getEnclosingFunction, getMethodName, getMethodReceiver, unwrapTypeScriptExpression, walk } from '../analysis/ast.js';
import type { Edit, Finding } from '../findings.js';
import { API, getOtelApi, getSpanStartKind } from '../analysis/otel-api.js';
import { fileMayContainFinding } from '../triggers.js';
import type { OtelApi } from '../analysis/otel-api.js';
import { createPairingTracker, findUnprotectedThrowingNodes } from './require-span-end/pairing.js';

export type RequireSpanEndMessageId =
  | 'spanNeverEnded'
  | 'spanNotEndedOnEveryPath'
  | 'spanNotEndedOnException'
  | 'spanDiscarded'
  | 'activeSpanUnreachable'
  | 'endSpanInFinally';

type Variable = TSESLint.Scope.Variable;

/** Calls through which code reaches the active span without holding it. */
const ACTIVE_SPAN_READS = new Set(['getActiveSpan', 'getSpan', 'active']);

/** Span methods that neither end nor hand the span over. */
const SPAN_METHODS = new Set([
  'setAttribute', 'setAttributes', 'addEvent', 'addLink', 'addLinks', 'setStatus', 'updateName',
  'recordException', 'isRecording', 'spanContext', 'end',
]);

interface Acquired {
  variable: Variable;
  /** Where the span comes from: the `startSpan` call or the `startActiveSpan` callee. */
  reportNode: TSESTree.Node;
  /** Code after this node owns the span. */
  from: TSESTree.Node;
  fn: FunctionNode | TSESTree.Program;
  /** The statements that a `try { .. } finally { span.end(); }` would wrap. */
  rest: TSESTree.Statement[];
}

export function createRequireSpanEndDetector(
  context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>,
  onFinding: (finding: Finding<RequireSpanEndMessageId>) => void,
): TSESLint.RuleListener {
  if (!fileMayContainFinding(context, 'require-span-end')) return {};
  const sourceCode = context.sourceCode;
  const api = getOtelApi(context);
  const acquired = new Map<Variable, Acquired>();

  const pairing = createPairingTracker<Variable>({
    onComplete(result) {
      const info = acquired.get(result.key);
      if (!info || result.releasesElsewhere.length > 0 || isHandedOver(api, info.variable)) return;
      const name = info.variable.name;
      const suggestions = suggestFinally(sourceCode, info, result.releases);
      if (result.releases.length === 0) {
        onFinding({ messageId: 'spanNeverEnded', data: { span: name }, node: info.reportNode, suggestions });
        return;
      }
      if (result.leaksOnReturn || result.leaksOnThrow) {
        onFinding({
          messageId: 'spanNotEndedOnEveryPath',
          data: { span: name, exit: result.leaksOnReturn ? 'a return' : 'a throw' },
          node: info.reportNode,
          suggestions,
        });
        return;
      }
      const throwing = findUnprotectedThrowingNodes(
        info.fn,
        info.from,
        result.releases,
        (node) => isSafe(api, info.variable, node) || isOtherSpanMethodCall(node),
      );
      const first = throwing[0];
      if (first) {
        onFinding({
          messageId: 'spanNotEndedOnException',
          data: { span: name, call: shorten(sourceCode.getText(first)) },
          node: info.reportNode,
          suggestions,
        });
      }
    },
  });

  /** `other.end()`, `other.setAttribute(..)` on another span of this file: span methods never throw (API contract). */
  function isOtherSpanMethodCall(node: TSESTree.CallExpression | TSESTree.NewExpression | TSESTree.AwaitExpression): boolean {
    if (node.type !== AST_NODE_TYPES.CallExpression || !SPAN_METHODS.has(getMethodName(node) ?? '')) return false;
    const receiver = getMethodReceiver(node);
    if (receiver?.type !== AST_NODE_TYPES.Identifier) return false;
    const variable = ASTUtils.findVariable(sourceCode.getScope(receiver), receiver);
    return variable !== null && acquired.has(variable);
  }

  function endCallVariable(node: TSESTree.CallExpression): Variable | undefined {
    if (getMethodName(node) !== 'end') return undefined;
    const receiver = getMethodReceiver(node);
    if (receiver?.type !== AST_NODE_TYPES.Identifier) return undefined;
    const variable = ASTUtils.findVariable(sourceCode.getScope(receiver), receiver);
    return variable && acquired.has(variable) ? variable : undefined;
  }

  function onFunction(fn: FunctionNode): void {
    const parent = fn.parent;
    if (parent?.type !== AST_NODE_TYPES.CallExpression || getSpanStartKind(parent) !== 'startActiveSpan') return;
    if (parent.arguments.at(-1) !== fn || parent.arguments.length < 2) return;
    const param = fn.params[0];
    if (param === undefined && !mayReachActiveSpan(fn)) {
      onFinding({ messageId: 'activeSpanUnreachable', data: {}, node: parent.callee });
      return;
    }
    if (param?.type !== AST_NODE_TYPES.Identifier) return;
    const variable = sourceCode.getDeclaredVariables(fn).find((v) => v.name === param.name);
    if (!variable) return;
    const rest = fn.body.type === AST_NODE_TYPES.BlockStatement ? fn.body.body : [];
    acquired.set(variable, { variable, reportNode: parent.callee, from: param, fn, rest });
    pairing.acquire(variable, fn);
  }

  return {
    ...pairing.listeners,
    ArrowFunctionExpression: onFunction,
    FunctionExpression: onFunction,
    VariableDeclarator(node) {
      if (!node.init || node.id.type !== AST_NODE_TYPES.Identifier) return;
      const init = unwrapTypeScriptExpression(node.init);
      if (init.type !== AST_NODE_TYPES.CallExpression || getSpanStartKind(init) !== 'startSpan') return;
      const variable = sourceCode.getDeclaredVariables(node)[0];
      if (!variable) return;
      const declaration = node.parent;
      const block = declaration.parent;
      const rest =
        block.type === AST_NODE_TYPES.BlockStatement || block.type === AST_NODE_TYPES.Program
          ? (block.body.slice(block.body.indexOf(declaration as never) + 1) as TSESTree.Statement[])
          : [];
      acquired.set(variable, { variable, reportNode: init.callee, from: node, fn: getEnclosingFunction(node) ?? sourceCode.ast, rest });
      pairing.acquire(variable, node);
    },
    CallExpression(node) {
      const variable = endCallVariable(node);
      if (variable) pairing.release(variable, node);
    },
    ExpressionStatement(node) {
      const expression = unwrapTypeScriptExpression(node.expression);
      if (expression.type === AST_NODE_TYPES.CallExpression && getSpanStartKind(expression) === 'startSpan') {
        onFinding({ messageId: 'spanDiscarded', data: {}, node: expression.callee });
      }
    },
  };
}

/** Returned, stored, passed to a function (other than `trace.setSpan`): someone else ends it. */
function isHandedOver(api: OtelApi, variable: Variable): boolean {
  return variable.references.some((reference) => {
    if (reference.init) return false;
    const identifier = reference.identifier;
    const parent = identifier.parent;
    if (parent?.type === AST_NODE_TYPES.MemberExpression && parent.object === identifier) {
      return !(parent.property.type === AST_NODE_TYPES.Identifier && SPAN_METHODS.has(parent.property.name));
    }
    if (parent?.type === AST_NODE_TYPES.CallExpression && parent.arguments.some((a) => a === identifier)) {
      return api.calleePath(parent) !== API('trace.setSpan');
    }
    return true;
  });
}

function isSafe(api: OtelApi, variable: Variable, node: TSESTree.CallExpression | TSESTree.NewExpression | TSESTree.AwaitExpression): boolean {
  if (node.type !== AST_NODE_TYPES.CallExpression) return false;
  const receiver = getMethodReceiver(node);
  if (receiver?.type === AST_NODE_TYPES.Identifier && receiver.name === variable.name) return true;
  if (getSpanStartKind(node)) return true;
  const path = api.calleePath(node);
  return path !== undefined && (path.startsWith(API('')) || path.startsWith('global:console.'));
}

function shorten(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > 40 ? `${oneLine.slice(0, 37)}...` : oneLine;
}

/**
 * `try { <rest> } finally { span.end(); }` around the statements after the span starts, with the
 * `span.end();` statements inside them removed (the `finally` ends it on every path).
 */
function suggestFinally(
  sourceCode: Readonly<TSESLint.SourceCode>,
  info: Acquired,
  releases: readonly TSESTree.Node[],
): Finding<RequireSpanEndMessageId>['suggestions'] {
  const first = info.rest[0];
  const last = info.rest.at(-1);
  if (!first || !last) return undefined;
  if (info.rest.length === 1 && first.type === AST_NODE_TYPES.TryStatement && first.finalizer) return undefined;
  const text = sourceCode.text;
  const start = first.range[0];
  const end = last.range[1];
  const removals = releases
    .map((r) => r.parent)
    .filter((s): s is TSESTree.ExpressionStatement => s?.type === AST_NODE_TYPES.ExpressionStatement && s.range[0] >= start && s.range[1] <= end)
    .map((s) => {
      // remove the statement with the indentation and line break before it
      let from = s.range[0];
      while (from > start && (text[from - 1] === ' ' || text[from - 1] === '\t')) from--;
      if (from > start && text[from - 1] === '\n') from--;
      return [from, s.range[1]] as const;
    })
    .sort((a, b) => a[0] - b[0]);
  let body = '';
  let cursor = start;
  for (const [from, to] of removals) {
    body += text.slice(cursor, from);
    cursor = to;
  }
  body += text.slice(cursor, end);
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart, start))?.[0] ?? '';
  const inner = body
    .trim()
    .split('\n')
    .map((line, i) => (i === 0 ? `${indent}  ${line}` : line.length > 0 ? `  ${line}` : line))
    .join('\n');
  const replacement = `try {\n${inner}\n${indent}} finally {\n${indent}  ${info.variable.name}.end();\n${indent}}`;
  const edit: Edit = { range: [start, end], text: replacement };
  return [{ messageId: 'endSpanInFinally', data: { span: info.variable.name }, fix: [edit] }];
}

/**
 * Whether a `startActiveSpan` callback without parameters can still get at its span: through the
 * active context (`trace.getActiveSpan()`, `trace.getSpan(context.active())`, in it or in a
 * function it defines) or `arguments`.
 */
function mayReachActiveSpan(fn: FunctionNode): boolean {
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
