/**
 * A caller's callback run from a stream's or emitter's listeners (issue 11, listener family;
 * bench/real-world/FAMILIES.md "multer-busboy-close-listener-unbound",
 * "raw-body-done-callback-stream-events"): a function takes a callback as its last parameter
 * (`next`, `done`, `callback`) and registers, on an emitter it received as another parameter or
 * created and piped a received stream into, a listener that calls that callback (directly or
 * through local helpers). The emitter calls its listeners from whoever feeds it: an HTTP request's
 * `data`/`end`/`error` come from the connection's socket, not from the middleware that entered the
 * request's AsyncLocalStorage store, so the callback (the rest of the middleware chain, the body
 * parser's continuation) runs without the caller's store (measured: tests/stream-callback-listeners.test.ts).
 *
 * Only one-shot registrations (`once`, an event fired once such as `end`/`close`, or a listener the
 * function removes again when it is done): a persistent `on` calling a subscriber's handler is a
 * subscription, and binding it would pin every later event to this call's context.
 *
 * Looked at only in files with no tracing (libraries: there nobody binds the request emitter the way
 * OpenTelemetry's http instrumentation does), under the AsyncLocalStorage managers. Not reported:
 * a promise's resolver (what it resumes follows the `await`), a listener already bound, a callback
 * every in-file caller of the function binds before handing it over (`readStream(.., wrap(done))`
 * with `wrap` running it through an AsyncResource) or makes itself (on-finished's dispatcher).
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, ASTUtils } from '@typescript-eslint/utils';
import type { FunctionNode } from './ast.js';
import { getEnclosingFunction, getMethodName, getMethodReceiver, isFunctionLike, unwrapTypeScriptExpression, walk } from './ast.js';
import { isContextFreeCallback, isPromiseResolver } from './callbacks.js';
import type { OtelApi } from './otel-api.js';
import { getListenerRegistration, isOneShotRegistration } from './listeners.js';
import type { ListenerRegistration } from './listeners.js';
import { isInTestCode } from './test-runner.js';
import { textIncludes } from './text-search.js';
import { resolveFunction } from './traced-code.js';
import type { ContextManagerName } from '../settings.js';

export interface StreamCallbackListener {
  registration: ListenerRegistration;
  /** The caller's callback the listener ends up calling. */
  callback: string;
  /** How the emitter reached the function: a parameter, or created here with a parameter piped into it. */
  emitterKind: 'received' | 'piped';
}

/** Cheap text test: a file with no tracing that may register a listener calling a caller's callback. */
export function mayHoldStreamCallback(source: string, contextManager: ContextManagerName | undefined): boolean {
  if (contextManager !== undefined && contextManager !== 'async-local-storage' && contextManager !== 'async-hooks') return false;
  return textIncludes(source, '.on(') || textIncludes(source, '.once(');
}

function variableOf(sourceCode: Readonly<TSESLint.SourceCode>, identifier: TSESTree.Identifier) {
  return ASTUtils.findVariable(sourceCode.getScope(identifier), identifier);
}

/** A parameter of `fn` itself (a plain identifier), by name. */
function isParameterOf(fn: FunctionNode, name: string): boolean {
  return fn.params.some((param) => param.type === AST_NODE_TYPES.Identifier && param.name === name);
}

/** How the emitter reached `fn`: received as a parameter, or made in `fn` and fed by piping a parameter into it. */
function emitterKind(sourceCode: Readonly<TSESLint.SourceCode>, fn: FunctionNode, emitter: TSESTree.Node): StreamCallbackListener['emitterKind'] | undefined {
  const expression = unwrapTypeScriptExpression(emitter);
  if (expression.type !== AST_NODE_TYPES.Identifier) return undefined;
  const variable = variableOf(sourceCode, expression);
  const def = variable?.defs[0];
  if (!variable || !def) return undefined;
  if (def.type === 'Parameter') return def.node === fn ? 'received' : undefined;
  if (def.type !== 'Variable' || variable.scope.variableScope.block !== fn) return undefined;
  // `req.pipe(busboy)`: the parser's events are emitted from the piped request's
  const piped = variable.references.some((reference) => {
    const call = reference.identifier.parent;
    if (call?.type !== AST_NODE_TYPES.CallExpression || call.arguments[0] !== reference.identifier || getMethodName(call) !== 'pipe') return false;
    let source = getMethodReceiver(call);
    while (source?.type === AST_NODE_TYPES.MemberExpression) source = source.object;
    return source?.type === AST_NODE_TYPES.Identifier && source.name !== expression.name && isParameterOf(fn, source.name) && variableOf(sourceCode, source)?.defs[0]?.type === 'Parameter';
  });
  return piped ? 'piped' : undefined;
}

const LISTENER_CALLS = new Set(['on', 'once', 'off', 'addListener', 'prependListener', 'prependOnceListener', 'removeListener', 'addEventListener', 'removeEventListener']);

/** Whether `callback` is called somewhere (`cb(..)`, `cb.call(..)`, `cb.apply(..)`): a function, not data handed on (`proxyHead`). */
function isCalled(sourceCode: Readonly<TSESLint.SourceCode>, callback: TSESTree.Identifier): boolean {
  return (variableOf(sourceCode, callback)?.references ?? []).some(({ identifier }) => {
    const parent = identifier.parent;
    if (parent?.type === AST_NODE_TYPES.CallExpression) return parent.callee === identifier;
    return parent?.type === AST_NODE_TYPES.MemberExpression && parent.object === identifier && parent.parent.type === AST_NODE_TYPES.CallExpression && ['call', 'apply'].includes(getMethodName(parent.parent) ?? '');
  });
}

/** Whether `root` calls the parameter `callback` of `owner`, directly or through functions declared in `owner` (depth-limited). */
function reachesCallback(sourceCode: Readonly<TSESLint.SourceCode>, owner: FunctionNode, root: FunctionNode, callback: TSESTree.Identifier, seen: Set<TSESTree.Node>): boolean {
  if (seen.has(root) || seen.size > 8) return false;
  seen.add(root);
  const target = variableOf(sourceCode, callback);
  let found = false;
  walk(root.body, (node) => {
    if (found) return false;
    if (node.type !== AST_NODE_TYPES.CallExpression) return true;
    let callee = unwrapTypeScriptExpression(node.callee);
    if (callee.type === AST_NODE_TYPES.MemberExpression && ['call', 'apply'].includes(getMethodName(node) ?? '')) callee = unwrapTypeScriptExpression(callee.object);
    // a function handed to a listener removal or registration is not run by it (`stream.removeListener('end', onEnd)`)
    const method = getMethodName(node) ?? '';
    const candidates = LISTENER_CALLS.has(method) ? [callee] : [callee, ...node.arguments];
    for (const candidate of candidates) {
      if (candidate.type !== AST_NODE_TYPES.Identifier) continue;
      const variable = variableOf(sourceCode, candidate);
      // called, or handed on to other work started from the listener (which then runs in its context)
      if (variable === target) found = true;
      else if (variable && variable !== target) {
        // a helper declared in the registering function (`done`, `indicateDone`, `invokeCallback`)
        const helper = resolveFunction(sourceCode, candidate);
        if (helper && helper !== root && getEnclosingFunction(helper) !== undefined && isInside(helper, owner) && reachesCallback(sourceCode, owner, helper, callback, seen)) found = true;
      }
      if (found) return false;
    }
    return true;
  });
  return found;
}

function isInside(node: TSESTree.Node, outer: TSESTree.Node): boolean {
  return node.range[0] >= outer.range[0] && node.range[1] <= outer.range[1];
}

/** A function whose text binds what it is handed: `AsyncResource`, `runInAsyncScope`, a `.bind(` of an async resource or store. */
const BINDER_TEXT = /AsyncResource|runInAsyncScope|\.bind\(|\bbind\w*\(/;

/**
 * A local that only ever holds what the file makes itself, never a caller's function: every value
 * it is given is read off an object or returned by a call (`attached = msg.__onFinished =
 * createListener(msg)`, on-finished's dispatcher, whose queued entries are bound where they are
 * queued), with at least one call of a function declared in this file.
 */
function isInternalFunction(sourceCode: Readonly<TSESLint.SourceCode>, identifier: TSESTree.Identifier): boolean {
  const variable = variableOf(sourceCode, identifier);
  const def = variable?.defs[0];
  if (!variable || def?.type !== 'Variable') return false;
  const values: TSESTree.Node[] = [];
  if (def.node.init) values.push(def.node.init);
  for (const reference of variable.references) {
    const assignment = reference.identifier.parent;
    if (!reference.isWrite() || reference.init) continue;
    if (assignment?.type !== AST_NODE_TYPES.AssignmentExpression || assignment.left !== reference.identifier) return false;
    values.push(assignment.right);
  }
  let made = false;
  for (const raw of values) {
    let value = unwrapTypeScriptExpression(raw);
    while (value.type === AST_NODE_TYPES.AssignmentExpression) value = unwrapTypeScriptExpression(value.right);
    if (value.type === AST_NODE_TYPES.CallExpression) {
      const callee = unwrapTypeScriptExpression(value.callee);
      if (callee.type === AST_NODE_TYPES.Identifier && resolveFunction(sourceCode, callee)) made = true;
      else return false;
    } else if (value.type !== AST_NODE_TYPES.MemberExpression) return false;
  }
  return made;
}

/**
 * Every call of the function named `id` in the file, also through a local higher-order helper it is
 * handed to (`getBody(readStream, ..)` whose body calls `read(stream, .., bindAsyncContext(done))`:
 * raw-body's current index.ts); undefined when a reference is anything else (exported, stored).
 */
function callsOf(sourceCode: Readonly<TSESLint.SourceCode>, id: TSESTree.Identifier, depth = 0): TSESTree.CallExpression[] | undefined {
  const variable = variableOf(sourceCode, id);
  const calls: TSESTree.CallExpression[] = [];
  for (const reference of variable?.references ?? []) {
    const parent = reference.identifier.parent;
    if (parent?.type !== AST_NODE_TYPES.CallExpression) return undefined;
    if (parent.callee === reference.identifier) {
      calls.push(parent);
      continue;
    }
    const callee = unwrapTypeScriptExpression(parent.callee);
    const helper = depth === 0 && callee.type === AST_NODE_TYPES.Identifier ? resolveFunction(sourceCode, callee) : undefined;
    const param = helper?.params[parent.arguments.findIndex((argument) => argument === reference.identifier)];
    const inner = param?.type === AST_NODE_TYPES.Identifier ? callsOf(sourceCode, param, depth + 1) : undefined;
    if (!inner) return undefined;
    calls.push(...inner);
  }
  return calls;
}

/**
 * Every in-file call of `fn` hands the callback position a value bound first
 * (`readStream(stream, .., wrap(done))` where `wrap` runs it through an AsyncResource).
 */
function isBoundByEveryCaller(sourceCode: Readonly<TSESLint.SourceCode>, api: OtelApi, fn: FunctionNode, index: number): boolean {
  if (fn.type !== AST_NODE_TYPES.FunctionDeclaration || !fn.id) return false;
  const calls = callsOf(sourceCode, fn.id);
  if (!calls || calls.length === 0) return false;
  return calls.every((call) => {
    const argument = call.arguments[index] && unwrapTypeScriptExpression(call.arguments[index]);
    // `function onRead(err, buf) { if (err) return reject(err); resolve(buf); }`: settles a promise, whose continuation follows the `await`
    if (argument && isContextFreeCallback(sourceCode, api, argument)) return true;
    if (argument?.type === AST_NODE_TYPES.Identifier) return isInternalFunction(sourceCode, argument);
    // `(err) => { .. this.runInAsyncScope(callback, null, err) }` (undici's api-stream.js): the file's own continuation, which restores its caller's context itself
    if (isFunctionLike(argument)) return BINDER_TEXT.test(sourceCode.getText(argument));
    if (argument?.type !== AST_NODE_TYPES.CallExpression) return false;
    const callee = unwrapTypeScriptExpression(argument.callee);
    const wrapper = callee.type === AST_NODE_TYPES.Identifier ? resolveFunction(sourceCode, callee) : undefined;
    return BINDER_TEXT.test(sourceCode.getText(wrapper ?? argument.callee));
  });
}

/** A listener registration (`emitter.on(event, listener)`) that runs a caller's callback in the emitter's context. */
/** Tests and the helpers under test directories: a test runner's `done` records the end of a test, whatever its context. */
const TEST_PATH = /(?:^|[\\/])(?:[\w.]+-)*(?:tests?|__tests?__|specs?|e2e|__fixtures__)[\\/]|\.(?:test|spec)\.[cm]?[jt]sx?$/;

export function getStreamCallbackListener(sourceCode: Readonly<TSESLint.SourceCode>, api: OtelApi, filename: string, call: TSESTree.CallExpression): StreamCallbackListener | undefined {
  if (TEST_PATH.test(filename)) return undefined;
  const registration = getListenerRegistration(sourceCode, call);
  // a persistent listener (`port.on('message', ..)` calling a subscriber's handler) runs for every
  // later event: binding it would pin them all to this call's context (issue 11, point 12)
  if (!registration || !isOneShotRegistration(sourceCode, registration)) return undefined;
  const owner = getEnclosingFunction(call);
  if (!owner || owner.params.length < 2) return undefined;
  // a function handed inline to a framework (`fastify.addContentTypeParser(type, function (req, payload, done) { .. })`)
  // gets its callback from the framework, which may have bound it already (fastify binds `done` with an AsyncResource)
  if (owner.parent?.type === AST_NODE_TYPES.CallExpression && owner.parent.callee !== owner) return undefined;
  const last = owner.params.at(-1);
  if (last?.type !== AST_NODE_TYPES.Identifier) return undefined;
  const listener = unwrapTypeScriptExpression(registration.listener);
  const fn = isFunctionLike(listener) ? listener : listener.type === AST_NODE_TYPES.Identifier ? resolveFunction(sourceCode, listener) : undefined;
  if (!fn || !isInside(fn, owner)) return undefined;
  const kind = emitterKind(sourceCode, owner, registration.emitter);
  if (!kind) return undefined;
  const emitter = unwrapTypeScriptExpression(registration.emitter);
  if (emitter.type === AST_NODE_TYPES.Identifier && emitter.name === last.name) return undefined;
  if (isPromiseResolver(sourceCode, last) || !isCalled(sourceCode, last) || isInTestCode(api, call)) return undefined;
  if (!reachesCallback(sourceCode, owner, fn, last, new Set())) return undefined;
  if (isBoundByEveryCaller(sourceCode, api, owner, owner.params.length - 1)) return undefined;
  return { registration, callback: last.name, emitterKind: kind };
}
