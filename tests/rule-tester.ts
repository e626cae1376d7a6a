import { RuleTester } from '@typescript-eslint/rule-tester';
import { fileURLToPath } from 'node:url';
import type { ContextManagerName } from '../core/settings.js';

export const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** One factory for every rule test (typescript-eslint `tests/RuleTester.ts`). */
export function createRuleTester(options: { typed?: boolean; contextManager?: ContextManagerName } = {}): RuleTester {
  return new RuleTester({
    languageOptions: {
      parserOptions: options.typed
        ? { projectService: { allowDefaultProject: ['*.ts*'] }, tsconfigRootDir: FIXTURES_DIR }
        : {},
    },
    ...(options.contextManager ? { settings: { 'otel-context': { contextManager: options.contextManager } } } : {}),
  });
}

/** `settings` for one case under a given manager. */
export function under(contextManager: ContextManagerName): { 'otel-context': { contextManager: ContextManagerName } } {
  return { 'otel-context': { contextManager } };
}
