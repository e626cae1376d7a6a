// Dogfood: the project is linted with typescript-eslint, eslint-plugin-eslint-plugin and its own preset.
import eslintPlugin from 'eslint-plugin-eslint-plugin';
import tseslint from 'typescript-eslint';
import otelContext from './index.js';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'fixtures/**', '.tmp/**', 'bench/corpus/**', 'examples/**', 'coverage/**', '.stryker-tmp/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['rules/**/*.ts'],
    ...eslintPlugin.configs.recommended,
    rules: {
      ...eslintPlugin.configs.recommended.rules,
      // Fixes and suggestions are attached in one place, reportFinding (rules/create-rule.ts),
      // which this rule cannot see through; tests/plugin.test.ts checks meta against the rules.
      'eslint-plugin/require-meta-has-suggestions': 'off',
      'eslint-plugin/require-meta-fixable': 'off',
    },
  },
  {
    files: ['tests/rules/**/*.ts'],
    ...eslintPlugin.configs.recommended,
    settings: { 'eslint-plugin': { ruleTesterConstructors: ['RuleTester'] } },
  },
  otelContext.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
);
