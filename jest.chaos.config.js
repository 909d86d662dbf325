/** The chaos suite (`npm run test:chaos`): long fault scenarios, one at a time; each spawns its own Redis, sandbox and workers. */
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: base.testEnvironment,
  roots: ['<rootDir>/test/chaos'],
  testMatch: ['**/*.chaos.test.ts'],
  // The same transforms as npm test's (jose ships ES modules only), so the two suites cannot drift.
  transform: base.transform,
  transformIgnorePatterns: base.transformIgnorePatterns,
  testTimeout: 300000,
  // The scenarios kill and time processes: running two at once on a small machine would skew both.
  maxWorkers: 1,
};
