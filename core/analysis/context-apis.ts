/**
 * Tracers' and libraries' own context APIs, as maintained data (issue #11 families 6 and 7).
 *
 * Real context bugs in tracer and library code go through these APIs, not OpenTelemetry's. Each
 * entry names one call by its role, in OpenTelemetry's terms:
 *
 * - **binder**: returns a new function bound to a context (`context.bind(ctx, fn)`); the argument
 *   stays unbound. Some binders patch their argument in place instead (an emitter, a module's
 *   property): `inPlace` says when, and then a dropped result is not a bug.
 * - **scope-runner**: runs a function in a context and restores the caller's (`context.with`).
 * - **ambient-write**: makes a context current in place (`enterWith`, `context.attach`); `undo`
 *   names the call that puts the previous one back.
 * - **ambient-exit**: that undoing call (`token.dispose()`).
 * - **ambient-read**: reads the current context.
 *
 * How a call is recognised: by the method name, plus a receiver whose name says what it is
 * (`receiver`, matched against the receiver's last name: `this.tracer` → `tracer`, `tracer.scope()`
 * → `scope()`), plus, where the package is imported by the code that uses it, an import or
 * `require` of one of `modules`. `why` records, per entry, why that is precise enough. An entry
 * with `checked: false` is documentation only: no rule reports it (the reason is in `why`).
 *
 * Like eslint-plugin-n's module lists: add an entry with the library's own documentation or source
 * as its reference, a RuleTester case, and its near misses (tests/context-apis.test.ts).
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, ASTUtils } from '@typescript-eslint/utils';
import { getMethodName, getMethodReceiver, unwrapTypeScriptExpression } from './ast.js';
import { lastName } from './queue-shapes.js';

export type ContextApiRole = 'binder' | 'scope-runner' | 'ambient-write' | 'ambient-exit' | 'ambient-read';

export interface ContextApi {
  library: string;
  role: ContextApiRole;
  method: string;
  /** The receiver's last name (`lastName`; a call receiver as `name()`). Undefined: the method name alone is distinctive. */
  receiver?: RegExp;
  /** The file must import or require one of these (a receiver made by such a module's factory counts too). */
  modules?: readonly string[];
  /** How many arguments the call takes in this role (any count when undefined). */
  arity?: readonly number[];
  /** binder, scope-runner: the index of the function argument. */
  fn?: number;
  /** binder: the call patches its argument in place (`always`, or when its second argument is a property name). */
  inPlace?: 'always' | 'property';
  /** ambient-write: the call that undoes it, and what it is given (`same`: the write's own argument; `saved`: a value read before the write through `read`). */
  undo?: { method: string; argument: 'same' | 'saved'; read: string };
  /** false: documented, not reported (see why). */
  checked?: boolean;
  why: string;
}

const CLS_MODULES = ['cls-hooked', 'continuation-local-storage', '@ehsc/cls-hooked', '@farmersdog/cls-hooked'];
/** A cls-hooked namespace: `ns`, `namespace`, `this._session`, `this._cls`, `clsNamespace`, `requestNs`. */
const CLS_NAMESPACE = /^(?:_?ns|_?namespace|_?cls|_?session|\w*(?:Namespace|Ns))$/i;
const TRACER = /^_?(?:tracer|\w*Tracer)$/i;

export const CONTEXT_APIS: readonly ContextApi[] = [
  // Google Cloud Trace agent (googleapis/cloud-trace-nodejs src/plugin-types.ts, Tracer#wrap, #wrapEmitter, #runInRootSpan)
  {
    library: '@google-cloud/trace-agent', role: 'binder', method: 'wrap', receiver: /^(?:api|\w*Api|agent|traceAgent|\w*Tracer|tracer)$/, arity: [1], fn: 0,
    why: "One argument, on the agent's plugin API object (`api`, the name every plugin uses) or a tracer. shimmer's wrap takes three; a stream's wrap(stream) has a stream receiver; the target must look like a function.",
  },
  { library: '@google-cloud/trace-agent', role: 'binder', method: 'wrapEmitter', receiver: /^(?:api|\w*Api|\w*Tracer|tracer)$/, fn: 0, inPlace: 'always', why: 'Patches the emitter in place: a dropped result is the normal use.' },
  { library: '@google-cloud/trace-agent', role: 'scope-runner', method: 'runInRootSpan', fn: 1, why: 'A distinctive method name.' },
  { library: '@google-cloud/trace-agent', role: 'ambient-read', method: 'getCurrentRootSpan', why: 'A distinctive method name.' },
  // Zipkin (openzipkin/zipkin-js packages/zipkin/src/tracer/index.js: setId, scoped, letId, id)
  {
    library: 'zipkin', role: 'ambient-write', method: 'setId', receiver: TRACER, modules: ['zipkin'], arity: [1],
    undo: { method: 'setId', argument: 'saved', read: 'id' },
    why: "setId is a common setter name: only on a receiver named as a tracer in a file that requires Zipkin. Zipkin's own letId/scoped run it inside a scope (exempt below).",
  },
  { library: 'zipkin', role: 'scope-runner', method: 'scoped', receiver: TRACER, fn: 0, why: "Zipkin's scope around setId." },
  { library: 'zipkin', role: 'scope-runner', method: 'letId', receiver: TRACER, fn: 1, why: "Zipkin's scope around setId." },
  // dd-trace (DataDog/dd-trace-js packages/dd-trace/src/scope.js: activate, bind, active)
  {
    library: 'dd-trace', role: 'binder', method: 'bind', receiver: /^(?:scope\(\)|_?scope)$/, fn: 0, inPlace: 'property',
    why: 'tracer.scope().bind(fn, span) returns the bound function; older versions bound emitters and promises in place, so the target must look like a function.',
  },
  { library: 'dd-trace', role: 'scope-runner', method: 'activate', receiver: /^(?:scope\(\)|_?scope)$/, fn: 1, why: 'tracer.scope().activate(span, fn).' },
  { library: 'dd-trace', role: 'ambient-read', method: 'active', receiver: /^(?:scope\(\)|_?scope)$/, why: 'tracer.scope().active().' },
  // Elastic APM (elastic/apm-agent-nodejs lib/instrumentation/index.js)
  { library: 'elastic-apm-node', role: 'binder', method: 'bindFunction', fn: 0, why: "A distinctive method name (Elastic's Instrumentation and New Relic's Tracer both return the bound function)." },
  { library: 'elastic-apm-node', role: 'binder', method: 'bindFunctionToRunContext', fn: 1, why: 'A distinctive method name.' },
  { library: 'elastic-apm-node', role: 'binder', method: 'bindFunctionToEmptyRunContext', fn: 0, why: 'A distinctive method name.' },
  { library: 'elastic-apm-node', role: 'binder', method: 'bindEmitter', fn: 0, inPlace: 'always', why: 'Patches the emitter in place (Elastic, New Relic, cls-hooked alike).' },
  {
    library: 'elastic-apm-node', role: 'ambient-write', method: 'supersedeWithTransRunContext', checked: false,
    why: "A setter by contract (setters.ts): the agent's own API for the rest of the caller's run; reported where it is misused would need the caller.",
  },
  // New Relic (newrelic/node-newrelic lib/shim/shim.js bindSegment, lib/transaction/tracer/index.js bindFunction)
  {
    library: 'newrelic', role: 'binder', method: 'bindSegment', fn: 0, inPlace: 'property',
    why: 'A distinctive method name; bindSegment(nodule, "property", ..) patches the property in place, so a string second argument is never reported.',
  },
  // cls-hooked and continuation-local-storage (Jeff-Lewis/cls-hooked context.js; sequelize, loggers, request-id libraries)
  { library: 'cls-hooked', role: 'binder', method: 'bind', receiver: CLS_NAMESPACE, modules: CLS_MODULES, fn: 0, why: "ns.bind(fn, ctx) returns the bound function; the receiver is a namespace made by the module's createNamespace/getNamespace, or named as one in a file that requires it." },
  { library: 'cls-hooked', role: 'binder', method: 'bindEmitter', receiver: CLS_NAMESPACE, fn: 0, inPlace: 'always', why: 'Patches the emitter in place.' },
  {
    library: 'cls-hooked', role: 'ambient-write', method: 'enter', receiver: CLS_NAMESPACE, modules: CLS_MODULES, arity: [1],
    undo: { method: 'exit', argument: 'same', read: 'active' },
    why: "enter is a common name: only a namespace of the module (made by its createNamespace/getNamespace, or named as one in a file that requires it), with the context argument exit takes.",
  },
  { library: 'cls-hooked', role: 'ambient-exit', method: 'exit', receiver: CLS_NAMESPACE, modules: CLS_MODULES, arity: [1], why: 'The undo of enter, the same context.' },
  { library: 'cls-hooked', role: 'scope-runner', method: 'run', receiver: CLS_NAMESPACE, modules: CLS_MODULES, fn: 0, why: 'ns.run(fn).' },
  { library: 'cls-hooked', role: 'scope-runner', method: 'runAndReturn', fn: 0, why: 'A distinctive method name.' },
  { library: 'cls-hooked', role: 'scope-runner', method: 'runPromise', receiver: CLS_NAMESPACE, fn: 0, why: 'ns.runPromise(fn).' },
  {
    library: 'cls-hooked', role: 'ambient-write', method: 'set', receiver: CLS_NAMESPACE, modules: CLS_MODULES, checked: false,
    why: 'Writes a key of the active context, not which context is active: it throws outside a context rather than leaking one.',
  },
  { library: 'cls-hooked', role: 'ambient-read', method: 'get', receiver: CLS_NAMESPACE, modules: CLS_MODULES, why: 'ns.get(key).' },
  // nestjs-cls (Papooch/nestjs-cls packages/core/src/lib/cls.service.ts)
  { library: 'nestjs-cls', role: 'scope-runner', method: 'runWith', receiver: /cls/i, fn: 1, why: 'cls.runWith(store, fn).' },
  {
    library: 'nestjs-cls', role: 'ambient-write', method: 'enter', receiver: /cls/i, modules: ['nestjs-cls'], arity: [0], checked: false,
    why: "The library's opt-in enterWith mode (ClsMiddleware's useEnterWith) calls it on purpose; its enterWith(store) is reported by the AsyncLocalStorage method name.",
  },
  // Sentry (getsentry/sentry-javascript packages/core/src/currentScopes.ts)
  { library: '@sentry/core', role: 'scope-runner', method: 'withScope', fn: 0, why: 'withScope(cb) / withScope(scope, cb) forks the scope around cb.' },
  { library: '@sentry/core', role: 'scope-runner', method: 'withIsolationScope', fn: 0, why: 'Forks the isolation scope around cb.' },
  { library: '@sentry/core', role: 'ambient-read', method: 'getCurrentScope', why: 'A distinctive function name.' },
];

/**
 * Text without which a file holds none of the checked entries (core/triggers.ts's standalone list
 * for no-unpaired-context-attach): a module an entry needs, a namespace factory, a distinctive name.
 */
export const CONTEXT_API_TRIGGERS: readonly string[] = [
  ...CLS_MODULES.slice(0, 2), 'createNamespace', 'getNamespace', 'zipkin', '.wrap(', 'bindFunction', 'bindSegment', 'scope().bind(', 'scope.bind(',
];

const IMPORT = /(?:require\s*\(|from|import\s*\()\s*['"]([^'"]+)['"]/g;
const importsCache = new WeakMap<object, ReadonlySet<string>>();

/** The modules the file imports or requires (a text scan, once per file). */
function importedModules(sourceCode: Readonly<TSESLint.SourceCode>): ReadonlySet<string> {
  let modules = importsCache.get(sourceCode.ast);
  if (!modules) {
    modules = new Set([...sourceCode.text.matchAll(IMPORT)].map((match) => match[1] as string));
    importsCache.set(sourceCode.ast, modules);
  }
  return modules;
}

/** `ns` of `const ns = createNamespace('x')` or `getNamespace('x')`, any callee spelling. */
function isMadeByFactory(sourceCode: Readonly<TSESLint.SourceCode>, receiver: TSESTree.Node): boolean {
  const expression = unwrapTypeScriptExpression(receiver);
  if (expression.type !== AST_NODE_TYPES.Identifier) return false;
  const def = ASTUtils.findVariable(sourceCode.getScope(expression), expression)?.defs[0];
  const init = def?.type === 'Variable' && def.node.init ? unwrapTypeScriptExpression(def.node.init) : undefined;
  if (init?.type !== AST_NODE_TYPES.CallExpression) return false;
  const name = init.callee.type === AST_NODE_TYPES.Identifier ? init.callee.name : getMethodName(init);
  return name === 'createNamespace' || name === 'getNamespace';
}

/** The name a receiver goes by: `this.tracer` → `tracer`, `tracer.scope()` → `scope()`. */
function receiverName(receiver: TSESTree.Node): string | undefined {
  const expression = unwrapTypeScriptExpression(receiver);
  if (expression.type === AST_NODE_TYPES.CallExpression) {
    const name = getMethodName(expression) ?? (expression.callee.type === AST_NODE_TYPES.Identifier ? expression.callee.name : undefined);
    return name === undefined ? undefined : `${name}()`;
  }
  return lastName(expression);
}

const byMethod = new Map<string, ContextApi[]>();
for (const entry of CONTEXT_APIS) byMethod.set(entry.method, [...(byMethod.get(entry.method) ?? []), entry]);

/** Every method name an entry of `roles` has (for a listener's selector and a file's text gate). */
export function contextApiMethods(roles: readonly ContextApiRole[]): string[] {
  return [...new Set(CONTEXT_APIS.filter((entry) => roles.includes(entry.role) && entry.checked !== false).map((entry) => entry.method))];
}

/** The entry of `role` this call is, if any (`checked: false` entries never match). */
export function matchContextApi(sourceCode: Readonly<TSESLint.SourceCode>, call: TSESTree.CallExpression, role: ContextApiRole): ContextApi | undefined {
  const method = getMethodName(call);
  const entries = method === undefined ? undefined : byMethod.get(method);
  if (!entries) return undefined;
  const receiver = getMethodReceiver(call);
  for (const entry of entries) {
    if (entry.role !== role || entry.checked === false) continue;
    if (entry.arity && !entry.arity.includes(call.arguments.length)) continue;
    if (entry.receiver) {
      const name = receiver ? receiverName(receiver) : undefined;
      if (name === undefined || !entry.receiver.test(name)) continue;
    }
    const modules = entry.modules;
    if (modules) {
      const imported = importedModules(sourceCode);
      if (!modules.some((module) => imported.has(module)) && !(receiver && isMadeByFactory(sourceCode, receiver))) continue;
    }
    return entry;
  }
  return undefined;
}

/** Whether `call` is any scope runner of the data (its function argument runs in a scope the runner closes). */
export function isContextApiScopeRunner(sourceCode: Readonly<TSESLint.SourceCode>, call: TSESTree.CallExpression): boolean {
  return matchContextApi(sourceCode, call, 'scope-runner') !== undefined;
}
