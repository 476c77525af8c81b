import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Pure cores must stay free of I/O frameworks; apps talk to each other only over NATS.
const pureLibs = [
  'contracts',
  'istio',
  'ir',
  'xds',
  'pki',
  'secrets',
  'key-material',
  'xds-protocol',
  'routing',
  'ca-policy',
  'acme',
];
const frameworkImports = [
  '@nestjs/*',
  '@nats-io/*',
  '@grpc/*',
  'typeorm',
  'pg',
  'node:fs',
  'node:net',
  'node:http',
  'node:http2',
  'node:tls',
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.keyway/**', 'bench/results/**', 'coverage/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-explicit-any': 'off',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/apps/*', '../../apps/**'],
              message: 'Apps never import each other: use NATS contracts.',
            },
          ],
        },
      ],
    },
  },
  {
    // Type-aware rules need the TypeScript project, so they run on .ts files only.
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // A promise nobody awaits loses its rejection; one handed to a callback that ignores it too.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    files: pureLibs.map((l) => `libs/${l}/src/**/*.ts`),
    ignores: ['**/*.spec.ts', '**/*.int-spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: frameworkImports, message: 'Pure core: no I/O framework imports.' }] },
      ],
    },
  },
  {
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    ignores: ['libs/config/**', '**/*.spec.ts', '**/*.int-spec.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through #keyway/config.' },
      ],
    },
  },
  {
    // `any` switches the type checker off: in the code that ships it needs a reason on its line
    // (`eslint-disable-next-line ... -- why`). Tests, their doubles and benches read JSON freely.
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    ignores: [
      '**/*.spec.ts',
      '**/*.int-spec.ts',
      '**/*.e2e-spec.ts',
      '**/testing/**',
      '**/xds-test-client.ts',
    ],
    rules: { '@typescript-eslint/no-explicit-any': 'error' },
  },
);
