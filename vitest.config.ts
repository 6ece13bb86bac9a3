import { defineConfig } from "vitest/config";
import { workerdProjects } from "./vitest.workers.config.js";

// Node suites share one PostgreSQL server and several of them deliberately fill its
// connection slots, so files run one at a time (isolated databases per file keep
// their data apart; serial files keep their connection counts apart).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "node",
          include: ["test/node/**/*.test.ts"],
          environment: "node",
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      ...workerdProjects,
    ],
  },
});
