/**
 * @module
 * Text extraction: bytes of an uploaded file → readable text sections. Framework-free; runs on Workers and Node.
 */

export { detectContentType } from "./detect.js";
export { ExtractionFailed, UnsupportedContentType } from "./errors.js";
export { extract } from "./extract.js";
export { furnitureWeight, stripFurnitureLines } from "./furniture.js";
export {
  checkLimit,
  DEFAULT_LIMITS,
  type ExtractLimits,
  LimitExceeded,
  limitError,
  limitsFromConfig,
} from "./limits.js";
export type { ExtractServices, OcrEngine } from "./ocr.js";
export { type Extracted, type ExtractedSection, MIME, SUPPORTED_TYPES, type SupportedMimeType } from "./types.js";
