/**
 * Detector for `no-inactive-parent-span`: `const span = tracer.startSpan(..)` followed, before
 * `span.end()`, by work that expects `span` as its parent while `span` was never made active
 * (2a, 2b, 2c: orphaned under every manager). Three kinds of work, one finding each:
 *
 * 1. a span started without an explicit context (also inside `.then` callbacks, array callbacks and
 *    a `new Promise` executor) → pass the parent explicitly: `startSpan(name, opts, ctx)` (2a/2c-after-explicit);
 * 2. a call of a function of this file that does traced work → `context.with(ctx, () => call)`;
 * 3. a callback handed to another API (not a timer) that does traced work → `context.bind(ctx, cb)`.
 *
 * `ctx` is `trace.setSpan(context.active(), span)`. Such a site-local activation (an explicit
 * context, `context.with`/`context.bind` with a context built from `span`) covers only its own
 * site, so after one fix the other sites are still found. Any other use of `span` (passed to a
 * function, stored, returned) means someone else may activate it: the span is skipped.
 *
 * Work that is all inside site-local activations of `span` itself (a callback that *is* the
 * activation, `(req, next) => context.with(trace.setSpan(context.active(), span), next)`) already
 * has `span` as parent: its `context.active()` only builds the context that activates `span`.
 * Calling a function runs its body, not the functions it creates and returns or stores (a
 * middleware factory): those count only when they run right there (array and promise callbacks, a
 * `new Promise` executor, `startActiveSpan`/`context.with` callbacks, timer callbacks, which take
 * the current context).
 *
 * One defect, one finding: timer callbacks are `no-unbound-timer`'s (`timerExpectsInactiveSpan`),
 * so this detector never looks inside them nor at the timer call.
 *
 * Out of scope: methods (`this.work()`), functions imported from other files, spans held in `let`.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, ASTUtils } from '@typescript-eslint/utils';
import type { FunctionNode } from '../analysis/ast.js';
import { contains, getCallOfArgument, getEnclosingFunction, getMethodName, isFunctionLike, unwrapTypeScriptExpression, walk } from '../analysis/ast.js';
import { getTimerCall } from '../analysis/timers.js';
import { ensureApiMembers } from '../edits/api-imports.js';
import { canMoveIntoArrow, surround, wrapInBind } from '../edits/wrap.js';
import type { Edit, Finding } from '../findings.js';
import { API, getOtelApi, getSpanStartKind, getTracedCallback, hasExplicitParentContext, fileMayContainTracedCode } from '../analysis/otel-api.js';
import { SPAN_START_DECLARATOR } from '../analysis/spans.js';
import type { OtelApi } from '../analysis/otel-api.js';
import { doesTracedWork, isPassThroughCallback, resolveCalledFunction, resolveFunction, scanTracedWork } from '../analysis/traced-code.js';
import type { TracedWorkScan } from '../analysis/traced-code.js';
import { getOpaqueCalleeNode, isOpaqueWork } from './no-inactive-parent-span/opaque-work.js';
import { isInjectedOnly } from './no-inactive-parent-span/inject-only.js';
import { isSettlementHandlerOf } from './no-inactive-parent-span/settlement.js';
import { isInTestCode, isInTestScript } from '../analysis/test-runner.js';

export type NoInactiveParentSpanMessageId = 'childSpanWithoutParent' | 'tracedCallWithoutParent' | 'callbackWithoutParent' | 'opaqueCallWithoutParent';

const PASSIVE_SPAN_METHODS = new Set([
  'end', 'setAttribute', 'setAttributes', 'addEvent', 'addLink', 'addLinks', 'setStatus', 'updateName',
  'recordException', 'isRecording', 'spanContext',
]);
const SYNC_CALLBACK_METHODS = new Set([
  'forEach', 'map', 'filter', 'reduce', 'reduceRight', 'some', 'every', 'find', 'findIndex', 'flatMap', 'then', 'catch', 'finally',
]);

export function createNoInactiveParentSpanDetector(
  context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>,
  onFinding: (finding: Finding<NoInactiveParentSpanMessageId>) => void,
): TSESLint.RuleListener {
  if (!fileMayContainTracedCode(context)) return {};
  const sourceCode = context.sourceCode;
  const api = getOtelApi(context);
  const declarators: TSESTree.VariableDeclarator[] = [];

  function analyse(declarator: TSESTree.VariableDeclarator): void {
    const variable = sourceCode.getDeclaredVariables(declarator)[0];
    if (!variable || declarator.id.type !== AST_NODE_TYPES.Identifier) return;
    const handedTo: TSESTree.CallExpression[] = [];
    const covered = getCoveredFunctions(api, variable, handedTo);
    if (!covered) return;
    // The author runs a block of work under the span (`context.with(ctx, async () => { .. })`):
    // unknown calls outside it are setup or teardown kept out on purpose (a test's server start).
    // The fixes of this rule activate single calls (`() => call`), so after one fix the other
    // unknown calls are still found.
    const activatesBlock = [...covered].some((fn) => isFunctionLike(fn) && fn.body.type === AST_NODE_TYPES.BlockStatement);
    // The same for a span started in a test, or in the script code of a test file or fixture script: the test asserts the parenting it means.
    if (isInTestCode(api, declarator) || isInTestScript(context.filename, declarator)) return;
    // A function handed the span before `node` may have attached it (`context.attach`): not this rule's business.
    const mayBeAttachedAt = (node: TSESTree.Node): boolean => handedTo.some((call) => call.range[1] <= node.range[0]);
    const expectsParent = createParentNeedCheck(sourceCode, api, variable, covered);
    const name = variable.name;
    const spanReferences = new Set<TSESTree.Node>(variable.references.map((reference) => reference.identifier));
    const block = declarator.parent.parent;
    const owner = getEnclosingFunction(declarator);
    const ctxText = (names: Record<string, string>): string => `${names.trace}.setSpan(${names.context}.active(), ${name})`;
    const visible = (node: TSESTree.Node): boolean => ASTUtils.findVariable(sourceCode.getScope(node), name) === variable;
    const fixWith = (node: TSESTree.Node, build: (names: Record<string, string>) => Edit[]): { fix?: Edit[] } => {
      if (!visible(node)) return {};
      const refs = ensureApiMembers(sourceCode, api, ['context', 'trace']);
      return { fix: [...refs.edits, ...build(refs.names)] };
    };

    walk(block, (node) => {
      if (node.range[1] <= declarator.range[1]) return node.range[0] < declarator.range[0] && contains(node, declarator);
      if (isFunctionLike(node)) return !covered.has(node) && (isPassThrough(node) || runsInTheMiddle(api, node));
      if (node.type !== AST_NODE_TYPES.CallExpression || isEndedBeforeSite(variable, node, owner) || mayBeAttachedAt(node)) return true;
      if (getTimerCall(api.resolver, node)) return false;
      const kind = getSpanStartKind(node);
      if (kind && activatesBlock) return true;
      if (kind) {
        if (hasExplicitParentContext(node)) return true;
        onFinding({
          messageId: 'childSpanWithoutParent',
          data: { span: name, method: kind },
          node: node.callee,
          ...fixWith(node, (names) => addExplicitContext(node, kind, ctxText(names))),
        });
        return true;
      }
      // A call handed the span itself can take it as parent explicitly (`handleResult(span, ..)`).
      if (node.arguments.some((argument) => spanReferences.has(unwrapTypeScriptExpression(argument)))) return true;
      const callee = resolveCalledFunction(sourceCode, node.callee);
      if (callee && doesTracedWork(sourceCode, api, callee) && expectsParent(callee, 'call')) {
        onFinding({
          messageId: 'tracedCallWithoutParent',
          data: { span: name, callee: sourceCode.getText(node.callee).replace(/\s+/g, '') },
          node: node.callee,
          ...fixWith(node, (names) => surround(node, `${names.context}.with(${ctxText(names)}, () => `, ')')),
        });
        return false;
      }
      if (!callee && !activatesBlock && isEndedAfterInOwner(sourceCode, variable, node, owner) && isOpaqueWork(api, node)) {
        onFinding({
          messageId: 'opaqueCallWithoutParent',
          data: { span: name, callee: sourceCode.getText(getOpaqueCalleeNode(api, node)).replace(/\s*\n\s*/g, '') },
          node: node.callee,
          ...(canMoveIntoArrow(node) ? fixWith(node, (names) => surround(node, `${names.context}.with(${ctxText(names)}, () => `, ')')) : {}),
        });
        return true;
      }
      if (api.calleePath(node)?.startsWith(API('')) || SYNC_CALLBACK_METHODS.has(getMethodName(node) ?? '')) return true;
      for (const argument of node.arguments) {
        const fn = resolveFunction(sourceCode, argument);
        if (!fn || covered.has(argument) || !doesTracedWork(sourceCode, api, fn) || !expectsParent(fn, 'callback')) continue;
        onFinding({
          messageId: 'callbackWithoutParent',
          data: { span: name, callee: sourceCode.getText(node.callee).replace(/\s+/g, '') },
          node: argument,
          ...fixWith(argument, (names) => wrapInBind(argument, `${names.context}.bind`, ctxText(names))),
        });
      }
      return true;
    });
  }

  return {
    [SPAN_START_DECLARATOR](node: TSESTree.VariableDeclarator) {
      if (!node.init || node.id.type !== AST_NODE_TYPES.Identifier) return;
      const init = unwrapTypeScriptExpression(node.init);
      if (init.type === AST_NODE_TYPES.CallExpression && getSpanStartKind(init) === 'startSpan') declarators.push(node);
    },
    'Program:exit'() {
      for (const declarator of declarators) analyse(declarator);
    },
  };
}

/**
 * `span.end();` ran before `node`: a statement of the span's own function, in a block that
 * encloses `node` — or directly in the `finally` block of a `try` statement that ends before `node`
 * in such a block (a `finally` block always runs before what follows its `try`).
 */
function isEndedBeforeSite(variable: TSESLint.Scope.Variable, node: TSESTree.Node, owner: FunctionNode | undefined): boolean {
  return variable.references.some((reference) => {
    const member = reference.identifier.parent;
    const call = member?.parent;
    if (member?.type !== AST_NODE_TYPES.MemberExpression || call?.type !== AST_NODE_TYPES.CallExpression || getMethodName(call) !== 'end') return false;
    if (call.parent.type !== AST_NODE_TYPES.ExpressionStatement) return false;
    let statement: TSESTree.Node = call.parent;
    for (let block = statement.parent; block?.type === AST_NODE_TYPES.BlockStatement; block = statement.parent) {
      const tryStatement = block.parent;
      if (tryStatement?.type !== AST_NODE_TYPES.TryStatement || tryStatement.finalizer !== block) break;
      statement = tryStatement;
    }
    const endOwner = getEnclosingFunction(call);
    return (
      statement.range[1] <= node.range[0] &&
      statement.parent !== undefined &&
      contains(statement.parent, node) &&
      (endOwner === owner || endOwner === getEnclosingFunction(node))
    );
  });
}

/**
 * `span.end()` is called in the span's own function after `node`: the span encloses the work at
 * `node` (a wrapper that ends its span after the awaited call, or in `finally`). A span ended
 * elsewhere — in the callback handed to the wrapped call, in a `.then`, in a helper — is a leaf
 * span whose author may have kept it inactive on purpose, so that the caller's callback does not
 * run inside it (the shape of opentelemetry-js-contrib's client instrumentations).
 */
function isEndedAfterInOwner(sourceCode: Readonly<TSESLint.SourceCode>, variable: TSESLint.Scope.Variable, node: TSESTree.Node, owner: FunctionNode | undefined): boolean {
  return variable.references.some((reference) => {
    const member = reference.identifier.parent;
    const call = member?.parent;
    if (member?.type !== AST_NODE_TYPES.MemberExpression || call?.type !== AST_NODE_TYPES.CallExpression || getMethodName(call) !== 'end') return false;
    const fn = getEnclosingFunction(call);
    return (
      (call.range[0] >= node.range[1] && fn === owner) ||
      (fn !== undefined && (isCompletionListener(fn, owner) || (node.type === AST_NODE_TYPES.CallExpression && isSettlementHandlerOf(sourceCode, fn, node))))
    );
  });
}

const COMPLETION_EVENTS = new Set(['finish', 'close', 'end']);

/**
 * `res.on('finish', () => span.end())` registered in `owner`: the span lasts until the response is
 * done, so it encloses the work `owner` starts (a middleware's `next()`).
 */
function isCompletionListener(fn: FunctionNode, owner: FunctionNode | undefined): boolean {
  const site = getCallOfArgument(fn);
  if (!site || site.call.type !== AST_NODE_TYPES.CallExpression || getEnclosingFunction(site.call) !== owner) return false;
  const method = getMethodName(site.call);
  const event = site.call.arguments[0];
  return (
    (method === 'on' || method === 'once' || method === 'addListener' || method === 'prependListener') &&
    event?.type === AST_NODE_TYPES.Literal &&
    typeof event.value === 'string' &&
    COMPLETION_EVENTS.has(event.value)
  );
}

/** Array callbacks, a `new Promise` executor and promise callbacks run in the context they are created in. */
function isPassThrough(fn: FunctionNode): boolean {
  const site = getCallOfArgument(fn);
  if (!site) return false;
  if (site.call.type === AST_NODE_TYPES.NewExpression) {
    return site.call.callee.type === AST_NODE_TYPES.Identifier && site.call.callee.name === 'Promise' && site.index === 0;
  }
  return SYNC_CALLBACK_METHODS.has(getMethodName(site.call) ?? '');
}

/**
 * Whether running `fn` does traced work that would take `span` as parent if it were active — two
 * scans (scanTracedWork, core/analysis/traced-code.ts) of what `doesTracedWork` scans, for one span. Not counted: the callbacks `span` is activated for
 * (`covered`), and a `context.active()` that only builds the context activating `span`
 * (`trace.setSpan(context.active(), span)`). With `'call'` (a call of `fn` at the site) only what
 * the call runs counts: `fn`'s body and the nested callbacks that run in the context they are
 * created in, not functions it creates and returns or stores for later. With `'callback'` (`fn` is
 * handed to another API) every nested function counts, as in `doesTracedWork`. Functions of this
 * file that `fn` calls are looked at as calls.
 */
function createParentNeedCheck(
  sourceCode: Readonly<TSESLint.SourceCode>,
  api: OtelApi,
  variable: TSESLint.Scope.Variable,
  covered: ReadonlySet<TSESTree.Node>,
): (fn: FunctionNode, mode: 'call' | 'callback') => boolean {
  const spanReferences = new Set<TSESTree.Node>(variable.references.map((reference) => reference.identifier));

  /** `context.active()` as the context of `trace.setSpan(.., span)`: it builds `span`'s activation. */
  const buildsActivation = (call: TSESTree.CallExpression): boolean => {
    if (api.calleePath(call) !== API('context.active')) return false;
    const setSpan = call.parent;
    if (setSpan.type !== AST_NODE_TYPES.CallExpression || setSpan.arguments[0] !== call || api.calleePath(setSpan) !== API('trace.setSpan')) return false;
    const target = setSpan.arguments[1];
    return target !== undefined && spanReferences.has(unwrapTypeScriptExpression(target));
  };

  const runsNow = (fn: FunctionNode): boolean => {
    const traced = getTracedCallback(api, fn);
    if (traced) return api.calleePath(traced.call) !== API('context.bind');
    return isPassThroughCallback(api, fn);
  };

  const counts = (read: TSESTree.CallExpression): boolean => !buildsActivation(read);
  const call: TracedWorkScan = { enters: (nested) => !covered.has(nested) && runsNow(nested), counts, cache: new WeakMap() };
  const callback: TracedWorkScan = { enters: (nested) => !covered.has(nested), counts, callees: call, cache: new WeakMap() };
  return (fn, mode) => scanTracedWork(sourceCode, api, fn, mode === 'call' ? call : callback);
}

/**
 * The callbacks that run with `span` active (`context.with(ctx, fn)`, `context.bind(ctx, fn)`
 * with `ctx` built from `span`, and those handed to a function together with `span`, whose calls
 * go into `handedTo`); undefined when `span` is used in a way that may activate it anywhere
 * (stored, returned, `context.attach`: then it is not this rule's business).
 */
function getCoveredFunctions(api: OtelApi, variable: TSESLint.Scope.Variable, handedTo: TSESTree.CallExpression[]): Set<TSESTree.Node> | undefined {
  const covered = new Set<TSESTree.Node>();
  for (const reference of variable.references) {
    if (reference.init) continue;
    const identifier = reference.identifier;
    const parent = identifier.parent;
    if (
      parent?.type === AST_NODE_TYPES.MemberExpression &&
      parent.object === identifier &&
      parent.property.type === AST_NODE_TYPES.Identifier &&
      PASSIVE_SPAN_METHODS.has(parent.property.name)
    ) {
      continue;
    }
    if (parent?.type === AST_NODE_TYPES.CallExpression && parent.callee !== identifier && api.calleePath(parent) !== API('trace.setSpan') && api.calleePath(parent) !== API('context.attach')) {
      // Handed to a function (`setError(span, err)`, `hook(span, info)`): the callbacks handed to it
      // with the span are covered, and work after it may find the span attached (`context.attach`).
      for (const argument of parent.arguments) if (isFunctionLike(argument)) covered.add(argument);
      handedTo.push(parent);
      continue;
    }
    if (parent?.type !== AST_NODE_TYPES.CallExpression || api.calleePath(parent) !== API('trace.setSpan') || parent.arguments[1] !== identifier) {
      return undefined;
    }
    // Put into a context only for `propagation.inject`: the span is still inactive here.
    if (isInjectedOnly(api, parent)) continue;
    const user = parent.parent;
    if (user.type !== AST_NODE_TYPES.CallExpression || !user.arguments.some((a) => a === parent)) return undefined;
    if (getSpanStartKind(user)) continue;
    const path = api.calleePath(user);
    if ((path === API('context.with') || path === API('context.bind')) && user.arguments[0] === parent) {
      const fn = user.arguments[1];
      if (fn) covered.add(fn);
      continue;
    }
    return undefined;
  }
  return covered;
}

function addExplicitContext(call: TSESTree.CallExpression, kind: 'startSpan' | 'startActiveSpan', ctx: string): Edit[] {
  const args = call.arguments;
  const last = args.at(-1);
  if (kind === 'startSpan') {
    if (!last) return [];
    return [{ range: [last.range[1], last.range[1]], text: args.length === 1 ? `, undefined, ${ctx}` : `, ${ctx}` }];
  }
  if (!last) return [];
  return [{ range: [last.range[0], last.range[0]], text: args.length === 2 ? `{}, ${ctx}, ` : `${ctx}, ` }];
}

/** `safeExecuteInTheMiddle(() => work, onDone)` (@opentelemetry/instrumentation) runs its first argument right away. */
function runsInTheMiddle(api: OtelApi, fn: FunctionNode): boolean {
  const site = getCallOfArgument(fn);
  if (!site || site.index !== 0 || site.call.type !== AST_NODE_TYPES.CallExpression) return false;
  const path = api.calleePath(site.call);
  return path === '@opentelemetry/instrumentation:safeExecuteInTheMiddle' || path === '@opentelemetry/instrumentation:safeExecuteInTheMiddleAsync';
}
