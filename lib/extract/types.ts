/**
 * @module
 * The shape every extractor returns, and the MIME types the service accepts.
 */

/**
 * PDF: one section per page, PPTX: per slide, XLSX: per worksheet (1-based, as Kernel Memory numbers them; `name`
 * is the worksheet's name); every other type (an image too): a single section numbered 1.
 */
export type ExtractedSection = { text: string; sectionNumber: number; name?: string };

/**
 * `notes`: why text is missing where a reader would expect some (pages without a text layer, OCR off or not
 * available on this runtime); a document that yields no text carries them into its status (`empty: true`).
 */
export type Extracted = { mimeType: string; sections: ExtractedSection[]; title?: string; notes?: string[] };

export const MIME = {
  text: "text/plain",
  markdown: "text/markdown",
  html: "text/html",
  json: "application/json",
  csv: "text/csv",
  pdf: "application/pdf",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  png: "image/png",
  jpeg: "image/jpeg",
  tiff: "image/tiff",
} as const;

export type SupportedMimeType = (typeof MIME)[keyof typeof MIME];

export const SUPPORTED_TYPES: readonly string[] = Object.freeze(Object.values(MIME));

/** The image types read through OCR. */
export const IMAGE_TYPES: readonly string[] = Object.freeze([MIME.png, MIME.jpeg, MIME.tiff]);
