/**
 * `no-unpaired-context-attach`, issue #11 families 6 and 7: which `enterWith` receivers are
 * stores, and binds whose result is thrown away — `context.bind(ctx, fn)`,
 * `AsyncResource.bind(fn)`, `AsyncLocalStorage.bind(fn)`, `resource.bind(fn)` as statements
 * (they return a new function and leave `fn` unbound), and a bound function never used while the
 * unbound one is passed on. `context.bind(ctx, emitter)` patches the emitter in place: a statement
 * binding something that does not look like a function is not reported.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, ASTUtils } from '@typescript-eslint/utils';
import { getEnclosingFunction, getMethodName, getMethodReceiver, getPropertyName, isFunctionLike, unwrapTypeScriptExpression } from '../../analysis/ast.js';
import { API } from '../../analysis/otel-api.js';
import type { OtelApi } from '../../analysis/otel-api.js';
import { matchContextApi } from '../../analysis/context-apis.js';
import type { ContextApi } from '../../analysis/context-apis.js';
import { resolveFunction } from '../../analysis/traced-code.js';
import type { Finding } from '../../findings.js';
import type { NoUnpairedContextAttachMessageId } from '../no-unpaired-context-attach.js';

/** The finding for a bind call whose result is thrown away, or kept unused while the unbound function is passed on. */
export function findThrownAwayBind(
  sourceCode: Readonly<TSESLint.SourceCode>,
  api: OtelApi,
  call: TSESTree.CallExpression,
): Finding<NoUnpairedContextAttachMessageId> | undefined {
  const bind = getBindKind(api, call);
  if (!bind) return undefined;
  const target = bind.target;
  if (!target || target.type === AST_NODE_TYPES.SpreadElement) return undefined;
  const label = `${sourceCode.getText(call.callee)}()`;
  let node: TSESTree.Node = call;
  while (node.parent && isTransparent(node.parent)) node = node.parent;
  const parent = node.parent;
  if (parent?.type === AST_NODE_TYPES.ExpressionStatement) {
    if (bind.mayPatchInPlace && !looksLikeFunction(sourceCode, target)) return undefined;
    const assignable = target.type === AST_NODE_TYPES.Identifier && isReassignable(sourceCode, target);
    return {
      messageId: 'discardedBind',
      data: { call: label, target: sourceCode.getText(target) },
      node: call.callee,
      ...(assignable
        ? { suggestions: [{ messageId: 'assignBound', data: { target: target.name }, fix: [{ range: [call.range[0], call.range[0]], text: `${target.name} = ` }] }] }
        : {}),
    };
  }
  if (parent?.type !== AST_NODE_TYPES.VariableDeclarator || parent.init !== node || parent.id.type !== AST_NODE_TYPES.Identifier) return undefined;
  if (target.type !== AST_NODE_TYPES.Identifier) return undefined;
  const bound = sourceCode.getDeclaredVariables(parent)[0];
  const unbound = ASTUtils.findVariable(sourceCode.getScope(target), target);
  if (!bound || !unbound || bound.references.some((reference) => reference.isRead())) return undefined;
  const passedOn = unbound.references.filter((reference) => {
    const id = reference.identifier;
    const user = id.parent;
    return (
      reference.isRead() &&
      id.range[0] > call.range[1] &&
      (user?.type === AST_NODE_TYPES.CallExpression || user?.type === AST_NODE_TYPES.NewExpression) &&
      user.arguments.includes(id as TSESTree.CallExpressionArgument)
    );
  });
  if (passedOn.length === 0) return undefined;
  const boundName = parent.id.name;
  const visible = passedOn.every((reference) => ASTUtils.findVariable(sourceCode.getScope(reference.identifier), boundName) === bound);
  return {
    messageId: 'unusedBind',
    data: { bound: boundName, target: target.name },
    node: parent.id,
    ...(visible
      ? {
          suggestions: [{
            messageId: 'passBound',
            data: { bound: boundName, target: target.name },
            fix: passedOn.map((reference) => ({ range: reference.identifier.range, text: boundName })),
          }],
        }
      : {}),
  };
}

/** A TypeScript wrapper (`x as T`, `x!`) or an optional chain around an expression. */
export function isTransparent(node: TSESTree.Node): boolean {
  return unwrapTypeScriptExpression(node) !== node || node.type === AST_NODE_TYPES.ChainExpression;
}

/**
 * A receiver whose `enterWith` this file defines: a local object literal or an instance of a class
 * declared here (`const store = { enterWith() {} }`). Anything else — imported, a property, a
 * parameter — is taken for an AsyncLocalStorage by the method name, which is its own.
 */
export function isLocalNonStore(api: OtelApi, receiver: TSESTree.Node): boolean {
  const expression = unwrapTypeScriptExpression(receiver);
  if (expression.type !== AST_NODE_TYPES.Identifier) return false;
  const variable = ASTUtils.findVariable(api.sourceCode.getScope(expression), expression);
  const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
  if (def?.type !== 'Variable' || !def.node.init) return false;
  const init = unwrapTypeScriptExpression(def.node.init);
  if (init.type === AST_NODE_TYPES.ObjectExpression) return true;
  if (init.type !== AST_NODE_TYPES.NewExpression || init.callee.type !== AST_NODE_TYPES.Identifier) return false;
  const klass = ASTUtils.findVariable(api.sourceCode.getScope(init.callee), init.callee);
  return klass?.defs[0]?.type === 'ClassName';
}

const SCOPE_PRIMITIVES = new Set(['attach', 'detach', 'dispose', 'enter', 'enterWith', 'exit', 'restore']);

/**
 * `enterWith` inside a class method that is itself an unpaired scope primitive — a context
 * manager's `attach()`, a token's `dispose()` (opentelemetry-js's AsyncLocalStorageContextManager):
 * pairing is its caller's job, and the caller's attach is what this rule checks.
 */
export function isScopePrimitive(call: TSESTree.CallExpression): boolean {
  const fn = getEnclosingFunction(call);
  const method = fn?.parent;
  if (method?.type !== AST_NODE_TYPES.MethodDefinition && method?.type !== AST_NODE_TYPES.Property) return false;
  const key = method.key;
  if (key.type === AST_NODE_TYPES.Identifier && !method.computed) return SCOPE_PRIMITIVES.has(key.name);
  return key.type === AST_NODE_TYPES.MemberExpression && getPropertyName(key) === 'dispose';
}

interface BindKind {
  /** The function (or, for context.bind, possibly an emitter) being bound. */
  target: TSESTree.CallExpressionArgument | undefined;
  /** `context.bind(ctx, emitter)` patches the emitter in place: its result may be dropped. */
  mayPatchInPlace: boolean;
}

const ASYNC_RESOURCE = 'node:async_hooks:AsyncResource';
const RESOURCE_NAME = /(^|[a-z_])resource$/i;

/**
 * `context.bind(ctx, fn)`, `AsyncResource.bind(fn)`, `AsyncLocalStorage.bind(fn)`, `resource.bind(fn)`,
 * and a tracer's or library's own binder (core/analysis/context-apis.ts: Cloud Trace's `api.wrap(fn)`,
 * `ns.bind(fn)`, `ins.bindFunction(fn)`, ..), whose target must look like a function.
 */
function getBindKind(api: OtelApi, call: TSESTree.CallExpression): BindKind | undefined {
  const vendor = matchContextApi(api.sourceCode, call, 'binder');
  if (vendor && vendor.inPlace !== 'always' && getMethodName(call) !== 'bind') return vendorBind(vendor, call);
  if (getMethodName(call) !== 'bind') return undefined;
  const path = api.calleePath(call);
  if (path === API('context.bind')) return { target: call.arguments[1], mayPatchInPlace: true };
  if (path === `${ASYNC_RESOURCE}.bind` || path === 'node:async_hooks:AsyncLocalStorage.bind' || path === `${ASYNC_RESOURCE}#new.bind`) {
    return { target: call.arguments[0], mayPatchInPlace: false };
  }
  // `this.resource.bind(fn)`, `asyncResource.bind(fn)` in a file that imports AsyncResource.
  const receiver = getMethodReceiver(call);
  const name = receiver?.type === AST_NODE_TYPES.Identifier ? receiver.name : receiver?.type === AST_NODE_TYPES.MemberExpression ? getPropertyName(receiver) : undefined;
  if (name !== undefined && RESOURCE_NAME.test(name) && api.sourceCode.text.includes('AsyncResource')) return { target: call.arguments[0], mayPatchInPlace: false };
  return vendor && vendor.inPlace !== 'always' ? vendorBind(vendor, call) : undefined;
}

/** A vendor binder's target; `bindSegment(nodule, 'property')` patches in place and is left alone. */
function vendorBind(vendor: ContextApi, call: TSESTree.CallExpression): BindKind | undefined {
  const second = call.arguments[1];
  if (vendor.inPlace === 'property' && second && (second.type === AST_NODE_TYPES.TemplateLiteral || (second.type === AST_NODE_TYPES.Literal && typeof second.value === 'string'))) return undefined;
  return { target: call.arguments[vendor.fn ?? 0], mayPatchInPlace: true };
}

const CALLBACK_NAME = /^(cb|callback|fn|func|handler|listener|done|next|task|job|resolve|reject|hook)$|(Callback|Handler|Listener|Fn|Cb)$/;

/** The bound value is a function: written inline, declared in this file, typed as one, or named like one. */
function looksLikeFunction(sourceCode: Readonly<TSESLint.SourceCode>, target: TSESTree.Node): boolean {
  const expression = unwrapTypeScriptExpression(target);
  if (isFunctionLike(expression) || resolveFunction(sourceCode, expression)) return true;
  if (expression.type !== AST_NODE_TYPES.Identifier) return false;
  if (CALLBACK_NAME.test(expression.name)) return true;
  const def = ASTUtils.findVariable(sourceCode.getScope(expression), expression)?.defs[0];
  const id = def?.name;
  return id?.type === AST_NODE_TYPES.Identifier && id.typeAnnotation?.typeAnnotation.type === AST_NODE_TYPES.TSFunctionType;
}

/** A parameter or a `let`/`var`: `name = bind(.., name)` is legal. */
function isReassignable(sourceCode: Readonly<TSESLint.SourceCode>, id: TSESTree.Identifier): boolean {
  const def = ASTUtils.findVariable(sourceCode.getScope(id), id)?.defs[0];
  return def?.type === 'Parameter' ? def.name.type === AST_NODE_TYPES.Identifier : def?.type === 'Variable' && def.node.parent.kind !== 'const';
}
