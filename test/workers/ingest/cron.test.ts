/**
 * The ingestion Worker's cron, inside workerd: the safety net for jobs whose
 * queue message never came. It migrates on first use and runs due jobs.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { servicesFor } from "../../../lib/runtime/services.js";
import { enqueueFile } from "../../helpers/enqueue.js";
import { runIngestCron } from "../ingest-cron.js";
import { workerdRuntime } from "../runtime.js";

describe("workerd: the ingestion Worker's cron", () => {
  it("processes a job that was never sent to the queue", async () => {
    const services = servicesFor(env as unknown as Record<string, unknown>, workerdRuntime);
    await services.ready();
    const { jobId } = await enqueueFile(
      services.db,
      { index: "workerd-cron", documentId: "queued-doc" },
      { name: "a.txt", contentType: "text/plain", body: "Queued in workerd, processed by the cron handler." },
    );
    await runIngestCron();
    const [job] = await services.db.query<{ state: string; lease_owner: string }>(
      "select state, lease_owner from memory_jobs where id = $1::bigint",
      [jobId],
    );
    expect(job).toMatchObject({ state: "done" });
    expect(job!.lease_owner.startsWith("run-")).toBe(true);
    const applied = await services.db.query<{ id: string }>("select id from schema_migrations order by id");
    expect(applied.map((r) => r.id)).toContain("0003_jobs");
  });
});
