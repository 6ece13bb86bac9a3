/**
 * @module
 * The caps that bound what one untrusted document may cost, on every runtime: pages, extracted characters,
 * decompressed bytes, markup nesting depth and chunks. A document past a cap fails with `LimitExceeded`, whose
 * message names the cap and the variable that sets it, so the upload status tells the user what to change.
 * On Workers (no threads) these caps are what keeps a document inside the isolate's 128 MB; on Node they are
 * applied inside the extraction thread, whose own memory and time limits catch anything they miss.
 */
import { AppError } from "../errors.js";

export type ExtractLimits = {
  /** Most pages a PDF, slides a PPTX or worksheets an XLSX may have (`MAX_PDF_PAGES`). */
  maxPages: number;
  /** Most characters of text one document may yield (`MAX_EXTRACTED_CHARS`). */
  maxChars: number;
  /** Most bytes the compressed parts of one file (PDF streams, DOCX/XLSX/PPTX XML) may inflate to (`MAX_DECOMPRESSED_BYTES`). */
  maxDecompressedBytes: number;
  /**
   * Most elements (each `<`, so a closing tag counts too) a DOCX's, XLSX's or PPTX's XML parts may hold (`MAX_XML_ELEMENTS`): mammoth keeps a tree of objects
   * per element, several hundred bytes each, so dense markup costs ~100× its bytes; bytes alone cannot bound it.
   */
  maxXmlElements: number;
  /** Deepest element nesting in HTML and XML (`MAX_NESTING_DEPTH`). */
  maxDepth: number;
  /** Most chunks one document may become (`MAX_CHUNKS_PER_DOCUMENT`). */
  maxChunks: number;
  /** Whether images and text-less PDF pages go through OCR where an engine is present (`OCR_ENABLED`). */
  ocr: boolean;
  /** Most pixels of one image to decode for OCR, read from its header first (`MAX_IMAGE_PIXELS`). */
  maxImagePixels: number;
  /** Most pages (PDF pages without text, TIFF pages) one document may have OCR'd (`MAX_OCR_PAGES`). */
  maxOcrPages: number;
  /** Deadline for the OCR of one document (`OCR_TIMEOUT_MS`). */
  ocrTimeoutMs: number;
};

export const DEFAULT_LIMITS: ExtractLimits = Object.freeze({
  maxPages: 2_000,
  maxChars: 5_000_000,
  maxDecompressedBytes: 64 * 1024 * 1024,
  maxXmlElements: 1_000_000,
  maxDepth: 512,
  maxChunks: 10_000,
  ocr: true,
  maxImagePixels: 40_000_000,
  maxOcrPages: 20,
  ocrTimeoutMs: 45_000,
});

/** A document is larger or deeper than the service accepts; retrying cannot help. */
export class LimitExceeded extends AppError {
  override readonly name = "LimitExceeded";
  constructor(message: string) {
    super("unprocessable", message);
  }
}

const VARIABLE: Record<Exclude<keyof ExtractLimits, "ocr">, string> = {
  maxPages: "MAX_PDF_PAGES",
  maxChars: "MAX_EXTRACTED_CHARS",
  maxDecompressedBytes: "MAX_DECOMPRESSED_BYTES",
  maxXmlElements: "MAX_XML_ELEMENTS",
  maxDepth: "MAX_NESTING_DEPTH",
  maxChunks: "MAX_CHUNKS_PER_DOCUMENT",
  maxImagePixels: "MAX_IMAGE_PIXELS",
  maxOcrPages: "MAX_OCR_PAGES",
  ocrTimeoutMs: "OCR_TIMEOUT_MS",
};

type Cap = keyof typeof VARIABLE;

/** Throws when `value` is over the cap; `what` reads like "the PDF has 30000 pages". */
export function checkLimit(limits: ExtractLimits, cap: Cap, value: number, what: string): void {
  if (value > limits[cap]) throw limitError(limits, cap, what);
}

export function limitError(limits: ExtractLimits, cap: Cap, what: string): LimitExceeded {
  return new LimitExceeded(`${what}; the limit is ${limits[cap]} (${VARIABLE[cap]})`);
}

/** The caps from parsed configuration (see lib/config/limits.ts). */
export function limitsFromConfig(config: {
  MAX_PDF_PAGES?: number;
  MAX_EXTRACTED_CHARS?: number;
  MAX_DECOMPRESSED_BYTES?: number;
  MAX_XML_ELEMENTS?: number;
  MAX_NESTING_DEPTH?: number;
  MAX_CHUNKS_PER_DOCUMENT?: number;
  OCR_ENABLED?: boolean;
  MAX_IMAGE_PIXELS?: number;
  MAX_OCR_PAGES?: number;
  OCR_TIMEOUT_MS?: number;
}): ExtractLimits {
  return {
    maxPages: config.MAX_PDF_PAGES ?? DEFAULT_LIMITS.maxPages,
    maxChars: config.MAX_EXTRACTED_CHARS ?? DEFAULT_LIMITS.maxChars,
    maxDecompressedBytes: config.MAX_DECOMPRESSED_BYTES ?? DEFAULT_LIMITS.maxDecompressedBytes,
    maxXmlElements: config.MAX_XML_ELEMENTS ?? DEFAULT_LIMITS.maxXmlElements,
    maxDepth: config.MAX_NESTING_DEPTH ?? DEFAULT_LIMITS.maxDepth,
    maxChunks: config.MAX_CHUNKS_PER_DOCUMENT ?? DEFAULT_LIMITS.maxChunks,
    ocr: config.OCR_ENABLED ?? DEFAULT_LIMITS.ocr,
    maxImagePixels: config.MAX_IMAGE_PIXELS ?? DEFAULT_LIMITS.maxImagePixels,
    maxOcrPages: config.MAX_OCR_PAGES ?? DEFAULT_LIMITS.maxOcrPages,
    ocrTimeoutMs: config.OCR_TIMEOUT_MS ?? DEFAULT_LIMITS.ocrTimeoutMs,
  };
}
