/**
 * Code-path recording shared by the pairing rules: `require-span-end` (core/detectors/require-span-end/pairing.ts: is every
 * span ended on every path) and `no-unpaired-context-attach` (which attach tokens are still live
 * where a function ends, where an exception may leave it, or where a second `dispose()` runs;
 * whether an `await` happened before a given point).
 *
 * Built on ESLint's own code-path analysis (house style 8.1.7, unicorn
 * `track-branch-exits.js`): the recorder keeps, per code path, the reachable segments in creation
 * order and the interesting nodes evaluated in each segment (in traversal order). When the code
 * path ends, the caller interprets those nodes as events; {@link solveSegments} runs a forward
 * dataflow over the segment graph to a fixed point (loops included), then replays each segment
 * once with the final entry states so that findings are reported exactly once.
 *
 * States are bit sets, merged with OR at joins: a path-sensitive "may be" analysis.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';

type CodePath = TSESLint.CodePath;

const NO_NODES: TSESTree.Node[] = [];
type CodePathSegment = TSESLint.CodePathSegment;

export interface RecordedCodePath {
  codePath: CodePath;
  /** The function (or Program, class field initialiser, static block) the code path belongs to. */
  node: TSESTree.Node;
  /** Reachable segments in creation order. */
  segments: CodePathSegment[];
  /** Nodes recorded in each segment, in traversal order. */
  nodesBySegment: Map<string, TSESTree.Node[]>;
}

export interface SegmentRecorder {
  /** Code-path listeners to merge into the rule's listener object. */
  listeners: TSESLint.RuleListener;
  /** Appends `node` to every segment that is current in the innermost code path. */
  record(node: TSESTree.Node): void;
  /** The innermost code path being walked. */
  currentCodePath(): CodePath | undefined;
}

/**
 * Records nodes per code-path segment. `onEnd` runs when a code path ends, with everything
 * recorded in it (nested functions have code paths of their own).
 */
export function createSegmentRecorder(onEnd: (recorded: RecordedCodePath) => void): SegmentRecorder {
  interface Frame extends RecordedCodePath {
    current: Set<CodePathSegment>;
  }
  const stack: Frame[] = [];

  const listeners = {
    onCodePathStart(codePath: CodePath, node?: TSESTree.Node): void {
      if (!node) return;
      stack.push({ codePath, node, segments: [], nodesBySegment: new Map(), current: new Set() });
    },
    onCodePathEnd(): void {
      const frame = stack.pop();
      if (frame) onEnd(frame);
    },
    onCodePathSegmentStart(segment: CodePathSegment): void {
      const frame = stack.at(-1);
      if (!frame) return;
      frame.current.add(segment);
      if (!frame.nodesBySegment.has(segment.id)) {
        frame.segments.push(segment);
        // most segments record nothing: one shared empty list until the first node
        frame.nodesBySegment.set(segment.id, NO_NODES);
      }
    },
    onCodePathSegmentEnd(segment: CodePathSegment): void {
      stack.at(-1)?.current.delete(segment);
    },
  };

  return {
    listeners: listeners as unknown as TSESLint.RuleListener,
    record(node) {
      const frame = stack.at(-1);
      if (!frame) return;
      for (const segment of frame.current) {
        const nodes = frame.nodesBySegment.get(segment.id);
        if (nodes === NO_NODES) frame.nodesBySegment.set(segment.id, [node]);
        else nodes?.push(node);
      }
    },
    currentCodePath: () => stack.at(-1)?.codePath,
  };
}

/**
 * Forward dataflow over a recorded code path. `transfer(state, node, report)` maps the state
 * before `node` to the state after it; `report` is true only in the final replay, so a transfer
 * may emit findings then (each once). Returns the state at the end of every reachable segment.
 */
export function solveSegments(
  recorded: RecordedCodePath,
  initial: number,
  transfer: (state: number, node: TSESTree.Node, report: boolean) => number,
): Map<string, number> {
  const out = new Map<string, number>();
  const entry = (segment: CodePathSegment): number => {
    if (segment === recorded.codePath.initialSegment) return initial;
    let state = 0;
    for (const prev of segment.prevSegments) state |= out.get(prev.id) ?? 0;
    return state;
  };
  const run = (segment: CodePathSegment, report: boolean): number => {
    let state = entry(segment);
    for (const node of recorded.nodesBySegment.get(segment.id) ?? []) {
      if (state === 0) break;
      state = transfer(state, node, report);
    }
    return state;
  };
  // States only grow (OR at joins, monotone transfers), so this terminates.
  for (let changed = true; changed; ) {
    changed = false;
    for (const segment of recorded.segments) {
      const previous = out.get(segment.id) ?? 0;
      const merged = previous | run(segment, false);
      if (merged !== previous) {
        out.set(segment.id, merged);
        changed = true;
      }
    }
  }
  for (const segment of recorded.segments) run(segment, true);
  return out;
}

/** The state where the function completes normally (returns or falls off its end). */
export function stateAtReturn(recorded: RecordedCodePath, out: Map<string, number>): number {
  let state = 0;
  for (const segment of recorded.codePath.returnedSegments) state |= out.get(segment.id) ?? 0;
  return state;
}
