/**
 * Making sure the `@opentelemetry/api` members a fix uses are imported: extending an existing
 * import or `require`, or adding one in the file's own module style, under a name that does not
 * collide.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import type { Edit } from '../findings.js';
import { OTEL_API_MODULE } from '../analysis/import-bindings.js';
import type { ApiMember, OtelApi } from '../analysis/otel-api.js';
import { firstFreeName, getDeclaredNames } from './names.js';

export interface ApiReferences {
  /** Expression text to use for each requested member (`context`, `api.context`, `otelContext`). */
  names: Record<ApiMember, string>;
  /** Edits that add the imports (empty when everything is imported already). */
  edits: Edit[];
}

const ALIASES: Record<ApiMember, string> = {
  context: 'otelContext',
  trace: 'otelTrace',
  propagation: 'otelPropagation',
  ROOT_CONTEXT: 'OTEL_ROOT_CONTEXT',
  SpanStatusCode: 'OtelSpanStatusCode',
};

function freeName(sourceCode: Readonly<TSESLint.SourceCode>, member: ApiMember): string {
  const declared = getDeclaredNames(sourceCode);
  if (!declared.has(member)) return member;
  return firstFreeName(ALIASES[member], (candidate) => !declared.has(candidate));
}

/**
 * Returns how to refer to each of `members` at any place in the file, and the import edits needed.
 * Prefers, in order: an existing binding; the namespace (`api.context`); adding to an existing
 * named import or `require` pattern; a new import statement in the file's module style.
 */
export function ensureApiMembers(
  sourceCode: Readonly<TSESLint.SourceCode>,
  api: OtelApi,
  members: readonly ApiMember[],
): ApiReferences {
  const names = {} as Record<ApiMember, string>;
  const missing: { member: ApiMember; local: string }[] = [];
  for (const member of members) {
    const existing = api.imports.memberNames.get(member);
    if (existing !== undefined) {
      names[member] = existing;
    } else if (api.imports.namespaceName !== undefined) {
      names[member] = `${api.imports.namespaceName}.${member}`;
    } else {
      const local = freeName(sourceCode, member);
      names[member] = local;
      missing.push({ member, local });
    }
  }
  if (missing.length === 0) return { names, edits: [] };

  const spec = (m: { member: ApiMember; local: string }, separator: string): string =>
    m.local === m.member ? m.member : `${m.member}${separator}${m.local}`;

  const namedImport = api.imports.namedImports[0];
  if (namedImport) {
    const specifiers = namedImport.specifiers.filter((s) => s.type === AST_NODE_TYPES.ImportSpecifier);
    const last = specifiers.at(-1);
    const text = missing.map((m) => spec(m, ' as ')).join(', ');
    if (last) return { names, edits: [{ range: [last.range[1], last.range[1]], text: `, ${text}` }] };
    // `import {} from '@opentelemetry/api'`
    const open = sourceCode.getFirstToken(namedImport, { filter: (t) => t.value === '{' });
    if (open) return { names, edits: [{ range: [open.range[1], open.range[1]], text: ` ${text} ` }] };
  }
  const pattern = api.imports.requirePatterns[0];
  if (pattern) {
    const last = pattern.properties.at(-1);
    const text = missing.map((m) => spec(m, ': ')).join(', ');
    if (last && last.type === AST_NODE_TYPES.Property) {
      return { names, edits: [{ range: [last.range[1], last.range[1]], text: `, ${text}` }] };
    }
  }

  const program = sourceCode.ast;
  const list = missing.map((m) => spec(m, api.isEsm ? ' as ' : ': ')).join(', ');
  const statement = api.isEsm
    ? `import { ${list} } from '${OTEL_API_MODULE}';`
    : `const { ${list} } = require('${OTEL_API_MODULE}');`;
  const anchor = findImportAnchor(program);
  if (anchor) return { names, edits: [{ range: [anchor.range[1], anchor.range[1]], text: `\n${statement}` }] };
  const first = program.body[0];
  if (first) {
    return { names, edits: [{ range: [first.range[0], first.range[0]], text: `${statement}\n` }] };
  }
  return { names, edits: [{ range: [program.range[1], program.range[1]], text: `${statement}\n` }] };
}

/** The last import / top-level `require` declaration / directive at the top of the file. */
function findImportAnchor(program: TSESTree.Program): TSESTree.Node | undefined {
  let anchor: TSESTree.Node | undefined;
  for (const statement of program.body) {
    if (statement.type === AST_NODE_TYPES.ImportDeclaration) {
      anchor = statement;
    } else if (
      statement.type === AST_NODE_TYPES.ExpressionStatement &&
      statement.directive !== undefined
    ) {
      anchor = statement;
    } else if (
      statement.type === AST_NODE_TYPES.VariableDeclaration &&
      statement.declarations.every(
        (d) =>
          d.init?.type === AST_NODE_TYPES.CallExpression &&
          d.init.callee.type === AST_NODE_TYPES.Identifier &&
          d.init.callee.name === 'require',
      )
    ) {
      anchor = statement;
    } else {
      break;
    }
  }
  return anchor;
}
