/**
 * @module
 * PDF → one section per page, through unpdf (a serverless build of pdf.js that runs on Workers and Node).
 * Pages are read one at a time and their text streamed, so a page bomb (thousands of pages sharing one content
 * stream) or a stream that expands to megabytes of text stops at the first cap it crosses instead of holding
 * every page's text at once.
 */

import type { getDocumentProxy } from "unpdf";
import { ExtractionFailed } from "./errors.js";
import { checkLimit, type ExtractLimits, LimitExceeded, limitError } from "./limits.js";
import { type ExtractServices, isProviderFailure } from "./ocr.js";
import { ocrPages } from "./pdf-ocr.js";
import { checkPdfStreams } from "./pdf-streams.js";
import { cleanText } from "./text.js";
import { type Extracted, type ExtractedSection, MIME } from "./types.js";

type PdfDocument = Awaited<ReturnType<typeof getDocumentProxy>>;
type TextChunk = { items: Array<{ str?: string; hasEOL?: boolean }> };

export async function extractPdf(
  bytes: Uint8Array,
  fileName: string | undefined,
  limits: ExtractLimits,
  services: ExtractServices = {},
): Promise<Extracted> {
  await checkPdfStreams(bytes, limits);
  let doc: PdfDocument;
  try {
    // pdf.js transfers (detaches) the buffer it is given; a copy keeps the caller's bytes usable.
    // Loaded on first use: pdf.js is most of the extraction thread's start-up cost.
    const { getDocumentProxy } = await import("unpdf");
    // maxImageSize: pdf.js skips an image past MAX_IMAGE_PIXELS before decoding it (only OCR decodes images).
    doc = await getDocumentProxy(bytes.slice(), { verbosity: 0, maxImageSize: limits.maxImagePixels });
  } catch (error) {
    throw new ExtractionFailed({ mimeType: MIME.pdf, fileName, reason: describePdfError(error), cause: error });
  }
  try {
    checkLimit(limits, "maxPages", doc.numPages, `the PDF has ${doc.numPages} pages`);
    let sections: ExtractedSection[] = [];
    const textless: number[] = [];
    let chars = 0;
    for (let number = 1; number <= doc.numPages; number++) {
      const text = cleanText(await pageText(doc, number, limits.maxChars - chars, limits)).trim();
      chars += text.length;
      if (text !== "") sections.push({ text, sectionNumber: number });
      else textless.push(number);
    }
    // Pages without a text layer (scans) are read through OCR where this runtime has it; sectionNumber stays the page.
    const scanned = await ocrPages(doc, textless, limits, services);
    if (scanned.sections.length > 0) {
      chars += scanned.sections.reduce((n, s) => n + s.text.length, 0);
      checkLimit(limits, "maxChars", chars, `the PDF yields ${chars} characters of text`);
      sections = [...sections, ...scanned.sections].sort((a, b) => a.sectionNumber - b.sectionNumber);
    }
    const title = await readTitle(doc);
    const notes = scanned.notes.length ? { notes: scanned.notes } : {};
    return title ? { mimeType: MIME.pdf, sections, title, ...notes } : { mimeType: MIME.pdf, sections, ...notes };
  } catch (error) {
    if (error instanceof LimitExceeded) throw error;
    // A remote OCR provider's failure keeps its kind, so a transient one is retried like the embedder's.
    if (isProviderFailure(error) && error.kind === "upstream") throw error;
    throw new ExtractionFailed({ mimeType: MIME.pdf, fileName, reason: describePdfError(error), cause: error });
  } finally {
    await doc.destroy().catch(() => {});
  }
}

/** The page's text, abandoned (stream cancelled) as soon as it passes `budget` characters. */
async function pageText(doc: PdfDocument, number: number, budget: number, limits: ExtractLimits): Promise<string> {
  const page = await doc.getPage(number);
  const reader = (page.streamTextContent() as ReadableStream<TextChunk>).getReader();
  const parts: string[] = [];
  let length = 0;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      for (const item of value.items) {
        if (typeof item.str !== "string") continue;
        const part = item.hasEOL ? `${item.str}\n` : item.str;
        parts.push(part);
        length += part.length;
      }
      if (length > budget) {
        await reader.cancel().catch(() => {});
        throw limitError(
          limits,
          "maxChars",
          `the PDF's text passes ${limits.maxChars - budget + length} characters by page ${number}`,
        );
      }
    }
  } finally {
    page.cleanup();
  }
  return parts.join("");
}

// The title is a nicety; a broken info dictionary must not fail an otherwise readable document.
async function readTitle(doc: PdfDocument): Promise<string | undefined> {
  try {
    const { info } = await doc.getMetadata();
    const title = (info as { Title?: unknown } | undefined)?.Title;
    return typeof title === "string" && title.trim() !== "" ? cleanText(title).trim().slice(0, 1000) : undefined;
  } catch {
    return undefined;
  }
}

function describePdfError(error: unknown): string {
  const name = error instanceof Error ? error.name : "";
  if (name === "PasswordException") return "the PDF is password-protected";
  if (name === "InvalidPDFException") return "the file is not a valid PDF (corrupt or truncated)";
  const message = error instanceof Error ? error.message : String(error);
  return `the PDF could not be parsed (${message.split("\n")[0]})`;
}
