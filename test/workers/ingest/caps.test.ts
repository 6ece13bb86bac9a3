/**
 * The Worker applies the same caps as the Node server (issue #9), inside workerd across the two Workers: the API
 * Worker's module accepts a DOCX zip bomb and deeply nested HTML (202) and queues them; the ingestion Worker (this
 * project's main Worker, with wrangler.ingest.toml's caps) ends them `failed` with the message naming the cap they
 * crossed, while a normal document beside them completes; and the API Worker refuses nested or reserved-key JSON
 * arguments with 400 ProblemDetails before anything is stored.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { docxBomb, nestedHtml, nestedJson } from "../../helpers/attack-files.js";
import { bombPart, pptxOf, sheetXml, xlsxOf } from "../../helpers/attack-office.js";
import { apiModule } from "../worker-api.js";

const INDEX = "workers-caps";

/** The ingestion Worker's own cap (wrangler.ingest.toml), so the bomb is sized against the cap that applies. */
const decompressedCap = Number((env as unknown as Record<string, string>).MAX_DECOMPRESSED_BYTES);

function upload(documentId: string, fileName: string, bytes: Uint8Array, args?: string): Promise<Response> {
  const form = new FormData();
  form.append("index", INDEX);
  form.append("documentId", documentId);
  if (args !== undefined) form.append("args", args);
  form.append("files", new Blob([bytes as BlobPart]), fileName);
  return apiModule("/upload", { method: "POST", body: form });
}

async function settled(
  documentId: string,
): Promise<{ completed: boolean; failed: boolean; error?: { message: string } }> {
  let last = "";
  for (let i = 0; i < 1200; i++) {
    const res = await apiModule(`/upload-status?index=${INDEX}&documentId=${documentId}`);
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
    // The ingestion Worker sets its own, smaller cap (8 MiB): the bomb inflates to twice it from a few KB of
    // deflate. Its XML part is one repeated letter with no `<`, so MAX_XML_ELEMENTS cannot be the cap it crosses.
    expect(decompressedCap).toBeGreaterThan(0);
    expect(decompressedCap).toBeLessThan(64 * 1024 * 1024);
    const bomb = await upload("wk-docx-bomb", "bomb.docx", docxBomb(2 * decompressedCap));
    expect(bomb.status, await bomb.clone().text()).toBe(202);
    // 20,000 deep, past MAX_NESTING_DEPTH (512; the ingestion Worker keeps the default).
    const nested = await upload("wk-nested-html", "nested.html", nestedHtml(20_000));
    expect(nested.status, await nested.clone().text()).toBe(202);
    const normal = await upload("wk-normal", "normal.txt", new TextEncoder().encode("A lamp lit at dusk."));
    expect(normal.status).toBe(202);

    const bombStatus = await settled("wk-docx-bomb");
    expect(bombStatus.failed).toBe(true);
    expect(bombStatus.error?.message).toMatch(/MAX_DECOMPRESSED_BYTES/);
    // The ingestion Worker's cap, not Node's 64 MiB default, is the one that stopped it.
    expect(bombStatus.error?.message).toContain(`the limit is ${decompressedCap}`);
    const nestedStatus = await settled("wk-nested-html");
    expect(nestedStatus.failed).toBe(true);
    expect(nestedStatus.error?.message).toMatch(/MAX_NESTING_DEPTH/);
    expect((await settled("wk-normal")).completed).toBe(true);
  });

  it("reads an XLSX and a PPTX by sheet and slide, and fails an XLSX bomb and a 5,000-slide deck on their caps", async () => {
    const cells = '<c r="A1" t="inlineStr"><is><t>Keeper</t></is></c>';
    const sheet = sheetXml(cells).replace(
      "</row>",
      '</row><row r="2"><c r="A2" t="inlineStr"><is><t>Ada Lantern</t></is></c></row>',
    );
    const uploads: Array<[string, string, Uint8Array]> = [
      ["wk-xlsx", "rota.xlsx", xlsxOf(sheet)],
      ["wk-pptx", "deck.pptx", pptxOf(3)],
      ["wk-xlsx-bomb", "bomb.xlsx", xlsxOf(bombPart(2 * decompressedCap))],
      ["wk-pptx-many", "many.pptx", pptxOf(5_000)],
    ];
    for (const [id, name, bytes] of uploads) {
      const res = await upload(id, name, bytes);
      expect(res.status, await res.clone().text()).toBe(202);
    }
    expect((await settled("wk-xlsx")).completed).toBe(true);
    expect((await settled("wk-pptx")).completed).toBe(true);
    expect((await settled("wk-xlsx-bomb")).error?.message).toMatch(/MAX_DECOMPRESSED_BYTES/);
    expect((await settled("wk-pptx-many")).error?.message).toMatch(/5000 slides; the limit is \d+ \(MAX_PDF_PAGES\)/);
    const res = await apiModule("/search", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ index: INDEX, query: "Ada Lantern keeper", filters: [{ __document_id: ["wk-xlsx"] }] }),
    });
    const [top] = ((await res.json()) as { results: Array<{ partitions: Array<Record<string, unknown>> }> }).results;
    expect(top?.partitions[0]).toMatchObject({ text: "Keeper: Ada Lantern", sectionNumber: 1 });
    expect(top?.partitions[0]?.tags).toMatchObject({ __sect_name: ["Data"] });
  });

  it("refuses nested and reserved-key arguments with 400 ProblemDetails, storing nothing", async () => {
    const multipart = await upload("wk-nested-args", "a.txt", new TextEncoder().encode("x"), nestedJson(5_000));
    const json = await apiModule("/upload", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: `{"index":"${INDEX}","documentId":"wk-proto","text":"x","tags":{"__proto__":["x"]}}`,
    });
    const search = await apiModule("/search", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: `{"query":"x","args":${nestedJson(5_000)}}`,
    });
    for (const res of [multipart, json, search]) {
      expect(res.status, await res.clone().text()).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
    }
    for (const id of ["wk-nested-args", "wk-proto"]) {
      const res = await apiModule(`/upload-status?index=${INDEX}&documentId=${id}`);
      expect(res.status).toBe(404);
    }
  });
});
