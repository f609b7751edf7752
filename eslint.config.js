import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Imports flow one way: http -> sso -> (saml, core); saml never imports http/sso; core imports none of them.
const layer = (forbidden) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: forbidden.map((dir) => ({
        group: [`**/${dir}/**`, `../${dir}/*`, `../../${dir}/*`],
        message: `layering: this module may not import src/${dir}`,
      })),
    },
  ],
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  { files: ['src/core/**/*.ts'], rules: layer(['saml', 'sso', 'http', 'cli']) },
  { files: ['src/saml/**/*.ts'], rules: layer(['sso', 'http', 'cli']) },
  { files: ['src/sso/**/*.ts'], rules: layer(['http', 'cli']) },
  { files: ['src/http/**/*.ts'], rules: layer(['cli']) },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
