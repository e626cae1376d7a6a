/**
 * Acquire/release pairing over ESLint's code-path analysis: is every resource acquired in a
 * function released on every path out of it? Used by `require-span-end` (span / `span.end()`);
 * generic on purpose, for any pairing a rule needs (`context.attach` / `token.dispose()`).
 *
 * Built on the code-path recorder of core/analysis/code-paths.ts (shared with `no-unpaired-context-attach`):
 * acquires and releases are recorded per segment while ESLint walks, and queried only when the
 * Program's code path ends. No hand-written control-flow walker: paths come from the segments'
 * `nextSegments` and the code path's `returnedSegments` / `thrownSegments`.
 *
 * Usage, inside a rule's `create`:
 *
 * ```ts
 * const pairing = createPairingTracker<Variable>({ onComplete: (result) => { .. } });
 * return {
 *   ...pairing.listeners,              // onCodePath* only: merge with your own node listeners
 *   VariableDeclarator(node) { if (isAcquire(node)) pairing.acquire(variable, node); },
 *   CallExpression(node) { if (isRelease(node)) pairing.release(variable, node); },
 * };
 * ```
 *
 * `acquire` and `release` must be called from node listeners (during the walk), so the tracker
 * knows which segments are current. A release recorded in another code path (a nested callback)
 * does not count for the path analysis; it is listed in `releasesElsewhere` so the caller can
 * decide (a span ended in a callback has been handed over).
 *
 * ESLint's code paths model explicit exits (`return`, `throw`, falling off the end) and, inside a
 * `try` block, the jump to `catch`/`finally`. They do not model a call that throws outside a
 * `try`: `findUnprotectedThrowingNodes` answers that question from the AST.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import type { FunctionNode } from '../../analysis/ast.js';
import { contains, isFunctionLike, walk } from '../../analysis/ast.js';
import { useSegmentRecorder } from '../../analysis/code-paths.js';
import type { RecordedCodePath } from '../../analysis/code-paths.js';

type CodePath = TSESLint.CodePath;
type CodePathSegment = TSESLint.CodePathSegment;

export interface PairingResult<Key> {
  key: Key;
  /** The node passed to `acquire`. */
  acquireNode: TSESTree.Node;
  /** Releases recorded in the acquiring code path. */
  releases: TSESTree.Node[];
  /** Releases recorded in other code paths (nested functions). */
  releasesElsewhere: TSESTree.Node[];
  /** Some path from the acquire leaves the function normally (return, end of body) without a release. */
  leaksOnReturn: boolean;
  /** Some path from the acquire leaves through an explicit `throw` without a release. */
  leaksOnThrow: boolean;
  /** The code path's function (or Program) node. */
  owner: TSESTree.Node | undefined;
}

export interface PairingTrackerOptions<Key> {
  /** The rule's context: the code-path recording is shared per file (core/analysis/code-paths.ts). */
  context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>;
  /** Called once per acquire when its code path ends. */
  onComplete(result: PairingResult<Key>): void;
}

export interface PairingTracker<Key> {
  /** Code-path listeners (only `onCodePath*` keys; none when another rule records this file): spread them into the rule's listener. */
  listeners: TSESLint.RuleListener;
  acquire(key: Key, node: TSESTree.Node): void;
  release(key: Key, node: TSESTree.Node): void;
  /**
   * Marks an explicit exit: call it from `ReturnStatement:exit` / `ThrowStatement:exit` (the
   * segment then current is the one the exit leaves). Only paths through a marked `throw` count as
   * `leaksOnThrow`, and a segment that is both returned and thrown counts as a return only on a
   * path through a marked `return` (see analyse).
   */
  exit(node: TSESTree.ReturnStatement | TSESTree.ThrowStatement): void;
}

type EventKind = 'acquire' | 'release';

export function createPairingTracker<Key>(options: PairingTrackerOptions<Key>): PairingTracker<Key> {
  /** What happened at each recorded node (a node may acquire one key and release another). */
  const events = new Map<TSESTree.Node, { kind: EventKind; key: Key }[]>();
  /** Releases by key, with the code path they were recorded in, to report `releasesElsewhere`. */
  const releasesByKey = new Map<Key, { node: TSESTree.Node; codePath: CodePath }[]>();
  /** Analysed when the Program's code path ends: `releasesElsewhere` needs every code path. */
  const finished: RecordedCodePath[] = [];
  /** The explicit exits marked with `exit`. */
  const exits = new Map<TSESTree.Node, 'return' | 'throw'>();
  /** The code paths an acquire was recorded in: only those have results (analyse reports per acquire). */
  const acquiring = new Set<CodePath>();

  const recorder = useSegmentRecorder(options.context, (recorded) => {
    // something to analyse in this code path: a code path with exits and releases only has no result
    if (acquiring.has(recorded.codePath)) finished.push(recorded);
    if (recorded.node.type !== AST_NODE_TYPES.Program) return;
    for (const done of finished) analyse(done);
    finished.length = 0;
  });

  function record(kind: EventKind, key: Key, node: TSESTree.Node): void {
    const currentCodePath = recorder.currentCodePath();
    if (!currentCodePath) return;
    if (kind === 'acquire') acquiring.add(currentCodePath);
    const list = events.get(node);
    if (list) list.push({ kind, key });
    else {
      events.set(node, [{ kind, key }]);
      recorder.record(node);
    }
    if (kind === 'release') {
      const entry = { node, codePath: currentCodePath };
      const known = releasesByKey.get(key);
      if (known) known.push(entry);
      else releasesByKey.set(key, [entry]);
    }
  }

  function analyse(recorded: RecordedCodePath): void {
    const returned = new Set(recorded.codePath.returnedSegments);
    const thrown = new Set(recorded.codePath.thrownSegments);
    /** Per segment: the explicit exit it ends with, and that exit's index there. */
    const exitAt = new Map<CodePathSegment, { kind: 'return' | 'throw'; index: number }>();
    /** Per key: the acquire node and, per segment holding it, its index there. */
    const acquires = new Map<Key, { node: TSESTree.Node; at: Map<CodePathSegment, number> }>();
    /** Per key: the release nodes, and per segment the indexes of its releases there. */
    const releases = new Map<Key, { nodes: Set<TSESTree.Node>; at: Map<CodePathSegment, number[]> }>();
    for (const segment of recorded.segments) {
      (recorded.nodesBySegment.get(segment.id) ?? []).forEach((node, index) => {
        const exit = exits.get(node);
        if (exit) exitAt.set(segment, { kind: exit, index });
        for (const event of events.get(node) ?? []) {
          if (event.kind === 'acquire') {
            let acquire = acquires.get(event.key);
            if (!acquire) acquires.set(event.key, (acquire = { node, at: new Map() }));
            acquire.at.set(segment, index);
          } else {
            let release = releases.get(event.key);
            if (!release) releases.set(event.key, (release = { nodes: new Set(), at: new Map() }));
            release.nodes.add(node);
            const indexes = release.at.get(segment);
            if (indexes) indexes.push(index);
            else release.at.set(segment, [index]);
          }
        }
      });
    }
    for (const [key, acquire] of acquires) {
      const release = releases.get(key);
      let leaksOnReturn = false;
      let leaksOnThrow = false;
      // Visited per way of leaving: `via` is the explicit exit the path has taken (a `finally`
      // block runs between it and the end of the code path), undefined on a path that has taken
      // none — a normal path, or an exception a code path models without a `throw`: the jump from
      // a call in a `try` block to its `catch`/`finally` and, in ESLint 10, from a `catch` to its
      // `finally`. Such an exception is a synchronous call that may throw, which the caller
      // reports from the AST (findUnprotectedThrowingNodes) when it asks for them: not a leak
      // here. A segment both returned and thrown (the `finally` that a return and an exception
      // both run through) is a return on a path through a `return` only.
      const seen = { none: new Set<CodePathSegment>(), return: new Set<CodePathSegment>(), throw: new Set<CodePathSegment>() };
      const visit = (segment: CodePathSegment, after: number | undefined, via: 'return' | 'throw' | undefined): void => {
        const visited = seen[via ?? 'none'];
        if (visited.has(segment) && after === undefined) return;
        visited.add(segment);
        const indexes = release?.at.get(segment);
        const releasedHere = indexes !== undefined && (after === undefined || indexes.some((index) => index > after));
        if (releasedHere) return;
        const exit = exitAt.get(segment);
        const leaving = exit !== undefined && (after === undefined || exit.index > after) ? exit.kind : via;
        const isReturned = returned.has(segment);
        const isThrown = thrown.has(segment);
        if (isReturned && (!isThrown || leaving === 'return')) leaksOnReturn = true;
        if (isThrown && leaving === 'throw') leaksOnThrow = true;
        for (const next of segment.nextSegments) visit(next, undefined, leaving);
      };
      for (const [segment, index] of acquire.at) visit(segment, index, undefined);
      options.onComplete({
        key,
        acquireNode: acquire.node,
        releases: [...(release?.nodes ?? [])],
        releasesElsewhere: (releasesByKey.get(key) ?? []).filter((r) => r.codePath !== recorded.codePath).map((r) => r.node),
        leaksOnReturn,
        leaksOnThrow,
        owner: recorded.node,
      });
    }
  }

  return {
    listeners: recorder.listeners,
    acquire: (key, node) => record('acquire', key, node),
    release: (key, node) => record('release', key, node),
    exit(node) {
      if (!recorder.currentCodePath() || exits.has(node)) return;
      exits.set(node, node.type === AST_NODE_TYPES.ReturnStatement ? 'return' : 'throw');
      if (!events.has(node)) recorder.record(node);
    },
  };
}

/** A node after which the function may not go on: a call or `new` that throws, an `await` that rejects, a `yield` the consumer never resumes. */
export type ThrowingNode = TSESTree.CallExpression | TSESTree.NewExpression | TSESTree.AwaitExpression | TSESTree.YieldExpression;

/**
 * Nodes that may throw (or, for `await` / `yield`, not resume) between `from` (exclusive) and the last of `until` (inclusive), inside
 * `fn`'s own body (nested functions are not entered, unless `enters` says so), that no `try` protects: a `try` protects
 * its `block` when its `finally` (or its `catch`) contains one of `until`. `isSafe` excludes nodes
 * known not to throw (calls on the resource itself, the OpenTelemetry API).
 */
export function findUnprotectedThrowingNodes(
  fn: FunctionNode | TSESTree.Program,
  from: TSESTree.Node,
  until: readonly TSESTree.Node[],
  isSafe: (node: ThrowingNode) => boolean,
  /** Nested functions to walk into: callbacks that run at once (`context.with(ctx, fn)`, `startActiveSpan`; strict). */
  enters?: (nested: FunctionNode) => boolean,
): ThrowingNode[] {
  const end = Math.max(...until.map((n) => n.range[1]));
  const protectors: TSESTree.Node[] = [];
  const found: ThrowingNode[] = [];
  const body = fn.type === AST_NODE_TYPES.Program ? fn : fn.body;
  walk(body, (node) => {
    if (node !== body && isFunctionLike(node) && !enters?.(node)) return false;
    if (node.range[1] <= from.range[1] || node.range[0] >= end) return node.range[0] < end && node.range[1] > from.range[1];
    if (node.type === AST_NODE_TYPES.TryStatement) {
      const releasing = [node.finalizer, node.handler].some((part) => part && until.some((u) => contains(part, u)));
      if (releasing) protectors.push(node.block);
    }
    if (
      (node.type === AST_NODE_TYPES.CallExpression ||
        node.type === AST_NODE_TYPES.NewExpression ||
        node.type === AST_NODE_TYPES.AwaitExpression ||
        node.type === AST_NODE_TYPES.YieldExpression) &&
      contains(from, node) === false &&
      !until.some((u) => contains(u, node)) &&
      !isSafe(node) &&
      !protectors.some((p) => contains(p, node))
    ) {
      found.push(node);
    }
    return true;
  });
  return found;
}
