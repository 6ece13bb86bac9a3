/**
 * @module
 * `GET /` and `GET /health`: liveness plus the proof that this instance holds
 * one database handle. `?check=db` also pings the database (503 when it is
 * unreachable) for readiness probes. It also shows the background work:
 * ingestion jobs by state and sources (total, failing), `null` when unknown
 * (tables not migrated yet, database unreachable). Those details are for
 * operators: without a valid key (when `API_KEYS` is set) the answer says only
 * up or down.
 */
import { Hono } from "hono";
import { VERSION } from "../../contract/version.js";
import { type Db, handlesCreated } from "../../db/index.js";
import { indexFree, open } from "../../keys/access.js";
import { countJobs, type JobCounts } from "../../store/job-store.js";
import { countSources, type SourceCounts } from "../../store/source-store.js";
import { holdsValidKey } from "../auth.js";
import type { HonoEnv } from "../hono-env.js";
import { route } from "../route-helpers/register.js";

export function healthRoutes(): Hono<HonoEnv> {
  const app = new Hono<HonoEnv>();
  const health = async (c: import("hono").Context<HonoEnv>) => {
    // Through the reader: with a read replica, probes and their counts are reads it serves.
    const { reader: db } = c.get("services");
    if (!(await holdsValidKey(c))) {
      // A failed ping throws: the edge answers 503, which is "down".
      if (c.req.query("check") === "db") await db.query("select 1");
      return c.json({ status: "ok" });
    }
    const stats = db.stats();
    const body: Record<string, unknown> = {
      status: "ok",
      service: "serverless-memory",
      version: VERSION,
      db: {
        transport: stats.transport,
        handles: handlesCreated(),
        ...(stats.pool ? { pool: stats.pool } : {}),
        ...(stats.reads ? { reads: stats.reads } : {}),
      },
      ...(await backgroundCounts(db)),
    };
    if (c.req.query("check") === "db") {
      const started = Date.now();
      await db.query("select 1");
      (body.db as Record<string, unknown>).pingMs = Date.now() - started;
    }
    return c.json(body);
  };
  // Tenant-free: the details (all tenants' job counts) are for API_KEYS holders only, decided above.
  route(app, "GET", "/", indexFree("read"), health);
  // Probes reach it without a key; `/` is an ordinary (protected) route.
  route(app, "GET", "/health", open(), health);
  return app;
}

type Background = { jobs: JobCounts | null; sources: SourceCounts | null };

/** Probes hit /health often; counting rows on every hit would make it the busiest query of all. */
const COUNTS_TTL_MS = 5_000;
/** Liveness must answer quickly even when the database does not. */
const COUNTS_WAIT_MS = 1_000;
// Settled values only: on Workers a promise started by one request must not be awaited by another.
const countsCache = new WeakMap<Db, { at: number; value: Background }>();

async function backgroundCounts(db: Db): Promise<Background> {
  const cached = countsCache.get(db);
  if (cached && Date.now() - cached.at < COUNTS_TTL_MS) return cached.value;
  const orNull = <T>(p: Promise<T>) => p.catch(() => null);
  const value = await withTimeout(
    Promise.all([orNull(countJobs(db)), orNull(countSources(db))]).then(([jobs, sources]) => ({ jobs, sources })),
    COUNTS_WAIT_MS,
    { jobs: null, sources: null },
  );
  countsCache.set(db, { at: Date.now(), value });
  return value;
}

function withTimeout<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
