/** Parses the fenced example blocks of a rule doc: ```ts incorrect settings='{..}' options='[..]'. */
export interface DocBlock {
  kind: 'incorrect' | 'correct';
  lang: string;
  code: string;
  line: number;
  settings?: Record<string, unknown>;
  options?: unknown[];
}

export function parseDocBlocks(markdown: string): DocBlock[] {
  const blocks: DocBlock[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w+)\s+(incorrect|correct)\b(.*)$/.exec(lines[i] ?? '');
    if (!open) continue;
    const [, lang = 'ts', kind, rest = ''] = open;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== '```'; i++) body.push(lines[i] ?? '');
    const settings = /settings='([^']*)'/.exec(rest)?.[1];
    const options = /options='([^']*)'/.exec(rest)?.[1];
    blocks.push({
      kind: kind as DocBlock['kind'],
      lang,
      code: `${body.join('\n')}\n`,
      line: start + 1,
      ...(settings ? { settings: JSON.parse(settings) as Record<string, unknown> } : {}),
      ...(options ? { options: JSON.parse(options) as unknown[] } : {}),
    });
  }
  return blocks;
}
