/**
 * Well-known library queues (issue 11, family 9): APIs that keep the callback handed to them in a
 * queue of their own and call it later from whoever releases, replies or finishes — in that
 * code's async context, not the caller's. Recognised by import tracing (never by bare names), and
 * kept as data, like eslint-plugin-n's module lists: add an entry with the evidence for it.
 *
 * A `call` is a path below the module's import, as core/analysis/import-bindings.ts writes them,
 * with `()` for the result of calling: `'#new.schedule'` is `new Bottleneck(..).schedule(..)`,
 * `'()'` is `pLimit(n)(fn)`, `'queue().push'` is `async.queue(worker).push(task, cb)`. The instance
 * must be held in a `const` (or be the call itself).
 *
 * `keepsContextFrom`: the first major version that keeps the caller's context itself; the rule
 * looks up the installed version (the nearest `node_modules/<module>/package.json` above the
 * linted file) and reports only older ones, or when it cannot tell.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, ASTUtils } from '@typescript-eslint/utils';
import { getCallbackShape } from './callbacks.js';
import { escapeRegExp, getEnclosingClassBody, getEnclosingFunction, getRequireSource, getThisMemberName, unwrapTypeScriptExpression, walk } from './ast.js';
import { isSameActivation } from './listeners.js';
import { isInTestCode } from './test-runner.js';
import type { OtelApi } from './otel-api.js';
import type { QueuedCallback } from './queues.js';

export interface LibraryQueue {
  module: string;
  calls: readonly string[];
  /** Which argument is the queued callback: the first function argument, or the last argument. */
  callback: 'first-function' | 'last-function';
  keepsContextFrom?: number;
  /** Why the entry is true: the runtime proof fixture, or the library's own source. */
  evidence: string;
}

/** A library queue's callback, and whether every caller shares the queue (isSharedInstance). */
export interface LibraryQueueCallback extends QueuedCallback {
  shared: boolean;
}

export const LIBRARY_QUEUES: readonly LibraryQueue[] = [
  {
    module: 'bottleneck',
    calls: ['#new.schedule', '#new.submit', 'default#new.schedule', 'default#new.submit'],
    callback: 'first-function',
    evidence: 'fixtures/no-unbound-queued-callback/bottleneck-schedule (bottleneck 2.19.5: later jobs run in the context of the job that freed the slot)',
  },
  {
    module: 'p-limit',
    calls: ['()', 'default()'],
    callback: 'first-function',
    keepsContextFrom: 5,
    evidence: 'fixtures/no-unbound-queued-callback/p-limit-3-limiter (p-limit 3.1.0); 5.0.0 binds with AsyncResource (sindresorhus/p-limit 99a82179, index.js)',
  },
  {
    module: 'async',
    calls: ['queue().push', 'queue().unshift', 'priorityQueue().push', 'cargo().push', 'cargoQueue().push', 'default.queue().push', 'default.queue().unshift'],
    callback: 'last-function',
    evidence: 'fixtures/no-unbound-queued-callback/async-queue-push (async 3.2.6: a push callback runs in the context of the worker that drained it)',
  },
  {
    // the same queue loaded from its subpath: `require('async/queue')`, `import queue from 'async/queue'`
    module: 'async/queue',
    calls: ['().push', '().unshift', 'default().push', 'default().unshift'],
    callback: 'last-function',
    evidence: 'fixtures/no-unbound-queued-callback/async-subpath-queue (async 3.2.6, require(\'async/queue\'): a push callback runs in the context of the caller whose task started the worker)',
  },
  {
    module: 'mysql',
    calls: ['createPool().getConnection', 'createPoolCluster().getConnection'],
    callback: 'last-function',
    evidence: 'mysqljs/mysql lib/Pool.js (getConnection: this._connectionQueue.push(cb), run by releaseConnection); needs a server, no runtime fixture',
  },
  {
    module: 'mysql2',
    calls: ['createPool().getConnection', 'createPoolCluster().getConnection'],
    callback: 'last-function',
    evidence: 'sidorares/node-mysql2 lib/base/pool.js (getConnection: this._connectionQueue.push(cb)); needs a server, no runtime fixture',
  },
  {
    module: 'pg',
    calls: ['Pool#new.connect', 'default.Pool#new.connect'],
    callback: 'last-function',
    evidence: 'brianc/node-postgres packages/pg-pool/index.js (connect(cb): this._pendingQueue.push(new PendingItem(cb)), run on release); needs a server, no runtime fixture',
  },
  {
    module: 'fastq',
    calls: ['().push', '().unshift', 'promise().push', 'promise().unshift', 'default().push', 'default().unshift', 'default.promise().push', 'default.promise().unshift'],
    // push(task, done): the caller's `done`; promise().push(thunk): the thunk the worker runs
    callback: 'last-function',
    evidence: 'fixtures/no-unbound-queued-callback/fastq-shared-queue (fastq 1.20.3: a queued task runs when the previous one completes, in that task\'s context; gemini-testing/testplane 21c5b688, src/worker/runner/sequence-test-parser.ts)',
  },
  {
    module: 'generic-pool',
    calls: ['Pool().acquire', 'Pool#new.acquire', 'default.Pool().acquire', 'default.Pool#new.acquire'],
    callback: 'first-function',
    // 3.0 dropped the callback: acquire() returns a promise, whose continuation keeps the caller's context
    keepsContextFrom: 3,
    evidence: 'fixtures/no-unbound-queued-callback/generic-pool-2-acquire (generic-pool 2.5.4: a waiting acquire callback runs from release(), in the releaser\'s context); brianc/node-postgres 779c8064, lib/pool.js',
  },
  {
    module: 'pg-pool',
    calls: ['#new.connect', 'default#new.connect'],
    callback: 'last-function',
    evidence: 'brianc/node-postgres packages/pg-pool/index.js (as pg); needs a server, no runtime fixture',
  },
];

const BY_MODULE = new Map(LIBRARY_QUEUES.map((entry) => [entry.module, entry]));

/**
 * Whether the file loads one of the listed modules: `modules` are the sources of its imports and
 * `require('..')` calls (FileAnalysis.loadedModules), the only places a resolved path can start from
 * (import-bindings.ts), so a file without one cannot hold a library queue call.
 */
export function loadsLibraryQueue(modules: Iterable<string>): boolean {
  for (const module of modules) if (BY_MODULE.has(module)) return true;
  return false;
}

/**
 * `from '<m>'`, `from "<m>"`, `require('<m>')` or `require("<m>")` for a listed module `<m>`, in one
 * regex: one pass over the text instead of four `includes` per module (36 passes, the costliest
 * text gate: 41 ms against 4 ms over opentelemetry-js-contrib's 631 source files).
 */
const MODULE_LOAD_TEXT = new RegExp(`(?:from |require\\()(['"])(?:${LIBRARY_QUEUES.map(({ module }) => escapeRegExp(module)).join('|')})\\1`);

/** Cheap text test (no parse) for files with no tracing: the file imports or requires a listed module (`'async'` alone is a common string). */
export function mayHoldLibraryQueue(source: string): boolean {
  return MODULE_LOAD_TEXT.test(source);
}

/**
 * The path of an expression below a module, following holders of calls and `new`: `limit` (from
 * `const limit = pLimit(2)`) → `p-limit:()`, `limiter.schedule` → `bottleneck:#new.schedule`,
 * `this._queue.push` (from `this._queue = fastq.promise(run, 1)`) → `fastq:promise().push`. A
 * `let`/`var` or a `this` member counts when every call or `new` written to it resolves to the
 * same path (other writes may only read a cache or reset it: `var pool = pools[name]`).
 */
function libraryPathOf(sourceCode: Readonly<TSESLint.SourceCode>, api: OtelApi, node: TSESTree.Node, extended: boolean, depth = 0): string | undefined {
  if (depth > 8) return undefined;
  const expression = unwrapTypeScriptExpression(node);
  if (expression.type === AST_NODE_TYPES.CallExpression || expression.type === AST_NODE_TYPES.NewExpression) {
    // `var genericPool = require('generic-pool')` (the binding resolver follows `const` only)
    const source = expression.type === AST_NODE_TYPES.CallExpression ? getRequireSource(expression) : undefined;
    if (source !== undefined) return `${api.resolver.normaliseModule(source)}:`;
    const callee = libraryPathOf(sourceCode, api, expression.callee, extended, depth + 1);
    if (callee === undefined) return undefined;
    return expression.type === AST_NODE_TYPES.NewExpression ? `${callee}#new` : `${callee}()`;
  }
  if (expression.type === AST_NODE_TYPES.MemberExpression && !expression.computed && expression.property.type === AST_NODE_TYPES.Identifier) {
    const member = extended ? getThisMemberName(expression) : undefined;
    if (member !== undefined) return pathOfWrites(sourceCode, api, thisMemberWrites(sourceCode, expression, member), extended, depth);
    const object = libraryPathOf(sourceCode, api, expression.object, extended, depth + 1);
    return object === undefined ? undefined : object.endsWith(':') ? `${object}${expression.property.name}` : `${object}.${expression.property.name}`;
  }
  const direct = api.resolver.pathOf(expression);
  if (direct !== undefined || expression.type !== AST_NODE_TYPES.Identifier) return direct;
  const variable = ASTUtils.findVariable(sourceCode.getScope(expression), expression);
  const def = variable?.defs[0];
  if (variable?.defs.length !== 1 || def?.type !== 'Variable' || def.node.id !== def.name) return undefined;
  if (!extended) {
    const init = def.node.parent.kind === 'const' && def.node.init ? unwrapTypeScriptExpression(def.node.init) : undefined;
    return init?.type === AST_NODE_TYPES.CallExpression || init?.type === AST_NODE_TYPES.NewExpression ? libraryPathOf(sourceCode, api, init, extended, depth + 1) : undefined;
  }
  const writes: TSESTree.Node[] = [];
  for (const reference of variable.references) {
    if (!reference.isWrite()) continue;
    if (reference.init) {
      if (def.node.init) writes.push(def.node.init);
      continue;
    }
    const assignment = reference.identifier.parent;
    if (assignment?.type !== AST_NODE_TYPES.AssignmentExpression || assignment.operator !== '=' || assignment.left !== reference.identifier) return undefined;
    writes.push(assignment.right);
  }
  return pathOfWrites(sourceCode, api, writes, extended, depth);
}

/** The one library path of the calls and `new`s among `writes`; undefined when there is none, or two, or a write of another kind. */
function pathOfWrites(sourceCode: Readonly<TSESLint.SourceCode>, api: OtelApi, writes: readonly TSESTree.Node[] | undefined, extended: boolean, depth: number): string | undefined {
  let path: string | undefined;
  for (const write of writes ?? []) {
    const value = unwrapTypeScriptExpression(write);
    if (value.type === AST_NODE_TYPES.CallExpression || value.type === AST_NODE_TYPES.NewExpression) {
      const found = libraryPathOf(sourceCode, api, value, extended, depth + 1);
      if (found === undefined || (path !== undefined && path !== found)) return undefined;
      path = found;
    } else if (!isCacheReadOrReset(value)) {
      return undefined;
    }
  }
  return path;
}

/** `pools[name]`, `cache.pool`, `null`, `undefined`: a lookup of one made before, or a reset. */
function isCacheReadOrReset(value: TSESTree.Node): boolean {
  if (value.type === AST_NODE_TYPES.MemberExpression) return true;
  if (value.type === AST_NODE_TYPES.Literal) return value.value === null;
  return value.type === AST_NODE_TYPES.Identifier && value.name === 'undefined';
}

const memberWritesCache = new WeakMap<TSESTree.Node, Map<string, TSESTree.Node[]>>();

/**
 * What is written to `this.<member>` in the class of `node` (assignments and a field's initialiser),
 * or in the whole file for pre-class code (`function Parser() { this._queue = fastq(..) }`).
 */
function thisMemberWrites(sourceCode: Readonly<TSESLint.SourceCode>, node: TSESTree.Node, member: string): TSESTree.Node[] | undefined {
  const root: TSESTree.Node = getEnclosingClassBody(node) ?? sourceCode.ast;
  let byMember = memberWritesCache.get(root);
  if (!byMember) {
    const collected = new Map<string, TSESTree.Node[]>();
    const add = (name: string | undefined, value: TSESTree.Node | null | undefined) => {
      if (name === undefined || !value) return;
      const list = collected.get(name) ?? [];
      list.push(value);
      collected.set(name, list);
    };
    walk(root, (child) => {
      if (child.type === AST_NODE_TYPES.AssignmentExpression && child.operator === '=') add(getThisMemberName(child.left), child.right);
      else if (child.type === AST_NODE_TYPES.PropertyDefinition && child.parent === root && !child.computed && child.key.type === AST_NODE_TYPES.Identifier) add(child.key.name, child.value);
      return true;
    });
    byMember = collected;
    memberWritesCache.set(root, byMember);
  }
  return byMember.get(member);
}

/**
 * A queue every caller shares (issue 11, families 5 and 9 in code with no tracing): the instance
 * the call goes to outlives the call's activation — a `this` member, a module-level binding, or a
 * closure variable of a function whose activation is over when the call runs (`pool.connect =
 * function (cb) { pool.acquire(..) }`). A limiter made for one call's own batch is not shared.
 */
function isSharedInstance(sourceCode: Readonly<TSESLint.SourceCode>, api: OtelApi, call: TSESTree.CallExpression): boolean {
  if (!getEnclosingFunction(call)) return false;
  let holder: TSESTree.Node = unwrapTypeScriptExpression(call.callee);
  while (holder.type === AST_NODE_TYPES.MemberExpression && getThisMemberName(holder) === undefined) holder = unwrapTypeScriptExpression(holder.object);
  if (holder.type === AST_NODE_TYPES.MemberExpression) return true;
  if (holder.type !== AST_NODE_TYPES.Identifier) return false;
  const variable = ASTUtils.findVariable(sourceCode.getScope(holder), holder);
  if (!variable || variable.defs[0]?.type !== 'Variable') return false;
  return !isSameActivation(api, variable.scope.variableScope.block, call);
}

const versionCache = new Map<string, number | null>();

/** The installed major version of `module` seen from `filename` (nearest node_modules), or undefined. */
function installedMajor(module: string, filename: string): number | undefined {
  let dir = dirname(filename);
  const visited: string[] = [];
  let found: number | null | undefined;
  for (;;) {
    const key = `${dir}\0${module}`;
    const cached = versionCache.get(key);
    if (cached !== undefined) {
      found = cached;
      break;
    }
    visited.push(key);
    const manifest = join(dir, 'node_modules', module, 'package.json');
    if (existsSync(manifest)) {
      try {
        const version = (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: unknown }).version;
        const major = typeof version === 'string' ? Number.parseInt(version, 10) : Number.NaN;
        found = Number.isNaN(major) ? null : major;
      } catch {
        found = null;
      }
      break;
    }
    const parent = dirname(dir);
    if (parent === dir) {
      found = null;
      break;
    }
    dir = parent;
  }
  for (const key of visited) versionCache.set(key, found);
  return found ?? undefined;
}

/** A test file or a file under a test folder: in code with no tracing, a pool or queue there serves the test itself. */
const TEST_PATH = /(?:^|[\\/])(?:test|tests|__tests__|spec)[\\/]|\.(?:test|spec)\.[cm]?[jt]sx?$/;

const declaredCache = new Map<string, number | null>();
const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'] as const;

/**
 * Without an installed copy (a checkout linted before `npm install`): the lowest major version
 * the nearest `package.json` that declares `module` allows (`^6.2.0` → 6, `3.1.0` → 3), or
 * undefined for a range that names no version (`*`, `latest`, `workspace:*`).
 */
function declaredMajor(module: string, filename: string): number | undefined {
  for (let dir = dirname(filename); ; dir = dirname(dir)) {
    const key = `${dir}\0${module}`;
    let found = declaredCache.get(key);
    if (found === undefined) {
      found = null;
      const manifest = join(dir, 'package.json');
      if (existsSync(manifest)) {
        try {
          const json = JSON.parse(readFileSync(manifest, 'utf8')) as Partial<Record<(typeof DEPENDENCY_FIELDS)[number], Record<string, unknown>>>;
          const range = DEPENDENCY_FIELDS.map((field) => json[field]?.[module]).find((value) => typeof value === 'string');
          const major = typeof range === 'string' ? /^\s*(?:\^|~|>=|=|v)?\s*(\d+)/.exec(range)?.[1] : undefined;
          found = major === undefined ? (range === undefined ? null : Number.NaN) : Number(major);
        } catch {
          found = null;
        }
      }
      declaredCache.set(key, found);
    }
    if (found !== null) return Number.isNaN(found) ? undefined : found;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * A call of a well-known library queue with a callback to keep (`limiter.schedule(fn)`): the
 * callback. `untraced` (a file with no tracing, issue 11 family 5): holders are followed further
 * (`let`/`var`, `this` members), test files and test bodies are skipped (the runner's context is the test's own),
 * and `shared` says whether the caller waits for work queued on an instance every caller shares.
 */
export function getLibraryQueueCallback(
  sourceCode: Readonly<TSESLint.SourceCode>,
  api: OtelApi,
  call: TSESTree.CallExpression,
  filename: string,
  untraced = false,
): LibraryQueueCallback | undefined {
  const path = libraryPathOf(sourceCode, api, call.callee, untraced);
  const separator = path?.indexOf(':') ?? -1;
  if (path === undefined || separator < 0) return undefined;
  const entry = BY_MODULE.get(path.slice(0, separator));
  if (!entry?.calls.includes(path.slice(separator + 1))) return undefined;
  const functions = call.arguments.filter((argument) => argument.type !== AST_NODE_TYPES.SpreadElement && getCallbackShape(sourceCode, argument).kind !== 'not-a-function');
  const callback = entry.callback === 'first-function' ? functions[0] : functions.at(-1);
  if (!callback || (entry.callback === 'last-function' && callback !== call.arguments.at(-1))) return undefined;
  if (entry.keepsContextFrom !== undefined) {
    const major = installedMajor(entry.module, filename) ?? declaredMajor(entry.module, filename);
    if (major !== undefined && major >= entry.keepsContextFrom) return undefined;
  }
  if (untraced && (TEST_PATH.test(filename) || isInTestCode(api, call))) return undefined;
  const receiver = unwrapTypeScriptExpression(call.callee);
  return {
    node: callback,
    queue: `${sourceCode.getText(receiver).replace(/\s+/g, '')}(..) of ${entry.module}`,
    call,
    shared: untraced && isSharedInstance(sourceCode, api, call) && isWaitedFor(call),
  };
}

/**
 * The function that makes the call waits for the queued work, or hands its promise back to its
 * own caller (`return this._queue.push(..)`, `await limit(..)`, `() => limit(..)`): the work is
 * done for that caller, in whose context it should run. Work queued and forgotten
 * (`queue.push(item, onError)` in a directory walker) is the queue owner's own business.
 */
function isWaitedFor(call: TSESTree.CallExpression): boolean {
  let node: TSESTree.Node = call;
  for (;;) {
    const parent: TSESTree.Node | undefined = node.parent;
    if (!parent) return false;
    if (unwrapTypeScriptExpression(parent) !== parent || parent.type === AST_NODE_TYPES.ChainExpression) {
      node = parent;
      continue;
    }
    if (parent.type === AST_NODE_TYPES.MemberExpression && parent.object === node && parent.parent.type === AST_NODE_TYPES.CallExpression) {
      const method = parent.property.type === AST_NODE_TYPES.Identifier ? parent.property.name : undefined;
      if (method === 'then' || method === 'catch' || method === 'finally') {
        node = parent.parent;
        continue;
      }
    }
    return (
      parent.type === AST_NODE_TYPES.AwaitExpression ||
      parent.type === AST_NODE_TYPES.ReturnStatement ||
      (parent.type === AST_NODE_TYPES.ArrowFunctionExpression && parent.body === node)
    );
  }
}
