import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // .ci/run collects one JSON report per phase (npm test runs the demo's end-to-end test alone,
    // after the rest: it measures latency budgets, which a machine busy with other tests would skew).
    reporters: process.env.LR_TEST_JSON ? ['default', ['json', { outputFile: `${process.env.LR_TEST_JSON}${process.env.LR_TEST_PHASE ?? ''}` }]] : ['default'],
  },
});
