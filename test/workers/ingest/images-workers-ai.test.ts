/**
 * The ingestion Worker with its Workers AI OCR provider (issue #23), inside workerd: `OCR_PROVIDER=workers-ai` and
 * an `AI` binding (a fake with the binding's `run`, backed by a local vision model that reads the pixels it is
 * sent with tesseract.js: test/helpers/fake-vision-ai.ts). A browser-rendered PNG is ingested by the cron tick and
 * `/search` finds it by its words; an image whose header is past MAX_IMAGE_PIXELS fails before the provider is
 * called; a permanent provider error fails that document with the provider's message while the tick goes on with
 * the others; a transient one leaves the job to be retried, and the retry completes it; the provider named
 * without its binding stops at startup. Without the provider the old behaviour holds (images.test.ts:
 * `empty: true` and the reason).
 */
import { env } from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";
import { servicesFor } from "../../../lib/runtime/services.js";
import { hugePngHeader } from "../../helpers/attack-images.js";
import { enqueueFile } from "../../helpers/enqueue.js";
import { failNextVisionRuns, fakeVisionBinding, resetVision, visionCalls } from "../../helpers/fake-vision-binding.js";
import { runIngestCron } from "../ingest-cron.js";
import { workerdRuntime } from "../runtime.js";
import { apiModule } from "../worker-api.js";

const INDEX = "workers-ai-ocr";
const vision = () => inject("visionAiUrl");
const withProvider = () => ({ OCR_PROVIDER: "workers-ai", AI: fakeVisionBinding(vision()) });

const db = () => servicesFor(env as unknown as Record<string, unknown>, workerdRuntime).db;

async function enqueue(documentId: string, name: string, contentType: string, body: Uint8Array | string) {
  await servicesFor(env as unknown as Record<string, unknown>, workerdRuntime).ready();
  await enqueueFile(db(), { index: INDEX, documentId }, { name, contentType, body });
}

type Status = { completed: boolean; failed: boolean; empty: boolean; error?: { message: string } };

async function status(documentId: string): Promise<Status> {
  const res = await apiModule(`/upload-status?index=${INDEX}&documentId=${documentId}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Status;
}

async function search(query: string): Promise<Array<{ documentId: string; partitions: Array<{ text: string }> }>> {
  const res = await apiModule("/search", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ index: INDEX, query, minRelevance: 0 }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { results: Array<{ documentId: string; partitions: Array<{ text: string }> }> })
    .results;
}

describe("workerd: OCR through the Workers AI binding", () => {
  it("ingests a rendered PNG and finds it by its words; refuses a huge header before calling the provider", async () => {
    await resetVision(vision());
    const png = new Uint8Array(await (await fetch(`${vision()}/image/0.png`)).arrayBuffer());
    await enqueue("ships", "ships.png", "image/png", png);
    await enqueue("huge", "huge.png", "image/png", hugePngHeader());
    await runIngestCron(withProvider());

    expect(await status("ships")).toMatchObject({ completed: true, failed: false, empty: false });
    const hits = await search("lighthouse keeper ships");
    expect(hits[0]?.documentId).toBe("ships");
    expect(hits[0]?.partitions[0]?.text.toLowerCase()).toMatch(/lighthouse keeper/);

    const huge = await status("huge");
    expect(huge.failed).toBe(true);
    expect(huge.error?.message).toMatch(/30000 × 30000 pixels .*MAX_IMAGE_PIXELS/);
    // One call: the PNG's. The huge header never reached the provider.
    expect((await visionCalls(vision())).calls).toBe(1);
  });

  it("a permanent provider error fails that document with its message; the tick carries on with the others", async () => {
    await resetVision(vision());
    const png = new Uint8Array(await (await fetch(`${vision()}/image/1.jpg`)).arrayBuffer());
    await failNextVisionRuns(vision(), 1, 5007, "No such model");
    await enqueue("refused", "jam.jpg", "image/jpeg", png);
    await runIngestCron(withProvider());
    await enqueue("plain", "notes.txt", "text/plain", "Harbour ledgers list forty barrels of cider.");
    await runIngestCron(withProvider());

    const refused = await status("refused");
    expect(refused.failed).toBe(true);
    expect(refused.error?.message).toMatch(/OCR through Workers AI .*5007: No such model/);
    expect((await visionCalls(vision())).calls).toBe(1);
    expect(await status("plain")).toMatchObject({ completed: true, failed: false });
  });

  it("OCR_PROVIDER=workers-ai without the AI binding stops the tick with the configuration error", async () => {
    // A model of its own: the services of an environment are cached by its variables, and these must be new.
    const tick = runIngestCron({ OCR_PROVIDER: "workers-ai", OCR_MODEL: "@cf/test/no-binding" });
    await expect(tick).rejects.toThrow(/binding "AI" must be configured .*OCR_PROVIDER=workers-ai/);
  });

  it("a transient provider error leaves the job to be retried, and the retry completes it", async () => {
    await resetVision(vision());
    const png = new Uint8Array(await (await fetch(`${vision()}/image/1.png`)).arrayBuffer());
    // More failures than the provider's own retries (1 + 4): the job itself must try again later.
    await failNextVisionRuns(vision(), 5, 3040, "Capacity temporarily exceeded, please try again.");
    await enqueue("busy", "jam.png", "image/png", png);
    await runIngestCron(withProvider());
    expect(await status("busy")).toMatchObject({ completed: false, failed: false });
    expect((await visionCalls(vision())).calls).toBe(5);

    let settled: Status | undefined;
    for (let i = 0; i < 60 && !settled; i++) {
      await new Promise((r) => setTimeout(r, 500));
      await runIngestCron(withProvider());
      const now = await status("busy");
      if (now.completed || now.failed) settled = now;
    }
    expect(settled).toMatchObject({ completed: true, failed: false, empty: false });
    expect((await search("marmalade shipments thursday"))[0]?.documentId).toBe("busy");
  });
});
