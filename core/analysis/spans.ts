/**
 * Spans: which calls start an OpenTelemetry span (by method name, minus the vendor tracers that
 * share it), and which contexts passed to `context.with` make no span active.
 */
import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, ASTUtils } from '@typescript-eslint/utils';
import { getMethodName, unwrapTypeScriptExpression } from './ast.js';
import { OTEL_API_MODULE } from './import-bindings.js';
import type { OtelApi } from './otel-api.js';

const API = (member: string): string => `${OTEL_API_MODULE}:${member}`;

/**
 * An esquery attribute list matching every call whose method name (getMethodName: the callee,
 * unwrapped from TypeScript expressions, is `x.<name>` or `x['<name>']`) may be one of `names`:
 * a superset (computed and TypeScript-wrapped callees always match), so a listener on it that
 * re-checks the name sees every call it would have seen on all calls, with fewer calls to it.
 * `path` is the call's path from the selected node (`''` for the call itself).
 */
export function methodCallAttributes(path: string, names: readonly string[]): string {
  const at = (field: string) => (path === '' ? field : `${path}.${field}`);
  const name = names.length === 1 ? `"${names[0]}"` : `/^(${names.join('|')})$/`;
  return `[${at('callee.property.name')}=${name}], [${at('callee.computed')}=true], [${at('callee.type')}=/^TS/]`;
}

/** `const span = x.startSpan(..)` candidates (a superset; getSpanStartKind decides): the declarators span regions and span pairing look at. */
export const SPAN_START_DECLARATOR = `VariableDeclarator:matches(${methodCallAttributes('init', ['startSpan'])}, [init.type=/^TS/])`;

/**
 * `tracer.startSpan(..)` / `tracer.startActiveSpan(..)`. Tracers come from anywhere, so by method
 * name — but not every `startSpan` is OpenTelemetry's, which takes a name first:
 * - a first argument that cannot be a name (an object, array, function, number, boolean, `null`
 *   or regular expression literal) is another library's: `Sentry.startSpan({ name }, callback)`,
 *   which ends its own span; a vendor plugin's `this.startSpan({ resource }, ctx)`;
 * - `this.startSpan(..)` / `super.startSpan(..)` in a class that defines its own `startSpan`
 *   (or `startActiveSpan`) or extends another class is that class's method (a vendor tracing
 *   plugin; an SDK `Tracer` implementing the API), whatever its arguments.
 */
export function getSpanStartKind(call: TSESTree.CallExpression): 'startSpan' | 'startActiveSpan' | undefined {
  const name = getMethodName(call);
  if (name !== 'startSpan' && name !== 'startActiveSpan') return undefined;
  const first = call.arguments[0];
  if (first !== undefined && !mayBeSpanName(first)) return undefined;
  const callee = unwrapTypeScriptExpression(call.callee);
  if (
    callee.type === AST_NODE_TYPES.MemberExpression &&
    (callee.object.type === AST_NODE_TYPES.ThisExpression || callee.object.type === AST_NODE_TYPES.Super) &&
    isOwnOrInheritedMethod(callee.object)
  ) {
    return undefined;
  }
  return name;
}

/**
 * A variable named as a span object (`parentSpan`, `oaiSpan`; not a constant like `HTTP_SPAN`, nor
 * a bare `span`, which is also a loop variable over names): what a vendor's `startSpan(span, kind)`
 * takes where OpenTelemetry's takes a name.
 */
const SPAN_OBJECT_NAME = /^[a-z][A-Za-z0-9]*Span$/;

/** Whether an argument can be a span name (anything but a literal of another kind or a span object). */
function mayBeSpanName(argument: TSESTree.CallExpressionArgument): boolean {
  const expression = argument.type === AST_NODE_TYPES.SpreadElement ? argument : unwrapTypeScriptExpression(argument);
  switch (expression.type) {
    case AST_NODE_TYPES.Identifier:
      return !SPAN_OBJECT_NAME.test(expression.name);
    case AST_NODE_TYPES.MemberExpression:
      return expression.computed || expression.property.type !== AST_NODE_TYPES.Identifier || !SPAN_OBJECT_NAME.test(expression.property.name);
    case AST_NODE_TYPES.ObjectExpression:
    case AST_NODE_TYPES.ArrayExpression:
    case AST_NODE_TYPES.ArrowFunctionExpression:
    case AST_NODE_TYPES.FunctionExpression:
    case AST_NODE_TYPES.ClassExpression:
      return false;
    case AST_NODE_TYPES.Literal:
      return typeof expression.value === 'string';
    default:
      return true;
  }
}

/** `this` / `super` inside a class (not an arrow-crossing object method) that has its own span-start method or a superclass. */
function isOwnOrInheritedMethod(receiver: TSESTree.ThisExpression | TSESTree.Super): boolean {
  for (let current: TSESTree.Node | undefined = receiver.parent; current; current = current.parent) {
    if (current.type === AST_NODE_TYPES.FunctionExpression || current.type === AST_NODE_TYPES.FunctionDeclaration) {
      // `this` of a plain function: only a class method's function leads on to its class
      if (current.parent?.type !== AST_NODE_TYPES.MethodDefinition && current.parent?.type !== AST_NODE_TYPES.Property) return false;
      if (current.parent.type === AST_NODE_TYPES.Property) return false;
    }
    if (current.type === AST_NODE_TYPES.ClassBody) {
      const cls = current.parent;
      if (cls.superClass) return true;
      return current.body.some(
        (member) =>
          (member.type === AST_NODE_TYPES.MethodDefinition || member.type === AST_NODE_TYPES.PropertyDefinition) &&
          !member.computed &&
          member.key.type === AST_NODE_TYPES.Identifier &&
          (member.key.name === 'startSpan' || member.key.name === 'startActiveSpan'),
      );
    }
  }
  return false;
}

/** Whether a span start passes a context explicitly (`startSpan(name, opts, ctx)`). */
export function hasExplicitParentContext(call: TSESTree.CallExpression): boolean {
  const kind = getSpanStartKind(call);
  if (kind === 'startSpan') return call.arguments.length >= 3;
  if (kind === 'startActiveSpan') return call.arguments.length >= 4;
  return false;
}

const BAGGAGE_CHANGES = new Set([API('propagation.setBaggage'), API('propagation.deleteBaggage')]);
const TRACING_REMOVALS = new Set([API('trace.deleteSpan'), '@opentelemetry/core:suppressTracing']);

/**
 * A context that makes no span active, passed to `context.with`: `'baggage'` when it is the
 * current context with other baggage (`propagation.setBaggage(context.active(), ..)`: the callback
 * runs in the same trace as its caller), `'no-tracing'` when it removes the span or suppresses
 * tracing (`trace.deleteSpan(..)`, `suppressTracing(..)` from `@opentelemetry/core`: nothing in
 * the callback belongs to a trace). Follows one `const` holding such a call.
 */
export function getSpanlessContextChange(api: OtelApi, ctx: TSESTree.Node): 'baggage' | 'no-tracing' | undefined {
  let expression = unwrapTypeScriptExpression(ctx);
  if (expression.type === AST_NODE_TYPES.Identifier) {
    const variable = ASTUtils.findVariable(api.sourceCode.getScope(expression), expression);
    const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
    if (def?.type !== 'Variable' || def.parent.kind !== 'const' || !def.node.init) return undefined;
    expression = unwrapTypeScriptExpression(def.node.init);
  }
  if (expression.type !== AST_NODE_TYPES.CallExpression) return undefined;
  const path = api.calleePath(expression);
  if (path !== undefined && TRACING_REMOVALS.has(path)) return 'no-tracing';
  if (path === undefined || !BAGGAGE_CHANGES.has(path)) return undefined;
  const base = expression.arguments[0];
  const active = base && unwrapTypeScriptExpression(base);
  return active?.type === AST_NODE_TYPES.CallExpression && api.calleePath(active) === API('context.active') ? 'baggage' : undefined;
}
