/**
 * @module
 * The one entry point the pipeline calls: detect the type, run its extractor, return cleaned sections.
 */

import { csvToText } from "./csv.js";
import { detectContentType } from "./detect.js";
import { extractDocx } from "./docx.js";
import { UnsupportedContentType } from "./errors.js";
import { stripFurnitureLines } from "./furniture.js";
import { htmlToText } from "./html.js";
import { jsonToText } from "./json.js";
import { extractPdf } from "./pdf.js";
import { cleanText, decodeUtf8, singleSection } from "./text.js";
import { type Extracted, MIME } from "./types.js";

/**
 * @example
 * const { mimeType, sections } = await extract({ bytes, fileName: "content.txt" });
 * // → { mimeType: "text/plain", sections: [{ text: "…", sectionNumber: 1 }] }
 * @throws UnsupportedContentType when the file is not a supported type
 * @throws ExtractionFailed when a supported file is corrupt
 */
export async function extract(input: {
  bytes: Uint8Array;
  fileName?: string;
  contentType?: string;
}): Promise<Extracted> {
  const extracted = await extractByType(input);
  // Furniture out before chunking: link bars, dot-leader contents pages, contents link lists (furniture.ts).
  if (extracted.mimeType === MIME.json || extracted.mimeType === MIME.csv) return extracted;
  return {
    ...extracted,
    sections: extracted.sections.map((s) => ({ ...s, text: stripFurnitureLines(s.text) })),
  };
}

async function extractByType(input: {
  bytes: Uint8Array;
  fileName?: string;
  contentType?: string;
}): Promise<Extracted> {
  const mimeType = detectContentType(input);
  switch (mimeType) {
    case MIME.pdf:
      return extractPdf(input.bytes, input.fileName);
    case MIME.docx:
      return extractDocx(input.bytes, input.fileName);
    case MIME.html: {
      const { text, title } = htmlToText(decodeUtf8(input.bytes));
      const sections = singleSection(text);
      return title ? { mimeType, sections, title } : { mimeType, sections };
    }
    case MIME.json: {
      const raw = cleanText(decodeUtf8(input.bytes));
      return { mimeType, sections: singleSection(jsonToText(raw) ?? raw.trim()) };
    }
    case MIME.csv:
      return { mimeType, sections: singleSection(csvToText(cleanText(decodeUtf8(input.bytes)))) };
    case MIME.markdown: {
      const text = cleanText(decodeUtf8(input.bytes)).trim();
      const title = /^#[ \t]+(.+?)[ \t#]*$/m.exec(text)?.[1];
      const sections = singleSection(text);
      return title ? { mimeType, sections, title } : { mimeType, sections };
    }
    case MIME.text:
      return { mimeType, sections: singleSection(cleanText(decodeUtf8(input.bytes)).trim()) };
    default:
      throw new UnsupportedContentType(input);
  }
}
