/**
 * Line diffs between a file on disk and the codemod's output: a unified diff for `--print`, and a
 * map from output lines back to the lines on disk, so that a dry run reports positions in the file
 * as it is (the output was never written).
 */

/** Pairs of equal lines (index in `a`, index in `b`), in order: a longest common subsequence of the changed middle. */
function matchLines(a: readonly string[], b: readonly string[]): Array<[number, number]> {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < start; i++) pairs.push([i, i]);
  const n = endA - start;
  const m = endB - start;
  // The codemod's edits are small: a quadratic LCS over the changed middle is enough; beyond
  // this size the middle is treated as replaced wholesale.
  if (n > 0 && m > 0 && n * m <= 4_000_000) {
    const table = new Uint32Array((n + 1) * (m + 1));
    const at = (i: number, j: number) => i * (m + 1) + j;
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        table[at(i, j)] =
          a[start + i] === b[start + j] ? (table[at(i + 1, j + 1)] ?? 0) + 1 : Math.max(table[at(i + 1, j)] ?? 0, table[at(i, j + 1)] ?? 0);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n && j < m) {
      if (a[start + i] === b[start + j]) {
        pairs.push([start + i, start + j]);
        i++;
        j++;
      } else if ((table[at(i + 1, j)] ?? 0) >= (table[at(i, j + 1)] ?? 0)) i++;
      else j++;
    }
  }
  for (let k = 0; k < a.length - endA; k++) pairs.push([endA + k, endB + k]);
  return pairs;
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * Maps a 1-based line of `after` to the 1-based line of `before` it came from: the same line when
 * it is unchanged, else the first line of the changed block it sits in.
 */
export function lineMapper(before: string, after: string): (line: number) => number {
  const pairs = matchLines(splitLines(before), splitLines(after));
  const byAfter = new Map<number, number>();
  for (const [i, j] of pairs) byAfter.set(j, i);
  return (line) => {
    const index = line - 1;
    const same = byAfter.get(index);
    if (same !== undefined) return same + 1;
    // the nearest unchanged line above, plus one: where the changed block starts in `before`
    let previous = -1;
    for (const [i, j] of pairs) {
      if (j >= index) break;
      previous = i;
    }
    return previous + 2;
  };
}

/** A unified diff (`diff -u` style, 3 lines of context) from `before` to `after`, labelled with `path`. */
export function unifiedDiff(path: string, before: string, after: string, context = 3): string {
  const a = splitLines(before);
  const b = splitLines(after);
  const pairs = matchLines(a, b);
  // The edit script as a sequence of ops.
  type Op = { kind: ' ' | '-' | '+'; text: string; ai: number; bi: number };
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  for (const [pi, pj] of [...pairs, [a.length, b.length] as [number, number]]) {
    while (i < pi) ops.push({ kind: '-', text: a[i] ?? '', ai: i++, bi: j });
    while (j < pj) ops.push({ kind: '+', text: b[j] ?? '', ai: i, bi: j++ });
    if (pi < a.length && pj < b.length) ops.push({ kind: ' ', text: a[i] ?? '', ai: i++, bi: j++ });
  }
  const out = [`--- a/${path}`, `+++ b/${path}`];
  let k = 0;
  while (k < ops.length) {
    if (ops[k]?.kind === ' ') {
      k++;
      continue;
    }
    // a hunk: from `context` lines before this change to `context` lines after the last change within reach
    const from = Math.max(0, k - context);
    let to = k;
    let lastChange = k;
    while (to < ops.length) {
      if (ops[to]?.kind !== ' ') lastChange = to;
      else if (to - lastChange > 2 * context) break;
      to++;
    }
    const end = Math.min(ops.length, lastChange + context + 1);
    const hunk = ops.slice(from, end);
    const first = hunk[0];
    const aCount = hunk.filter((op) => op.kind !== '+').length;
    const bCount = hunk.filter((op) => op.kind !== '-').length;
    const aStart = first ? (aCount === 0 ? first.ai : first.ai + 1) : 0;
    const bStart = first ? (bCount === 0 ? first.bi : first.bi + 1) : 0;
    out.push(`@@ -${aStart},${aCount} +${bStart},${bCount} @@`);
    for (const op of hunk) out.push(`${op.kind}${op.text}`);
    k = end;
  }
  return `${out.join('\n')}\n`;
}
