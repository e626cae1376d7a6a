/**
 * Importing `AsyncResource` from `node:async_hooks` for a fix in code with no tracing (issue 11,
 * family 5): what libraries ship to keep their caller's async context, with no OpenTelemetry
 * dependency. Reuses an existing binding, extends an existing `node:async_hooks` import or
 * `require`, or adds one in the file's module style.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import type { Edit } from '../findings.js';
import { findImportAnchor } from './api-imports.js';
import { getDeclaredNames } from './names.js';

const ASYNC_HOOKS = new Set(['node:async_hooks', 'async_hooks']);

/**
 * How to refer to `AsyncResource` of `node:async_hooks` anywhere in the file, and the edits that
 * import it: an existing binding (named import, namespace import, `require` pattern), else an
 * added specifier or property in an existing `node:async_hooks` import or `require`, else a new
 * statement in the file's module style (`import { AsyncResource } from 'node:async_hooks';` or
 * `const { AsyncResource } = require('node:async_hooks');`), under an alias when the name is taken.
 */
export function ensureAsyncResource(sourceCode: Readonly<TSESLint.SourceCode>, isEsm: boolean): { name: string; edits: Edit[] } {
  const program = sourceCode.ast;
  let namedImport: TSESTree.ImportDeclaration | undefined;
  let pattern: TSESTree.ObjectPattern | undefined;
  for (const statement of program.body) {
    if (statement.type === AST_NODE_TYPES.ImportDeclaration && ASYNC_HOOKS.has(statement.source.value) && statement.importKind !== 'type') {
      for (const specifier of statement.specifiers) {
        if (specifier.type === AST_NODE_TYPES.ImportNamespaceSpecifier) return { name: `${specifier.local.name}.AsyncResource`, edits: [] };
        if (specifier.type === AST_NODE_TYPES.ImportSpecifier && specifier.importKind !== 'type') {
          const imported = specifier.imported.type === AST_NODE_TYPES.Identifier ? specifier.imported.name : specifier.imported.value;
          if (imported === 'AsyncResource') return { name: specifier.local.name, edits: [] };
        }
      }
      if (statement.specifiers.every((s) => s.type === AST_NODE_TYPES.ImportSpecifier)) namedImport ??= statement;
    }
    if (statement.type === AST_NODE_TYPES.VariableDeclaration) {
      for (const declarator of statement.declarations) {
        const init = declarator.init;
        if (
          init?.type !== AST_NODE_TYPES.CallExpression ||
          init.callee.type !== AST_NODE_TYPES.Identifier ||
          init.callee.name !== 'require' ||
          init.arguments[0]?.type !== AST_NODE_TYPES.Literal ||
          !ASYNC_HOOKS.has(String(init.arguments[0].value))
        ) {
          continue;
        }
        if (declarator.id.type === AST_NODE_TYPES.Identifier) return { name: `${declarator.id.name}.AsyncResource`, edits: [] };
        if (declarator.id.type !== AST_NODE_TYPES.ObjectPattern) continue;
        for (const property of declarator.id.properties) {
          if (property.type !== AST_NODE_TYPES.Property || property.computed || property.key.type !== AST_NODE_TYPES.Identifier) continue;
          if (property.key.name === 'AsyncResource' && property.value.type === AST_NODE_TYPES.Identifier) return { name: property.value.name, edits: [] };
        }
        pattern ??= declarator.id;
      }
    }
  }
  const declared = getDeclaredNames(sourceCode);
  let local = 'AsyncResource';
  for (let i = 1; declared.has(local); i++) local = i === 1 ? 'NodeAsyncResource' : `NodeAsyncResource${i}`;
  const importSpec = local === 'AsyncResource' ? local : `AsyncResource as ${local}`;
  const requireSpec = local === 'AsyncResource' ? local : `AsyncResource: ${local}`;
  const lastSpecifier = namedImport?.specifiers.at(-1);
  if (lastSpecifier) return { name: local, edits: [{ range: [lastSpecifier.range[1], lastSpecifier.range[1]], text: `, ${importSpec}` }] };
  const lastProperty = pattern?.properties.at(-1);
  if (lastProperty?.type === AST_NODE_TYPES.Property) {
    return { name: local, edits: [{ range: [lastProperty.range[1], lastProperty.range[1]], text: `, ${requireSpec}` }] };
  }
  const statement = isEsm ? `import { ${importSpec} } from 'node:async_hooks';` : `const { ${requireSpec} } = require('node:async_hooks');`;
  const anchor = findImportAnchor(program);
  if (anchor) return { name: local, edits: [{ range: [anchor.range[1], anchor.range[1]], text: `\n${statement}` }] };
  const first = program.body[0];
  if (first) return { name: local, edits: [{ range: [first.range[0], first.range[0]], text: `${statement}\n` }] };
  return { name: local, edits: [{ range: [program.range[1], program.range[1]], text: `${statement}\n` }] };
}
