/** One jest config: unit tests need nothing, integration tests share the stack started by globalSetup. */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  globalSetup: '<rootDir>/test/support/globalSetup.ts',
  globalTeardown: '<rootDir>/test/support/globalTeardown.ts',
  testTimeout: 120000,
  maxWorkers: 2,
  // A leaked handle (a keep-alive socket, a child's pipe) must never hang CI; jest still names it in its warning.
  forceExit: true,
};
