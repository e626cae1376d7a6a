/**
 * Queues in files with no tracing (issue 11, family 5): the only context worth keeping there is
 * the caller's, so a stored value counts only when it carries code a caller handed in. And the
 * module style an added `node:async_hooks` import is written in.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, ASTUtils } from '@typescript-eslint/utils';
import { getEnclosingFunction, getMethodName, getMethodReceiver, getPropertyName, isFunctionLike, unwrapTypeScriptExpression } from './ast.js';

/** ESM (import/export) or CommonJS: decides how an added `node:async_hooks` import is written. */
export function isEsmModule(sourceCode: Readonly<TSESLint.SourceCode>): boolean {
  const program = sourceCode.ast;
  if (program.body.some((s) => s.type === AST_NODE_TYPES.ImportDeclaration || s.type === AST_NODE_TYPES.ExportNamedDeclaration || s.type === AST_NODE_TYPES.ExportDefaultDeclaration || s.type === AST_NODE_TYPES.ExportAllDeclaration)) {
    return true;
  }
  const text = sourceCode.text;
  if (text.includes('require(') || text.includes('module.exports') || text.includes('exports.')) return false;
  return program.sourceType === 'module';
}

/** `fn(..)`, `fn.call(..)`, `fn.apply(..)`, `fn.bind(..)`, or `fn` handed to `.then(..)` / `.catch(..)` / `.finally(..)`. */
function isRunReference(identifier: TSESTree.Identifier): boolean {
  const parent = identifier.parent;
  if (parent?.type === AST_NODE_TYPES.CallExpression) {
    if (parent.callee === identifier) return true;
    const method = getMethodName(parent);
    return parent.arguments.includes(identifier) && (method === 'then' || method === 'catch' || method === 'finally' || method === 'bind');
  }
  if (parent?.type === AST_NODE_TYPES.MemberExpression && parent.object === identifier) {
    const call = parent.parent;
    return call.type === AST_NODE_TYPES.CallExpression && call.callee === parent && ['call', 'apply', 'bind'].includes(getPropertyName(parent) ?? '');
  }
  return false;
}

/** A parameter of a function (not a module-level binding): what a caller handed in. */
function isParameter(sourceCode: Readonly<TSESLint.SourceCode>, identifier: TSESTree.Identifier): boolean {
  const variable = ASTUtils.findVariable(sourceCode.getScope(identifier), identifier);
  return variable?.defs.length === 1 && variable.defs[0]?.type === 'Parameter';
}

/**
 * Whether a stored value carries code that a caller handed in, so that running it later in the
 * drainer's context loses the caller's: a parameter (`push(callback)`), a bound function made
 * from or with one (`run.bind(undefined, fn, resolve, args)`), a function that runs one of the
 * enclosing functions' parameters (`() => task().then(resolve)`), or a stored object's property
 * holding one (`{ line, done }`). Stored at module level, nothing is handed in.
 */
export function carriesCallerCallback(sourceCode: Readonly<TSESLint.SourceCode>, node: TSESTree.Node): boolean {
  if (!getEnclosingFunction(node)) return false;
  const expression = unwrapTypeScriptExpression(node.type === AST_NODE_TYPES.Property ? node.value : node);
  if (expression.type === AST_NODE_TYPES.Identifier) return isParameter(sourceCode, expression);
  if (expression.type === AST_NODE_TYPES.CallExpression && getMethodName(expression) === 'bind') {
    const receiver = getMethodReceiver(expression);
    return [receiver, ...expression.arguments].some((part) => {
      const value = part && unwrapTypeScriptExpression(part);
      return value?.type === AST_NODE_TYPES.Identifier && isParameter(sourceCode, value);
    });
  }
  if (!isFunctionLike(expression)) return false;
  const scope = sourceCode.scopeManager?.acquire(expression);
  return (scope?.through ?? []).some((reference) => {
    const def = reference.resolved?.defs[0];
    return def?.type === 'Parameter' && reference.identifier.type === AST_NODE_TYPES.Identifier && isRunReference(reference.identifier);
  });
}
