/**
 * @module
 * The shape every extractor returns, and the MIME types the service accepts.
 */

/**
 * PDF: one section per page, PPTX: per slide, XLSX: per worksheet (1-based, as Kernel Memory numbers them; `name`
 * is the worksheet's name); every other type: a single section numbered 1.
 */
export type ExtractedSection = { text: string; sectionNumber: number; name?: string };

export type Extracted = { mimeType: string; sections: ExtractedSection[]; title?: string };

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
} as const;

export type SupportedMimeType = (typeof MIME)[keyof typeof MIME];

export const SUPPORTED_TYPES: readonly string[] = Object.freeze(Object.values(MIME));
