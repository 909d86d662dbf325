/** The chaos suite (`npm run test:chaos`): long fault scenarios, one at a time; each spawns its own Redis, sandbox and workers. */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/chaos'],
  testMatch: ['**/*.chaos.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }],
  },
  testTimeout: 300000,
  // The scenarios kill and time processes: running two at once on a small machine would skew both.
  maxWorkers: 1,
};
