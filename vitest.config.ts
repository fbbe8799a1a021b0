import { defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';

export default defineConfig({
  plugins: [vue()],
  test: {
    // Speed is the benchmarks' business: a timeout here only catches a hang, so it allows for a
    // 2-core machine that is busy with other work.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          // Says at the top of the run which optional comparison tools (python3, Python 2.7) exist.
          globalSetup: ['test/support/optional-tools-report.ts'],
          environment: 'node',
          include: ['test/unit/**/*.test.ts', 'test/scenarios/**/*.test.ts'],
          exclude: ['test/unit/**/*.dom.test.ts'],
        },
      },
      {
        extends: true,
        test: { name: 'dom', environment: 'happy-dom', include: ['test/unit/**/*.dom.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.e2e.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // One Chromium at a time on a 2-core machine.
          fileParallelism: false,
        },
      },
    ],
  },
});
