/**
 * @module
 * DOCX → plain text through mammoth. Paragraphs come out separated by blank lines, which the partitioner uses.
 */

import type { extractRawText } from "mammoth";
import { checkZipParts } from "./compressed-parts.js";
import { ExtractionFailed } from "./errors.js";
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
  const input = { buffer: bytes, arrayBuffer: bytes } as unknown as Parameters<typeof extractRawText>[0];
  let raw: string;
  try {
    const mammoth = await import("mammoth");
    raw = (await (mammoth.extractRawText ?? mammoth.default.extractRawText)(input)).value;
  } catch (error) {
    throw new ExtractionFailed({ mimeType: MIME.docx, fileName, reason: describeDocxError(error), cause: error });
  }
  checkLimit(limits, "maxChars", raw.length, `the DOCX holds ${raw.length} characters of text`);
  const text = cleanText(raw)
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  return { mimeType: MIME.docx, sections: singleSection(text) };
}

function describeDocxError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/central directory|zip/i.test(message)) return "the file is not a valid DOCX (corrupt or truncated zip)";
  if (/main document part/i.test(message)) return "the zip has no Word document inside";
  return `the DOCX could not be parsed (${message.split("\n")[0]})`;
}
