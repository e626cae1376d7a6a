/**
 * Resolves expressions to what they come from: a module export (ESM import, CommonJS `require`,
 * namespace and default imports) or a real global. This is how the rules recognise the
 * OpenTelemetry API and the real timers by import tracing, never by bare names.
 *
 * A resolved path is `<module>:<member path>`, for example
 * `@opentelemetry/api:context.active`, `node:timers:setTimeout`, `global:process.nextTick`,
 * `node:async_hooks:AsyncLocalStorage#new` (an instance made with `new`).
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, ASTUtils } from '@typescript-eslint/utils';
import { getPropertyName, getRequireSource, importedName, unwrapTypeScriptExpression } from './ast.js';

export const OTEL_API_MODULE = '@opentelemetry/api';

// a Map: looking up a module name the parser just made in an object literal was a measurable part of getOtelApi
const NODE_BUILTIN_ALIASES: ReadonlyMap<string, string> = new Map([
  ['assert', 'node:assert'],
  ['assert/strict', 'node:assert/strict'],
  ['timers', 'node:timers'],
  ['timers/promises', 'node:timers/promises'],
  ['process', 'node:process'],
  ['async_hooks', 'node:async_hooks'],
  ['events', 'node:events'],
  ['worker_threads', 'node:worker_threads'],
  ['child_process', 'node:child_process'],
]);

/** Objects through which globals are reached: `globalThis.setTimeout`, `window.setTimeout`. */
const GLOBAL_OBJECTS = new Set(['globalThis', 'window', 'self', 'global']);

export interface BindingResolver {
  /** The resolved path of an expression, or undefined when it comes from nowhere we know. */
  pathOf(node: TSESTree.Node): string | undefined;
  /** Normalises a module specifier: `timers` → `node:timers`, an `apiModules` entry → `@opentelemetry/api`. */
  normaliseModule(source: string): string;
}

export function createBindingResolver(
  sourceCode: Readonly<TSESLint.SourceCode>,
  apiModules: readonly string[],
): BindingResolver {
  const apiModuleSet = new Set([OTEL_API_MODULE, ...apiModules]);
  const variableCache = new Map<TSESLint.Scope.Variable, string | null>();

  function normaliseModule(source: string): string {
    if (apiModuleSet.has(source)) return OTEL_API_MODULE;
    return NODE_BUILTIN_ALIASES.get(source) ?? source;
  }

  function join(base: string, member: string): string {
    return base.endsWith(':') ? `${base}${member}` : `${base}.${member}`;
  }

  function requireSource(node: TSESTree.Node): string | undefined {
    const source = getRequireSource(node);
    const call = unwrapTypeScriptExpression(node);
    return source !== undefined && call.type === AST_NODE_TYPES.CallExpression && call.callee.type === AST_NODE_TYPES.Identifier && isGlobalIdentifier(call.callee)
      ? source
      : undefined;
  }

  function isGlobalIdentifier(node: TSESTree.Identifier): boolean {
    const variable = ASTUtils.findVariable(sourceCode.getScope(node), node);
    return !variable || variable.defs.length === 0;
  }

  function pathOfPattern(pattern: TSESTree.Node, target: TSESTree.Identifier, base: string): string | undefined {
    if (pattern.type === AST_NODE_TYPES.Identifier) return pattern === target ? base : undefined;
    if (pattern.type === AST_NODE_TYPES.ObjectPattern) {
      for (const property of pattern.properties) {
        if (property.type !== AST_NODE_TYPES.Property) continue;
        const key =
          property.key.type === AST_NODE_TYPES.Identifier && !property.computed
            ? property.key.name
            : property.key.type === AST_NODE_TYPES.Literal && typeof property.key.value === 'string'
              ? property.key.value
              : undefined;
        if (key === undefined) continue;
        let value: TSESTree.Node = property.value;
        if (value.type === AST_NODE_TYPES.AssignmentPattern) value = value.left;
        const found = pathOfPattern(value, target, join(base, key));
        if (found) return found;
      }
    }
    return undefined;
  }

  function pathOfVariable(variable: TSESTree.Identifier, resolved: TSESLint.Scope.Variable): string | undefined {
    const cached = variableCache.get(resolved);
    if (cached !== undefined) return cached ?? undefined;
    variableCache.set(resolved, null); // guards against cycles
    const result = computeVariablePath(variable, resolved);
    variableCache.set(resolved, result ?? null);
    return result;
  }

  function computeVariablePath(identifier: TSESTree.Identifier, variable: TSESLint.Scope.Variable): string | undefined {
    if (variable.defs.length === 0) return `global:${identifier.name}`;
    if (variable.defs.length !== 1) return undefined;
    const def = variable.defs[0];
    if (!def) return undefined;
    if (def.type === 'ImportBinding') {
      const specifier = def.node;
      if (specifier.type === AST_NODE_TYPES.TSImportEqualsDeclaration) {
        const ref = specifier.moduleReference;
        if (ref.type === AST_NODE_TYPES.TSExternalModuleReference && ref.expression.type === AST_NODE_TYPES.Literal) {
          return `${normaliseModule(String(ref.expression.value))}:`;
        }
        return undefined;
      }
      const declaration = specifier.parent;
      if (declaration.type !== AST_NODE_TYPES.ImportDeclaration) return undefined;
      const module = normaliseModule(declaration.source.value);
      switch (specifier.type) {
        case AST_NODE_TYPES.ImportNamespaceSpecifier:
        case AST_NODE_TYPES.ImportDefaultSpecifier:
          return `${module}:`;
        case AST_NODE_TYPES.ImportSpecifier: {
          const imported = importedName(specifier);
          return imported === 'default' ? `${module}:` : `${module}:${imported}`;
        }
        default:
          return undefined;
      }
    }
    if (def.type === 'Variable') {
      const declarator = def.node;
      if (!declarator.init) return undefined;
      // Only `const` bindings are followed: a `let` may be reassigned.
      if (declarator.parent.kind !== 'const') return undefined;
      const base = pathOfInit(declarator.init);
      if (base === undefined) return undefined;
      return pathOfPattern(declarator.id, def.name, base);
    }
    return undefined;
  }

  function pathOfInit(init: TSESTree.Expression): string | undefined {
    const unwrapped = unwrapTypeScriptExpression(init);
    const source = requireSource(unwrapped);
    if (source !== undefined) return `${normaliseModule(source)}:`;
    if (unwrapped.type === AST_NODE_TYPES.NewExpression) {
      const callee = pathOf(unwrapped.callee);
      return callee === undefined ? undefined : `${callee}#new`;
    }
    return pathOf(unwrapped);
  }

  // The nine rules ask about the same callees; the AST does not change, so each node is resolved once.
  const memo = new Map<TSESTree.Node, string | undefined>();

  function pathOf(node: TSESTree.Node): string | undefined {
    if (memo.has(node)) return memo.get(node);
    const path = resolvePath(node);
    memo.set(node, path);
    return path;
  }

  function resolvePath(node: TSESTree.Node): string | undefined {
    const unwrapped = unwrapTypeScriptExpression(node);
    switch (unwrapped.type) {
      case AST_NODE_TYPES.Identifier: {
        if (unwrapped.name === 'undefined') return undefined;
        const variable = ASTUtils.findVariable(sourceCode.getScope(unwrapped), unwrapped);
        if (!variable) return `global:${unwrapped.name}`;
        return pathOfVariable(unwrapped, variable);
      }
      case AST_NODE_TYPES.MemberExpression: {
        const name = getPropertyName(unwrapped);
        if (name === undefined) return undefined;
        const object = unwrapTypeScriptExpression(unwrapped.object);
        const source = requireSource(object);
        if (source !== undefined) return `${normaliseModule(source)}:${name}`;
        const base = pathOf(object);
        if (base === undefined) return undefined;
        const globalObject = /^global:(\w+)$/.exec(base)?.[1];
        if (globalObject !== undefined && GLOBAL_OBJECTS.has(globalObject)) return `global:${name}`;
        return join(base, name);
      }
      case AST_NODE_TYPES.ChainExpression:
        return pathOf(unwrapped.expression);
      default:
        return undefined;
    }
  }

  return { pathOf, normaliseModule };
}
