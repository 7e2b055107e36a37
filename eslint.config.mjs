// ESLint (flat config): @eslint/js recommended everywhere; typescript-eslint's type-checked rules
// on the TypeScript sources; plain JS (scripts, test runners, page scripts) without type information.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The `globals` package is not installed: declare the few globals the JS files use.
const nodeGlobals = {
  require: 'readonly',
  module: 'writable',
  exports: 'writable',
  __dirname: 'readonly',
  __filename: 'readonly',
  process: 'readonly',
  console: 'readonly',
  Buffer: 'readonly',
  URL: 'readonly',
  setTimeout: 'readonly',
  clearTimeout: 'readonly',
  setInterval: 'readonly',
  clearInterval: 'readonly',
  setImmediate: 'readonly',
};
const browserGlobals = {
  window: 'readonly',
  document: 'readonly',
  location: 'readonly',
  navigator: 'readonly',
  console: 'readonly',
  setTimeout: 'readonly',
  clearTimeout: 'readonly',
  Intl: 'readonly',
  URL: 'readonly',
  FormData: 'readonly',
  HTMLElement: 'readonly',
  Event: 'readonly',
  CustomEvent: 'readonly',
};

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'public/vendor/', 'coverage/', 'data/'] },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // `const { secret: _secret, ...rest } = x` is how a key is left out of a copy.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },
  {
    files: ['src/**/*.spec.ts', 'test/**/*-spec.ts', 'test/support/**/*.ts', 'test/bench/**/*.ts'],
    rules: {
      // Tests read response bodies (supertest's `body` is `any`) and parsed JSON, and assert their shape.
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Fakes implement Promise-returning interfaces with bodies that need no await.
      '@typescript-eslint/require-await': 'off',
      // Failure messages print the arrays they compare.
      '@typescript-eslint/restrict-template-expressions': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { sourceType: 'commonjs', globals: nodeGlobals },
  },
  { files: ['**/*.mjs'], languageOptions: { sourceType: 'module' } },
  {
    files: ['public/**/*.js'],
    languageOptions: { sourceType: 'script', globals: browserGlobals },
  },
);
