/** Applies a unified diff (as `otel-context-codemod --print` writes it) to `source`, checking every context and removed line. */
export function applyUnifiedDiff(source: string, diff: string): string {
  const input = source.split('\n');
  const trailing = input[input.length - 1] === '' ? input.pop() : undefined;
  const out: string[] = [];
  let cursor = 0;
  const lines = diff.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const header = /^@@ -(\d+),(\d+) \+\d+,\d+ @@$/.exec(lines[i] ?? '');
    if (!header) continue;
    const start = Number(header[1]) - (Number(header[2]) === 0 ? 0 : 1);
    while (cursor < start) out.push(input[cursor++] ?? '');
    for (i++; i < lines.length && /^[ +-]/.test(lines[i] ?? '') && !(lines[i] ?? '').startsWith('--- '); i++) {
      const line = lines[i] ?? '';
      const text = line.slice(1);
      if (line[0] === '+') out.push(text);
      else {
        if (input[cursor] !== text) throw new Error(`diff does not apply at line ${cursor + 1}: expected ${JSON.stringify(text)}, found ${JSON.stringify(input[cursor])}`);
        if (line[0] === ' ') out.push(text);
        cursor++;
      }
    }
    i--;
  }
  while (cursor < input.length) out.push(input[cursor++] ?? '');
  return out.join('\n') + (trailing !== undefined ? '\n' : '');
}
