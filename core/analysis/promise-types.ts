/**
 * The type-aware half of `no-floating-promise-in-span` (option `checkTypes`): is an expression a
 * native `Promise` according to the TypeScript checker? Like `@typescript-eslint/no-floating-promises`,
 * but only native promises (and unions containing one): a thenable that is not a `Promise` — a
 * Fastify instance after `register(..)`, a Knex or Mongoose query builder — starts no work until
 * someone calls `then`, so a statement holding one floats nothing (a frequent false alarm of
 * `no-floating-promises`).
 *
 * Refuses to run without type information, with a message that says how to fix the config: a
 * type-aware option must never degrade silently.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { ESLintUtils } from '@typescript-eslint/utils';
import type * as ts from 'typescript';

export interface PromiseTypeChecker {
  isNativePromise(node: TSESTree.Node): boolean;
}

export const MISSING_TYPES_MESSAGE =
  "otel-context/no-floating-promise-in-span: the option 'checkTypes' needs type information. " +
  'Set languageOptions.parserOptions.projectService (or project) for this file, or turn checkTypes off ' +
  '(the recommended preset runs the syntactic mode).';

export function createPromiseTypeChecker(context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>): PromiseTypeChecker {
  let services: ReturnType<typeof ESLintUtils.getParserServices>;
  try {
    services = ESLintUtils.getParserServices(context);
  } catch {
    throw new Error(MISSING_TYPES_MESSAGE);
  }
  const program = services.program;

  function isPromiseType(type: ts.Type): boolean {
    if (type.isUnion()) return type.types.some(isPromiseType);
    const symbol = type.getSymbol() ?? type.aliasSymbol;
    if (symbol?.getName() !== 'Promise') return false;
    return (symbol.getDeclarations() ?? []).some((d) => program.isSourceFileDefaultLibrary(d.getSourceFile()));
  }

  return {
    isNativePromise(node) {
      return isPromiseType(services.getTypeAtLocation(node));
    },
  };
}
