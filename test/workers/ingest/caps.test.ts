/**
 * The Worker applies the same caps as the Node server (issue #9): inside workerd, through the real Worker
 * entrypoint, a DOCX zip bomb and deeply nested HTML are accepted (202) and then end `failed` with the message
 * naming the cap they crossed, a normal document beside them completes, and nested or reserved-key JSON
 * arguments are refused with 400 ProblemDetails before anything is stored.
 */
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { docxBomb, nestedHtml, nestedJson } from "../helpers/attack-files.js";

const worker = () => (exports as unknown as { default: Fetcher }).default;
const BASE = "http://worker.test";
const INDEX = "workers-caps";

function upload(documentId: string, fileName: string, bytes: Uint8Array, args?: string): Promise<Response> {
  const form = new FormData();
  form.append("index", INDEX);
  form.append("documentId", documentId);
  if (args !== undefined) form.append("args", args);
  form.append("files", new Blob([bytes as BlobPart]), fileName);
  return worker().fetch(`${BASE}/upload`, { method: "POST", body: form });
}

async function settled(
  documentId: string,
): Promise<{ completed: boolean; failed: boolean; error?: { message: string } }> {
  let last = "";
  for (let i = 0; i < 1200; i++) {
    const res = await worker().fetch(`${BASE}/upload-status?index=${INDEX}&documentId=${documentId}`);
    last = await res.text();
    if (res.status === 200) {
      const status = JSON.parse(last);
      if (status.completed || status.failed) return status;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${documentId} not settled after 120 s: ${last}`);
}

describe("workerd: the ingestion caps", () => {
  it("fails a DOCX bomb on MAX_DECOMPRESSED_BYTES and nested HTML on MAX_NESTING_DEPTH; a normal file completes", async () => {
    // 96 MiB inflated, past the 64 MiB default, from ~100 KB: the isolate's 128 MB would not hold it whole.
    const bomb = await upload("wk-docx-bomb", "bomb.docx", docxBomb(96 * 1024 * 1024));
    expect(bomb.status, await bomb.clone().text()).toBe(202);
    const nested = await upload("wk-nested-html", "nested.html", nestedHtml(20_000));
    expect(nested.status, await nested.clone().text()).toBe(202);
    const normal = await upload("wk-normal", "normal.txt", new TextEncoder().encode("A lamp lit at dusk."));
    expect(normal.status).toBe(202);

    const bombStatus = await settled("wk-docx-bomb");
    expect(bombStatus.failed).toBe(true);
    expect(bombStatus.error?.message).toMatch(/MAX_DECOMPRESSED_BYTES/);
    const nestedStatus = await settled("wk-nested-html");
    expect(nestedStatus.failed).toBe(true);
    expect(nestedStatus.error?.message).toMatch(/MAX_NESTING_DEPTH/);
    expect((await settled("wk-normal")).completed).toBe(true);
    // Inflating 64 MiB to find the bomb took 58 s inside workerd on a machine at load 20 (7 s at load 13).
  }, 180_000);

  it("refuses nested and reserved-key arguments with 400 ProblemDetails, storing nothing", async () => {
    const multipart = await upload("wk-nested-args", "a.txt", new TextEncoder().encode("x"), nestedJson(5_000));
    const json = await worker().fetch(`${BASE}/upload`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: `{"index":"${INDEX}","documentId":"wk-proto","text":"x","tags":{"__proto__":["x"]}}`,
    });
    const search = await worker().fetch(`${BASE}/search`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: `{"query":"x","args":${nestedJson(5_000)}}`,
    });
    for (const res of [multipart, json, search]) {
      expect(res.status, await res.clone().text()).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
    }
    for (const id of ["wk-nested-args", "wk-proto"]) {
      const res = await worker().fetch(`${BASE}/upload-status?index=${INDEX}&documentId=${id}`);
      expect(res.status).toBe(404);
    }
  });
});
