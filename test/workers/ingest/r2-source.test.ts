/**
 * A bucket source over workerd's local R2, through the ingestion Worker's own
 * binding: the cron tick finds the due source and reads the bucket by its
 * binding (listing pages followed), a re-sync skips objects by ETag, a
 * changed object is re-ingested and a deleted one has its document deleted.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { validateNewSource } from "../../../lib/contract/source-input.js";
import { memoryContextOf, servicesFor } from "../../../lib/runtime/services.js";
import { bucketBindingsOf, createSource, getSource, syncSource } from "../../../lib/sources/index.js";
import { runIngestCron } from "../ingest-cron.js";
import { workerdRuntime } from "../runtime.js";

const bindings = env as unknown as Record<string, unknown>;
const bucket = (env as unknown as { SOURCE_BUCKET: R2Bucket }).SOURCE_BUCKET;

describe("workerd: an R2 bucket source", () => {
  it("is synced by cron through the binding, by ETag, with deletions", async () => {
    const services = servicesFor(bindings, workerdRuntime);
    await services.ready();
    const ctx = memoryContextOf(services, () => {});
    await bucket.put("docs/lynx.txt", "Lynx hunt snowshoe hares in the boreal forest.");
    await bucket.put("docs/sub/ibis.md", "# Ibis\n\nThe sacred ibis wades in shallow marshes.");
    await bucket.put("docs/stoat.txt", "Stoats turn white in winter.");
    await bucket.put("elsewhere/skip.txt", "outside the prefix");

    const input = validateNewSource({ url: "r2://SOURCE_BUCKET/docs/", kind: "bucket", index: "r2-docs" }, false);
    // Created without bindings (as the API Worker would): left to the ingestion Worker's cron.
    const created = await createSource(ctx, input);
    expect(created).toMatchObject({ url: "r2://SOURCE_BUCKET/docs/", bucket: { provider: "r2", credentials: "none" } });
    expect((await getSource(ctx, created.id)).lastRunAt).toBeNull();
    // "Sync now" without the binding (the API Worker): no failed run, due at once for the cron.
    expect(await syncSource(ctx, created.id)).toBe("deferred");
    expect((await getSource(ctx, created.id)).lastRunAt).toBeNull();

    await runIngestCron();
    const first = await getSource(ctx, created.id);
    expect(first).toMatchObject({ lastStatus: "updated", lastError: null, itemCount: 3 });
    const docs = async () =>
      (
        await services.db.query<{ document_id: string }>(
          "select document_id from memory_documents where index_name = 'r2-docs' order by document_id",
        )
      ).map((r) => r.document_id);
    expect(await docs()).toHaveLength(3);

    const buckets = bucketBindingsOf(bindings);
    const again = await syncSource(ctx, created.id, { buckets, bucketPageSize: 1 });
    expect(again).toMatchObject({ status: "unchanged", updated: 0, unchanged: 3, removed: 0 });

    const before = await docs();
    await bucket.put("docs/lynx.txt", "Lynx also take ground birds and rodents.");
    await bucket.delete("docs/stoat.txt");
    const changed = await syncSource(ctx, created.id, { buckets, bucketPageSize: 2 });
    expect(changed).toMatchObject({ status: "updated", updated: 1, unchanged: 1, removed: 1, failed: 0 });
    const after = await docs();
    expect(after).toHaveLength(2);
    expect(after.every((d) => before.includes(d))).toBe(true);
  });
});
