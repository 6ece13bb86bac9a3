/**
 * @module
 * How an accepted upload's job starts on Node runtimes (server, Lambda, Vercel,
 * CLI): the same invocation runs it in the background right after the 202;
 * cron or the scheduler takes over if that run dies. Reached through the
 * `#ingestion` import (package.json); in workerd `lib/queue/start-job.ts` takes
 * its place, so the API Worker never bundles extraction or chunking.
 */
export { runUploadedJob as startJob } from "./runner.js";
