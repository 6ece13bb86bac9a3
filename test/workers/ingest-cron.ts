/**
 * @module
 * Runs the ingestion Worker's cron handler once inside workerd, as Cloudflare's scheduler would, and waits for
 * everything the tick left running (its waitUntil work). `bindings` go on top of the project's (a fake `AI`).
 */
import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import ingestWorker from "../../functions/ingest-worker.js";

export async function runIngestCron(bindings: Record<string, unknown> = {}): Promise<void> {
  const tick = createExecutionContext();
  await ingestWorker.scheduled(
    createScheduledController({ scheduledTime: new Date(), cron: "* * * * *" }),
    { ...env, ...bindings } as never,
    tick,
  );
  await waitOnExecutionContext(tick);
}
