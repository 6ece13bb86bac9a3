/**
 * @module
 * The SSE edge's error mapping: a failure while answering ends the stream with
 * one `error` record whose `noResultReason` the caller can read. An AppError's
 * message is written for the caller (and scrubbed of secrets where a provider
 * wrote it); anything else may carry internals, so the log keeps the detail and
 * the client gets a plain sentence.
 */
import { AppError } from "../../errors.js";
import { log } from "../../log/logger.js";
import type { MemoryAnswer } from "../types.js";

export function streamErrorReason(error: unknown): string {
  if (error instanceof AppError && error.kind === "unavailable") {
    log.warn("ask.stream_failed", { error });
    return "The database is temporarily unavailable; retry shortly.";
  }
  if (error instanceof AppError) {
    log.warn("ask.stream_failed", { error });
    return error.message;
  }
  log.error("ask.stream_failed", { error, stack: error instanceof Error ? error.stack : undefined });
  return "An unexpected error occurred while answering.";
}

export function errorRecord(question: string, error: unknown): MemoryAnswer {
  return {
    streamState: "error",
    question,
    noResult: true,
    noResultReason: streamErrorReason(error),
    text: "",
    tokenUsage: [],
    relevantSources: [],
  };
}
