/**
 * A minimal character diff (Myers' O((N+M)D) algorithm, trace kept compact: O(D²) memory) for
 * checking that a rewrite kept the text outside its edits.
 */

/** The edit script from `a` to `b` as positions in `a`: each deleted character, and each place where text is inserted. */
export interface EditPoints {
  /** Offsets in `a` of deleted characters. */
  deleted: number[];
  /** Offsets in `a` before which text of `b` is inserted (may equal `a.length`). */
  inserted: number[];
}

/** Beyond this many edited characters the diff gives up (the caller treats the whole middle as edited). */
const MAX_EDITS = 5_000;

export function editPoints(a: string, b: string): EditPoints {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const n = endA - start;
  const m = endB - start;
  const deleted: number[] = [];
  const inserted: number[] = [];
  if (n === 0 && m === 0) return { deleted, inserted };
  if (n === 0 || m === 0) {
    for (let i = start; i < endA; i++) deleted.push(i);
    if (m > 0) inserted.push(start);
    return { deleted, inserted };
  }
  const at = (s: string, offset: number, i: number) => s.charCodeAt(offset + i);

  // traces[d][k + d] = furthest x on diagonal k after d edits.
  const traces: Int32Array[] = [];
  let done = false;
  for (let d = 0; d <= n + m && !done; d++) {
    if (d > MAX_EDITS) {
      for (let i = start; i < endA; i++) deleted.push(i);
      inserted.push(start);
      return { deleted, inserted };
    }
    const prev = traces[d - 1];
    const cur = new Int32Array(2 * d + 1);
    for (let k = -d; k <= d; k += 2) {
      let x: number;
      if (d === 0 || prev === undefined) x = 0;
      else if (k === -d || (k !== d && (prev[k - 1 + d - 1] ?? 0) < (prev[k + 1 + d - 1] ?? 0))) x = prev[k + 1 + d - 1] ?? 0;
      else x = (prev[k - 1 + d - 1] ?? 0) + 1;
      let y = x - k;
      while (x < n && y < m && at(a, start, x) === at(b, start, y)) {
        x++;
        y++;
      }
      cur[k + d] = x;
      if (x >= n && y >= m) {
        done = true;
        break;
      }
    }
    traces.push(cur);
  }

  let x = n;
  let y = m;
  for (let d = traces.length - 1; d >= 1; d--) {
    const prev = traces[d - 1] as Int32Array;
    const k = x - y;
    const down = k === -d || (k !== d && (prev[k - 1 + d - 1] ?? 0) < (prev[k + 1 + d - 1] ?? 0));
    const prevK = down ? k + 1 : k - 1;
    const prevX = prev[prevK + d - 1] ?? 0;
    const prevY = prevX - prevK;
    if (down) inserted.push(start + prevX);
    else deleted.push(start + prevX);
    x = prevX;
    y = prevY;
  }
  deleted.sort((p, q) => p - q);
  inserted.sort((p, q) => p - q);
  return { deleted, inserted };
}

/** 1-based line of `offset` in `text`, given the offsets of its newlines (sorted). */
export function lineAt(newlines: readonly number[], offset: number): number {
  let lo = 0;
  let hi = newlines.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((newlines[mid] ?? 0) < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo + 1;
}

export function newlineOffsets(text: string): number[] {
  const out: number[] = [];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) out.push(i);
  return out;
}
