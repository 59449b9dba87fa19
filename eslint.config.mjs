// Lint for mistakes, not taste: the recommended sets plus the rules that keep workflow code deterministic.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**', '.tools/**', 'db/migrations/**', 'test-artifacts/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error', { name: 'process', message: 'Workflow code must not read the environment; pass settings in the input.' }],
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['node:*', 'fs', 'path', 'crypto', 'postgres', 'drizzle-orm*', 'nodemailer', 'playwright-core', 'handlebars', 'express'], message: 'Workflow code is deterministic: do I/O in an activity.' },
          { group: ['../activities/*', '../db/*', '../api/*'], allowTypeImports: true, message: 'Workflows may import only the types of activities.' },
        ],
      }],
    },
  },
);
