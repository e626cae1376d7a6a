/**
 * Acquire/release pairing over ESLint's code-path analysis: is every resource acquired in a
 * function released on every path out of it? Used by `require-span-end` (span / `span.end()`);
 * generic on purpose, for any pairing a rule needs (`context.attach` / `token.dispose()`).
 *
 * The tracker follows unicorn's `track-branch-exits.js`: one state per code path on a stack,
 * filled while ESLint walks, queried only when the code path ends. No hand-written control-flow
 * walker: paths come from `codePath.initialSegment` / `nextSegments` / `returnedSegments` /
 * `thrownSegments`.
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
import type { FunctionNode } from './ast.js';
import { contains, isFunctionLike, walk } from './ast.js';

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
  /** Called once per acquire when its code path ends. */
  onComplete(result: PairingResult<Key>): void;
}

export interface PairingTracker<Key> {
  /** Code-path listeners (only `onCodePath*` keys): spread them into the rule's listener. */
  listeners: TSESLint.RuleListener;
  acquire(key: Key, node: TSESTree.Node): void;
  release(key: Key, node: TSESTree.Node): void;
}

interface Event<Key> {
  key: Key;
  node: TSESTree.Node;
  order: number;
  segments: CodePathSegment[];
}

interface PathState<Key> {
  codePath: CodePath;
  owner: TSESTree.Node | undefined;
  current: Set<CodePathSegment>;
  acquires: Event<Key>[];
  releases: Event<Key>[];
}

export function createPairingTracker<Key>(options: PairingTrackerOptions<Key>): PairingTracker<Key> {
  const stack: PathState<Key>[] = [];
  /** Releases by key across every code path, to report `releasesElsewhere` (a map: a file may hold thousands). */
  const allReleases = new Map<Key, { node: TSESTree.Node; codePath: CodePath }[]>();
  const finished: { state: PathState<Key> }[] = [];
  let order = 0;

  function top(): PathState<Key> | undefined {
    return stack.at(-1);
  }

  function record(list: 'acquires' | 'releases', key: Key, node: TSESTree.Node): void {
    const state = top();
    if (!state) return;
    const segments = [...state.current].filter((s) => s.reachable);
    state[list].push({ key, node, order: order++, segments });
    if (list === 'releases') {
      const entry = { node, codePath: state.codePath };
      const known = allReleases.get(key);
      if (known) known.push(entry);
      else allReleases.set(key, [entry]);
    }
  }

  function analyse(state: PathState<Key>): void {
    const returned = new Set(state.codePath.returnedSegments);
    const thrown = new Set(state.codePath.thrownSegments);
    const releasesByKey = new Map<Key, Event<Key>[]>();
    for (const release of state.releases) {
      const known = releasesByKey.get(release.key);
      if (known) known.push(release);
      else releasesByKey.set(release.key, [release]);
    }
    for (const acquire of state.acquires) {
      const releases = releasesByKey.get(acquire.key) ?? [];
      const releasingSegments = new Set<CodePathSegment>();
      for (const r of releases) for (const s of r.segments) releasingSegments.add(s);
      let leaksOnReturn = false;
      let leaksOnThrow = false;
      const seen = new Set<CodePathSegment>();
      const visit = (segment: CodePathSegment, first: boolean): void => {
        if (seen.has(segment) && !first) return;
        seen.add(segment);
        const releasedHere = first
          ? releases.some((r) => r.order > acquire.order && r.segments.includes(segment))
          : releasingSegments.has(segment);
        if (releasedHere) return;
        if (returned.has(segment)) leaksOnReturn = true;
        if (thrown.has(segment)) leaksOnThrow = true;
        for (const next of segment.nextSegments) visit(next, false);
      };
      for (const segment of acquire.segments) visit(segment, true);
      options.onComplete({
        key: acquire.key,
        acquireNode: acquire.node,
        releases: releases.map((r) => r.node),
        releasesElsewhere: (allReleases.get(acquire.key) ?? []).filter((r) => r.codePath !== state.codePath).map((r) => r.node),
        leaksOnReturn,
        leaksOnThrow,
        owner: state.owner,
      });
    }
  }

  const listeners = {
    onCodePathStart(codePath: CodePath, node?: TSESTree.Node): void {
      stack.push({ codePath, owner: node, current: new Set(), acquires: [], releases: [] });
    },
    onCodePathEnd(): void {
      const state = stack.pop();
      // Analysed when the Program's code path ends: `releasesElsewhere` needs every code path.
      if (state) finished.push({ state });
      if (stack.length === 0) {
        for (const { state: done } of finished) analyse(done);
        finished.length = 0;
      }
    },
    onCodePathSegmentStart(segment: CodePathSegment): void {
      top()?.current.add(segment);
    },
    onCodePathSegmentEnd(segment: CodePathSegment): void {
      top()?.current.delete(segment);
    },
    onUnreachableCodePathSegmentStart(segment: CodePathSegment): void {
      top()?.current.add(segment);
    },
    onUnreachableCodePathSegmentEnd(segment: CodePathSegment): void {
      top()?.current.delete(segment);
    },
  };

  return {
    listeners: listeners as TSESLint.RuleListener,
    acquire: (key, node) => record('acquires', key, node),
    release: (key, node) => record('releases', key, node),
  };
}

/**
 * Nodes that may throw between `from` (exclusive) and the last of `until` (inclusive), inside
 * `fn`'s own body (nested functions are not entered), that no `try` protects: a `try` protects
 * its `block` when its `finally` (or its `catch`) contains one of `until`. `isSafe` excludes nodes
 * known not to throw (calls on the resource itself, the OpenTelemetry API).
 */
export function findUnprotectedThrowingNodes(
  fn: FunctionNode | TSESTree.Program,
  from: TSESTree.Node,
  until: readonly TSESTree.Node[],
  isSafe: (node: TSESTree.CallExpression | TSESTree.NewExpression | TSESTree.AwaitExpression) => boolean,
): TSESTree.Node[] {
  const end = Math.max(...until.map((n) => n.range[1]));
  const protectors: TSESTree.Node[] = [];
  const found: TSESTree.Node[] = [];
  const body = fn.type === AST_NODE_TYPES.Program ? fn : fn.body;
  walk(body, (node) => {
    if (node !== body && isFunctionLike(node)) return false;
    if (node.range[1] <= from.range[1] || node.range[0] >= end) return node.range[0] < end && node.range[1] > from.range[1];
    if (node.type === AST_NODE_TYPES.TryStatement) {
      const releasing = [node.finalizer, node.handler].some((part) => part && until.some((u) => contains(part, u)));
      if (releasing) protectors.push(node.block);
    }
    if (
      (node.type === AST_NODE_TYPES.CallExpression || node.type === AST_NODE_TYPES.NewExpression || node.type === AST_NODE_TYPES.AwaitExpression) &&
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
