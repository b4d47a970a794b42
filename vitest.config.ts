// One vitest run covers every package's and app's tests; each is a named project (`--project <name>`).
import { defineConfig } from 'vitest/config';

const packages = ['protocol', 'scheduler', 'primary', 'worker', 'supervisor', 'cluster', 'cli'];
const apps = ['examples', 'bench'];

export default defineConfig({
  test: {
    projects: [
      ...packages.map((name) => ({
        extends: true as const,
        test: { name, root: `packages/${name}`, include: ['test/**/*.test.ts'] },
      })),
      ...apps.map((name) => ({
        extends: true as const,
        test: { name, root: `apps/${name}`, include: ['test/**/*.test.ts'] },
      })),
      // Tests of the repository's own tools (scripts/conformance: the harness for Node's cluster tests).
      {
        extends: true as const,
        test: { name: 'scripts', root: 'scripts', include: ['*/test/**/*.test.ts'] },
      },
    ],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
