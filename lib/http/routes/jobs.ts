/**
 * @module
 * `POST /jobs/run` (and `GET`, which is what Vercel Cron sends): one scheduler
 * tick — due ingestion jobs, then due source syncs — for hosts whose scheduler
 * can only call a URL. Protected by the API key like every data route; make
 * the cron's secret one of `API_KEYS`. `?budgetMs=` shortens the run. The
 * API Worker passes no tick: there the ingestion Worker's own cron runs jobs,
 * and the API Worker carries no job runner.
 */

import { Hono } from "hono";
import { NotFoundError, ValidationError } from "../../errors.js";
import type { JobsTick } from "../../jobs/scheduled.js";
import { adminOnly } from "../../keys/access.js";
import type { HonoEnv } from "../hono-env.js";
import { waitUntilFor } from "../route-helpers/context.js";
import { route } from "../route-helpers/register.js";

export function jobRoutes(runTick?: JobsTick): Hono<HonoEnv> {
  const app = new Hono<HonoEnv>();
  const run = async (c: import("hono").Context<HonoEnv>) => {
    if (!runTick) throw new NotFoundError("route", "/jobs/run (on Workers, jobs run in the ingestion Worker)");
    const raw = c.req.query("budgetMs");
    const budgetMs = raw === undefined ? undefined : Number(raw);
    if (budgetMs !== undefined && (!Number.isInteger(budgetMs) || budgetMs < 100 || budgetMs > 900_000)) {
      throw new ValidationError("budgetMs must be an integer between 100 and 900000");
    }
    const report = await runTick(c.get("services"), {
      cron: "http",
      waitUntil: waitUntilFor(c),
      ...(budgetMs ? { budgetMs } : {}),
    });
    return c.json(report);
  };
  // One tick runs every tenant's jobs and source syncs.
  route(app, "POST", "/jobs/run", adminOnly(), run);
  route(app, "GET", "/jobs/run", adminOnly(), run);
  return app;
}
