/**
 * `no-floating-promise-in-span`, the generator shape of "work that outlives its span" (issue #11;
 * corpus `langchain-generator-tool-context`, `ai-record-span-async-generator`). A generator
 * object runs nothing when it is created: its body runs on each `next()`, in the context of
 * whoever calls `next()` (measured under every manager, async and sync generators alike:
 * tests/generator-context.test.ts, docs/runtime-semantics.md). One created inside a traced scope
 * and handed out of it runs after the scope returned — outside it, after its span ended — so the
 * spans its body starts get the iterating caller as parent, or none.
 *
 * Two ends of the same escape are reported:
 * - **returned**: a traced callback (`startActiveSpan`, `context.with`, a span-running helper,
 *   `als.run`, a context helper named so) returns a generator object — a call of an
 *   `async function*`/`function*` of the file (or of a generator method of the class, or an
 *   inline generator called on the spot), or is itself a generator function;
 * - **tested after**: the result of such a call is tested as a generator (`isAsyncGenerator(raw)`,
 *   `isGenerator`, `isAsyncIterable`, ..) after the scope returned, then consumed — unless it is
 *   handed to something that re-enters a context for the iteration or traces it in a span of its
 *   own (`runManager.withRunContextAsyncIterable(raw)`, `traceAsyncIterator(name, raw)`).
 *
 * Near misses left alone: a generator consumed inside the scope (`for await` in the callback, a
 * sync generator spread there), one returned from an untraced function, a generator whose body
 * calls nothing (it cannot start a span or read the context).
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, ASTUtils } from '@typescript-eslint/utils';
import type { FunctionNode } from '../../analysis/ast.js';
import { getCalleeName, getCallOfArgument, getEnclosingFunction, getMethodName, isFunctionLike, unwrapTypeScriptExpression, walk } from '../../analysis/ast.js';
import { getSpanStartKind, getTracedCallback, getTracedCallKind, isAsyncLocalStorageReceiver } from '../../analysis/otel-api.js';
import type { OtelApi } from '../../analysis/otel-api.js';
import { resolveCalledFunction } from '../../analysis/traced-code.js';
import type { Finding } from '../../findings.js';

export type EscapingGeneratorMessageId = 'generatorOutlivesScope' | 'generatorIteratedOutsideScope';

/** `withRunContext`, `runWithContext`, `runInContext`, `withTraceContext`: helpers that say they run their callback in a context. */
const CONTEXT_HELPER_NAME = /^(?:run)?(?:with|in)[A-Za-z]*Context$/;
/** `isAsyncGenerator(x)`, `isGenerator`, `isAsyncIterable`, `isAsyncIterator`: the code expects a lazily run generator. */
const GENERATOR_TEST_NAME = /^is(?:Async)?(?:Generator|Iterable|Iterator)(?:Object)?$/;
/**
 * A callee that runs the iteration in a context again, or traces it in a span of its own:
 * `withRunContextAsyncIterable(raw)`, `consumeAsyncIterableInContext(cfg, raw)` (langchain),
 * `bindAsyncGenerator(ctx, raw)` (openllmetry), `traceAsyncIterator(name, raw)` (orpc).
 */
const REBINDS_ITERATION = /context|bind|scope|trace|span/i;

/** `function*`, `async *name(`, `*[Symbol.asyncIterator](`, `isAsyncGenerator(`: a file without any has nothing to report. */
const GENERATOR_TEXT = /function\s*\*|\*\s*(?:\[|[\w$]+\s*\()|\bis(?:Async)?(?:Generator|Iterable|Iterator)/;


export function createEscapingGeneratorListeners(
  sourceCode: Readonly<TSESLint.SourceCode>,
  api: OtelApi,
  onFinding: (finding: Finding<EscapingGeneratorMessageId>) => void,
): TSESLint.RuleListener {
  // no generator function and no generator test in the file: nothing to escape
  if (!GENERATOR_TEXT.test(sourceCode.text)) return {};
  const bodyCache = new Map<FunctionNode, boolean>();
  // one defect, one finding: a scope whose returned generator is reported is not reported again at
  // the caller's test of the result, nor for a second test of the same result
  const reported = new Set<TSESTree.CallExpression>();

  /** A generator function whose body calls or awaits something (else it cannot start a span or read the context). */
  function isWorkingGenerator(fn: FunctionNode | undefined): boolean {
    if (!fn?.generator) return false;
    let known = bodyCache.get(fn);
    if (known === undefined) {
      known = false;
      walk(fn.body, (node) => {
        if (known) return false;
        if (node !== fn.body && isFunctionLike(node)) return false;
        if (node.type === AST_NODE_TYPES.CallExpression || node.type === AST_NODE_TYPES.NewExpression || node.type === AST_NODE_TYPES.AwaitExpression) known = true;
        else if (node.type === AST_NODE_TYPES.YieldExpression && node.delegate) known = true;
        return !known;
      });
      bodyCache.set(fn, known);
    }
    return known;
  }

  /** `steps()`, `this.steps()`, `(async function* () {..})()`, `await steps()`, or a `const` holding one, declared in `scope`. */
  function generatorObjectOf(node: TSESTree.Node, scope: FunctionNode, depth = 0): FunctionNode | undefined {
    let expression = unwrapTypeScriptExpression(node);
    if (expression.type === AST_NODE_TYPES.AwaitExpression) expression = unwrapTypeScriptExpression(expression.argument);
    if (expression.type === AST_NODE_TYPES.ConditionalExpression) {
      return generatorObjectOf(expression.consequent, scope, depth) ?? generatorObjectOf(expression.alternate, scope, depth);
    }
    if (expression.type === AST_NODE_TYPES.CallExpression) {
      // `inContext(ctx, steps())`, `bindAsyncGenerator(ctx, ..)`: a generator that runs the iteration in a context again
      if (REBINDS_ITERATION.test(getCalleeName(expression) ?? '')) return undefined;
      const fn = resolveCalledFunction(sourceCode, expression.callee);
      return isWorkingGenerator(fn) ? fn : undefined;
    }
    if (expression.type === AST_NODE_TYPES.Identifier && depth === 0) {
      const variable = ASTUtils.findVariable(sourceCode.getScope(expression), expression);
      const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
      if (def?.type !== 'Variable' || def.node.parent.kind !== 'const' || !def.node.init || getEnclosingFunction(def.node) !== scope) return undefined;
      return generatorObjectOf(def.node.init, scope, depth + 1);
    }
    return undefined;
  }

  /** The call that runs `fn` in a context of its own, and how a message names it. */
  function contextScopeOf(fn: FunctionNode): { call: TSESTree.CallExpression; name: string } | undefined {
    const traced = getTracedCallback(api, fn);
    if (traced) {
      const name = traced.kind === 'startActiveSpan' || traced.kind === 'context.with' ? traced.kind : sourceCode.getText(traced.call.callee);
      return { call: traced.call, name };
    }
    const site = getCallOfArgument(fn);
    if (site?.call.type !== AST_NODE_TYPES.CallExpression || !CONTEXT_HELPER_NAME.test(getCalleeName(site.call) ?? '')) return undefined;
    return { call: site.call, name: sourceCode.getText(site.call.callee) };
  }

  /** Whether `call` runs a function argument in a context of its own (the consumer-side test). */
  function runsCallbackInContext(call: TSESTree.CallExpression): boolean {
    const name = getCalleeName(call);
    const fnIndex = call.arguments.findIndex((argument) => resolveCalledFunction(sourceCode, argument) !== undefined || isFunctionLike(argument));
    if (fnIndex === -1) return false;
    if (name !== undefined && CONTEXT_HELPER_NAME.test(name)) return true;
    // what a traced callback written there would be (context.bind only binds: it runs nothing now)
    if (name !== 'bind' && getTracedCallKind(api, call, fnIndex) !== undefined) return true;
    // `als.run(store, fn)` in a file that also imports the API
    return getMethodName(call) === 'run' && fnIndex === 1 && isAsyncLocalStorageReceiver(api, call);
  }

  function reportReturned(fn: FunctionNode, value: TSESTree.Node): void {
    const scope = contextScopeOf(fn);
    const generator = scope && generatorObjectOf(value, fn);
    if (!scope || !generator || reported.has(scope.call)) return;
    reported.add(scope.call);
    onFinding({ messageId: 'generatorOutlivesScope', data: { scope: `the ${scope.name} callback`, generator: generatorName(generator) }, node: value });
  }

  function generatorName(fn: FunctionNode): string {
    const named = fn.id?.name ?? (fn.parent.type === AST_NODE_TYPES.MethodDefinition || fn.parent.type === AST_NODE_TYPES.Property ? sourceCode.getText(fn.parent.key) : undefined);
    return named === undefined ? 'this generator' : `'${named}'`;
  }

  /** `const raw = await (m ? m.withRunContext(call) : call());` → the context-running call. */
  function contextCallIn(init: TSESTree.Node): TSESTree.CallExpression | undefined {
    let expression = unwrapTypeScriptExpression(init);
    if (expression.type === AST_NODE_TYPES.AwaitExpression) expression = unwrapTypeScriptExpression(expression.argument);
    if (expression.type === AST_NODE_TYPES.ConditionalExpression) return contextCallIn(expression.consequent) ?? contextCallIn(expression.alternate);
    return expression.type === AST_NODE_TYPES.CallExpression && runsCallbackInContext(expression) ? expression : undefined;
  }

  function checkGeneratorTest(test: TSESTree.CallExpression): void {
    const name = getCalleeName(test);
    const tested = test.arguments[0] && unwrapTypeScriptExpression(test.arguments[0]);
    if (name === undefined || !GENERATOR_TEST_NAME.test(name) || tested?.type !== AST_NODE_TYPES.Identifier) return;
    const variable = ASTUtils.findVariable(sourceCode.getScope(tested), tested);
    const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
    if (!variable || def?.type !== 'Variable' || !def.node.init) return;
    const scopeCall = contextCallIn(def.node.init);
    if (!scopeCall || reported.has(scopeCall)) return;
    // handed to something that runs the iteration in a context again
    const rebound = variable.references.some((reference) => {
      const parent = reference.identifier.parent;
      return parent?.type === AST_NODE_TYPES.CallExpression && parent.arguments.includes(reference.identifier as TSESTree.CallExpressionArgument) && REBINDS_ITERATION.test(getCalleeName(parent) ?? '');
    });
    if (rebound) return;
    reported.add(scopeCall);
    const scope = getSpanStartKind(scopeCall) === 'startActiveSpan' ? 'startActiveSpan' : api.isApiCall(scopeCall, 'context.with') ? 'context.with' : sourceCode.getText(scopeCall.callee);
    onFinding({ messageId: 'generatorIteratedOutsideScope', data: { scope: `the ${scope} callback`, name: tested.name }, node: scopeCall });
  }

  return {
    ReturnStatement(node: TSESTree.ReturnStatement) {
      const fn = node.argument && getEnclosingFunction(node);
      if (fn && node.argument && !fn.generator) reportReturned(fn, node.argument);
    },
    'ArrowFunctionExpression[expression=true]'(node: TSESTree.ArrowFunctionExpression) {
      reportReturned(node, node.body);
    },
    ':function[generator=true]'(node: FunctionNode) {
      const scope = contextScopeOf(node);
      if (scope && isWorkingGenerator(node) && !reported.has(scope.call)) {
        reported.add(scope.call);
        onFinding({ messageId: 'generatorOutlivesScope', data: { scope: `the ${scope.name} callback`, generator: 'this generator callback' }, node });
      }
    },
    'CallExpression[callee.name=/^is(Async)?(Generator|Iterable|Iterator)/]': checkGeneratorTest,
    'CallExpression[callee.property.name=/^is(Async)?(Generator|Iterable|Iterator)/]': checkGeneratorTest,
  };
}
