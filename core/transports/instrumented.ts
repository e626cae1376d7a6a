/**
 * The brokers a file instruments itself: it imports an instrumentation package, or one of the
 * official instrumentation classes by name (both listed in the transport records).
 */
import type { TSESLint } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { getPropertyName, getRequireSource, importedName, walk } from '../analysis/ast.js';
import { INSTRUMENTATION_CLASSES, INSTRUMENTATION_MODULES } from './records.js';
import type { InstrumentableTransport } from './records.js';

const INSTRUMENTATION_TRIGGERS = [...Object.keys(INSTRUMENTATION_MODULES), ...Object.keys(INSTRUMENTATION_CLASSES)];
const NO_TRANSPORTS: ReadonlySet<InstrumentableTransport> = new Set();
const instrumentedCache = new WeakMap<object, ReadonlySet<InstrumentableTransport>>();

/**
 * The transports that the file itself instruments: it imports (ESM `import`, `import x =
 * require(..)`, `require(..)` or `import(..)`) an instrumentation package, or one of the official
 * instrumentation classes by name. A type-only import sets nothing up and does not count. Once per file.
 */
export function getFileInstrumentedTransports(sourceCode: Readonly<TSESLint.SourceCode>): ReadonlySet<InstrumentableTransport> {
  const cached = instrumentedCache.get(sourceCode.ast);
  if (cached) return cached;
  const text = sourceCode.text;
  if (!INSTRUMENTATION_TRIGGERS.some((trigger) => text.includes(trigger))) {
    instrumentedCache.set(sourceCode.ast, NO_TRANSPORTS);
    return NO_TRANSPORTS;
  }
  const found = new Set<InstrumentableTransport>();
  const addModule = (source: unknown): void => {
    if (typeof source !== 'string') return;
    for (const [module, transports] of Object.entries(INSTRUMENTATION_MODULES)) {
      if (source === module || source.startsWith(`${module}/`)) transports.forEach((transport) => found.add(transport));
    }
  };
  const addName = (name: string): void => {
    const transport = INSTRUMENTATION_CLASSES[name];
    if (transport) found.add(transport);
  };
  walk(sourceCode.ast, (node) => {
    switch (node.type) {
      case AST_NODE_TYPES.ImportDeclaration: {
        if (node.importKind === 'type') return false;
        const values = node.specifiers.filter((s) => s.type !== AST_NODE_TYPES.ImportSpecifier || s.importKind !== 'type');
        if (node.specifiers.length > 0 && values.length === 0) return false;
        addModule(node.source.value);
        for (const specifier of values) {
          if (specifier.type === AST_NODE_TYPES.ImportSpecifier) addName(importedName(specifier));
        }
        return false;
      }
      case AST_NODE_TYPES.TSImportEqualsDeclaration:
        if (node.importKind !== 'type' && node.moduleReference.type === AST_NODE_TYPES.TSExternalModuleReference) {
          addModule(node.moduleReference.expression.value);
        }
        return false;
      case AST_NODE_TYPES.ImportExpression:
        if (node.source.type === AST_NODE_TYPES.Literal) addModule(node.source.value);
        return true;
      case AST_NODE_TYPES.CallExpression: {
        const source = getRequireSource(node);
        if (source === undefined) return true;
        addModule(source);
        const parent = node.parent;
        if (parent.type === AST_NODE_TYPES.VariableDeclarator && parent.init === node && parent.id.type === AST_NODE_TYPES.ObjectPattern) {
          for (const property of parent.id.properties) {
            if (property.type === AST_NODE_TYPES.Property && !property.computed && property.key.type === AST_NODE_TYPES.Identifier) {
              addName(property.key.name);
            }
          }
        } else if (parent.type === AST_NODE_TYPES.MemberExpression && parent.object === node) {
          const name = getPropertyName(parent);
          if (name !== undefined) addName(name);
        }
        return true;
      }
      default:
        return true;
    }
  });
  const result = found.size > 0 ? found : NO_TRANSPORTS;
  instrumentedCache.set(sourceCode.ast, result);
  return result;
}
