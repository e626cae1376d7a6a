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
import { unwrapTypeScriptExpression } from './ast.js';
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
 * The path of an expression below a module, following `const` holders of calls and `new`:
 * `limit` (from `const limit = pLimit(2)`) → `p-limit:()`, `limiter.schedule` → `bottleneck:#new.schedule`.
 */
function libraryPathOf(sourceCode: Readonly<TSESLint.SourceCode>, api: OtelApi, node: TSESTree.Node, depth = 0): string | undefined {
  if (depth > 4) return undefined;
  const expression = unwrapTypeScriptExpression(node);
  if (expression.type === AST_NODE_TYPES.CallExpression || expression.type === AST_NODE_TYPES.NewExpression) {
    const callee = libraryPathOf(sourceCode, api, expression.callee, depth + 1);
    if (callee === undefined) return undefined;
    return expression.type === AST_NODE_TYPES.NewExpression ? `${callee}#new` : `${callee}()`;
  }
  if (expression.type === AST_NODE_TYPES.MemberExpression && !expression.computed && expression.property.type === AST_NODE_TYPES.Identifier) {
    const object = libraryPathOf(sourceCode, api, expression.object, depth + 1);
    return object === undefined ? undefined : object.endsWith(':') ? `${object}${expression.property.name}` : `${object}.${expression.property.name}`;
  }
  const direct = api.resolver.pathOf(expression);
  if (direct !== undefined || expression.type !== AST_NODE_TYPES.Identifier) return direct;
  const variable = ASTUtils.findVariable(sourceCode.getScope(expression), expression);
  const def = variable?.defs[0];
  if (variable?.defs.length !== 1 || def?.type !== 'Variable' || def.node.parent.kind !== 'const' || !def.node.init || def.node.id !== def.name) return undefined;
  const init = unwrapTypeScriptExpression(def.node.init);
  return init.type === AST_NODE_TYPES.CallExpression || init.type === AST_NODE_TYPES.NewExpression ? libraryPathOf(sourceCode, api, init, depth + 1) : undefined;
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

/** A call of a well-known library queue with a callback to keep (`limiter.schedule(fn)`): the callback. */
export function getLibraryQueueCallback(
  sourceCode: Readonly<TSESLint.SourceCode>,
  api: OtelApi,
  call: TSESTree.CallExpression,
  filename: string,
): QueuedCallback | undefined {
  const path = libraryPathOf(sourceCode, api, call.callee);
  const separator = path?.indexOf(':') ?? -1;
  if (path === undefined || separator < 0) return undefined;
  const entry = BY_MODULE.get(path.slice(0, separator));
  if (!entry?.calls.includes(path.slice(separator + 1))) return undefined;
  const functions = call.arguments.filter((argument) => argument.type !== AST_NODE_TYPES.SpreadElement && getCallbackShape(sourceCode, argument).kind !== 'not-a-function');
  const callback = entry.callback === 'first-function' ? functions[0] : functions.at(-1);
  if (!callback || (entry.callback === 'last-function' && callback !== call.arguments.at(-1))) return undefined;
  if (entry.keepsContextFrom !== undefined) {
    const major = installedMajor(entry.module, filename);
    if (major !== undefined && major >= entry.keepsContextFrom) return undefined;
  }
  const receiver = unwrapTypeScriptExpression(call.callee);
  return { node: callback, queue: `${sourceCode.getText(receiver).replace(/\s+/g, '')}(..) of ${entry.module}`, call };
}
