// Flat ESLint config: typescript-eslint recommended over the whole tree, plus the layer rules of
// HOUSE-STYLE.md (entry-points → domain → data-access; no import cycles). Exceptions: docs/adr/0011-*.md.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX, createNodeResolver } from 'eslint-plugin-import-x';

const layer = (message, ...group) => ({ group, message });
// data-access may implement the ports the domain declares: type-only imports of domain are allowed.
const valuesOnly = (p) => ({ ...p, allowTypeImports: true });
const upward = {
  domain: layer(
    'domain code does not import entry points (layers point down: entry-points → domain → data-access)',
    '**/entry-points/**',
    '**/main.js',
    '**/app.js',
  ),
  dataAccess: layer(
    'data-access code does not import domain or entry points (it returns plain objects to the domain)',
    '**/domain/**',
    '**/entry-points/**',
    '**/main.js',
    '**/app.js',
  ),
};

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '.run/**',
      'bench/results/**',
      'test-results/**',
      'services/web/build/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'warn',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        fetch: 'readonly',
        AbortSignal: 'readonly',
        URL: 'readonly',
      },
    },
  },
  // No import cycles between modules (type-only imports do not count: they vanish at run time).
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [
        createNodeResolver({
          extensionAlias: { '.js': ['.ts', '.js'] },
          conditionNames: ['source', 'import', 'default'],
        }),
      ],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  // Layers: domain does not import entry points; data-access imports neither domain nor entry points.
  {
    files: ['**/src/domain/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [upward.domain] }] },
  },
  {
    files: ['**/src/data-access/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [valuesOnly(upward.dataAccess)] }],
    },
  },
);
