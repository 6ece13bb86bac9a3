/**
 * @module
 * The variables that bound what one document, one request or one instance may cost (caps on untrusted files,
 * the extraction thread's limits, overload shedding). Part of `EnvSchema`; kept apart so the limits read as one
 * list.
 */
import { z } from "zod";

const int = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);

export const RELIABILITY_ENV = {
  /** Most pages a PDF may have. */
  MAX_PDF_PAGES: int(1, 1_000_000, 2_000),
  /** Most characters of text one document may yield. */
  MAX_EXTRACTED_CHARS: int(1_000, 500_000_000, 5_000_000),
  /** Most bytes the compressed parts of one file (PDF streams, DOCX XML parts) may inflate to. */
  MAX_DECOMPRESSED_BYTES: int(1_024, 4 * 1024 * 1024 * 1024, 64 * 1024 * 1024),
  /** Most XML elements (counted as `<`) a DOCX's parts may hold: mammoth builds an object tree of them whole. */
  MAX_XML_ELEMENTS: int(100, 100_000_000, 1_000_000),
  /** Deepest HTML/XML element nesting (also JSON documents). */
  MAX_NESTING_DEPTH: int(8, 100_000, 512),
  /** Most chunks one document may become. */
  MAX_CHUNKS_PER_DOCUMENT: int(1, 1_000_000, 10_000),
  /** Node: worker threads that extract files (each with its own heap limit). */
  EXTRACT_THREADS: int(1, 64, 1),
  /** Node: heap limit of one extraction thread; a file that needs more fails. */
  EXTRACT_MEMORY_MB: int(32, 16_384, 256),
  /** Node: deadline for extracting and chunking one file. */
  EXTRACT_TIMEOUT_MS: int(1_000, 3_600_000, 60_000),
  /** Ingestion jobs one instance runs at once (each holds its document's files in memory). */
  INGEST_CONCURRENCY: int(1, 64, 2),
  /** Requests one instance serves at once; more are answered 503 + Retry-After at once (`/health` excepted). */
  MAX_IN_FLIGHT: int(1, 100_000, 256),
  /**
   * Bytes of upload bodies one instance holds at once (declared Content-Length, or MAX_UPLOAD_BYTES when a body
   * does not declare one). An upload that would pass it is answered 503 + Retry-After before its body is read; one
   * upload is always admitted when none is in flight, so a limit below MAX_UPLOAD_BYTES still takes every size.
   */
  UPLOAD_BUFFER_BYTES: int(1, 16 * 1024 * 1024 * 1024, 64 * 1024 * 1024),
  /** Longest wait for a free database connection before the request is answered 503 + Retry-After. */
  DB_QUEUE_WAIT_MS: int(1, 120_000, 5_000),
};
