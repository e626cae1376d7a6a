/**
 * Inserting into object literals and argument lists: a property at the end of an object (on its
 * own line when the object is laid out one property per line), a spread merged into a value, a
 * trailing argument.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import type { Edit } from '../findings.js';
import { lineIndent } from './indent.js';

type SourceCode = Readonly<TSESLint.SourceCode>;

/** Edits plus whether they only add metadata (`safe`) or change the shape of a payload. */
export interface PayloadEdits {
  edits: Edit[];
  safe: boolean;
}

/** `{ a }` → `{ a, <text> }`; `{}` → `{ <text> }`. */
export function addProperty(sourceCode: SourceCode, object: TSESTree.ObjectExpression, text: string): Edit[] {
  const last = object.properties.at(-1);
  if (!last) return [{ range: object.range, text: `{ ${text} }` }];
  if (last.loc.start.line !== object.loc.start.line) {
    return [{ range: [last.range[1], last.range[1]], text: `,\n${lineIndent(sourceCode, last)}${text}` }];
  }
  return [{ range: [last.range[1], last.range[1]], text: `, ${text}` }];
}

/** `{ a }` → `{ a, ...spread }` (safe); any other expression → `{ ...expr, ...spread }` (changes the payload's shape). */
export function mergeSpread(sourceCode: SourceCode, value: TSESTree.Node, spread: string): PayloadEdits {
  if (value.type === AST_NODE_TYPES.ObjectExpression) return { edits: addProperty(sourceCode, value, `...${spread}`), safe: true };
  return { edits: [{ range: value.range, text: `{ ...${sourceCode.getText(value)}, ...${spread} }` }], safe: false };
}

/** `f(a)` → `f(a, <text>)`; undefined without arguments. */
export function appendArgument(args: readonly TSESTree.CallExpressionArgument[], text: string): PayloadEdits | undefined {
  const last = args.at(-1);
  return last ? { edits: [{ range: [last.range[1], last.range[1]], text: `, ${text}` }], safe: true } : undefined;
}
