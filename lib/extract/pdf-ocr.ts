/**
 * @module
 * The pages of a PDF that have no text layer (a scan), read through OCR: each page's images are taken from
 * pdf.js's operator list (decoded by pdf.js, which skips any image over `MAX_IMAGE_PIXELS` before decoding it:
 * the document is opened with `maxImageSize`), encoded as PNG and handed to the OCR engine. A mixed PDF has only
 * its image-only pages OCR'd. Pages with images count against `MAX_OCR_PAGES`, and all of them share the
 * document's `OCR_TIMEOUT_MS`.
 */
import type { getDocumentProxy } from "unpdf";
import type { ExtractLimits } from "./limits.js";
import { type ExtractServices, OcrSession, ocrUnavailable } from "./ocr.js";
import { cleanText } from "./text.js";
import type { ExtractedSection } from "./types.js";

type PdfDocument = Awaited<ReturnType<typeof getDocumentProxy>>;
type PdfPage = Awaited<ReturnType<PdfDocument["getPage"]>>;
type PdfImage = { width?: number; height?: number; kind?: number; data?: Uint8Array | Uint8ClampedArray };

// pdf.js's ImageKind: how decoded pixels are laid out.
const GRAYSCALE_1BPP = 1;
const RGB_24BPP = 2;
const RGBA_32BPP = 3;
// Smaller images are rules, bullets and logos, not text worth a pass of the engine.
const MIN_SIDE = 24;

/** OCR sections for `pages` (numbers of pages without text) and notes on what could not be read. */
export async function ocrPages(
  doc: PdfDocument,
  pages: number[],
  limits: ExtractLimits,
  services: ExtractServices,
): Promise<{ sections: ExtractedSection[]; notes: string[] }> {
  if (pages.length === 0) return { sections: [], notes: [] };
  const count = `${pages.length} page${pages.length === 1 ? "" : "s"}`;
  const unavailable = ocrUnavailable(limits, services);
  if (unavailable) return { sections: [], notes: [`the PDF has ${count} without a text layer and ${unavailable}`] };

  const { getResolvedPDFJS } = await import("unpdf");
  const { OPS } = await getResolvedPDFJS();
  const session = new OcrSession(services.ocr!, limits);
  const sections: ExtractedSection[] = [];
  let withImages = 0;
  for (const number of pages) {
    const page = await doc.getPage(number);
    try {
      const images = await pageImages(page, OPS);
      if (images.length === 0) continue;
      withImages++;
      session.reserve(1, `the PDF has more than ${limits.maxOcrPages} pages without a text layer to OCR`);
      const texts: string[] = [];
      for (const image of images) texts.push(cleanText(await session.recognize(await toPng(image))).trim());
      const text = texts.filter((t) => t !== "").join("\n");
      if (text !== "") sections.push({ text, sectionNumber: number });
    } finally {
      page.cleanup();
    }
  }
  const notes =
    withImages === 0
      ? [`the PDF has ${count} without a text layer and no image on them to OCR (or only images over MAX_IMAGE_PIXELS)`]
      : sections.length === 0
        ? [`the PDF has ${count} without a text layer; OCR found no text in their images`]
        : [];
  return { sections, notes };
}

type Decoded = { width: number; height: number; kind: number; data: Uint8Array | Uint8ClampedArray };

async function pageImages(page: PdfPage, OPS: Record<string, number>): Promise<Decoded[]> {
  const list = await page.getOperatorList();
  const found: Decoded[] = [];
  for (let i = 0; i < list.fnArray.length; i++) {
    const op = list.fnArray[i];
    const args = list.argsArray[i] as unknown[];
    let image: PdfImage | undefined;
    if (op === OPS.paintInlineImageXObject) image = args[0] as PdfImage;
    else if (op === OPS.paintImageXObject) {
      const key = String(args[0]);
      const store = key.startsWith("g_") ? page.commonObjs : page.objs;
      image = await new Promise<PdfImage | undefined>((resolve) => store.get(key, resolve as (v: unknown) => void));
    }
    const decoded = usable(image);
    if (decoded) found.push(decoded);
  }
  return found;
}

function usable(image: PdfImage | undefined): Decoded | undefined {
  if (!image?.data || !image.width || !image.height || image.kind === undefined) return undefined;
  if (image.width < MIN_SIDE || image.height < MIN_SIDE) return undefined;
  if (![GRAYSCALE_1BPP, RGB_24BPP, RGBA_32BPP].includes(image.kind)) return undefined;
  return { width: image.width, height: image.height, kind: image.kind, data: image.data };
}

/** pdf.js's decoded pixels as a PNG the engine can read (1-bit rows, padded to bytes, expand to 8-bit gray). */
async function toPng(image: Decoded): Promise<Uint8Array> {
  const { encode } = await import("fast-png");
  const { width, height } = image;
  if (image.kind === GRAYSCALE_1BPP) {
    const gray = new Uint8Array(width * height);
    const rowBytes = Math.ceil(width / 8);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const bit = (image.data[y * rowBytes + (x >> 3)]! >> (7 - (x & 7))) & 1;
        gray[y * width + x] = bit ? 255 : 0;
      }
    }
    return encode({ width, height, data: gray, channels: 1, depth: 8 });
  }
  const channels = image.kind === RGB_24BPP ? 3 : 4;
  const data = new Uint8Array(image.data.buffer, image.data.byteOffset, width * height * channels);
  return encode({ width, height, data, channels, depth: 8 });
}
