/**
 * @module
 * `POST /jobs/run` in workerd (the `#jobs-tick` import resolves here under the
 * `workerd` condition): the route exists for hosts whose cron can only call a
 * URL; on Workers the ingestion Worker's own cron runs jobs, and the API Worker
 * carries no job runner.
 */
import { NotFoundError } from "../errors.js";

export function runTick(): never {
  throw new NotFoundError("route", "/jobs/run (on Workers, jobs run in the ingestion Worker)");
}

// Both `#jobs-tick` targets must offer the same function; this fails to type-check when they drift.
const _sameShape: Pick<typeof import("../jobs/scheduled.js"), "runTick"> = { runTick };
void _sameShape;
