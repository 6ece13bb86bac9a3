/**
 * @module
 * An image (PNG, JPEG, TIFF) → one section of the text OCR reads in it. The header is read first (image-size
 * reads only the bytes that hold width and height), so an image whose header promises more than
 * `MAX_IMAGE_PIXELS` is refused before a byte of it is decoded: a 30,000 × 30,000 header costs nothing.
 * A multi-page TIFF: its first page is read.
 */
import { imageSize } from "image-size";
import { ExtractionFailed } from "./errors.js";
import { checkLimit, type ExtractLimits, LimitExceeded } from "./limits.js";
import { type ExtractServices, isProviderFailure, OcrSession, ocrUnavailable } from "./ocr.js";
import { cleanText, singleSection } from "./text.js";
import type { Extracted } from "./types.js";

export async function extractImage(
  input: { bytes: Uint8Array; fileName?: string | undefined; mimeType: string },
  limits: ExtractLimits,
  services: ExtractServices,
): Promise<Extracted> {
  const { bytes, fileName, mimeType } = input;
  const fail = (reason: string, cause?: unknown) =>
    new ExtractionFailed({ mimeType, ...(fileName !== undefined ? { fileName } : {}), reason, cause });
  let size: { width: number; height: number };
  try {
    const read = imageSize(bytes);
    size = { width: read.width, height: read.height };
  } catch (error) {
    throw fail("its header could not be read (not an image, or truncated)", error);
  }
  if (!(size.width > 0 && size.height > 0)) throw fail("its header gives no width and height");
  checkImagePixels(limits, size.width, size.height, "the image");

  const what = fileName ? `"${fileName}"` : "the image";
  const unavailable = ocrUnavailable(limits, services);
  if (unavailable) return { mimeType, sections: [], notes: [`${what} is an image and ${unavailable}`] };

  const session = new OcrSession(services.ocr!, limits);
  session.reserve(1, `the image needs 1 page of OCR`);
  let text: string;
  try {
    text = cleanText(await session.recognize(bytes)).trim();
  } catch (error) {
    if (error instanceof LimitExceeded) throw error;
    if (isProviderFailure(error)) {
      if (error.kind === "upstream") throw error;
      throw fail(error.message, error);
    }
    throw fail("OCR could not decode the image (corrupt or truncated)", error);
  }
  checkLimit(limits, "maxChars", text.length, `the image yields ${text.length} characters of text`);
  const sections = singleSection(text);
  return sections.length ? { mimeType, sections } : { mimeType, sections, notes: [`OCR found no text in ${what}`] };
}

/** Refuses an image past `MAX_IMAGE_PIXELS` from its declared size, before it is decoded. */
export function checkImagePixels(limits: ExtractLimits, width: number, height: number, what: string): void {
  checkLimit(limits, "maxImagePixels", width * height, `${what} is ${width} × ${height} pixels (${width * height})`);
}
