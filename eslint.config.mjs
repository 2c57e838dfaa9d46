import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test/artifacts/**', '*.js', '*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through config/load.ts only.' }],
    },
  },
  { files: ['config/load.ts', 'test/**', 'bench/**', 'src/cli/**'], rules: { 'no-restricted-properties': 'off' } },
  {
    // The daemon never loads the simulators: only the demo and simulate commands do, by import().
    files: ['src/**', 'workers/**', 'config/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/simulators/**', '**/simulators'], message: 'The simulators stay out of the daemon: load them with import() from the demo or simulate command only.' }] }] },
  },
);
