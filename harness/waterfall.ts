/**
 * Text waterfall of a CapturedTrace, in the spirit of Jaeger's timeline view: one tree per root
 * span, children indented under their parent, a start offset relative to the capture's first
 * span and a bar scaled to the capture's whole time range. No absolute timestamps or ids.
 */
import type { CapturedSpan, CapturedTrace } from './types.js';

export interface WaterfallOptions {
  /** Width of the duration bar in characters. Default 40. */
  barWidth?: number;
}

const ms = (value: number): string => `${value.toFixed(1)}ms`;

interface Row {
  label: string;
  offset: string;
  bar: string;
  tail: string;
}

function heading(index: number, root: CapturedSpan, finished: boolean): string {
  const what = root.parentSpanId === undefined ? 'root' : 'orphan';
  const notes = [
    ...(root.parentSpanId === undefined ? [] : ['its parent span is not in the capture']),
    ...(finished ? [] : ['unfinished']),
  ];
  return `trace ${index} (${what}: ${root.name}${notes.length > 0 ? `; ${notes.join('; ')}` : ''})`;
}

/** Renders `trace` as a multi-line text waterfall. */
export function renderWaterfall(trace: CapturedTrace, options: WaterfallOptions = {}): string {
  const width = Math.max(10, options.barWidth ?? 40);
  const unfinished = new Set(trace.unfinished);
  const all = [...trace.spans, ...trace.unfinished].sort((a, b) => a.startOrder - b.startOrder);
  const header = `captured under ${trace.contextManager}: ${trace.spans.length} finished span${trace.spans.length === 1 ? '' : 's'}` +
    (trace.unfinished.length > 0 ? `, ${trace.unfinished.length} unfinished` : '');
  const lines = [header];
  if (all.length === 0) lines.push('  (no spans captured)');

  const ids = new Set(all.map((s) => s.spanId));
  const children = new Map<string, CapturedSpan[]>();
  const tops: CapturedSpan[] = [];
  for (const span of all) {
    if (span.parentSpanId !== undefined && ids.has(span.parentSpanId)) {
      const list = children.get(span.parentSpanId) ?? [];
      list.push(span);
      children.set(span.parentSpanId, list);
    } else {
      tops.push(span);
    }
  }

  const t0 = Math.min(...all.map((s) => s.startTime));
  const tEnd = Math.max(...all.map((s) => s.endTime ?? s.startTime));
  const total = Math.max(tEnd - t0, 0.001);
  const column = (t: number): number => Math.round(((t - t0) / total) * width);

  const rowsOf = (span: CapturedSpan, depth: number, rows: Row[]): Row[] => {
    const open = unfinished.has(span);
    const start = Math.min(column(span.startTime), width - 1);
    const end = open ? width : Math.max(start + 1, Math.min(column(span.endTime ?? span.startTime), width));
    const bar = ' '.repeat(start) + (open ? '░' : '█').repeat(end - start) + ' '.repeat(width - end);
    const status = span.status.code === 'ERROR' ? `  ERROR${span.status.message ? ` ${span.status.message}` : ''}` : '';
    rows.push({
      label: `${'  '.repeat(depth + 1)}${span.name}`,
      offset: `+${ms(span.startTime - t0)}`,
      bar,
      tail: (open ? 'unfinished' : ms(span.duration ?? 0)) + status,
    });
    for (const child of children.get(span.spanId) ?? []) rowsOf(child, depth + 1, rows);
    return rows;
  };

  const trees = tops.map((root) => ({ root, rows: rowsOf(root, 0, []) }));
  const rows = trees.flatMap((t) => t.rows);
  const labelWidth = Math.max(0, ...rows.map((r) => r.label.length));
  const offsetWidth = Math.max(0, ...rows.map((r) => r.offset.length));
  trees.forEach(({ root, rows: treeRows }, i) => {
    lines.push(heading(i + 1, root, !unfinished.has(root)));
    for (const r of treeRows) {
      lines.push(`${r.label.padEnd(labelWidth)}  ${r.offset.padStart(offsetWidth)}  |${r.bar}|  ${r.tail}`);
    }
  });

  if (trace.unhandledRejections.length > 0) {
    lines.push('unhandled rejections:', ...trace.unhandledRejections.map((r) => `  ${r}`));
  }
  if (trace.timedOut) lines.push('timed out: spans kept starting or ending until timeoutMs (recurring work?)');
  return lines.join('\n');
}
