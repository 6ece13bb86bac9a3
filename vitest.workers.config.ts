import { builtinModules } from "node:module";
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineProject } from "vitest/config";

/**
 * The workerd suites, run inside workerd against the real Worker entrypoints. One project per
 * deployment shape, because a project's main Worker and bindings are fixed for all its requests:
 * - `workers`: the API Worker (wrangler.toml) over `http` (Neon's driver through the local proxy);
 * - `workers-hyperdrive`: the same API Worker over `hyperdrive` (pg over cloudflare:sockets, a
 *   PgBouncer in transaction mode standing in for Hyperdrive's pool);
 * - `workers-ingest`: the ingestion Worker (wrangler.ingest.toml) with its queue consumers and
 *   cron; uploads come from the API Worker's module, through the queue.
 */
function workerdProject(
  name: string,
  configPath: string,
  include: string[],
  vars: Record<string, string> = {},
  r2Buckets: string[] = [],
) {
  return defineProject({
    plugins: [
      cloudflareTest(({ inject }) => ({
        wrangler: { configPath },
        miniflare: {
          bindings: {
            DATABASE_URL: inject("databaseUrl"),
            NEON_LOCAL_PROXY: inject("proxyAddress"),
            DB_APPLICATION_NAME: inject("applicationName"),
            LOG_LEVEL: "error",
            ...vars,
          },
          hyperdrives: { HYPERDRIVE: inject("hyperdriveUrl") },
          // workerd's local R2 (files in miniflare's storage), for bucket sources.
          r2Buckets,
        },
      })),
    ],
    test: {
      name,
      include,
      globalSetup: ["test/workers/global-setup.ts"],
      // pg is CommonJS whose `require`s the module runner resolves to ES modules it cannot
      // require (brianc/node-postgres#3700). Pre-bundling pg makes one module of it, as wrangler's
      // esbuild does for the deployed bundle; Node built-ins stay imports (nodejs_compat has them).
      deps: {
        optimizer: {
          ssr: {
            enabled: true,
            include: ["pg"],
            rolldownOptions: {
              external: [...builtinModules, ...builtinModules.map((m) => `node:${m}`), "cloudflare:sockets"],
            },
          },
        },
      },
      // Files of a project share one database (and the fault suite terminates its backends).
      fileParallelism: false,
      // Generous: the load and fault suites run hundreds of requests through workerd on 2 shared cores.
      testTimeout: 180_000,
      hookTimeout: 90_000,
    },
  });
}

export const workerdProjects = [
  // 1 MiB uploads, as in the Node bad-input suite: its 2 MB bodies must be over the limit.
  workerdProject("workers", "./wrangler.toml", ["test/workers/api/**/*.test.ts"], {
    MAX_UPLOAD_BYTES: String(1024 * 1024),
  }),
  // 300 concurrent searches reach one isolate here: the in-flight bound (MAX_IN_FLIGHT, 256, shed with 503) is
  // raised so this suite proves the socket-per-request bounds; shedding itself is proven by the Node suites.
  workerdProject("workers-hyperdrive", "./wrangler.toml", ["test/workers/hyperdrive/**/*.test.ts"], {
    DB_TRANSPORT: "hyperdrive",
    MAX_IN_FLIGHT: "1000",
  }),
  // Short leases so a delivery that died is redelivered within the test, not after two minutes. SOURCE_BUCKET is
  // the R2 binding bucket sources read (wrangler.ingest.toml shows how to bind one when deploying).
  workerdProject(
    "workers-ingest",
    "./wrangler.ingest.toml",
    ["test/workers/ingest/**/*.test.ts"],
    { JOB_LEASE_SECONDS: "2", JOB_RETRY_BASE_SECONDS: "1" },
    ["SOURCE_BUCKET"],
  ),
];
