import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineProject } from "vitest/config";

// Tests that run inside workerd against the real Worker entrypoint (functions/worker.ts),
// reaching the local PostgreSQL through the Neon-compatible proxy that globalSetup starts.
export default defineProject({
  plugins: [
    cloudflareTest(({ inject }) => ({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          DATABASE_URL: inject("databaseUrl"),
          NEON_LOCAL_PROXY: inject("proxyAddress"),
          DB_APPLICATION_NAME: inject("applicationName"),
          LOG_LEVEL: "warn",
        },
      },
    })),
  ],
  test: {
    name: "workers",
    include: ["test/workers/**/*.test.ts"],
    globalSetup: ["test/workers/global-setup.ts"],
    testTimeout: 60_000,
  },
});
