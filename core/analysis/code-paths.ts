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
  /** Code-path listeners to merge into the rule's listener object (empty for every caller of a file but the first). */
  listeners: TSESLint.RuleListener;
  /** Appends `node` to every segment that is current in the innermost code path. */
  record(node: TSESTree.Node): void;
  /** The innermost code path being walked. */
  currentCodePath(): CodePath | undefined;
}

interface Frame {
  codePath: CodePath;
  node: TSESTree.Node;
  /** Reachable segments in creation order (shared by every consumer). */
  segments: CodePathSegment[];
  /** Per consumer (by registration index): nodes recorded in each segment. */
  nodesBySegment: Map<string, TSESTree.Node[]>[];
  current: Set<CodePathSegment>;
}

/**
 * One recording per file, shared by every rule that asks: the segment bookkeeping runs in the
 * code-path listeners of the first rule that asks, and each consumer records its own nodes (with
 * `record`) into its own lists, then gets its `onEnd` call, in the order the consumers asked.
 */
interface SharedRecording {
  stack: Frame[];
  consumers: ((recorded: RecordedCodePath) => void)[];
  /** A code path has started: the recording is in use (or left over from an earlier run on the same AST). */
  started: boolean;
}

const recordings = new WeakMap<object, SharedRecording>();

/**
 * Records nodes per code-path segment for one consumer. `onEnd` runs when a code path ends, with
 * everything this consumer recorded in it (nested functions have code paths of their own).
 *
 * Every consumer of a file shares one segment bookkeeping: the first caller of a file gets the
 * code-path listeners (to merge into its rule's listeners), later callers get none — one set of
 * code-path listeners per file however many rules record (require-span-end and
 * no-unpaired-context-attach both do). Call it from a rule's `create`, before the traversal.
 */
export function useSegmentRecorder(
  context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>,
  onEnd: (recorded: RecordedCodePath) => void,
): SegmentRecorder {
  const ast = context.sourceCode.ast;
  let shared = recordings.get(ast);
  // All rules of a run call this before the traversal starts: a recording that has seen a code
  // path is left over from an earlier run on the same AST (a SourceCode linted again).
  const owner = shared === undefined || shared.started;
  if (owner) {
    shared = { stack: [], consumers: [], started: false };
    recordings.set(ast, shared);
  }
  const recording = shared as SharedRecording;
  const index = recording.consumers.length;
  recording.consumers.push(onEnd);
  const { stack } = recording;

  const listeners = {
    onCodePathStart(codePath: CodePath, node?: TSESTree.Node): void {
      recording.started = true;
      if (!node) return;
      stack.push({ codePath, node, segments: [], nodesBySegment: recording.consumers.map(() => new Map()), current: new Set() });
    },
    onCodePathEnd(): void {
      const frame = stack.pop();
      if (!frame) return;
      recording.consumers.forEach((consumer, i) => {
        consumer({ codePath: frame.codePath, node: frame.node, segments: frame.segments, nodesBySegment: frame.nodesBySegment[i] as Map<string, TSESTree.Node[]> });
      });
    },
    onCodePathSegmentStart(segment: CodePathSegment): void {
      const frame = stack.at(-1);
      if (!frame) return;
      frame.current.add(segment);
      const first = frame.nodesBySegment[0];
      if (first && !first.has(segment.id)) {
        frame.segments.push(segment);
        // most segments record nothing: one shared empty list until the first node
        for (const nodes of frame.nodesBySegment) nodes.set(segment.id, NO_NODES);
      }
    },
    onCodePathSegmentEnd(segment: CodePathSegment): void {
      stack.at(-1)?.current.delete(segment);
    },
  };

  return {
    listeners: owner ? (listeners as unknown as TSESLint.RuleListener) : {},
    record(node) {
      const frame = stack.at(-1);
      if (!frame) return;
      const bySegment = frame.nodesBySegment[index];
      if (!bySegment) return;
      for (const segment of frame.current) {
        const nodes = bySegment.get(segment.id);
        if (nodes === NO_NODES) bySegment.set(segment.id, [node]);
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
