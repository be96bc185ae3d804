/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }],
    // The OTLP exporter loads node:http with `import()`, which Jest's module sandbox refuses without
    // --experimental-vm-modules (open-telemetry/opentelemetry-js#6035); compiled, it is a require().
    '/@opentelemetry/otlp-exporter-base/.+\\.js$': ['@swc/jest', { jsc: { target: 'es2022' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!@opentelemetry/otlp-exporter-base/)'],
  // Integration suites start real servers; two workers fit a 2-core machine.
  maxWorkers: 2,
  testTimeout: 30000,
};
