/**
 * The per-file analysis: the facts several detectors need, collected on ESLint's own traversal
 * once per file however many rules are on, and cached per `SourceCode` (like `getOtelApi`).
 *
 * Use: a detector calls `useFileAnalysis(context)` in its `create` (after its own cheap per-file
 * gate) and merges the returned `listeners` into its own. Only the first caller for a file gets
 * non-empty listeners; every caller gets the same `FileAnalysis`. The collected lists are complete
 * from any `Program:exit` on; facts derived from them (`getBindableCallbacks`) are computed on
 * first query and cached on the analysis.
 *
 * Span regions are answered the same way from any point of the traversal: a region query only
 * looks at `startSpan` declarations that end before the queried node, and those are visited first.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { getPropertyName, getRequireSource, unwrapTypeScriptExpression } from './ast.js';
import type { FunctionNode } from './ast.js';
import { fileMayContainTracedCode, getOtelApi } from './otel-api.js';
import type { OtelApi } from './otel-api.js';
import { mayHoldHandlerObject } from './handler-objects.js';
import { DRAIN_METHODS, STORE_METHODS } from './queues.js';
import { getFieldAliasName } from './queue-entries.js';
import { isEmptyCollection, lastName, mayBeCallback } from './queue-shapes.js';
import { createSpanRegionTracker } from './traced-code.js';
import type { SpanRegionTracker } from './traced-code.js';

export interface FileAnalysis {
  sourceCode: Readonly<TSESLint.SourceCode>;
  api: OtelApi;
  /** Which trace scope a node is in (traced callback, or a never-activated span's region). */
  regions: Pick<SpanRegionTracker, 'getTraceScope'>;
  /** Every call and assignment of the file, in traversal order (complete from `Program:exit`). */
  callsAndAssignments: (TSESTree.CallExpression | TSESTree.AssignmentExpression)[];
  /** Names of collections the file stores something callable into, and names it drains. */
  queueNames: { stored: Set<string>; drained: Set<string> };
  /**
   * `no-unbound-queued-callback`'s `additionalQueueFunctions` when that rule runs on the file
   * (it registers them in its `create`, before any query); callback ownership reads them.
   */
  queueFunctions: readonly string[];
  /**
   * The file has no tracing at all (no API import, span start or AsyncLocalStorage in its text):
   * only `no-unbound-queued-callback` looks at it (issue 11, family 5), for its callers' context.
   */
  untraced: boolean;
  /**
   * Function expressions handed out of the function that makes them — returned, assigned to a
   * member or element, passed to a call — the candidates for callback wrappers (family 4).
   */
  handedOnFunctions: FunctionNode[];
  /**
   * The file's classes in traversal order, collected only when its text can hold a handler object
   * (`mayHoldHandlerObject`, handler-objects.ts): empty otherwise.
   */
  classes: (TSESTree.ClassDeclaration | TSESTree.ClassExpression)[];
  /**
   * The module specifiers the file loads, as written: `import .. from '<m>'`, `import x = require('<m>')`
   * and every `require('<m>')` call (complete from `Program:exit`): where a resolved path can start.
   */
  loadedModules: Set<string>;
  /** The linted file's path (well-known library queues look up the installed version from it). */
  filename: string;
  /** Derived facts, computed on first query (see bindable-callbacks.ts). */
  derived: Map<string, unknown>;
}

const cache = new WeakMap<object, FileAnalysis>();

export function useFileAnalysis(context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>): {
  analysis: FileAnalysis;
  listeners: TSESLint.RuleListener;
} {
  const sourceCode = context.sourceCode;
  const cached = cache.get(sourceCode.ast);
  if (cached) return { analysis: cached, listeners: {} };
  const api = getOtelApi(context);
  const tracker = createSpanRegionTracker(sourceCode, api);
  const analysis: FileAnalysis = {
    sourceCode,
    api,
    regions: tracker,
    callsAndAssignments: [],
    queueNames: { stored: new Set(), drained: new Set() },
    queueFunctions: [],
    untraced: !fileMayContainTracedCode(context),
    handedOnFunctions: [],
    classes: [],
    loadedModules: new Set(),
    filename: context.physicalFilename,
    derived: new Map(),
  };
  cache.set(sourceCode.ast, analysis);
  const { callsAndAssignments, queueNames, handedOnFunctions, classes, loadedModules } = analysis;
  const classListener = mayHoldHandlerObject(sourceCode.text)
    ? { 'ClassDeclaration, ClassExpression'(node: TSESTree.ClassDeclaration | TSESTree.ClassExpression) { classes.push(node); } }
    : {};
  return {
    analysis,
    listeners: {
      ...tracker.listeners,
      ...classListener,
      CallExpression(node) {
        callsAndAssignments.push(node);
        // Cheap gate for the queue model (a walk with scope lookups): built only for files that store
        // something that may be a callback into a collection whose name they also drain
        // (`this.waiters.push(cb)` … `this.waiters.shift()`, `q.length = 0`, `q = []`). Done here
        // rather than in a `CallExpression > MemberExpression.callee` listener: one call less per call.
        const callee = node.callee;
        if (callee.type === AST_NODE_TYPES.Identifier) {
          const source = callee.name === 'require' ? getRequireSource(node) : undefined;
          if (source !== undefined) loadedModules.add(source);
          return;
        }
        if (callee.type !== AST_NODE_TYPES.MemberExpression || callee.computed || callee.property.type !== AST_NODE_TYPES.Identifier) return;
        const method = callee.property.name;
        const name = lastName(callee.object);
        if (name === undefined) return;
        const drains = DRAIN_METHODS.has(method) || method === 'splice' || method === 'delete';
        const stores = STORE_METHODS.has(method) && node.arguments.some(mayBeCallback);
        // `var q = this._queue; q.push(fn)`: the field's name too (queue-entries.ts)
        const field = (drains || stores) && callee.object.type === AST_NODE_TYPES.Identifier ? getFieldAliasName(sourceCode, callee.object) : undefined;
        for (const known of field === undefined ? [name] : [name, field]) {
          if (drains) queueNames.drained.add(known);
          if (stores) queueNames.stored.add(known);
        }
      },
      // (a superset of the parents tested below)
      ':matches(ReturnStatement, ArrowFunctionExpression, AssignmentExpression, CallExpression, VariableDeclarator, ArrayExpression) > :matches(FunctionExpression, ArrowFunctionExpression)'(
        node: TSESTree.FunctionExpression | TSESTree.ArrowFunctionExpression,
      ) {
        const parent = node.parent;
        if (
          parent.type === AST_NODE_TYPES.ReturnStatement ||
          (parent.type === AST_NODE_TYPES.ArrowFunctionExpression && parent.body === node) ||
          (parent.type === AST_NODE_TYPES.AssignmentExpression && parent.right === node) ||
          (parent.type === AST_NODE_TYPES.CallExpression && parent.callee !== node) ||
          // held first, or an element of `original.apply(this, [..])` (wrapper-hand-over.ts)
          (parent.type === AST_NODE_TYPES.VariableDeclarator && parent.init === node) ||
          (parent.type === AST_NODE_TYPES.ArrayExpression && parent.parent.type === AST_NODE_TYPES.CallExpression)
        ) {
          handedOnFunctions.push(node);
        }
      },
      ImportDeclaration(node) {
        loadedModules.add(node.source.value);
      },
      TSImportEqualsDeclaration(node) {
        const reference = node.moduleReference;
        if (reference.type === AST_NODE_TYPES.TSExternalModuleReference && reference.expression.type === AST_NODE_TYPES.Literal) {
          loadedModules.add(String(reference.expression.value));
        }
      },
      AssignmentExpression(node) {
        callsAndAssignments.push(node);
        if (node.operator !== '=') return;
        // the two assignment drains the queue model knows (queues.ts): `q.length = 0` and a swap to
        // a new empty collection (`q = []`, `this.q = new Map()`); any other assignment drains nothing
        const left = unwrapTypeScriptExpression(node.left);
        const right = unwrapTypeScriptExpression(node.right);
        const isLengthReset =
          left.type === AST_NODE_TYPES.MemberExpression && getPropertyName(left) === 'length' && right.type === AST_NODE_TYPES.Literal && right.value === 0;
        if (!isLengthReset && !isEmptyCollection(right)) return;
        const name = lastName(isLengthReset ? left.object : left);
        if (name !== undefined) queueNames.drained.add(name);
      },
    },
  };
}

const sortedLists = new WeakMap<readonly TSESTree.Node[], boolean>();

/**
 * The nodes of `nodes` (a list collected in traversal order, like `callsAndAssignments`) whose
 * range starts in [start, end), in list order. A traversal visits nodes in source order, so the
 * list is sorted by start and the slice is found by binary search; a list that is not (checked
 * once per list) is filtered instead.
 */
export function nodesStartingIn<T extends TSESTree.Node>(nodes: readonly T[], start: number, end: number): readonly T[] {
  let sorted = sortedLists.get(nodes);
  if (sorted === undefined) {
    sorted = nodes.every((node, i) => i === 0 || (nodes[i - 1] as T).range[0] <= node.range[0]);
    sortedLists.set(nodes, sorted);
  }
  if (!sorted) return nodes.filter((node) => node.range[0] >= start && node.range[0] < end);
  let low = 0;
  let high = nodes.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((nodes[mid] as T).range[0] < start) low = mid + 1;
    else high = mid;
  }
  let stop = low;
  while (stop < nodes.length && (nodes[stop] as T).range[0] < end) stop++;
  return nodes.slice(low, stop);
}

/** A derived fact of the analysis, computed once on first query. */
export function derive<T>(analysis: FileAnalysis, key: string, compute: () => T): T {
  if (analysis.derived.has(key)) return analysis.derived.get(key) as T;
  const value = compute();
  analysis.derived.set(key, value);
  return value;
}

type Handler = (node: never) => void;

/**
 * Merges detectors' listener objects: every handler of every object runs, in order. The same
 * answer as collecting the handlers per selector (first object first) with `Object.entries`; built
 * without the intermediate lists and entry arrays, which in the linter's run cost about 30 µs per
 * merge of the first rule of a file (the analysis listeners and the rule's own; session 12: 4.2 →
 * 1.5 ms per pass over contrib's 272 instrumentation sources).
 */
export function mergeListeners(...objects: TSESLint.RuleListener[]): TSESLint.RuleListener {
  // every rule but the first of a file gets empty analysis listeners: nothing to merge
  let nonEmpty = 0;
  let only: TSESLint.RuleListener = {};
  for (const object of objects) {
    if (hasOwnKey(object)) {
      nonEmpty++;
      only = object;
    }
  }
  if (nonEmpty <= 1) return only;
  // ESLint calls a listener once per matching node: a selector with one handler gets the handler
  // itself and one with more nested fixed pairs, so no loop runs per node (every merged handler
  // takes only the node).
  const result: Record<string, Handler> = {};
  for (const object of objects) {
    const handlers = object as Record<string, unknown>;
    for (const selector of Object.keys(handlers)) {
      const handler = handlers[selector];
      if (typeof handler !== 'function') continue;
      const first = result[selector];
      result[selector] = first === undefined ? (handler as Handler) : pairHandlers(first, handler as Handler);
    }
  }
  return result as TSESLint.RuleListener;
}

function hasOwnKey(object: object): boolean {
  for (const key in object) if (Object.hasOwn(object, key)) return true;
  return false;
}

function pairHandlers(first: Handler, second: Handler): Handler {
  return (node: never) => {
    first(node);
    second(node);
  };
}
