/**
 * @module
 * PDF → one section per page, through unpdf (a serverless build of pdf.js that runs on Workers and Node).
 */

import { extractText, getDocumentProxy } from "unpdf";
import { ExtractionFailed } from "./errors.js";
import { cleanText } from "./text.js";
import { type Extracted, MIME } from "./types.js";

export async function extractPdf(bytes: Uint8Array, fileName?: string): Promise<Extracted> {
  let doc: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    // pdf.js transfers (detaches) the buffer it is given; a copy keeps the caller's bytes usable.
    doc = await getDocumentProxy(bytes.slice(), { verbosity: 0 });
  } catch (error) {
    throw new ExtractionFailed({ mimeType: MIME.pdf, fileName, reason: describePdfError(error), cause: error });
  }
  try {
    const { text: pages } = await extractText(doc, { mergePages: false });
    const sections = pages
      .map((page, i) => ({ text: cleanText(page).trim(), sectionNumber: i + 1 }))
      .filter((section) => section.text !== "");
    const title = await readTitle(doc);
    return title ? { mimeType: MIME.pdf, sections, title } : { mimeType: MIME.pdf, sections };
  } catch (error) {
    throw new ExtractionFailed({ mimeType: MIME.pdf, fileName, reason: describePdfError(error), cause: error });
  } finally {
    await doc.destroy().catch(() => {});
  }
}

// The title is a nicety; a broken info dictionary must not fail an otherwise readable document.
async function readTitle(doc: Awaited<ReturnType<typeof getDocumentProxy>>): Promise<string | undefined> {
  try {
    const { info } = await doc.getMetadata();
    const title = (info as { Title?: unknown } | undefined)?.Title;
    return typeof title === "string" && title.trim() !== "" ? cleanText(title).trim() : undefined;
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
