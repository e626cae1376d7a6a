#!/usr/bin/env node
// Scaffold for a new rule: `npm run new-rule -- <rule-name> [--fixable] [--root <dir>]`.
//
// Creates the rule, its detector, its RuleTester file and (with --fixable) its codemod; registers
// the rule in rules/index.ts and core/triggers.ts; and writes the doc page and the fixture folder
// as TEMPLATES marked `TODO(new-rule)`. The suite fails for the rule until those templates are
// replaced by a real doc and real fixtures (tests/support/rule-files.ts, checked by
// tests/plugin.test.ts; tests/new-rule.test.ts proves that on a scaffolded copy). See CONTRIBUTING.md.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TODO_MARKER = 'TODO(new-rule)';

const pascal = (name) => name.replace(/(^|-)([a-z0-9])/g, (_m, _d, c) => c.toUpperCase());
const camel = (name) => name.replace(/-([a-z0-9])/g, (_m, c) => c.toUpperCase());

function usage(message) {
  process.stderr.write(`${message}\nusage: npm run new-rule -- <rule-name> [--fixable] [--root <dir>]\n`);
  process.exit(2);
}

/** Inserts `line` into the block between `startMarker` and `endMarker`, keeping entries sorted by text. */
function insertSorted(text, startMarker, endMarker, line, file) {
  const start = text.indexOf(startMarker);
  const end = start === -1 ? -1 : text.indexOf(endMarker, start + startMarker.length);
  if (start === -1 || end === -1) throw new Error(`${file}: cannot find where to register the rule (${JSON.stringify(startMarker)})`);
  const bodyStart = start + startMarker.length;
  const lines = text.slice(bodyStart, end).split('\n');
  const entryLines = lines.filter((l) => l.trim() !== '');
  const index = entryLines.findIndex((l) => l.trim() > line.trim() && !l.trim().startsWith('//'));
  const anchor = index === -1 ? undefined : entryLines[index];
  const body = text.slice(bodyStart, end);
  const newBody = anchor === undefined ? `${body.replace(/\n*$/, '')}\n${line}\n` : body.replace(`${anchor}\n`, `${line}\n${anchor}\n`);
  return text.slice(0, bodyStart) + newBody + text.slice(end);
}

export function scaffoldRule(root, name, { fixable = false } = {}) {
  if (!/^(no|require|prefer|enforce)-[a-z0-9]+(-[a-z0-9]+)*$/.test(name)) {
    throw new Error(`rule names are kebab-case and start with no-, require-, prefer- or enforce-: ${name}`);
  }
  const Name = pascal(name);
  const files = {
    [`core/detectors/${name}.ts`]: `/**
 * Detector for \`${name}\`: ${TODO_MARKER}: what loses (or wrongly keeps) the trace context, under
 * which context managers (cite the scenarios of docs/runtime-semantics.md), and what the fix does.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { getOtelApi } from '../analysis/otel-api.js';
import type { Finding } from '../findings.js';
import { fileMayContainFinding } from '../triggers.js';

export type ${Name}MessageId = 'todo';

export function create${Name}Detector(
  context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>,
  onFinding: (finding: Finding<${Name}MessageId>) => void,
): TSESLint.RuleListener {
  if (!fileMayContainFinding(context, '${name}')) return {};
  const api = getOtelApi(context);
  return {
    CallExpression(node: TSESTree.CallExpression) {
      // ${TODO_MARKER}: ask core/analysis (api, useFileAnalysis, ..) and report what is wrong.
      if (api.calleePath(node) === undefined) return;
      if (node.arguments.length < 0) onFinding({ messageId: 'todo', data: {}, node });
    },
  };
}
`,
    [`rules/${name}.ts`]: `import { create${Name}Detector } from '../core/detectors/${name}.js';
import type { ${Name}MessageId } from '../core/detectors/${name}.js';
import { createRule, reportFinding } from './create-rule.js';

export type Options = [];
export type MessageId = ${Name}MessageId;

export default createRule<Options, MessageId>({
  name: '${name}',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow ${TODO_MARKER} describe the defect',
      recommended: false,
    },${fixable ? "\n    fixable: 'code'," : ''}
    schema: [],
    messages: {
      todo: '${TODO_MARKER}: say what loses the context and how to fix it.',
    },
  },
  create(context) {
    return create${Name}Detector(context, (finding) => reportFinding(context, finding));
  },
});
`,
    [`tests/rules/${name}.test.ts`]: `import rule from '../../rules/${name}.js';
import { createRuleTester } from '../rule-tester.js';

const ruleTester = createRuleTester();

// ${TODO_MARKER}: invalid cases with positions, data and fix output; valid near misses.
ruleTester.run('${name}', rule, {
  valid: [{ name: 'a file without OpenTelemetry', code: 'setTimeout(() => {}, 1);' }],
  invalid: [],
});
`,
    [`docs/rules/${name}.md`]: `# otel-context/${name}

<!-- end auto-generated rule header -->

${TODO_MARKER}: what the rule finds, per context manager, with the scenario numbers of
docs/runtime-semantics.md. Run \`npm run update:eslint-docs\` to generate the header.

## Examples

\`\`\`ts incorrect
// ${TODO_MARKER}
\`\`\`

\`\`\`ts correct
// ${TODO_MARKER}
\`\`\`

## Options

## When Not To Use It
${fixable ? `
## Codemod

\`\`\`sh
npx otel-context-codemod ${name} src/
\`\`\`
` : ''}
## Out of Scope
`,
    [`fixtures/${name}/${TODO_MARKER.replace(/\W+/g, '-')}case.input.ts`]: `// ${TODO_MARKER}: a realistic program with the defect; export async function scenario() for the runtime proof.\n`,
    [`fixtures/${name}/valid/${TODO_MARKER.replace(/\W+/g, '-')}near-miss.ts`]: `// ${TODO_MARKER}: a near miss the rule must not report.\n`,
  };
  if (fixable) {
    files[`codemods/${name}.ts`] = `import { createCodemod } from './create-codemod.js';

/** jscodeshift transform: the \`${name}\` autofix (see docs/rules/${name}.md). */
export default createCodemod('${name}');
`;
  }
  for (const path of Object.keys(files)) {
    if (existsSync(join(root, path))) throw new Error(`${path} exists already: is ${name} scaffolded?`);
  }
  const registry = join(root, 'rules/index.ts');
  const triggers = join(root, 'core/triggers.ts');
  let registryText = readFileSync(registry, 'utf8');
  registryText = insertSorted(registryText, '', "\n\n/**", `import ${camel(name)} from './${name}.js';`, 'rules/index.ts');
  registryText = insertSorted(registryText, 'export const rules = {\n', '};', `  '${name}': ${camel(name)},`, 'rules/index.ts');
  let triggersText = readFileSync(triggers, 'utf8');
  triggersText = insertSorted(triggersText, 'export const RULE_TRIGGERS = {\n', '} as const', `  '${name}': TRACED_CODE, // ${TODO_MARKER}: narrower trigger words if the findings always contain one`, 'core/triggers.ts');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  writeFileSync(registry, registryText);
  writeFileSync(triggers, triggersText);
  return [...Object.keys(files), 'rules/index.ts', 'core/triggers.ts'];
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const rootIndex = args.indexOf('--root');
  const root = rootIndex === -1 ? fileURLToPath(new URL('..', import.meta.url)) : resolve(args[rootIndex + 1] ?? usage('--root needs a directory'));
  const positional = args.filter((a, i) => !a.startsWith('--') && (rootIndex === -1 || i !== rootIndex + 1));
  if (positional.length !== 1) usage('give exactly one rule name');
  try {
    const written = scaffoldRule(root, positional[0], { fixable: args.includes('--fixable') });
    process.stdout.write(`${written.map((p) => `  ${p}`).join('\n')}\n\nNext: replace every ${TODO_MARKER} (CONTRIBUTING.md, "Adding a rule"). The suite fails for the rule until its doc and fixtures are real.\n`);
  } catch (error) {
    process.stderr.write(`new-rule: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
