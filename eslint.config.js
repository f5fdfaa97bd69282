// Flat ESLint config: typescript-eslint's recommended rules plus the layer rule of STYLE.md
// (pure layers import no I/O modules) and the named-exports convention.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const IO_MODULES = [
  'node:net', 'node:fs', 'node:fs/promises', 'node:stream', 'node:timers', 'node:http', 'node:https',
  'node:child_process', 'net', 'fs', 'stream', 'timers', 'http', 'https', 'child_process',
  'pino', 'better-sqlite3', 'serialport', 'dbus-next', 'ws',
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'var/**', 'coverage/**', '.cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Named exports only (STYLE.md 8).' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    files: ['src/wbxml/**', 'src/xml/**', 'src/syncml/**', 'src/obex/**', 'src/ds/**', 'src/formats/**', 'src/quirks/**', 'src/util/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: IO_MODULES.map((name) => ({ name, message: 'Pure layer: no I/O here (STYLE.md 2).' })) }],
    },
  },
  {
    // The kiosk page: a plain browser script (no build step), not a module.
    files: ['web/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: { document: 'readonly', location: 'readonly', WebSocket: 'readonly', fetch: 'readonly', setTimeout: 'readonly', console: 'readonly' },
    },
  },
  {
    // The one I/O edge of the quirks layer: reading the drivers/ folder.
    files: ['src/quirks/load.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
