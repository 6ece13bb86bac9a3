/**
 * @module
 * OCR as a capability the runtime hands extraction: an `OcrEngine` reads the text of one encoded image (PNG,
 * JPEG or TIFF bytes). Node's is tesseract.js with the English model from npm (`ocr-tesseract.ts`, loaded only
 * by Node's extraction thread); Workers have none, so there an image or a page without a text layer yields no
 * text and a note that says why (the document's status then reads `empty: true`).
 *
 * `OcrSession` holds one document's budget: pages (`MAX_OCR_PAGES`) and one deadline (`OCR_TIMEOUT_MS`) for all
 * of them. An engine that passes the deadline is reset (its worker terminated), so a hostile image cannot keep
 * the engine busy for the next document.
 */
import { checkLimit, type ExtractLimits, limitError } from "./limits.js";

export type OcrEngine = {
  /** The text of one encoded image; rejects when the engine cannot read it. */
  recognize(image: Uint8Array): Promise<string>;
  /** Stops whatever it is running (after a deadline); the next `recognize` starts afresh. */
  reset(): Promise<void>;
};

/** What extraction may use beyond the bytes: an OCR engine where this runtime has one. */
export type ExtractServices = { ocr?: OcrEngine };

/** Why there is no OCR for this document, or undefined when there is. */
export function ocrUnavailable(limits: ExtractLimits, services: ExtractServices): string | undefined {
  if (!limits.ocr) return "OCR is disabled (OCR_ENABLED=false)";
  if (!services.ocr) return "this runtime has no OCR engine (OCR runs on the Node server, not on Workers)";
  return undefined;
}

export class OcrSession {
  private pages = 0;
  private readonly deadline: number;

  constructor(
    private readonly engine: OcrEngine,
    private readonly limits: ExtractLimits,
  ) {
    this.deadline = Date.now() + limits.ocrTimeoutMs;
  }

  /** Counts a page against `MAX_OCR_PAGES` before anything is decoded. */
  reserve(pages: number, what: string): void {
    this.pages += pages;
    checkLimit(this.limits, "maxOcrPages", this.pages, what);
  }

  async recognize(image: Uint8Array): Promise<string> {
    const left = this.deadline - Date.now();
    if (left <= 0) throw this.overdue();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(this.overdue()), left);
    });
    try {
      return await Promise.race([this.engine.recognize(image), timeout]);
    } catch (error) {
      if (error === this.lastOverdue) await this.engine.reset().catch(() => {});
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  private lastOverdue: Error | undefined;

  private overdue(): Error {
    this.lastOverdue = limitError(
      this.limits,
      "ocrTimeoutMs",
      `the OCR of the document took longer than ${this.limits.ocrTimeoutMs} ms`,
    );
    return this.lastOverdue;
  }
}
