/**
 * What a stored or registered callback is, shared by the binding detectors
 * (`unbound-listener.ts`, `unbound-queued-callback.ts`) and by `late-context-capture.ts`:
 * whether a value is a function at all, whether it cares about the context it runs in, how to
 * bind it, and how detectors' listener objects are merged.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, ASTUtils } from '@typescript-eslint/utils';
import type { FunctionNode } from './ast.js';
import { getCallOfArgument, getMethodName, getPropertyName, importedName, isFunctionLike, unwrapTypeScriptExpression, walk } from './ast.js';
import { API } from './otel-api.js';
import type { OtelApi } from './otel-api.js';
import { doesTracedWork, resolveFunction } from './traced-code.js';
import type { TraceScope } from './traced-code.js';

/** How a callback expression is written: an inline or named function of this file, or a value of unknown shape. */
export type CallbackShape = { kind: 'function'; fn: FunctionNode } | { kind: 'reference' } | { kind: 'not-a-function' };

/** Whether `node` can be a function: a function, a name or member bound to one, `fn.bind(..)`. */
export function getCallbackShape(sourceCode: Readonly<TSESLint.SourceCode>, node: TSESTree.Node): CallbackShape {
  const expression = unwrapTypeScriptExpression(node);
  const fn = resolveFunction(sourceCode, expression);
  if (fn) return { kind: 'function', fn };
  switch (expression.type) {
    case AST_NODE_TYPES.Identifier:
      return expression.name === 'undefined' ? { kind: 'not-a-function' } : { kind: 'reference' };
    case AST_NODE_TYPES.CallExpression:
      // `fn.bind(thisArg, ..)` makes a function; what other calls return is not known to be one.
      return getMethodName(expression) === 'bind' ? { kind: 'reference' } : { kind: 'not-a-function' };
    case AST_NODE_TYPES.MemberExpression:
    case AST_NODE_TYPES.ConditionalExpression:
    case AST_NODE_TYPES.LogicalExpression:
      return { kind: 'reference' };
    default:
      return { kind: 'not-a-function' };
  }
}

const RESOLVER_FACTORY = /(withResolvers|deferred|defer)$/i;

/**
 * `resolve` / `reject` of a `new Promise((resolve, reject) => ..)` executor, a variable they are
 * assigned to (`let done; new Promise((r) => { done = r; })`), or the `resolve` / `reject` of
 * `Promise.withResolvers()` (or a helper named like it: `createPromiseWithResolvers`, `defer`).
 */
export function isPromiseResolver(sourceCode: Readonly<TSESLint.SourceCode>, node: TSESTree.Node, depth = 0): boolean {
  const expression = unwrapTypeScriptExpression(node);
  if (expression.type !== AST_NODE_TYPES.Identifier || depth > 2) return false;
  const variable = ASTUtils.findVariable(sourceCode.getScope(expression), expression);
  const def = variable?.defs[0];
  if (def?.type === 'Variable') {
    const property = def.name.parent;
    const init = def.node.init && unwrapTypeScriptExpression(def.node.init);
    if (
      property?.type === AST_NODE_TYPES.Property &&
      property.key.type === AST_NODE_TYPES.Identifier &&
      (property.key.name === 'resolve' || property.key.name === 'reject') &&
      init?.type === AST_NODE_TYPES.CallExpression
    ) {
      const callee = unwrapTypeScriptExpression(init.callee);
      const name = callee.type === AST_NODE_TYPES.Identifier ? callee.name : callee.type === AST_NODE_TYPES.MemberExpression ? getPropertyName(callee) : undefined;
      if (name !== undefined && RESOLVER_FACTORY.test(name)) return true;
    }
    return (variable?.references ?? []).some((reference) => {
      const assignment = reference.identifier.parent;
      return (
        reference.isWrite() &&
        assignment?.type === AST_NODE_TYPES.AssignmentExpression &&
        assignment.left === reference.identifier &&
        isPromiseResolver(sourceCode, assignment.right, depth + 1)
      );
    });
  }
  if (def?.type !== 'Parameter' || !isFunctionLike(def.node)) return false;
  const site = getCallOfArgument(def.node);
  return (
    site !== undefined &&
    site.index === 0 &&
    site.call.type === AST_NODE_TYPES.NewExpression &&
    site.call.callee.type === AST_NODE_TYPES.Identifier &&
    site.call.callee.name === 'Promise'
  );
}

/** Calls that read no context, by import-traced path (core/analysis/import-bindings.ts). */
const CONTEXT_FREE_CALLS = new Set(
  ['clearTimeout', 'clearInterval', 'clearImmediate'].flatMap((name) => [`global:${name}`, `node:timers:${name}`]),
);
const CONTEXT_FREE_MODULES = ['global:console.', 'node:assert:', 'node:assert/strict:'];
const ERROR_CLASSES = new Set(['Error', 'TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'AggregateError'].map((name) => `global:${name}`));
/** Span methods that record on a span object the callback already holds: they read no context. */
const SPAN_RECORDING_METHODS = new Set(['end', 'setAttribute', 'setAttributes', 'addEvent', 'setStatus', 'recordException', 'updateName']);
/** Taking a listener off an emitter, or a subscriber off a channel, reads no context. */
const REMOVAL_METHODS = new Set(['off', 'removeListener', 'removeEventListener', 'removeAllListeners', 'unsubscribe']);

/**
 * A callback whose behaviour does not depend on the context it runs in: it calls nothing but
 * promise resolvers, timer cancellations, recording methods of a span it holds, `console`,
 * `node:assert`, listener removal, and creates nothing but errors (`() => { done = true; }`,
 * `reject`, `() => resolve(value)`, `() => span.end()`, `() => reject(new Error('closed'))`). A
 * promise continuation follows the `await`, not the resolver, so binding these changes nothing.
 * A callback passed by name is looked at through its declaration in this file.
 */
export function isContextFreeCallback(sourceCode: Readonly<TSESLint.SourceCode>, api: OtelApi, node: TSESTree.Node): boolean {
  const expression = unwrapTypeScriptExpression(node);
  if (isPromiseResolver(sourceCode, expression)) return true;
  const functions = isFunctionLike(expression) ? [expression] : expression.type === AST_NODE_TYPES.Identifier ? resolveAssignedFunctions(sourceCode, expression) : [];
  return functions.length > 0 && functions.every((fn) => isContextFreeFunction(sourceCode, api, fn));
}

/**
 * The functions a name can hold: its declaration (resolveFunction), or, for a `let` declared
 * without a value, every value assigned to it when each is a function written here
 * (`let unsubscribe; if (..) unsubscribe = () => ..; else unsubscribe = () => ..;`).
 */
function resolveAssignedFunctions(sourceCode: Readonly<TSESLint.SourceCode>, identifier: TSESTree.Identifier): FunctionNode[] {
  const declared = resolveFunction(sourceCode, identifier);
  if (declared) return [declared];
  const variable = ASTUtils.findVariable(sourceCode.getScope(identifier), identifier);
  const def = variable?.defs[0];
  if (!variable || variable.defs.length !== 1 || def?.type !== 'Variable' || def.node.init) return [];
  const assigned: FunctionNode[] = [];
  for (const reference of variable.references) {
    if (!reference.isWrite()) continue;
    const assignment = reference.identifier.parent;
    if (assignment?.type !== AST_NODE_TYPES.AssignmentExpression || assignment.operator !== '=' || assignment.left !== reference.identifier) return [];
    const value = unwrapTypeScriptExpression(assignment.right);
    if (!isFunctionLike(value)) return [];
    assigned.push(value);
  }
  return assigned;
}

function isContextFreeFunction(sourceCode: Readonly<TSESLint.SourceCode>, api: OtelApi, fn: FunctionNode): boolean {
  let free = true;
  walk(fn.body, (child) => {
    if (!free) return false;
    switch (child.type) {
      case AST_NODE_TYPES.AwaitExpression:
      case AST_NODE_TYPES.YieldExpression:
      case AST_NODE_TYPES.TaggedTemplateExpression:
        free = false;
        return false;
      case AST_NODE_TYPES.NewExpression:
        free = ERROR_CLASSES.has(api.calleePath(child) ?? '');
        return free;
      case AST_NODE_TYPES.CallExpression: {
        const callee = unwrapTypeScriptExpression(child.callee);
        const path = api.calleePath(child) ?? '';
        const method = getMethodName(child) ?? '';
        const harmless =
          CONTEXT_FREE_CALLS.has(path) ||
          CONTEXT_FREE_MODULES.some((prefix) => path.startsWith(prefix)) ||
          (callee.type === AST_NODE_TYPES.Identifier && isPromiseResolver(sourceCode, callee)) ||
          (callee.type === AST_NODE_TYPES.MemberExpression &&
            (REMOVAL_METHODS.has(method) || (unwrapTypeScriptExpression(callee.object).type === AST_NODE_TYPES.Identifier && SPAN_RECORDING_METHODS.has(method))));
        if (!harmless) free = false;
        return free;
      }
      default:
        return !isFunctionLike(child);
    }
  });
  return free;
}

/** The local name under which `AsyncLocalStorage` (the class) is reachable at module level, if any. */
export function getAsyncLocalStorageClassText(sourceCode: Readonly<TSESLint.SourceCode>, api: OtelApi): string | undefined {
  for (const statement of sourceCode.ast.body) {
    if (statement.type === AST_NODE_TYPES.ImportDeclaration && api.resolver.normaliseModule(statement.source.value) === 'node:async_hooks') {
      for (const specifier of statement.specifiers) {
        if (specifier.type === AST_NODE_TYPES.ImportSpecifier) {
          if (importedName(specifier) === 'AsyncLocalStorage' && specifier.importKind !== 'type') return specifier.local.name;
        } else {
          return `${specifier.local.name}.AsyncLocalStorage`;
        }
      }
    }
    if (statement.type === AST_NODE_TYPES.VariableDeclaration && statement.kind === 'const') {
      for (const declarator of statement.declarations) {
        if (!declarator.init || api.resolver.pathOf(declarator.init) !== undefined) continue;
        if (declarator.id.type !== AST_NODE_TYPES.ObjectPattern) continue;
        for (const property of declarator.id.properties) {
          if (property.type !== AST_NODE_TYPES.Property || property.value.type !== AST_NODE_TYPES.Identifier) continue;
          if (api.resolver.pathOf(property.value) === 'node:async_hooks:AsyncLocalStorage') return property.value.name;
        }
      }
    }
  }
  return undefined;
}

/** Code that keeps its own `AsyncLocalStorage` and has no OpenTelemetry import. */
export function isAsyncLocalStorageOnly(api: OtelApi): boolean {
  return !api.hasApiImport && api.hasAsyncLocalStorageImport && (api.settings.contextManager === 'async-local-storage' || api.settings.contextManager === 'async-hooks');
}


/**
 * In a never-activated span's region (`const span = tracer.startSpan(..)`), a callback that does
 * traced work is `no-inactive-parent-span`'s: it binds the callback to that span, which is what
 * the callback needs. A binding rule that would bind it to the current context leaves it alone
 * (one defect, one finding). Timer callbacks are the exception: `no-unbound-timer` binds them to
 * the span itself.
 */
export function isOwnedByInactiveParentSpan(
  sourceCode: Readonly<TSESLint.SourceCode>,
  api: OtelApi,
  scope: TraceScope | undefined,
  callback: TSESTree.Node,
): boolean {
  if (scope?.kind !== 'inactive-span') return false;
  const fn = resolveFunction(sourceCode, callback);
  return fn !== undefined && doesTracedWork(sourceCode, api, fn);
}

const BINDERS = new Set([
  API('context.bind'),
  'node:async_hooks:AsyncLocalStorage.bind',
  'node:async_hooks:AsyncResource.bind',
]);

/** Already bound: `context.bind(..)`, `AsyncLocalStorage.bind(..)`, `AsyncResource.bind(..)`, `Zone.current.wrap(..)`, or a const holding one. */
export function isContextBound(sourceCode: Readonly<TSESLint.SourceCode>, api: OtelApi, node: TSESTree.Node): boolean {
  const expression = unwrapTypeScriptExpression(node);
  if (expression.type === AST_NODE_TYPES.CallExpression) {
    const path = api.calleePath(expression);
    if (path !== undefined && BINDERS.has(path)) return true;
    const callee = unwrapTypeScriptExpression(expression.callee);
    return getMethodName(expression) === 'wrap' && callee.type === AST_NODE_TYPES.MemberExpression && sourceCode.getText(callee.object).startsWith('Zone.');
  }
  if (expression.type === AST_NODE_TYPES.Identifier) {
    const variable = ASTUtils.findVariable(sourceCode.getScope(expression), expression);
    const def = variable?.defs[0];
    if (def?.type === 'Variable' && def.node.parent.kind === 'const' && def.node.init) {
      return isContextBound(sourceCode, api, def.node.init);
    }
  }
  return false;
}
