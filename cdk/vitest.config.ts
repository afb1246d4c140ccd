import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The first synthesis loads most of aws-cdk-lib: seconds on a busy machine.
    testTimeout: 60000,
  },
});
