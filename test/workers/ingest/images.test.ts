/**
 * What Workers do with images and scans (issue #23) without an OCR provider (the default: no
 * `OCR_PROVIDER=workers-ai`, no `AI` binding; with them, images-workers-ai.test.ts): an image or a PDF whose pages
 * have no text layer is stored and completes with `empty: true` and an explanation that says this runtime has no
 * OCR engine, never as "ready to search"; an image whose header is past MAX_IMAGE_PIXELS fails before anything is
 * decoded, as on Node.
 */
import { encode } from "fast-png";
import { describe, expect, it } from "vitest";
import { hugePngHeader, imageOnlyPdf } from "../../helpers/attack-images.js";
import { apiModule } from "../worker-api.js";

const INDEX = "workers-images";

function upload(documentId: string, fileName: string, bytes: Uint8Array): Promise<Response> {
  const form = new FormData();
  form.append("index", INDEX);
  form.append("documentId", documentId);
  form.append("files", new Blob([bytes as BlobPart]), fileName);
  return apiModule("/upload", { method: "POST", body: form });
}

type Status = { completed: boolean; failed: boolean; empty: boolean; explanation: string; error?: { message: string } };

async function settled(documentId: string): Promise<Status> {
  let last = "";
  for (let i = 0; i < 1200; i++) {
    const res = await apiModule(`/upload-status?index=${INDEX}&documentId=${documentId}`);
    last = await res.text();
    if (res.status === 200) {
      const status = JSON.parse(last) as Status;
      if (status.completed || status.failed) return status;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${documentId} not settled after 120 s: ${last}`);
}

describe("workerd: images and scans without an OCR engine", () => {
  it("an image and a scanned PDF complete as empty, saying why; a huge header fails on MAX_IMAGE_PIXELS", async () => {
    const gray = new Uint8Array(200 * 60).map((_, i) => (i % 200 < 100 ? 30 : 230));
    const png = encode({ width: 200, height: 60, data: gray, channels: 1, depth: 8 });
    for (const [id, name, bytes] of [
      ["wk-png", "photo.png", png],
      ["wk-scan", "scan.pdf", imageOnlyPdf(2)],
      ["wk-huge", "huge.png", hugePngHeader()],
    ] as const) {
      const res = await upload(id, name, bytes);
      expect(res.status, await res.clone().text()).toBe(202);
    }
    const image = await settled("wk-png");
    expect(image).toMatchObject({ completed: true, failed: false, empty: true });
    expect(image.explanation).toMatch(/"photo.png" is an image and this runtime has no OCR engine/);
    const scan = await settled("wk-scan");
    expect(scan).toMatchObject({ completed: true, empty: true });
    expect(scan.explanation).toMatch(/2 pages without a text layer and this runtime has no OCR engine/);
    const huge = await settled("wk-huge");
    expect(huge.failed).toBe(true);
    expect(huge.error?.message).toMatch(/30000 × 30000 pixels .*MAX_IMAGE_PIXELS/);
  });
});
