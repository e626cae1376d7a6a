/**
 * Detector for `no-unpaired-context-attach`: imperative context changes that are not undone.
 *
 * - `context.attach(ctx)` (api 1.10) under `async-local-storage`: the token must be disposed on
 *   every path, normal and exceptional (8e), exactly once, and the attach must not run before
 *   the first `await` of an async function (8g: it leaks into the caller even when disposed).
 *   A token thrown away, or handed somewhere this detector cannot follow, is reported as such.
 * - `context.attach` under `async-hooks`, `zone` and `stack`: those managers do not implement
 *   it, so it does nothing (8f).
 * - `store.enterWith(value)` on any store (8a–8c): the method name is AsyncLocalStorage's own, so
 *   the receiver may be imported, a property (`this._storage`) or a parameter; only a local object
 *   or an instance of a local class, whose `enterWith` this file defines, is not a store.
 * - a bind whose result is thrown away (issue #11, family 7): `context.bind(ctx, fn)`,
 *   `AsyncResource.bind(fn)`, `AsyncLocalStorage.bind(fn)`, `resource.bind(fn)` as a statement
 *   bind nothing (they return a new function); and a bound function never used while the unbound
 *   one is passed on. The same defect as a thrown-away attach token: the context API's result is
 *   the whole effect. (`context.bind(ctx, emitter)` patches an emitter in place: not reported.)
 * - `als.withScope(store)` (Node 24+): held by `using`, or paired like an attach token.
 *
 * Pairing is computed over ESLint's code paths (`code-paths.ts`). Exceptions that ESLint
 * does not model (any call, `await` or `throw` may leave the function) are checked per node: a
 * node that may throw while the token is live must sit in a `try` whose `finally` (or `catch`)
 * disposes the token.
 *
 * A token passed to a function of this file that calls `.dispose()` on that parameter counts as
 * disposed at that call. Out of scope: tokens kept in fields or collections, attach/detach split
 * across functions, disposal in the wrong (non-LIFO) order, `attach` before a `yield` of a sync
 * generator.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, ASTUtils } from '@typescript-eslint/utils';
import type { FunctionNode } from '../analysis/ast.js';
import { contains, getEnclosingFunction, getMethodName, getMethodReceiver, getPropertyName, isFunctionLike, unwrapTypeScriptExpression } from '../analysis/ast.js';
import { createSegmentRecorder, solveSegments, stateAtReturn } from '../analysis/code-paths.js';
import type { RecordedCodePath } from '../analysis/code-paths.js';
import { buildRunInsteadOfEnterWith, buildTryFinally, buildWrapInCallback } from '../edits/try-finally.js';
import type { Finding, FindingSuggestion } from '../findings.js';
import { API, getOtelApi, isAsyncLocalStorageInstance } from '../analysis/otel-api.js';
import { fileMayContainFinding } from '../triggers.js';
import { getFreeNameAt } from '../edits/names.js';
import type { OtelApi } from '../analysis/otel-api.js';
import { resolveFunction } from '../analysis/traced-code.js';

export type NoUnpairedContextAttachMessageId =
  | 'attachNotImplemented'
  | 'attachBeforeAwait'
  | 'discardedToken'
  | 'undisposedToken'
  | 'tokenDisposedTwice'
  | 'escapingToken'
  | 'nonDisposableToken'
  | 'enterWithLeak'
  | 'discardedBind'
  | 'unusedBind'
  | 'useContextWith'
  | 'useAlsRun'
  | 'assignBound'
  | 'passBound';

type AttachKind = 'context.attach' | 'als.withScope';

type Binding =
  | { kind: 'discarded'; statement: TSESTree.ExpressionStatement }
  | { kind: 'variable'; variable: TSESLint.Scope.Variable; statement: TSESTree.Statement }
  | { kind: 'using' }
  | { kind: 'escape'; how: string };

interface AttachSite {
  kind: AttachKind;
  call: TSESTree.CallExpression;
  /** `context.attach()`, `requestStore.withScope()`. */
  label: string;
  binding: Binding;
  owner: FunctionNode | undefined;
}

const LIVE_UNATTACHED = 1;
const LIVE = 2;
const DISPOSED = 4;
const NOT_AWAITED = 1;
const AWAITED = 2;

export function createNoUnpairedContextAttachDetector(
  context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>,
  onFinding: (finding: Finding<NoUnpairedContextAttachMessageId>) => void,
): TSESLint.RuleListener {
  if (!fileMayContainFinding(context, 'no-unpaired-context-attach')) return {};
  const sourceCode = context.sourceCode;
  const api = getOtelApi(context);
  const manager = api.settings.contextManager;
  const sites = new Map<TSESTree.CallExpression, AttachSite>();
  const recorder = createSegmentRecorder(analyze);

  function analyze(recorded: RecordedCodePath): void {
    const inPath = new Set<AttachSite>();
    for (const nodes of recorded.nodesBySegment.values()) {
      for (const node of nodes) {
        const site = node.type === AST_NODE_TYPES.CallExpression ? sites.get(node) : undefined;
        if (site) inPath.add(site);
      }
    }
    if (inPath.size === 0) return;
    const fn = isFunctionLike(recorded.node) ? recorded.node : undefined;
    const beforeAwait = new Set<AttachSite>();
    if (fn?.async) {
      solveSegments(recorded, NOT_AWAITED, (state, node, report) => {
        if (isSuspension(node)) return AWAITED;
        const site = node.type === AST_NODE_TYPES.CallExpression ? sites.get(node) : undefined;
        if (report && site && state & NOT_AWAITED) beforeAwait.add(site);
        return state;
      });
    }
    for (const site of inPath) {
      if (beforeAwait.has(site)) reportBeforeAwait(site);
      else checkSite(site, recorded);
    }
  }

  function alternative(site: AttachSite): { messageId: 'useContextWith' | 'useAlsRun'; head: string } | undefined {
    const arg = site.call.arguments[0];
    const receiver = getMethodReceiver(site.call);
    if (!arg || arg.type === AST_NODE_TYPES.SpreadElement || !receiver) return undefined;
    const method = site.kind === 'context.attach' ? 'with' : 'run';
    return {
      messageId: site.kind === 'context.attach' ? 'useContextWith' : 'useAlsRun',
      head: `${sourceCode.getText(receiver)}.${method}(${sourceCode.getText(arg)}, `,
    };
  }

  function suggestions(site: AttachSite, disposeCalls: readonly TSESTree.CallExpression[]): FindingSuggestion<NoUnpairedContextAttachMessageId>[] {
    const alt = alternative(site);
    if (!alt || site.binding.kind === 'escape' || site.binding.kind === 'using') return [];
    const fix = buildWrapInCallback(sourceCode, site.binding.statement, alt.head, disposeCalls);
    return fix ? [{ messageId: alt.messageId, data: { head: `${alt.head.slice(0, -2)}, ..)` }, fix }] : [];
  }

  function alternativeText(site: AttachSite, isAsync: boolean): string {
    const alt = alternative(site);
    const head = alt ? alt.head.slice(0, alt.head.indexOf('(')) : site.kind === 'context.attach' ? 'context.with' : 'als.run';
    return `${head}(${site.kind === 'context.attach' ? 'ctx' : 'store'}, ${isAsync ? 'async ' : ''}() => ..)`;
  }

  function reportBeforeAwait(site: AttachSite): void {
    const disposeCalls = site.binding.kind === 'variable' ? classifyReferences(site).disposeCalls : [];
    onFinding({
      messageId: 'attachBeforeAwait',
      data: { call: site.label, alternative: alternativeText(site, true) },
      node: site.call.callee,
      suggestions: suggestions(site, disposeCalls),
    });
  }

  interface References {
    disposeCalls: TSESTree.CallExpression[];
    escape: string | undefined;
  }

  function classifyReferences(site: AttachSite): References {
    const result: References = { disposeCalls: [], escape: undefined };
    if (site.binding.kind !== 'variable') return result;
    for (const reference of site.binding.variable.references) {
      const id = reference.identifier;
      if (reference.init || (reference.isWrite() && contains(site.binding.statement, id))) continue;
      if (reference.isWrite()) {
        result.escape ??= 'is reassigned';
        continue;
      }
      if (getEnclosingFunction(id) !== site.owner) {
        result.escape ??= 'is used inside a nested function';
        continue;
      }
      const dispose = getDisposeCall(id) ?? getHelperDisposeCall(id);
      if (dispose) {
        result.disposeCalls.push(dispose);
        continue;
      }
      result.escape ??= describeEscape(id);
    }
    return result;
  }

  function getHelperDisposeCall(id: TSESTree.Node): TSESTree.CallExpression | undefined {
    const call = id.parent;
    if (call?.type !== AST_NODE_TYPES.CallExpression) return undefined;
    const index = call.arguments.indexOf(id as TSESTree.CallExpressionArgument);
    const helper = index === -1 ? undefined : resolveFunction(sourceCode, call.callee);
    const param = helper?.params[index];
    if (param?.type !== AST_NODE_TYPES.Identifier) return undefined;
    const variable = sourceCode.getDeclaredVariables(helper as FunctionNode).find((v) => v.name === param.name);
    return variable?.references.some((r) => getDisposeCall(r.identifier) !== undefined) ? call : undefined;
  }

  function describeEscape(id: TSESTree.Node): string {
    let node: TSESTree.Node = id;
    while (node.parent && isTransparent(node.parent)) node = node.parent;
    const parent = node.parent;
    if (parent?.type === AST_NODE_TYPES.ReturnStatement || parent?.type === AST_NODE_TYPES.ArrowFunctionExpression) return 'is returned';
    if ((parent?.type === AST_NODE_TYPES.CallExpression || parent?.type === AST_NODE_TYPES.NewExpression) && parent.callee !== node) {
      return `is passed to '${sourceCode.getText(parent.callee)}'`;
    }
    return 'is stored or passed on';
  }

  function checkSite(site: AttachSite, recorded: RecordedCodePath): void {
    const { binding } = site;
    if (binding.kind === 'using') {
      if (site.kind === 'context.attach') onFinding({ messageId: 'nonDisposableToken', data: { call: site.label }, node: site.call.callee });
      return;
    }
    if (binding.kind === 'escape') {
      onFinding({ messageId: 'escapingToken', data: { call: site.label, how: binding.how, alternative: alternativeText(site, false) }, node: site.call.callee });
      return;
    }
    if (binding.kind === 'discarded') {
      const name = getFreeNameAt(sourceCode, binding.statement, site.kind === 'context.attach' ? 'token' : 'scope');
      const fix = buildTryFinally(sourceCode, binding.statement, `${name}.dispose()`, [], name);
      onFinding({
        messageId: 'discardedToken',
        data: { call: site.label },
        node: site.call.callee,
        ...(fix ? { fix } : {}),
        suggestions: suggestions(site, []),
      });
      return;
    }
    const { disposeCalls, escape } = classifyReferences(site);
    if (escape !== undefined) {
      onFinding({ messageId: 'escapingToken', data: { call: site.label, how: escape, alternative: alternativeText(site, false) }, node: site.call.callee });
      return;
    }
    const disposeSet = new Set(disposeCalls);
    const token = binding.variable.name;
    const twice = new Set<TSESTree.CallExpression>();
    let reattached = false;
    let throwsWhileLive = false;
    const out = solveSegments(recorded, LIVE_UNATTACHED, (state, node, report) => {
      if (node === site.call) {
        if (report && state & LIVE) reattached = true;
        return LIVE;
      }
      if (node.type === AST_NODE_TYPES.CallExpression && disposeSet.has(node)) {
        if (report && state & DISPOSED) twice.add(node);
        return (state & LIVE_UNATTACHED) | (state & (LIVE | DISPOSED) ? DISPOSED : 0);
      }
      if (report && state & LIVE && !throwsWhileLive && mayThrow(node) && !isProtected(node, site, disposeSet)) throwsWhileLive = true;
      return state;
    });
    const leaksOnReturn = (stateAtReturn(recorded, out) & LIVE) !== 0 || reattached;
    if (leaksOnReturn || throwsWhileLive) {
      const dispose = disposeCalls.length === 1 ? disposeCalls[0] : undefined;
      const fix =
        disposeCalls.length === 0 || dispose
          ? buildTryFinally(sourceCode, binding.statement, dispose ? sourceCode.getText(dispose) : `${token}.dispose()`, disposeCalls, undefined)
          : undefined;
      onFinding({
        messageId: 'undisposedToken',
        data: { call: site.label, token, when: leaksOnReturn ? 'on every path' : 'when the code that follows it throws' },
        node: site.call.callee,
        ...(fix ? { fix } : {}),
        suggestions: suggestions(site, disposeCalls),
      });
    }
    for (const call of twice) onFinding({ messageId: 'tokenDisposedTwice', data: { token }, node: call });
  }

  function mayThrow(node: TSESTree.Node): boolean {
    if (node.type === AST_NODE_TYPES.CallExpression) return !sites.has(node) && getMethodName(node) !== 'dispose';
    return node.type === AST_NODE_TYPES.NewExpression || node.type === AST_NODE_TYPES.AwaitExpression || node.type === AST_NODE_TYPES.ThrowStatement;
  }

  /** An exception at `node` reaches a `finally` or `catch` that disposes the token, or a `catch` that ESLint's paths continue from. */
  function isProtected(node: TSESTree.Node, site: AttachSite, disposeCalls: Set<TSESTree.CallExpression>): boolean {
    const disposesIn = (block: TSESTree.Node | null): boolean => block !== null && [...disposeCalls].some((call) => contains(block, call));
    let previous: TSESTree.Node = node;
    for (let current = node.parent; current && current !== site.owner; previous = current, current = current.parent) {
      if (current.type !== AST_NODE_TYPES.TryStatement) continue;
      if (previous === current.finalizer || previous === current.handler) {
        if (disposesIn(previous)) return true;
        continue;
      }
      if (disposesIn(current.finalizer) || disposesIn(current.handler)) return true;
      if (current.handler) return !contains(current.block, site.call);
    }
    return false;
  }

  function reportEnterWith(call: TSESTree.CallExpression): void {
    const receiver = getMethodReceiver(call);
    const store = receiver ? sourceCode.getText(receiver) : 'als';
    const fix = buildRunInsteadOfEnterWith(sourceCode, call);
    onFinding({
      messageId: 'enterWithLeak',
      data: { store },
      node: call.callee,
      ...(fix ? { suggestions: [{ messageId: 'useAlsRun', data: { head: `${store}.run(store, ..)` }, fix }] } : {}),
    });
  }

  function checkBind(call: TSESTree.CallExpression, bind: BindKind): void {
    const target = bind.target;
    if (!target || target.type === AST_NODE_TYPES.SpreadElement) return;
    const label = `${sourceCode.getText(call.callee)}()`;
    let node: TSESTree.Node = call;
    while (node.parent && isTransparent(node.parent)) node = node.parent;
    const parent = node.parent;
    if (parent?.type === AST_NODE_TYPES.ExpressionStatement) {
      if (bind.mayPatchInPlace && !looksLikeFunction(sourceCode, target)) return;
      const assignable = target.type === AST_NODE_TYPES.Identifier && isReassignable(sourceCode, target);
      onFinding({
        messageId: 'discardedBind',
        data: { call: label, target: sourceCode.getText(target) },
        node: call.callee,
        ...(assignable
          ? { suggestions: [{ messageId: 'assignBound', data: { target: target.name }, fix: [{ range: [call.range[0], call.range[0]], text: `${target.name} = ` }] }] }
          : {}),
      });
      return;
    }
    if (parent?.type !== AST_NODE_TYPES.VariableDeclarator || parent.init !== node || parent.id.type !== AST_NODE_TYPES.Identifier) return;
    if (target.type !== AST_NODE_TYPES.Identifier) return;
    const bound = sourceCode.getDeclaredVariables(parent)[0];
    const unbound = ASTUtils.findVariable(sourceCode.getScope(target), target);
    if (!bound || !unbound || bound.references.some((reference) => reference.isRead())) return;
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
    if (passedOn.length === 0) return;
    const boundName = parent.id.name;
    const visible = passedOn.every((reference) => ASTUtils.findVariable(sourceCode.getScope(reference.identifier), boundName) === bound);
    onFinding({
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
    });
  }

  function register(call: TSESTree.CallExpression, kind: AttachKind): void {
    const receiver = getMethodReceiver(call);
    const label = kind === 'context.attach' ? 'context.attach()' : `${receiver ? sourceCode.getText(receiver) : 'als'}.withScope()`;
    const site: AttachSite = { kind, call, label, binding: getBinding(sourceCode, call), owner: getEnclosingFunction(call) };
    if (kind === 'context.attach' && manager !== 'async-local-storage') {
      const alt = alternative(site);
      const fix = alt && site.binding.kind !== 'escape' && site.binding.kind !== 'using'
        ? buildWrapInCallback(sourceCode, site.binding.statement, alt.head, site.binding.kind === 'variable' ? classifyReferences(site).disposeCalls : [])
        : undefined;
      onFinding({
        messageId: 'attachNotImplemented',
        data: { manager },
        node: call.callee,
        ...(alt && fix ? { suggestions: [{ messageId: alt.messageId, data: { head: `${alt.head.slice(0, -2)}, ..)` }, fix }] } : {}),
      });
      return;
    }
    sites.set(call, site);
  }

  return {
    ...recorder.listeners,
    'CallExpression:exit'(node: TSESTree.CallExpression) {
      const kind = getCallKind(api, node);
      const bind = kind ? undefined : getBindKind(api, node);
      if (bind) checkBind(node, bind);
      if (kind === 'als.enterWith') reportEnterWith(node);
      else if (kind) register(node, kind);
      recorder.record(node);
    },
    'NewExpression:exit'(node: TSESTree.NewExpression) {
      recorder.record(node);
    },
    'AwaitExpression:exit'(node: TSESTree.AwaitExpression) {
      recorder.record(node);
    },
    'YieldExpression:exit'(node: TSESTree.YieldExpression) {
      recorder.record(node);
    },
    ThrowStatement(node: TSESTree.ThrowStatement) {
      recorder.record(node);
    },
    'ForOfStatement[await=true]'(node: TSESTree.ForOfStatement) {
      recorder.record(node);
    },
  };
}

function isSuspension(node: TSESTree.Node): boolean {
  return (
    node.type === AST_NODE_TYPES.AwaitExpression ||
    node.type === AST_NODE_TYPES.YieldExpression ||
    (node.type === AST_NODE_TYPES.ForOfStatement && node.await)
  );
}

function getCallKind(api: OtelApi, call: TSESTree.CallExpression): AttachKind | 'als.enterWith' | undefined {
  const method = getMethodName(call);
  if (method === 'attach') return api.calleePath(call) === API('context.attach') ? 'context.attach' : undefined;
  if (method !== 'enterWith' && method !== 'withScope') return undefined;
  const receiver = getMethodReceiver(call);
  if (!receiver) return undefined;
  if (method === 'enterWith') return isLocalNonStore(api, receiver) || isScopePrimitive(call) ? undefined : 'als.enterWith';
  return isAsyncLocalStorageInstance(api, receiver) ? 'als.withScope' : undefined;
}

/**
 * A receiver whose `enterWith` this file defines: a local object literal or an instance of a class
 * declared here (`const store = { enterWith() {} }`). Anything else — imported, a property, a
 * parameter — is taken for an AsyncLocalStorage by the method name, which is its own.
 */
function isLocalNonStore(api: OtelApi, receiver: TSESTree.Node): boolean {
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

const SCOPE_PRIMITIVES = new Set(['attach', 'detach', 'dispose', 'enter', 'exit', 'restore']);

/**
 * `enterWith` inside a class method that is itself an unpaired scope primitive — a context
 * manager's `attach()`, a token's `dispose()` (opentelemetry-js's AsyncLocalStorageContextManager):
 * pairing is its caller's job, and the caller's attach is what this rule checks.
 */
function isScopePrimitive(call: TSESTree.CallExpression): boolean {
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

/** `context.bind(ctx, fn)`, `AsyncResource.bind(fn)`, `AsyncLocalStorage.bind(fn)`, `resource.bind(fn)`. */
function getBindKind(api: OtelApi, call: TSESTree.CallExpression): BindKind | undefined {
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
  return undefined;
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

function isTransparent(node: TSESTree.Node): boolean {
  return unwrapTypeScriptExpression(node) !== node || node.type === AST_NODE_TYPES.ChainExpression;
}

/** `token.dispose()`, `token?.dispose()`, `token[Symbol.dispose]()` for the reference `id`. */
function getDisposeCall(id: TSESTree.Node): TSESTree.CallExpression | undefined {
  const member = id.parent;
  if (member?.type !== AST_NODE_TYPES.MemberExpression || member.object !== id) return undefined;
  const isDispose =
    (!member.computed && member.property.type === AST_NODE_TYPES.Identifier && member.property.name === 'dispose') ||
    (member.computed && member.property.type === AST_NODE_TYPES.MemberExpression && ASTUtils.isIdentifier(member.property.property) && member.property.property.name === 'dispose');
  const call = member.parent;
  return isDispose && call.type === AST_NODE_TYPES.CallExpression && call.callee === member ? call : undefined;
}

function getBinding(sourceCode: Readonly<TSESLint.SourceCode>, call: TSESTree.CallExpression): Binding {
  let node: TSESTree.Node = call;
  while (node.parent && isTransparent(node.parent)) node = node.parent;
  const parent = node.parent;
  if (parent?.type === AST_NODE_TYPES.ExpressionStatement) return { kind: 'discarded', statement: parent };
  if (parent?.type === AST_NODE_TYPES.VariableDeclarator && parent.init === node && parent.id.type === AST_NODE_TYPES.Identifier) {
    const declaration = parent.parent;
    if (declaration.kind === 'using' || declaration.kind === 'await using') return { kind: 'using' };
    const variable = sourceCode.getDeclaredVariables(parent)[0];
    if (variable && declaration.declarations.length === 1) return { kind: 'variable', variable, statement: declaration };
  }
  if (
    parent?.type === AST_NODE_TYPES.AssignmentExpression &&
    parent.operator === '=' &&
    parent.right === node &&
    parent.left.type === AST_NODE_TYPES.Identifier &&
    parent.parent.type === AST_NODE_TYPES.ExpressionStatement
  ) {
    const variable = ASTUtils.findVariable(sourceCode.getScope(parent.left), parent.left);
    if (variable) return { kind: 'variable', variable, statement: parent.parent };
  }
  if (parent?.type === AST_NODE_TYPES.ReturnStatement || parent?.type === AST_NODE_TYPES.ArrowFunctionExpression) return { kind: 'escape', how: 'is returned' };
  if ((parent?.type === AST_NODE_TYPES.CallExpression || parent?.type === AST_NODE_TYPES.NewExpression) && parent.callee !== node) {
    return { kind: 'escape', how: `is passed to '${sourceCode.getText(parent.callee)}'` };
  }
  return { kind: 'escape', how: 'is stored or passed on' };
}

