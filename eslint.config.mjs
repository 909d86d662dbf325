// Flat config: typescript-eslint's recommended rules over the TypeScript sources and tests, and
// the service's import layers.
import js from '@eslint/js';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/**
 * The layers of src/, highest first; a file may import its own layer and those below it, never one
 * above. Written here once; README's layout section describes it. intake, bridges, delivery,
 * activation and telemetry sit with http and workers: they use the pipeline and everything under it.
 */
export const LAYERS = [
  ['cli'],
  ['http', 'workers', 'intake', 'bridges', 'delivery', 'activation', 'telemetry'],
  ['pipeline'],
  ['queues', 'ropo'],
  ['contracts'],
  ['errors'],
];
/** The Ropo One simulator stands alone: it imports nothing of the service. */
const STANDALONE = 'sandbox';

const dir = (name) => `./src/${name}`;
const layerZones = LAYERS.flatMap((layer, rank) =>
  layer.map((name) => ({
    target: dir(name),
    from: LAYERS.slice(0, rank).flat().map(dir),
    message: `src/${name} sits below ${LAYERS.slice(0, rank).flat().join(', ')} (layers in eslint.config.mjs): imports point down only.`,
  })),
).filter((zone) => zone.from.length > 0);
const standaloneZone = {
  target: dir(STANDALONE),
  from: ['./src'],
  except: [`./${STANDALONE}`],
  message: 'the sandbox stands alone and imports nothing of the service.',
};

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.data/', 'docs/', '.bench-build/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'] })] },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: [...layerZones, standaloneZone] }],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        __dirname: 'readonly',
        __filename: 'readonly',
        console: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
