/**
 * @module
 * OCR as a capability the runtime hands extraction: an `OcrEngine` reads the text of one encoded image (PNG,
 * JPEG or TIFF bytes). Node's is tesseract.js with the English model from npm (`ocr-tesseract.ts`, loaded only
 * by Node's extraction thread); the ingestion Worker's is a Workers AI vision model when `OCR_PROVIDER=workers-ai`
 * (`lib/ai/workers-ai-ocr.ts`, handed over by its composition root). Without an engine an image or a page without
 * a text layer yields no text and a note that says why (the document's status then reads `empty: true`).
 *
 * An engine's own failures: a remote provider's are `AppError`s of kind `upstream` (`isProviderFailure`), which
 * extraction passes on untouched, so the job retries a transient one and fails on a permanent one; any other
 * error of an engine means the image could not be read.
 *
 * `OcrSession` holds one document's budget: pages (`MAX_OCR_PAGES`) and one deadline (`OCR_TIMEOUT_MS`) for all
 * of them. An engine that passes the deadline is reset (its worker terminated), so a hostile image cannot keep
 * the engine busy for the next document.
 */
import { AppError } from "../errors.js";
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
  if (!services.ocr) {
    return "this runtime has no OCR engine (the Node server reads images with tesseract.js; the ingestion Worker needs OCR_PROVIDER=workers-ai and its AI binding)";
  }
  return undefined;
}

/** A remote OCR provider's failure (transient or not, as its `permanent` says), or an input it refuses: passed on as is. */
export function isProviderFailure(error: unknown): error is AppError {
  return error instanceof AppError && (error.kind === "upstream" || error.kind === "unprocessable");
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
