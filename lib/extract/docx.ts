/**
 * @module
 * DOCX → plain text through mammoth's HTML and the HTML extractor, so the document's structure survives:
 * paragraphs separated by blank lines, list items as lines, and tables as Markdown pipe tables, which the
 * partitioner keeps whole (mammoth's raw text loses tables: every cell became a paragraph of its own).
 */

import type { convertToHtml } from "mammoth";
import { AppError } from "../errors.js";
import { checkZipParts } from "./compressed-parts.js";
import { ExtractionFailed } from "./errors.js";
import { htmlToText } from "./html.js";
import { checkLimit, type ExtractLimits } from "./limits.js";
import { cleanText, singleSection } from "./text.js";
import { type Extracted, MIME } from "./types.js";

export async function extractDocx(
  bytes: Uint8Array,
  fileName: string | undefined,
  limits: ExtractLimits,
): Promise<Extracted> {
  // Before mammoth inflates anything: a 400 KB DOCX can hold 400 MB of XML.
  await checkZipParts(bytes, limits);
  // mammoth's Node build reads `buffer`, its browser build (the one wrangler bundles for Workers) reads
  // `arrayBuffer`; JSZip underneath accepts a plain Uint8Array for both, so no Buffer is needed.
  const input = { buffer: bytes, arrayBuffer: bytes } as unknown as Parameters<typeof convertToHtml>[0];
  let raw: string;
  try {
    const mammoth = await import("mammoth");
    // The ESM and CommonJS builds put the API on the namespace or on its default export.
    const api = (mammoth.default ?? mammoth) as typeof mammoth.default;
    // Images would be inlined as base64 data URIs: megabytes of markup that carry no text.
    const convertImage = api.images.imgElement(async () => ({ src: "" }));
    const html = (await api.convertToHtml(input, { convertImage })).value;
    raw = htmlToText(html, limits).text;
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new ExtractionFailed({ mimeType: MIME.docx, fileName, reason: describeDocxError(error), cause: error });
  }
  checkLimit(limits, "maxChars", raw.length, `the DOCX holds ${raw.length} characters of text`);
  const text = cleanText(raw).trim();
  return { mimeType: MIME.docx, sections: singleSection(text) };
}

function describeDocxError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/central directory|zip/i.test(message)) return "the file is not a valid DOCX (corrupt or truncated zip)";
  if (/main document part/i.test(message)) return "the zip has no Word document inside";
  return `the DOCX could not be parsed (${message.split("\n")[0]})`;
}
