/**
 * @module
 * The memory service's shapes. Names and casing follow Kernel Memory's web
 * service (`swagger.json`) so its clients read them unchanged: camelCase for
 * search/ask, snake_case for the pipeline status.
 */

import type { Reranker } from "../ai/reranker.js";
import type { Embedder, TextGenerator } from "../ai/types.js";
import type { Config } from "../config/env.js";
import type { Db } from "../db/index.js";
import type { DocumentRecord, MemoryFilter, PipelineStep, Tags } from "../store/records.js";

export type { MemoryFilter, PipelineStep, Tags } from "../store/records.js";

export const DEFAULT_STEPS: readonly PipelineStep[] = ["extract", "partition", "gen_embeddings", "save_records"];

export type UploadFile = {
  name: string;
  bytes: Uint8Array;
  contentType?: string;
  /** Where the bytes were fetched from (sources); returned as the citation's `sourceUrl`. */
  sourceUrl?: string;
};

export type UploadInput = {
  index: string;
  documentId: string;
  files: UploadFile[];
  tags: Tags;
  steps: PipelineStep[];
  /** Per-request options, e.g. Kernel Memory's `custom_partitioning_*` keys. */
  args?: Record<string, unknown>;
};

export type DataPipelineStatus = {
  completed: boolean;
  failed: boolean;
  empty: boolean;
  index: string;
  document_id: string;
  tags: Tags;
  creation: string;
  last_update: string;
  steps: string[];
  remaining_steps: string[];
  completed_steps: string[];
  /** Set when `failed`: which step failed and why, readable. */
  error?: { step: string; message: string } | null;
};

export type Partition = {
  text: string;
  relevance: number;
  partitionNumber: number;
  sectionNumber: number;
  lastUpdate: string;
  tags: Tags;
};

export type Citation = {
  link: string;
  index: string;
  documentId: string;
  fileId: string;
  sourceContentType: string;
  sourceName: string;
  sourceUrl: string | null;
  partitions: Partition[];
};

export type SearchInput = {
  index: string;
  query: string;
  filters: MemoryFilter[];
  minRelevance: number;
  /** Already resolved: 1..max. */
  limit: number;
  args?: Record<string, unknown>;
};

export type SearchResult = { query: string; noResult: boolean; results: Citation[] };

export type TokenUsage = {
  timestamp: string;
  serviceType: string;
  modelType: string;
  modelName: string;
  tokenizerTokensIn?: number;
  tokenizerTokensOut?: number;
  serviceTokensIn?: number;
  serviceTokensOut?: number;
};

export type MemoryAnswer = {
  streamState?: "reset" | "append" | "last" | "error";
  question: string;
  noResult: boolean;
  noResultReason: string | null;
  text: string;
  tokenUsage: TokenUsage[];
  relevantSources: Citation[];
};

export type AskInput = {
  index: string;
  question: string;
  filters: MemoryFilter[];
  minRelevance: number;
  args?: Record<string, unknown>;
};

export type DocumentSummary = DocumentRecord;

/** Everything a memory verb needs, passed as one object. */
export type MemoryContext = {
  db: Db;
  /**
   * For reads that need not see the caller's own writes of this request (search, ask, listings): the read
   * replica when one is configured, never behind what the primary had committed when the read began.
   * Absent = `db`.
   */
  reader?: Db;
  config: Config;
  embedder: Embedder;
  generator?: TextGenerator;
  /** Reorders the top fused search candidates; absent = off (the default). */
  reranker?: Reranker;
  /** Keeps background work alive after the response (Workers' `waitUntil`). */
  waitUntil(promise: Promise<unknown>): void;
  /**
   * Runs a just-enqueued ingestion job (the composition root wires `lib/ingest`'s runner here), so
   * upload never imports the layer above it. Takes the context so it runs with the caller's.
   */
  startJob(ctx: MemoryContext, jobId: string): Promise<unknown>;
};

/**
 * Longest question accepted, the one limit the HTTP schema and the ask verb share: long enough for any
 * real question, small enough to bound embedding cost and leave room for facts in the prompt.
 */
export const MAX_QUESTION_CHARS = 10_000;

export const NO_ANSWER_TEXT = "INFO NOT FOUND";
