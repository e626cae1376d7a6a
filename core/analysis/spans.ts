/**
 * Spans: which calls start an OpenTelemetry span (by method name, minus the vendor tracers that
 * share it), and which contexts passed to `context.with` make no span active.
 */
import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, ASTUtils } from '@typescript-eslint/utils';
import type { FunctionNode } from './ast.js';
import { getMethodName, isFunctionLike, unwrapTypeScriptExpression, walk } from './ast.js';
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

/**
 * Functions written as the last argument of `startActiveSpan` or of a helper named for spans or
 * traces (`startTrace(name, config, span => ..)`): a superset; getSpanStartKind decides.
 */
export const ACTIVE_SPAN_CALLBACK = `CallExpression:matches(${methodCallAttributes('', ['startActiveSpan'])}, [callee.name=/[Ss]pan|SPAN|[Tt]race|TRACE/], [callee.property.name=/[Ss]pan|SPAN|[Tt]race|TRACE/]) > :matches(ArrowFunctionExpression, FunctionExpression)`;

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
 *   plugin; an SDK `Tracer` implementing the API), whatever its arguments;
 * - a call that cannot be OpenTelemetry's by its arguments (mayBeOtelSpanArguments): no name at all,
 *   or a second argument that is neither `SpanOptions` nor a callback (Elastic's
 *   `apm.startSpan(name, type, subtype)`, OpenTracing's `{ childOf }`);
 * - a call on a receiver the file also uses as something other than a `Tracer`
 *   (isOtherThanTracer): OpenTelemetry's `Tracer` has no member but `startSpan` and
 *   `startActiveSpan` (before 1.0 also `withSpan`, `getCurrentSpan`, `bind` and the format
 *   getters), so `apm.startTransaction(..)`, `apm.currentSpan` or `tracer.trace(..)` in the same
 *   file say that `apm` / `tracer` is a vendor's agent.
 */
export function getSpanStartKind(call: TSESTree.CallExpression): 'startSpan' | 'startActiveSpan' | undefined {
  const name = getMethodName(call);
  if (name !== 'startSpan' && name !== 'startActiveSpan') return getUsageSpanCallback(call) ? 'startActiveSpan' : undefined;
  const first = call.arguments[0];
  if (first === undefined || !mayBeSpanName(first) || !mayBeOtelSpanArguments(call, name)) return undefined;
  const callee = unwrapTypeScriptExpression(call.callee);
  if (
    callee.type === AST_NODE_TYPES.MemberExpression &&
    (callee.object.type === AST_NODE_TYPES.ThisExpression || callee.object.type === AST_NODE_TYPES.Super) &&
    isOwnOrInheritedMethod(callee.object)
  ) {
    return undefined;
  }
  if (callee.type === AST_NODE_TYPES.MemberExpression && isOtherThanTracer(call, callee.object)) return undefined;
  return name;
}

/**
 * The members of OpenTelemetry's `SpanOptions`, before 1.0 too (`parent`, `isRecording`): an
 * object literal with any other key is another library's options.
 */
const SPAN_OPTION_KEYS = new Set(['kind', 'attributes', 'links', 'startTime', 'root', 'parent', 'isRecording']);

/**
 * Whether the arguments after the name fit OpenTelemetry's `startSpan(name, options?, context?)`
 * / `startActiveSpan(name, [options, [context,]] fn)`: a literal second argument (Elastic's span
 * type string, a number) is never one, and an options object literal names only `SpanOptions`
 * members (`{ childOf }` is OpenTracing's, `{ exitSpan }` Elastic's).
 */
function mayBeOtelSpanArguments(call: TSESTree.CallExpression, name: 'startSpan' | 'startActiveSpan'): boolean {
  const second = call.arguments[1];
  if (second === undefined || second.type === AST_NODE_TYPES.SpreadElement) return true;
  const options = unwrapTypeScriptExpression(second);
  if (options.type === AST_NODE_TYPES.Literal || options.type === AST_NODE_TYPES.TemplateLiteral) return false;
  if (options.type !== AST_NODE_TYPES.ObjectExpression) return true;
  // `startActiveSpan(name, fn)` takes no options object; an object second argument is its options
  if (name === 'startActiveSpan' && call.arguments.length < 3) return true;
  return options.properties.every(
    (property) =>
      property.type === AST_NODE_TYPES.SpreadElement ||
      property.computed ||
      (property.key.type === AST_NODE_TYPES.Identifier ? SPAN_OPTION_KEYS.has(property.key.name) : property.key.type === AST_NODE_TYPES.Literal && SPAN_OPTION_KEYS.has(String(property.key.value))),
  );
}

/** Each linted file's text, by its Program node (remembered by getOtelApi, which every detector calls first). */
const programTexts = new WeakMap<TSESTree.Program, string>();
const otherThanTracer = new WeakMap<TSESTree.Program, Map<string, boolean>>();

/** Called once per file (getOtelApi): lets span-start recognition read the receivers' other uses. */
export function rememberProgramText(program: TSESTree.Program, text: string): void {
  programTexts.set(program, text);
}

// Before the receiver: part of a longer name or chain, or of a path or string (`'./tracer.js'`).
const IDENTIFIER_OR_DOT = /[\w$./'"`@-]/;
const IDENTIFIER_START = /[A-Za-z_$]/;
// What says nothing against a Tracer: its methods, those of the API before 1.0 too (`withSpan`,
// `getCurrentSpan`, `bind`, `getHttpTextFormat`/`getBinaryFormat`, still in the history of every
// instrumentation), a `_private` member (what a test pokes in a Tracer implementation:
// `otelTracer._convertOtelContextToDatadog(..)` in dd-trace's own tests), and a file extension
// (`tracer.js` in a module specifier).
const TRACER_MEMBER = /^(?:(?:startSpan|startActiveSpan|withSpan|getCurrentSpan|bind|getHttpTextFormat|getBinaryFormat|[cm]?[jt]sx?|json)\b|_)/;

/**
 * Whether the file uses `receiver` (an identifier or a `this.x` / `a.b` chain, as written) for a
 * member other than `startSpan` / `startActiveSpan` (or a `_private` one), anywhere in its text:
 * `apm.startTransaction(`, `ins.currentSpan`, `tracer.trace(`. Text-based (a comment counts too,
 * which only makes the call less likely to be taken for OpenTelemetry's), answered once per
 * receiver per file.
 */
function isOtherThanTracer(call: TSESTree.CallExpression, receiver: TSESTree.Expression): boolean {
  const object = unwrapTypeScriptExpression(receiver);
  if (object.type !== AST_NODE_TYPES.Identifier && object.type !== AST_NODE_TYPES.MemberExpression) return false;
  const program = programOf(call);
  const text = program && programTexts.get(program);
  if (!program || text === undefined) return false;
  const written = text.slice(object.range[0], object.range[1]);
  if (!/^[\w$]+(?:\s*\??\.\s*[\w$]+)*$/.test(written)) return false;
  const key = written.replace(/[\s?]/g, '');
  let known = otherThanTracer.get(program);
  if (!known) {
    known = new Map();
    otherThanTracer.set(program, known);
  }
  let other = known.get(key);
  if (other === undefined) {
    other = false;
    // a plain search for the receiver as written, no regex: compiling one per receiver and file
    // cost more than all the scans (a `this . tracer` spelled with spaces is simply not seen)
    for (let at = text.indexOf(key); at !== -1 && !other; at = text.indexOf(key, at + 1)) {
      if (at > 0 && IDENTIFIER_OR_DOT.test(text.charAt(at - 1))) continue;
      let i = at + key.length;
      while (/\s/.test(text.charAt(i))) i++;
      if (text.charAt(i) === '?') i++;
      if (text.charAt(i) !== '.') continue;
      i++;
      while (/\s/.test(text.charAt(i))) i++;
      other = IDENTIFIER_START.test(text.charAt(i)) && !TRACER_MEMBER.test(text.slice(i, i + 16));
    }
    known.set(key, other);
  }
  return other;
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
  if (getUsageSpanCallback(call)) return passesContextArgument(call);
  const kind = getSpanStartKind(call);
  if (kind === 'startSpan') return call.arguments.length >= 3;
  if (kind === 'startActiveSpan') return call.arguments.length >= 4;
  return false;
}

/**
 * The methods of OpenTelemetry's `Span`: a callback parameter used with one of them (`span.end()`,
 * `span.setAttribute(..)`, `span.recordException(..)`) is a span.
 */
const SPAN_METHODS = ['end', 'setAttribute', 'setAttributes', 'setStatus', 'recordException', 'addEvent', 'addLink', 'spanContext', 'updateName', 'isRecording'];
/** A parameter named as a span: `span`, `rootSpan`, `doStreamSpan`, `spanArg` (not `spans`). */
const SPAN_PARAMETER_NAME = /^span(?:Arg)?$|^[a-z][A-Za-z0-9]*Span(?:Arg)?$/;
/** A callee named for spans or traces: `startTrace`, `recordSpan`, `startSpanManual`, `traceAsync`, `withActiveSpan`. */
const SPAN_CALLEE_NAME = /span|trace/i;
const usageSpanCallbacks = new WeakMap<TSESTree.CallExpression, FunctionNode | null>();

/**
 * Span starts recognised by how the file uses the span (issue #11: spans started by helpers no rule
 * knew, as Sentry's `startSpanManual`, Spanner's `startTrace(name, config, span => ..)` and
 * vercel/ai's `recordSpan({ name, fn: async (span) => .. })`): a call other than
 * `startSpan`/`startActiveSpan`, named for spans or traces, that hands a callback a span — the
 * callback's first parameter is used as one (`.end()` or another `Span` method, in the callback's
 * own text). Such helpers run the callback with the span active (they wrap `startActiveSpan`), so
 * the call counts as a `startActiveSpan`; whether the callback owns the span's end is
 * `usageSpanCallbackEnds`. The callback is an argument (positional, or a function property of an
 * object argument: `{ fn: (span) => .. }`). Undefined for every other call.
 */
export function getUsageSpanCallback(call: TSESTree.CallExpression): FunctionNode | undefined {
  // the name test first, uncached: every call of a file is asked (getSpanStartKind), and caching
  // the answer for each of them cost more than the test (a WeakMap entry per call; issue #14)
  if (!mayBeUsageSpanCall(call)) return undefined;
  let cached = usageSpanCallbacks.get(call);
  if (cached === undefined) {
    cached = findUsageSpanCallback(call) ?? null;
    usageSpanCallbacks.set(call, cached);
  }
  return cached ?? undefined;
}

/** A call with arguments, named for spans or traces, other than `startSpan`/`startActiveSpan`. */
function mayBeUsageSpanCall(call: TSESTree.CallExpression): boolean {
  if (call.arguments.length === 0) return false;
  const callee = unwrapTypeScriptExpression(call.callee);
  const name = callee.type === AST_NODE_TYPES.Identifier ? callee.name : getMethodName(call);
  return name !== undefined && name !== 'startSpan' && name !== 'startActiveSpan' && SPAN_CALLEE_NAME.test(name);
}

/** For a call mayBeUsageSpanCall admits. */
function findUsageSpanCallback(call: TSESTree.CallExpression): FunctionNode | undefined {
  const text = programTextOf(call);
  if (text === undefined) return undefined;
  for (const argument of call.arguments) {
    const expression = argument.type === AST_NODE_TYPES.SpreadElement ? argument : unwrapTypeScriptExpression(argument);
    if (isFunctionLike(expression) && usesFirstParameterAsSpan(text, expression)) return expression;
    if (expression.type !== AST_NODE_TYPES.ObjectExpression) continue;
    for (const property of expression.properties) {
      if (property.type !== AST_NODE_TYPES.Property || property.computed) continue;
      const value = property.value;
      if (isFunctionLike(value) && usesFirstParameterAsSpan(text, value)) return value;
    }
  }
  return undefined;
}

/** `(span) => { .. span.end() .. }`: the first parameter, an identifier, is named or typed as a span, or has a `Span` method called on it in the function's text. */
function usesFirstParameterAsSpan(text: string, fn: FunctionNode, methods: readonly string[] = SPAN_METHODS): boolean {
  const param = fn.params[0];
  if (param?.type !== AST_NODE_TYPES.Identifier) return false;
  // `(span: Span) => ..`, `async (doStreamSpan) => ..`: declared or named as one
  if (methods === SPAN_METHODS && SPAN_PARAMETER_NAME.test(param.name)) return true;
  const type = param.typeAnnotation?.typeAnnotation;
  if (methods === SPAN_METHODS && type?.type === AST_NODE_TYPES.TSTypeReference && (type.typeName.type === AST_NODE_TYPES.Identifier ? type.typeName.name : type.typeName.type === AST_NODE_TYPES.TSQualifiedName ? type.typeName.right.name : '') === 'Span') return true;
  return usesParameterAsSpan(text, fn, param.name, methods);
}

/** `name.<method>(` for one of `methods`, in the text of `fn`'s body (nested functions included). */
function usesParameterAsSpan(text: string, fn: FunctionNode, name: string, methods: readonly string[]): boolean {
  const body = text.slice(fn.body.range[0], fn.body.range[1]);
  for (let at = body.indexOf(name); at !== -1; at = body.indexOf(name, at + name.length)) {
    if (at > 0 && /[\w$.]/.test(body.charAt(at - 1))) continue;
    const rest = body.slice(at + name.length, at + name.length + 20);
    const member = /^\s*\??\.\s*([A-Za-z]+)\s*\(/.exec(rest);
    if (member && methods.includes(member[1] ?? '')) return true;
  }
  return false;
}

/** Whether the span callback of a span start recognised by usage ends the span itself (`span.end()`): the helper leaves the end to it. */
export function usageSpanCallbackEnds(call: TSESTree.CallExpression): boolean {
  const fn = getUsageSpanCallback(call);
  const program = programOf(call);
  const text = program && programTexts.get(program);
  if (!fn || !program || text === undefined) return false;
  if (usesFirstParameterAsSpan(text, fn, ['end'])) return true;
  // `getNextProxy(next, span, prevSpan)`: handed to a function of the file that ends it
  const param = fn.params[0];
  if (param?.type !== AST_NODE_TYPES.Identifier) return false;
  let ends = false;
  walk(fn.body, (node) => {
    if (ends) return false;
    if (node.type !== AST_NODE_TYPES.CallExpression || node.callee.type !== AST_NODE_TYPES.Identifier) return true;
    const index = node.arguments.findIndex((argument) => argument.type === AST_NODE_TYPES.Identifier && argument.name === param.name);
    const helper = index === -1 ? undefined : findTopLevelFunction(program, node.callee.name);
    const helperParam = helper?.params[index];
    if (helper && helperParam?.type === AST_NODE_TYPES.Identifier) ends = usesParameterAsSpan(text, helper, helperParam.name, ['end']);
    return !ends;
  });
  return ends;
}

/** A function declared at the top level of the file (`function f`, `const f = (..) =>`). */
function findTopLevelFunction(program: TSESTree.Program, name: string): FunctionNode | undefined {
  for (const statement of program.body) {
    const declaration = statement.type === AST_NODE_TYPES.ExportNamedDeclaration ? statement.declaration : statement;
    if (declaration?.type === AST_NODE_TYPES.FunctionDeclaration && declaration.id?.name === name) return declaration;
    if (declaration?.type !== AST_NODE_TYPES.VariableDeclaration) continue;
    for (const declarator of declaration.declarations) {
      if (declarator.id.type === AST_NODE_TYPES.Identifier && declarator.id.name === name && declarator.init && isFunctionLike(declarator.init)) return declarator.init;
    }
  }
  return undefined;
}

/** A context handed to a helper recognised by usage: an argument or option named as one (`ctx`, `parentContext`, `{ context }`). */
function passesContextArgument(call: TSESTree.CallExpression): boolean {
  const named = (node: TSESTree.Node): boolean => {
    const expression = unwrapTypeScriptExpression(node);
    if (expression.type === AST_NODE_TYPES.Identifier) return /^ctx$|context$/i.test(expression.name);
    if (expression.type === AST_NODE_TYPES.MemberExpression && !expression.computed && expression.property.type === AST_NODE_TYPES.Identifier) return /^ctx$|context$/i.test(expression.property.name);
    return false;
  };
  return call.arguments.some((argument) => {
    const expression = argument.type === AST_NODE_TYPES.SpreadElement ? argument.argument : unwrapTypeScriptExpression(argument);
    if (expression.type !== AST_NODE_TYPES.ObjectExpression) return named(expression);
    return expression.properties.some(
      (property) =>
        property.type === AST_NODE_TYPES.Property &&
        !property.computed &&
        property.key.type === AST_NODE_TYPES.Identifier &&
        /^(?:ctx|context|parentContext|parent)$/i.test(property.key.name),
    );
  });
}

function programOf(node: TSESTree.Node): TSESTree.Program | undefined {
  let program: TSESTree.Node = node;
  while (program.parent) program = program.parent;
  return program.type === AST_NODE_TYPES.Program ? program : undefined;
}

function programTextOf(node: TSESTree.Node): string | undefined {
  const program = programOf(node);
  return program && programTexts.get(program);
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
