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
  /** Not in KM (its clients ignore it): where ingestion stands, from the document's job. */
  processing?: PipelineProgress | null;
  /** Not in KM: one readable sentence saying why the document is (not yet) done. */
  explanation?: string;
};

/** The ingestion job behind a status; timestamps are ISO 8601, `null` when they do not apply. */
export type PipelineProgress = {
  state: "queued" | "running" | "done" | "failed";
  current_step: string | null;
  attempts: number;
  max_attempts: number;
  last_error: string | null;
  /** Queued: when the job is due (a retry's backoff ends). */
  next_attempt_at: string | null;
  /** Running: when its lease ends; if that run died (a restart), another run takes the job over then. */
  lease_expires_at: string | null;
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

/** The settings a search ranks with (the `SEARCH_*` keys of the config). */
export type SearchSettings = Pick<
  Config,
  | "SEARCH_TEXT_WEIGHT"
  | "SEARCH_BM25_K1"
  | "SEARCH_BM25_B"
  | "SEARCH_FEEDBACK_DOCS"
  | "SEARCH_FEEDBACK_TERMS"
  | "SEARCH_FEEDBACK_ORIGINAL_WEIGHT"
  | "SEARCH_EXPANSION_GATE"
  | "SEARCH_EF_SEARCH"
  | "SEARCH_SETTINGS_TTL_MS"
>;

/** Reads (status, listings, downloads): the primary, and the replica where one is configured. */
export type Reading = Pick<MemoryContext, "db" | "reader">;

/** A search: reads, the query's embedder, the optional reranker and the ranking settings; it cannot write or start work. */
export type Searching = Reading & Pick<MemoryContext, "embedder" | "reranker"> & { config: SearchSettings };

/** An answer: a search, the generator (absent = extractive) and the token counter. */
export type Answering = Searching &
  Pick<MemoryContext, "generator" | "tokenCounter"> & { config: SearchSettings & Pick<Config, "ASK_MIN_EVIDENCE"> };

/**
 * Everything the composition root builds per request or job. Each verb takes only the part it uses (`Reading`,
 * `Searching`, `Answering`); upload takes the whole, since it hands it on to the job it starts.
 */
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
   * Starts a just-enqueued ingestion job (each runtime's composition root supplies it: Node runs `lib/ingest`'s
   * runner in the background, Workers send the job to the ingestion Worker's queue), so upload never imports the
   * layer above it. Takes the context so it runs with the caller's.
   */
  startJob: StartJob;
  /** Starts many just-enqueued jobs together (a bulk upload's), where the runtime can batch them; absent = `startJob` each. */
  startJobs?: StartJobs;
  /** The counter an answer's token budget is counted with, loaded on first use (exact on Node, an estimate in workerd). */
  tokenCounter(): Promise<TokenCounter>;
};

/** What a job's start may use (Node runs the job in this process with them; Workers send it to the queue). */
export type JobStarting = Pick<MemoryContext, "db" | "embedder" | "config">;
export type StartJob = (ctx: JobStarting, jobId: string) => Promise<unknown>;
export type StartJobs = (ctx: JobStarting, jobIds: readonly string[]) => Promise<unknown>;

/** What an upload uses: the database, the embedder (the fingerprint names it), the config, and its job's start. */
export type Uploading = JobStarting & Pick<MemoryContext, "waitUntil" | "startJob" | "startJobs">;

/** cl100k token count of a text (exact or estimated). */
export type TokenCounter = (text: string) => number;

/**
 * Longest question accepted, the one limit the HTTP schema and the ask verb share: long enough for any
 * real question, small enough to bound embedding cost and leave room for facts in the prompt.
 */
export const MAX_QUESTION_CHARS = 10_000;

export const NO_ANSWER_TEXT = "INFO NOT FOUND";
