/**
 * Images and scanned PDF pages at the extraction layer, with the real OCR engine (tesseract.js) behind a counter:
 * every cap refuses its file before the engine sees a pixel (a 30,000 × 30,000 header, a 256 M pixel bomb, a
 * 10,000-page scan), the OCR page cap stops a long scan after exactly that many pages, a truncated image fails
 * as corrupt, and where there is no engine (Workers) or OCR is off an image yields no text and a note saying why.
 */
import { encode } from "fast-png";
import { describe, expect, it } from "vitest";
import { detectContentType } from "../../../lib/extract/detect.js";
import { extract } from "../../../lib/extract/index.js";
import { DEFAULT_LIMITS } from "../../../lib/extract/limits.js";
import type { OcrEngine } from "../../../lib/extract/ocr.js";
import { tesseractOcr } from "../../../lib/extract/ocr-tesseract.js";
import {
  hugeJpegHeader,
  hugePngHeader,
  hugeTiffHeader,
  imageOnlyPdf,
  pngBomb,
  truncatedPng,
} from "../../helpers/attack-images.js";

function countingOcr(): OcrEngine & { calls: number } {
  const engine = {
    calls: 0,
    recognize(image: Uint8Array) {
      engine.calls++;
      return tesseractOcr.recognize(image);
    },
    reset: () => tesseractOcr.reset(),
  };
  return engine;
}

describe("image files", () => {
  it("are recognised by magic bytes, declared type and extension", () => {
    expect(detectContentType({ bytes: hugePngHeader() })).toBe("image/png");
    expect(detectContentType({ bytes: hugeJpegHeader() })).toBe("image/jpeg");
    expect(detectContentType({ bytes: hugeTiffHeader() })).toBe("image/tiff");
    expect(detectContentType({ bytes: new Uint8Array([1, 2]), contentType: "image/tiff" })).toBe("image/tiff");
    expect(detectContentType({ bytes: new Uint8Array([1, 2]), fileName: "scan.JPG" })).toBe("image/jpeg");
  });

  it.each([
    ["PNG", "huge.png", hugePngHeader(), "30000 × 30000"],
    ["JPEG", "huge.jpg", hugeJpegHeader(), "30000 × 30000"],
    ["TIFF", "huge.tif", hugeTiffHeader(), "30000 × 30000"],
    ["PNG bomb", "bomb.png", pngBomb(), "16000 × 16000"],
  ])("a %s past MAX_IMAGE_PIXELS is refused from its header, before OCR", async (_, fileName, bytes, size) => {
    expect(bytes.length).toBeLessThan(64 * 1024);
    const ocr = countingOcr();
    await expect(extract({ bytes, fileName }, DEFAULT_LIMITS, { ocr })).rejects.toMatchObject({
      name: "LimitExceeded",
      message: expect.stringMatching(new RegExp(`${size} pixels .*\\(MAX_IMAGE_PIXELS\\)`)),
    });
    expect(ocr.calls).toBe(0);
  });

  it("a truncated PNG (header intact) fails as corrupt once the engine decodes it", async () => {
    await expect(
      extract({ bytes: truncatedPng(), fileName: "cut.png" }, DEFAULT_LIMITS, { ocr: tesseractOcr }),
    ).rejects.toMatchObject({
      name: "ExtractionFailed",
      message: expect.stringMatching(/corrupt or truncated/),
    });
  });

  it("without an engine (Workers) or with OCR off, an image yields no text and a note saying why", async () => {
    const png = encode({ width: 40, height: 30, data: new Uint8Array(1200).fill(255), channels: 1, depth: 8 });
    const image = await extract({ bytes: png, fileName: "white.png" }, DEFAULT_LIMITS, {});
    expect(image).toEqual({
      mimeType: "image/png",
      sections: [],
      notes: [expect.stringMatching(/"white.png" is an image and this runtime has no OCR engine/)],
    });
    const scan = await extract({ bytes: imageOnlyPdf(2), fileName: "scan.pdf" }, DEFAULT_LIMITS, {});
    expect(scan.sections).toEqual([]);
    expect(scan.notes?.join()).toMatch(/2 pages without a text layer and this runtime has no OCR engine/);
    const off = await extract(
      { bytes: imageOnlyPdf(1), fileName: "scan.pdf" },
      { ...DEFAULT_LIMITS, ocr: false },
      {
        ocr: tesseractOcr,
      },
    );
    expect(off.notes?.join()).toMatch(/OCR_ENABLED=false/);
  });
});

describe("scanned PDFs", () => {
  it("10,000 image-only pages: refused by MAX_PDF_PAGES before any page is OCR'd", async () => {
    const ocr = countingOcr();
    await expect(
      extract({ bytes: imageOnlyPdf(10_000), fileName: "scan.pdf" }, DEFAULT_LIMITS, { ocr }),
    ).rejects.toThrow(/10000 pages; the limit is 2000 \(MAX_PDF_PAGES\)/);
    expect(ocr.calls).toBe(0);
  });

  it("more image-only pages than MAX_OCR_PAGES: exactly that many are OCR'd, then the document fails", async () => {
    const ocr = countingOcr();
    const limits = { ...DEFAULT_LIMITS, maxOcrPages: 2 };
    await expect(extract({ bytes: imageOnlyPdf(6), fileName: "scan.pdf" }, limits, { ocr })).rejects.toThrow(
      /more than 2 pages without a text layer to OCR; the limit is 2 \(MAX_OCR_PAGES\)/,
    );
    expect(ocr.calls).toBe(2);
  });

  it("images over MAX_IMAGE_PIXELS inside a PDF are skipped by pdf.js before decoding, with a note", async () => {
    const ocr = countingOcr();
    const limits = { ...DEFAULT_LIMITS, maxImagePixels: 1000 };
    const out = await extract({ bytes: imageOnlyPdf(1), fileName: "scan.pdf" }, limits, { ocr });
    expect(ocr.calls).toBe(0);
    expect(out.sections).toEqual([]);
    expect(out.notes?.join()).toMatch(/no image on them to OCR \(or only images over MAX_IMAGE_PIXELS\)/);
  });
});

describe("the OCR deadline", () => {
  it("stops a document past OCR_TIMEOUT_MS, resets the engine, and the next document is read", async () => {
    await tesseractOcr.reset(); // a cold engine needs ~1 s to start: far past a 50 ms deadline
    const white = encode({ width: 300, height: 60, data: new Uint8Array(300 * 60).fill(255), channels: 1, depth: 8 });
    await expect(
      extract({ bytes: white, fileName: "w.png" }, { ...DEFAULT_LIMITS, ocrTimeoutMs: 50 }, { ocr: tesseractOcr }),
    ).rejects.toThrow(/took longer than 50 ms; the limit is 50 \(OCR_TIMEOUT_MS\)/);
    const next = await extract({ bytes: white, fileName: "w.png" }, DEFAULT_LIMITS, { ocr: tesseractOcr });
    expect(next.notes).toEqual(['OCR found no text in "w.png"']);
  });
});
