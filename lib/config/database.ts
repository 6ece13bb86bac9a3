/**
 * @module
 * Configuration: the database (where it is, how this instance reaches it, how long it waits) and the
 * embedded database used when there is none.
 */
import { z } from "zod";
import { flag, int, text, variable } from "./vars.js";

export const DATABASE_VARS = {
  DATABASE_URL: variable(text(), {
    description: "Postgres connection string (Neon). Absent on Node → embedded PGlite.",
    secret: true,
  }),
  DATABASE_READ_URL: variable(text(), {
    description:
      "a read replica (Neon read replica, hot standby): search, ask, listings and health read there, never seeing less than the primary had committed when the read began; writes and upload-status stay on `DATABASE_URL`. Same transport as `DATABASE_URL`. See [docs/adr/0003-scale-out.md](docs/adr/0003-scale-out.md).",
    secret: true,
  }),
  DB_READ_MAX_WAIT_MS: variable(int(0, 60_000, 1_000), {
    description: "how long a read waits for the replica to replay the primary's position before the primary answers it",
  }),
  DB_READ_COOLDOWN_MS: variable(int(0, 3_600_000, 5_000), {
    description: "after the replica fails, reads go to the primary for this long before the replica is tried again",
  }),
  DB_TRANSPORT: variable(z.enum(["pool", "http", "pglite", "hyperdrive"]).optional(), {
    description:
      "`pool`, `http`, `pglite` or `hyperdrive` (Workers; URL from the `HYPERDRIVE` binding). Unset: `http` on Workers, `pool` on Node with `DATABASE_URL`, else `pglite`",
    default: "by runtime",
  }),
  DB_POOL_MAX: variable(int(1, 1000, 5), {
    description: "pool size per instance (Node); see [docs/adr/0002-pool-sizing.md](docs/adr/0002-pool-sizing.md)",
  }),
  DB_IDLE_TIMEOUT_MS: variable(int(0, 3_600_000, 10_000), {
    description: "idle pooled connections close after this (`5000` on Vercel)",
  }),
  DB_CONNECT_TIMEOUT_MS: variable(int(100, 120_000, 10_000), {
    description: "waiting for a connection (including a free pool slot) fails after this",
  }),
  DB_STATEMENT_TIMEOUT_MS: variable(int(100, 600_000, 30_000), {
    description:
      "`hyperdrive`: a statement (or batch) with no answer this long ends the invocation's client and answers 503 with `Retry-After` (a pooler may hold it unboundedly)",
  }),
  DB_RETRY_BUDGET_MS: variable(int(0, 60_000, 2_000), {
    description:
      "transient failures (53300, 53400, 57P01–03, class 08, socket resets) retry with jittered backoff within this budget, then the API answers 503 with `Retry-After`",
  }),
  DB_QUEUE_WAIT_MS: variable(int(1, 120_000, 5_000), {
    description: "longest wait for a free database connection before the request is answered 503 + `Retry-After`",
  }),
  DB_APPLICATION_NAME: variable(
    z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,63}$/, "letters, digits, _ . - only (max 63)")
      .default("serverless-memory"),
    { description: "`application_name` of every backend, so they can be counted" },
  ),
  VECTOR_INDEX_BUILD_MEMORY: variable(
    z
      .string()
      .regex(/^[1-9][0-9]{0,9}(kB|MB|GB)$/, "a size such as 512MB or 2GB (kB, MB or GB)")
      .refine((v) => buildMemoryKb(v) >= 1024 && buildMemoryKb(v) <= 2_147_483_647, "between 1MB and 2047GB")
      .optional(),
    {
      description:
        "`maintenance_work_mem` of the statement that builds the HNSW index (after a first bulk load, at start when it is missing, after `npm run reembed`). The graph must fit in it or pgvector falls back to inserting row by row (a 99,608-chunk build: 362 s at 64MB against 142 s at 3GB; see [docs/adr/0006-ranking-that-generalises.md](docs/adr/0006-ranking-that-generalises.md)). Unset: the server's own setting. Keep it well below the database server's free memory",
      default: "the server's",
    },
  ),
  AUTO_MIGRATE: variable(flag(true), {
    description: "run pending migrations on first use (turn off when a deploy step runs `npm run migrate`)",
  }),
  PGLITE_DIR: variable(z.string().min(1).default(".data/pglite"), {
    description: "where the embedded database keeps its files",
  }),
  PGLITE_THREAD: variable(flag(true), {
    description:
      "the embedded database runs in a worker thread, so its work never blocks requests; `false` runs it on the HTTP thread (only to measure against)",
  }),
  NEON_LOCAL_PROXY: variable(
    z
      .string()
      .regex(/^(127\.\d+\.\d+\.\d+|localhost|\[::1\]):\d{1,5}$/, "a loopback host:port")
      .optional(),
    { description: "development/test only: `127.0.0.1:PORT` of the local Neon-compatible proxy (`npm run proxy`)" },
  ),
};

/** A `VECTOR_INDEX_BUILD_MEMORY` value in kB (the unit PostgreSQL's limits are stated in). */
function buildMemoryKb(value: string): number {
  const n = Number.parseInt(value, 10);
  return value.endsWith("GB") ? n * 1024 * 1024 : value.endsWith("MB") ? n * 1024 : n;
}
