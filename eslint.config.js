import js from '@eslint/js'
import svelte from 'eslint-plugin-svelte'
import globals from 'globals'
import ts from 'typescript-eslint'
import svelteConfig from './svelte.config.js'

/** Only these files may import `electron`; everything else must run under plain Node (services, CLI, tests). */
const electronAllowed = [
  'src/main/index.ts',
  'src/main/window.ts',
  'src/main/ipc/**',
  'src/main/adapters/**',
  'src/preload/**'
]

export default ts.config(
  { ignores: ['out/**', 'node_modules/**', 'test/e2e/artifacts/**'] },
  js.configs.recommended,
  ...ts.configs.strict,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/ban-ts-comment': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }
      ],
      '@typescript-eslint/explicit-module-boundary-types': 'error'
    }
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'], svelteConfig } }
  },
  {
    files: ['src/**/*.ts', 'src/**/*.svelte'],
    ignores: electronAllowed,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message:
                'Only src/main/index.ts, window.ts, ipc/ and adapters/ (and the preload) may import electron; services take ports.'
            },
            { name: 'electron-store', message: 'Use the store adapter in src/main/adapters/.' }
          ]
        }
      ]
    }
  },
  {
    // Tests, benchmarks and plain-JavaScript scripts: no types to declare at their boundaries.
    files: ['test/**/*.ts', 'bench/**/*.ts', 'bench/**/*.mjs', 'scripts/**/*.mjs'],
    rules: {
      '@typescript-eslint/explicit-module-boundary-types': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off'
    }
  }
)
