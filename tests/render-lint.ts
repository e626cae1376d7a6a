import type { Linter } from 'eslint';

/**
 * Renders lint messages under the code they point at, with squiggles, the way
 * typescript-eslint's docs snapshots do: reviewable in a pull request.
 */
export function renderLintResults(code: string, messages: readonly Linter.LintMessage[]): string {
  const lines = code.split('\n');
  const out: string[] = [];
  const byEndLine = new Map<number, Linter.LintMessage[]>();
  for (const message of messages) {
    const endLine = message.endLine ?? message.line;
    const list = byEndLine.get(endLine) ?? [];
    list.push(message);
    byEndLine.set(endLine, list);
  }
  lines.forEach((text, index) => {
    const lineNumber = index + 1;
    out.push(text);
    for (const message of byEndLine.get(lineNumber) ?? []) {
      const startColumn = message.line === lineNumber ? message.column - 1 : 0;
      const endColumn = Math.max((message.endColumn ?? message.column + 1) - 1, startColumn + 1);
      const squiggle = `${' '.repeat(startColumn)}${'~'.repeat(endColumn - startColumn)}`;
      const fixable = message.fix ? ' [fixable]' : message.suggestions?.length ? ' [suggestions]' : '';
      out.push(`${squiggle} ${message.messageId ?? message.ruleId ?? 'error'}${fixable}: ${message.message}`);
    }
  });
  return out.join('\n');
}
