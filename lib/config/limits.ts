/**
 * @module
 * Configuration: what one document, one request or one instance may cost — caps on untrusted files, the
 * extraction threads' limits, overload shedding. Kept together so the limits read as one list.
 */
import { z } from "zod";
import { flag, int, oneOf, text, variable } from "./vars.js";

export const INGESTION_LIMIT_VARS = {
  MAX_UPLOAD_BYTES: variable(int(1, 1024 * 1024 * 1024, 25 * 1024 * 1024), {
    description: "largest `POST /upload` body, all files plus multipart framing (413 above)",
    default: "`26214400` (Workers: `6291456`, wrangler.toml)",
  }),
  MAX_PDF_PAGES: variable(int(1, 1_000_000, 2_000), {
    description:
      "a PDF with more pages, a PPTX with more slides or an XLSX with more worksheets fails its ingestion (the error names the variable)",
    default: "`2000` (ingestion Worker: `1000`)",
  }),
  MAX_EXTRACTED_CHARS: variable(int(1_000, 500_000_000, 5_000_000), {
    description: "most characters of text one document may yield; more fails the document",
    default: "`5000000` (ingestion Worker: `1500000`)",
  }),
  MAX_DECOMPRESSED_BYTES: variable(int(1_024, 4 * 1024 * 1024 * 1024, 64 * 1024 * 1024), {
    description:
      "most bytes the compressed parts of one file may decode to (a PDF's streams through every filter pdf.js decodes — Flate, LZW, RunLength, ASCIIHex, ASCII85 and their chains; the XML of a DOCX, XLSX or PPTX), measured before the parser decodes them",
    default: "64 MiB (ingestion Worker: 8 MiB)",
  }),
  MAX_XML_ELEMENTS: variable(int(100, 100_000_000, 1_000_000), {
    description:
      "most elements the XML of a DOCX, XLSX or PPTX may hold, counted as `<` while inflating (a closing tag counts too; mammoth keeps a tree of objects per element; a spreadsheet cell is 4–6), so it also bounds cells and shared strings",
    default: "`1000000` (ingestion Worker: `75000`)",
  }),
  MAX_NESTING_DEPTH: variable(int(8, 100_000, 512), {
    description: "deepest HTML/XML (and JSON document) nesting an extractor or sitemap parser accepts",
  }),
  MAX_CHUNKS_PER_DOCUMENT: variable(int(1, 1_000_000, 10_000), {
    description: "most chunks one document may become",
  }),
  EXTRACT_THREADS: variable(int(1, 64, 1), {
    description:
      "Node: worker threads that extract and chunk files (the HTTP thread never runs them); they start with the first upload and stop after 30 s idle",
  }),
  EXTRACT_MEMORY_MB: variable(int(32, 16_384, 256), {
    description: "Node: heap limit of one extraction thread; a file that needs more fails",
  }),
  EXTRACT_TIMEOUT_MS: variable(int(1_000, 3_600_000, 60_000), {
    description: "Node: deadline for extracting and chunking one file",
  }),
  INGEST_BATCH_SIZE: variable(int(1, 1_000, 64), {
    description:
      "due ingestion jobs one run claims and processes together (one read, one embedding call, one write transaction); each document keeps its own status and failure",
  }),
  MAX_BULK_LINES: variable(int(1, 100_000, 5_000), {
    description:
      "most documents (NDJSON lines) one `POST /upload/bulk` may carry (400 above); its body counts against `MAX_UPLOAD_BYTES`",
  }),
  OCR_ENABLED: variable(flag(true), {
    description:
      "read the text of images (PNG, JPEG, TIFF) and of PDF pages without a text layer through OCR (the engine is `OCR_PROVIDER`'s); `false`, or an ingestion Worker without `OCR_PROVIDER=workers-ai`, stores such files with `empty: true` and says why in their status",
  }),
  OCR_PROVIDER: variable(oneOf("OCR_PROVIDER", ["tesseract", "workers-ai"], "tesseract"), {
    description:
      "`tesseract`: Node reads images with tesseract.js (English model from npm) in its extraction thread; the ingestion Worker has no engine of its own. `workers-ai`: the ingestion Worker reads PNG and JPEG (not TIFF) through a vision model on its `AI` binding (required; billed per image, so `MAX_OCR_PAGES` also bounds the cost of one document); Node refuses it at startup",
  }),
  OCR_MODEL: variable(text(), {
    description:
      "the Workers AI model of `OCR_PROVIDER=workers-ai`; default `@cf/meta/llama-3.2-11b-vision-instruct` (Meta's licence must be accepted once per account: send it the prompt `agree`)",
  }),
  MAX_IMAGE_PIXELS: variable(int(1, 1_000_000_000, 40_000_000), {
    description:
      "most pixels (width × height, read from the header before decoding) of one image to OCR, an uploaded image or one in a PDF page; a larger one fails its document",
  }),
  MAX_OCR_PAGES: variable(int(1, 100_000, 20), {
    description:
      "most pages of one PDF OCR'd (its pages without a text layer that hold an image); a PDF that needs more fails and the error names the variable (an image file is one page; a multi-page TIFF is read from its first page)",
  }),
  OCR_TIMEOUT_MS: variable(int(1_000, 3_600_000, 45_000), {
    description:
      "deadline for the OCR of one document (all its pages, Node's engine or Workers AI's calls); keep it below `EXTRACT_TIMEOUT_MS` so the failure names OCR",
  }),
  INGEST_CONCURRENCY: variable(int(1, 64, 2), {
    description: "ingestion jobs one instance runs at once (each holds its document's files in memory)",
  }),
};

export const LOAD_LIMIT_VARS = {
  MAX_IN_FLIGHT: variable(int(1, 100_000, 256), {
    description: "requests one instance serves at once; beyond it 503 + `Retry-After` at once (`/health` excepted)",
  }),
  UPLOAD_BUFFER_BYTES: variable(
    z.coerce
      .number()
      .int()
      .min(1)
      .max(16 * 1024 * 1024 * 1024)
      .optional(),
    {
      description:
        "upload bodies one instance holds at once (declared `Content-Length`, or `MAX_UPLOAD_BYTES` without one); an upload past it is answered 503 + `Retry-After` before it is stored (one upload is always admitted, so a limit below `MAX_UPLOAD_BYTES` still takes every size). The embedded database runs in one WebAssembly memory that never shrinks and writes one upload at a time, so there two maximum-size bodies held at once buy nothing: its default is one upload",
      default: "64 MiB (embedded database: `MAX_UPLOAD_BYTES`; API Worker: 12 MiB, wrangler.toml)",
    },
  ),
};

/** The default of `UPLOAD_BUFFER_BYTES` on a server database; the embedded one defaults to one upload. */
export const UPLOAD_BUFFER_DEFAULT = 64 * 1024 * 1024;
