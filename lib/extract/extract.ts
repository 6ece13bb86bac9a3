/**
 * @module
 * The one entry point the pipeline calls: detect the type, run its extractor, return cleaned sections. Every
 * extractor is bounded by the caps in `limits.ts`, and every pattern applied to the input is linear in its size.
 */

import { csvToText } from "./csv.js";
import { detectContentType } from "./detect.js";
import { extractDocx } from "./docx.js";
import { UnsupportedContentType } from "./errors.js";
import { stripFurnitureLines } from "./furniture.js";
import { htmlToText } from "./html.js";
import { extractImage } from "./image.js";
import { jsonToText } from "./json.js";
import { checkLimit, DEFAULT_LIMITS, type ExtractLimits } from "./limits.js";
import { markdownTitle } from "./markdown.js";
import type { ExtractServices } from "./ocr.js";
import { extractPdf } from "./pdf.js";
import { extractPptx } from "./pptx.js";
import { cleanText, decodeUtf8, singleSection } from "./text.js";
import { type Extracted, MIME } from "./types.js";
import { extractXlsx } from "./xlsx.js";

const WHOLE: ReadonlySet<string> = new Set([MIME.json, MIME.csv, MIME.xlsx, MIME.pptx]);

/**
 * @example
 * const { mimeType, sections } = await extract({ bytes, fileName: "content.txt" });
 * // → { mimeType: "text/plain", sections: [{ text: "…", sectionNumber: 1 }] }
 * `services.ocr` reads images and PDF pages without a text layer; without it they yield no text and a note.
 * @throws UnsupportedContentType when the file is not a supported type
 * @throws ExtractionFailed when a supported file is corrupt
 * @throws LimitExceeded when the file is past one of the caps
 */
export async function extract(
  input: { bytes: Uint8Array; fileName?: string; contentType?: string },
  limits: ExtractLimits = DEFAULT_LIMITS,
  services: ExtractServices = {},
): Promise<Extracted> {
  const extracted = await extractByType(input, limits, services);
  // Furniture out before chunking: link bars, dot-leader contents pages, contents link lists (furniture.ts).
  // Rows and slide bullets are short lines by nature: the furniture heuristics would take them for link bars.
  if (WHOLE.has(extracted.mimeType)) return extracted;
  return {
    ...extracted,
    sections: extracted.sections.map((s) => ({ ...s, text: stripFurnitureLines(s.text) })),
  };
}

async function extractByType(
  input: { bytes: Uint8Array; fileName?: string; contentType?: string },
  limits: ExtractLimits,
  services: ExtractServices,
): Promise<Extracted> {
  const mimeType = detectContentType(input);
  const text = () => {
    const decoded = decodeUtf8(input.bytes);
    checkLimit(limits, "maxChars", decoded.length, `the file holds ${decoded.length} characters of text`);
    return cleanText(decoded);
  };
  const bounded = (out: string) => {
    checkLimit(limits, "maxChars", out.length, `the file yields ${out.length} characters of text`);
    return out;
  };
  switch (mimeType) {
    case MIME.pdf:
      return extractPdf(input.bytes, input.fileName, limits, services);
    case MIME.png:
    case MIME.jpeg:
    case MIME.tiff:
      return extractImage({ bytes: input.bytes, fileName: input.fileName, mimeType }, limits, services);
    case MIME.docx:
      return extractDocx(input.bytes, input.fileName, limits);
    case MIME.xlsx:
      return extractXlsx(input.bytes, input.fileName, limits);
    case MIME.pptx:
      return extractPptx(input.bytes, input.fileName, limits);
    case MIME.html: {
      const { text: body, title } = htmlToText(text(), limits);
      const sections = singleSection(bounded(body));
      return title ? { mimeType, sections, title } : { mimeType, sections };
    }
    case MIME.json: {
      const raw = text();
      return { mimeType, sections: singleSection(jsonToText(raw, limits) ?? raw.trim()) };
    }
    case MIME.csv:
      return { mimeType, sections: singleSection(csvToText(text(), limits)) };
    case MIME.markdown: {
      const body = text().trim();
      const title = markdownTitle(body);
      const sections = singleSection(body);
      return title ? { mimeType, sections, title } : { mimeType, sections };
    }
    case MIME.text:
      return { mimeType, sections: singleSection(text().trim()) };
    default:
      throw new UnsupportedContentType(input);
  }
}
