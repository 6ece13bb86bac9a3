/**
 * @module
 * OpenAPI entries for the routes that are plain Hono handlers rather than
 * OpenAPIHono routes: `GET /`, `GET /health`, `GET|POST /jobs/run` and the
 * document itself. Registered on the memory API's registry so `/openapi.json`
 * lists every route; test/node/http/openapi-coverage.test.ts fails when a route is
 * added without an entry.
 */
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { HonoEnv } from "./hono-env.js";
import { problems } from "./schemas.js";

const Counts = z.object({
  queued: z.number().int(),
  running: z.number().int(),
  done: z.number().int(),
  failed: z.number().int(),
});

const HealthSchema = z
  .object({
    status: z.literal("ok"),
    service: z.string(),
    version: z.string(),
    db: z.object({
      transport: z.enum(["pool", "http", "pglite"]),
      handles: z.number().int().openapi({ description: "Database handles this instance created: stays 1" }),
      pool: z
        .object({ max: z.number().int(), total: z.number().int(), idle: z.number().int(), waiting: z.number().int() })
        .optional(),
      pingMs: z.number().optional().openapi({ description: "With `?check=db`" }),
    }),
    jobs: Counts.nullable().openapi({ description: "Ingestion jobs by state; null when unknown" }),
    sources: z.object({ total: z.number().int(), failing: z.number().int() }).nullable(),
  })
  .openapi("Health", {
    example: {
      status: "ok",
      service: "serverless-memory",
      version: "0.1.0",
      db: { transport: "pool", handles: 1, pool: { max: 5, total: 1, idle: 1, waiting: 0 } },
      jobs: { queued: 0, running: 1, done: 42, failed: 0 },
      sources: { total: 2, failing: 0 },
    },
  });

const RunReportSchema = z
  .object({
    cron: z.string(),
    task: z.enum(["jobs", "maintenance"]),
    jobs: z
      .object({
        owner: z.string(),
        claimed: z.number().int(),
        completed: z.number().int(),
        superseded: z.number().int(),
        retried: z.number().int(),
        failed: z.number().int(),
        durationMs: z.number(),
        stoppedBy: z.enum(["empty", "budget", "max_jobs"]),
      })
      .optional(),
    sources: z.record(z.string(), z.unknown()).optional().openapi({ description: "Source syncs after the jobs" }),
    durationMs: z.number(),
  })
  .openapi("SchedulerRun", {
    example: {
      cron: "http",
      task: "jobs",
      jobs: {
        owner: "run-1f3a9c2e",
        claimed: 2,
        completed: 2,
        superseded: 0,
        retried: 0,
        failed: 0,
        durationMs: 812,
        stoppedBy: "empty",
      },
      sources: {
        owner: "run-1f3a9c2e",
        claimed: 1,
        updated: 1,
        unchanged: 0,
        failed: 0,
        durationMs: 222,
        stoppedBy: "empty",
      },
      durationMs: 1034,
    },
  });

const HealthQuery = z.object({
  check: z.enum(["db"]).optional().openapi({ description: "`db` also pings the database (503 when unreachable)" }),
});

const RunQuery = z.object({
  budgetMs: z.coerce
    .number()
    .int()
    .min(100)
    .max(900_000)
    .optional()
    .openapi({ description: "Time this run may spend", example: 20000 }),
});

export function registerPlainOperations(app: OpenAPIHono<HonoEnv>): void {
  const health = (path: string, summary: string) =>
    app.openAPIRegistry.registerPath({
      method: "get",
      path,
      tags: ["Service"],
      summary,
      request: { query: HealthQuery },
      responses: {
        200: { description: "Alive", content: { "application/json": { schema: HealthSchema } } },
        503: problems(503)[503]!,
      },
    });
  health("/health", "Liveness, the one database handle, job and source counts (no key needed)");
  health("/", "Same as /health");
  for (const method of ["post", "get"] as const) {
    app.openAPIRegistry.registerPath({
      method,
      path: "/jobs/run",
      tags: ["Service"],
      summary:
        method === "post"
          ? "Run one scheduler tick now: due ingestion jobs, then due source syncs"
          : "Same as POST (Vercel Cron sends GET)",
      request: { query: RunQuery },
      responses: {
        200: { description: "What the tick did", content: { "application/json": { schema: RunReportSchema } } },
        ...problems(400),
      },
    });
  }
  app.openAPIRegistry.registerPath({
    method: "get",
    path: "/openapi.json",
    tags: ["Service"],
    summary:
      "This document (OpenAPI 3.1); rendered at /docs (no key needed: /docs must load it before it can authorize)",
    responses: {
      200: {
        description: "The OpenAPI document",
        content: {
          "application/json": {
            schema: z.record(z.string(), z.unknown()).openapi({ example: { openapi: "3.1.0", paths: {} } }),
          },
        },
      },
    },
  });
}
