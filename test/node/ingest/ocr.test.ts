/**
 * OCR end to end through the HTTP API (issue #23): sentences rendered by a real browser are uploaded as PNG,
 * JPEG and TIFF and inside a PDF page that has no text layer (built with pdf-lib), and `/search` finds each by
 * its words, citing the scanned page as its section. A document that yields no text is never reported ready:
 * an empty text file, a blank image, and a scan on a server with OCR off all complete with `empty: true` and an
 * explanation that says why.
 */
import { encode } from "fast-png";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiServer, startApiServer } from "../../helpers/api.js";
import { pdfOfPages, pngToTiff, type Rendered, renderSentences } from "../../helpers/ocr-fixtures.js";
import { waitFor } from "../../helpers/wait.js";

const SENTENCES = [
  "The lighthouse keeper counted seven quiet ships",
  "Marmalade shipments arrive every Thursday morning",
  "Copper kettles whistle loudly in the northern valley",
  "Our harbour ledger lists forty barrels of cider",
];

type Status = { completed: boolean; failed: boolean; empty: boolean; explanation: string; error?: unknown };
type Hit = { documentId: string; partitions: Array<{ text: string; sectionNumber: number }> };

// A real image with nothing to read: 600 × 80 white pixels.
const WHITE_PNG = encode({ width: 600, height: 80, data: new Uint8Array(600 * 80).fill(255), channels: 1, depth: 8 });

let server: ApiServer;
let images: Rendered[];

beforeAll(async () => {
  [images, server] = await Promise.all([renderSentences(SENTENCES), startApiServer()]);
});

afterAll(async () => {
  await server?.close();
});

async function upload(api: ApiServer, documentId: string, fileName: string, bytes: Uint8Array): Promise<void> {
  const form = new FormData();
  form.append("documentId", documentId);
  form.append("files", new Blob([bytes as BlobPart]), fileName);
  const res = await api.call("/upload", { method: "POST", body: form });
  expect(res.status, await res.clone().text()).toBe(202);
}

async function settled(api: ApiServer, documentId: string): Promise<Status> {
  return waitFor(
    `${documentId} to settle`,
    async () => (await (await api.call(`/upload-status?documentId=${documentId}`)).json()) as Status,
    (s) => s.completed || s.failed,
    { timeoutMs: 90_000, intervalMs: 200 },
  );
}

async function search(query: string): Promise<Hit[]> {
  const res = await server.postJson("/search", { query, limit: 3 });
  expect(res.status).toBe(200);
  return ((await res.json()) as { results: Hit[] }).results;
}

describe("OCR through the API", () => {
  it("finds a rendered sentence in a PNG, a JPEG, a TIFF and a scanned PDF page", async () => {
    const [lighthouse, marmalade, kettles, harbour] = images;
    const pdf = await pdfOfPages([{ text: "Preface to the quarterly report." }, { png: harbour!.png }]);
    const docs: Array<[string, string, Uint8Array]> = [
      ["ocr-png", "lighthouse.png", lighthouse!.png],
      ["ocr-jpeg", "marmalade.jpg", marmalade!.jpeg],
      // No extension and no declared type: the TIFF is recognised by its magic bytes.
      ["ocr-tiff", "kettles", pngToTiff(kettles!.png)],
      ["ocr-pdf", "report.pdf", pdf],
    ];
    for (const [id, name, bytes] of docs) await upload(server, id, name, bytes);
    for (const [id] of docs) {
      const status = await settled(server, id);
      expect({ id, completed: status.completed, empty: status.empty }).toEqual({ id, completed: true, empty: false });
    }

    const expectations: Array<[string, string, RegExp, number]> = [
      ["lighthouse keeper quiet ships", "ocr-png", /lighthouse keeper counted seven/i, 1],
      ["marmalade shipments Thursday", "ocr-jpeg", /marmalade shipments arrive/i, 1],
      ["copper kettles whistle valley", "ocr-tiff", /copper kettles whistle/i, 1],
      ["harbour ledger barrels of cider", "ocr-pdf", /harbour ledger lists forty/i, 2],
    ];
    for (const [query, documentId, text, section] of expectations) {
      const top = (await search(query))[0];
      expect(top?.documentId, query).toBe(documentId);
      const partition = top!.partitions.find((p) => text.test(p.text));
      expect(partition, `${query}: ${JSON.stringify(top?.partitions)}`).toBeDefined();
      // KM's sectionNumber is the page for a PDF; an image is section 1.
      expect(partition!.sectionNumber).toBe(section);
    }
    // The mixed PDF's text page was read from its text layer, as page 1.
    const preface = (await search("preface quarterly report"))[0];
    expect(preface?.documentId).toBe("ocr-pdf");
    expect(preface?.partitions.some((p) => p.sectionNumber === 1 && /Preface/.test(p.text))).toBe(true);
  });

  it("a document with no text completes with empty: true and says why", async () => {
    await upload(server, "empty-txt", "notes.txt", new TextEncoder().encode("  \n \n"));
    await upload(server, "blank-png", "blank.png", WHITE_PNG);
    const txt = await settled(server, "empty-txt");
    expect(txt).toMatchObject({ completed: true, failed: false, empty: true });
    expect(txt.explanation).toMatch(/^Completed, but no text was found: "notes.txt" contains no text/);
    const png = await settled(server, "blank-png");
    expect(png).toMatchObject({ completed: true, empty: true });
    expect(png.explanation).toMatch(/OCR found no text in "blank.png"/);
    expect(await search("lighthouse")).not.toContainEqual(expect.objectContaining({ documentId: "blank-png" }));
  });

  it("with OCR off, a scanned PDF is empty, not a success, and the status names OCR_ENABLED", async () => {
    const off = await startApiServer({ OCR_ENABLED: "false" });
    try {
      await upload(off, "scan", "scan.pdf", await pdfOfPages([{ png: images[0]!.png }, { png: images[1]!.png }]));
      const status = await settled(off, "scan");
      expect(status).toMatchObject({ completed: true, failed: false, empty: true });
      expect(status.explanation).toMatch(/2 pages without a text layer and OCR is disabled \(OCR_ENABLED=false\)/);
    } finally {
      await off.close();
    }
  });
});
