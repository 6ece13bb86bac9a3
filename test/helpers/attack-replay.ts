/**
 * @module
 * The attack suite's documents and requests (test/node/suites/attacks.test.ts): every attack file with the cap
 * its failure must name, bodies that must be refused with 400, and bounded waits for documents and sources.
 */
import { attackFields, refusedAttackBodies } from "./attack-bodies.js";
import {
  docxBomb,
  docxWithText,
  lzwBomb,
  nestedHtml,
  pdfExpandingStream,
  pdfPageBomb,
  pdfWithContentStream,
  quadraticMarkdown,
} from "./attack-files.js";
import { hugeJpegHeader, hugePngHeader, hugeTiffHeader, imageOnlyPdf, pngBomb, truncatedPng } from "./attack-images.js";
import { bombPart, malformedSlide, pptxOf, sharedStringsXml, sheetXml, xlsxOf } from "./attack-office.js";

/** `expect`: the cap its failure must name, or "completed". */
export type Attack = {
  documentId: string;
  fileName: string;
  bytes: Uint8Array;
  expect: RegExp | "completed";
};

export async function attackDocuments(): Promise<Attack[]> {
  return [
    { documentId: "page-bomb", fileName: "bomb.pdf", bytes: pdfPageBomb(30_000), expect: /MAX_PDF_PAGES/ },
    // One outcome each, whatever the machine's speed: a Flate stream past MAX_DECOMPRESSED_BYTES (64 MiB) is stopped
    // while it is measured, before pdf.js decodes it; one well under it (7 MB of text operators) is extracted within
    // every cap.
    {
      documentId: "expanding-pdf",
      fileName: "expanding.pdf",
      bytes: pdfExpandingStream(70_000_000),
      expect: /MAX_DECOMPRESSED_BYTES/,
    },
    {
      documentId: "long-text-pdf",
      fileName: "long.pdf",
      bytes: pdfExpandingStream(7_000_000),
      expect: "completed",
    },
    // A 68 KB LZW stream that decodes to 160 MB: measured through its filter before pdf.js decodes it.
    {
      documentId: "lzw-pdf",
      fileName: "lzw.pdf",
      bytes: pdfWithContentStream("/LZWDecode", lzwBomb(160 * 1024 * 1024)),
      expect: /MAX_DECOMPRESSED_BYTES/,
    },
    {
      documentId: "docx-bomb",
      fileName: "bomb.docx",
      bytes: docxBomb(400 * 1024 * 1024),
      expect: /MAX_DECOMPRESSED_BYTES/,
    },
    {
      documentId: "docx-text",
      fileName: "long.docx",
      bytes: await docxWithText("lorem ipsum dolor sit amet ".repeat(20), 12_000),
      expect: /MAX_EXTRACTED_CHARS/,
    },
    // Office (issue #23): a worksheet that inflates to 400 MB, a deck of 50,000 slides (7 MB, counted from the zip's
    // directory before any slide inflates), two million shared strings (~10 KB deflated), malformed slide XML.
    {
      documentId: "xlsx-bomb",
      fileName: "bomb.xlsx",
      bytes: xlsxOf(bombPart(400 * 1024 * 1024)),
      expect: /MAX_DECOMPRESSED_BYTES/,
    },
    { documentId: "pptx-slides", fileName: "slides.pptx", bytes: pptxOf(50_000), expect: /MAX_PDF_PAGES/ },
    {
      documentId: "xlsx-strings",
      fileName: "strings.xlsx",
      bytes: xlsxOf(sheetXml('<c r="A1" t="s"><v>0</v></c>'), sharedStringsXml(2_000_000)),
      expect: /MAX_XML_ELEMENTS/,
    },
    { documentId: "pptx-malformed", fileName: "broken.pptx", bytes: pptxOf(1, malformedSlide), expect: /malformed/ },
    { documentId: "quadratic-md", fileName: "title.md", bytes: quadraticMarkdown(1_000_000), expect: "completed" },
    { documentId: "nested-html", fileName: "nested.html", bytes: nestedHtml(250_000), expect: /MAX_NESTING_DEPTH/ },
    // Images (issue #23): refused from their headers before a pixel is decoded, or failed as corrupt by OCR.
    { documentId: "huge-png", fileName: "huge.png", bytes: hugePngHeader(), expect: /MAX_IMAGE_PIXELS/ },
    { documentId: "huge-jpeg", fileName: "huge.jpg", bytes: hugeJpegHeader(), expect: /MAX_IMAGE_PIXELS/ },
    { documentId: "huge-tiff", fileName: "huge.tif", bytes: hugeTiffHeader(), expect: /MAX_IMAGE_PIXELS/ },
    { documentId: "png-bomb", fileName: "bomb.png", bytes: pngBomb(), expect: /MAX_IMAGE_PIXELS/ },
    { documentId: "truncated-png", fileName: "cut.png", bytes: truncatedPng(), expect: /corrupt or truncated/ },
    { documentId: "scan-bomb", fileName: "scan.pdf", bytes: imageOnlyPdf(10_000), expect: /MAX_PDF_PAGES/ },
    // More image-only pages than MAX_OCR_PAGES (20): OCR stops at the cap.
    { documentId: "long-scan", fileName: "long-scan.pdf", bytes: imageOnlyPdf(25), expect: /MAX_OCR_PAGES/ },
    {
      documentId: "normal",
      fileName: "normal.txt",
      bytes: new TextEncoder().encode("The lighthouse keeper lights the lamp at dusk."),
      expect: "completed",
    },
  ];
}

export function upload(
  url: string,
  documentId: string,
  fileName: string,
  bytes: Uint8Array,
  extra: [string, string][] = [],
) {
  const form = new FormData();
  form.append("documentId", documentId);
  for (const [k, v] of extra) form.append(k, v);
  form.append("files", new Blob([bytes as BlobPart]), fileName);
  return fetch(`${url}/upload`, { method: "POST", body: form });
}

export const postJson = (url: string, route: string, body: string) =>
  fetch(`${url}${route}`, { method: "POST", headers: { "content-type": "application/json" }, body });

export type Status = { completed?: boolean; failed?: boolean; error?: { step: string; message: string } | null };

export async function waitSettled(url: string, ids: string[], timeoutMs: number): Promise<Map<string, Status>> {
  const settled = new Map<string, Status>();
  const deadline = Date.now() + timeoutMs;
  while (settled.size < ids.length && Date.now() < deadline) {
    for (const id of ids) {
      if (settled.has(id)) continue;
      // A server that died mid-wait (the poison test) is noticed by the caller; keep polling until then.
      const status = (await fetch(`${url}/upload-status?documentId=${id}`).then(
        (res) => res.json(),
        () => ({}),
      )) as Status;
      if (status.completed || status.failed) settled.set(id, status);
    }
    if (settled.size < ids.length) await new Promise((r) => setTimeout(r, 250));
  }
  return settled;
}

/** Requests that must be refused with 400 ProblemDetails and change nothing (the list MCP replays too). */
export function refusedBodies(url: string): Array<[string, () => Promise<Response>]> {
  return refusedAttackBodies().map((attack) => {
    if (!attack.multipart) return [attack.what, () => postJson(url, attack.path, attack.body)];
    const { text, documentId } = attackFields(attack) as { text: string; documentId: string };
    // The args field as a multipart client writes it: its JSON text (the body's last field).
    const argsText = attack.body.slice(attack.body.indexOf('"args":') + 7, -1);
    return [attack.what, () => upload(url, documentId, "a.txt", new TextEncoder().encode(text), [["args", argsText]])];
  });
}

export async function waitSourceError(url: string, id: string): Promise<{ lastError?: string }> {
  for (let i = 0; i < 600; i++) {
    const source = (await (await fetch(`${url}/sources/${id}`)).json()) as { lastError?: string; status?: string };
    if (source.lastError) return source;
    await new Promise((r) => setTimeout(r, 200));
  }
  return {};
}
