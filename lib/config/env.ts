/**
 * @module
 * One zod schema is the source of truth for configuration, whether it comes
 * from Workers bindings or `process.env`. A bad environment fails with one
 * clear error naming the offending variables, not deep inside a handler.
 */
import { z } from "zod";
import { AppError } from "../errors.js";
import { RELIABILITY_ENV } from "./reliability-env.js";

const int = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);

const flag = (fallback: boolean) =>
  z
    .union([z.string(), z.boolean()])
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || typeof v === "boolean") return v ?? fallback;
      const s = v.toLowerCase();
      if (["1", "true", "yes", "on"].includes(s)) return true;
      if (["0", "false", "no", "off"].includes(s)) return false;
      ctx.addIssue({ code: "custom", message: "expected true or false" });
      return z.NEVER;
    });

export const EnvSchema = z.object({
  DATABASE_URL: z.string().min(1).optional(),
  /**
   * A read replica (Neon read replica, hot standby): search, ask, listings and health read there, never
   * seeing less than the primary had committed when the read began. Same transport as DATABASE_URL.
   */
  DATABASE_READ_URL: z.string().min(1).optional(),
  /** How long a read waits for the replica to catch up with the primary before reading from the primary. */
  DB_READ_MAX_WAIT_MS: int(0, 60_000, 1_000),
  /** After the replica fails, reads go to the primary for this long before the replica is tried again. */
  DB_READ_COOLDOWN_MS: int(0, 3_600_000, 5_000),
  DB_TRANSPORT: z.enum(["pool", "http", "pglite", "hyperdrive"]).optional(),
  DB_POOL_MAX: int(1, 1000, 5),
  DB_IDLE_TIMEOUT_MS: int(0, 3_600_000, 10_000),
  DB_CONNECT_TIMEOUT_MS: int(100, 120_000, 10_000),
  /** hyperdrive: a statement unanswered this long ends its client and answers 503 (a pooler may queue it unboundedly). */
  DB_STATEMENT_TIMEOUT_MS: int(100, 600_000, 30_000),
  DB_RETRY_BUDGET_MS: int(0, 60_000, 2_000),
  DB_APPLICATION_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,63}$/, "letters, digits, _ . - only (max 63)")
    .default("serverless-memory"),
  /** Dev/test only: host:port of the local Neon-compatible proxy. */
  NEON_LOCAL_PROXY: z
    .string()
    .regex(/^(127\.\d+\.\d+\.\d+|localhost|\[::1\]):\d{1,5}$/, "a loopback host:port")
    .optional(),
  PGLITE_DIR: z.string().min(1).default(".data/pglite"),
  /** The embedded database runs in a worker thread; `false` runs it on the HTTP thread (benchmarks only: it blocks). */
  PGLITE_THREAD: flag(true),
  /** Run migrations on first use of the database (off when a deploy step runs them). */
  AUTO_MIGRATE: flag(true),
  /** Keep uploaded files after ingestion so `GET /download` can return them (Kernel Memory keeps them too). */
  KEEP_ORIGINAL_FILES: flag(true),
  /** Comma-separated; two keys may be valid at once while one is rotated. */
  API_KEYS: z
    .string()
    .refine((v) => v.split(",").some((k) => k.trim() !== ""), "at least one non-empty key")
    .optional(),
  /** Origins allowed to call the API from a browser (comma-separated, or `*`); unset = no CORS headers. */
  CORS_ORIGINS: z.string().max(4096).optional(),
  /** Largest `POST /upload` body (all files plus multipart framing). */
  MAX_UPLOAD_BYTES: int(1, 1024 * 1024 * 1024, 25 * 1024 * 1024),
  /** What `limit: -1` (Kernel Memory's "no limit") means for search, and the cap on any limit. */
  SEARCH_MAX_LIMIT: int(1, 1000, 100),
  /**
   * HNSW candidate list size per search (pgvector's default is 40). At 1M vectors recall@10 was
   * 0.48 at 40 and rises with it (BENCHMARKS.md, vectors); it is raised to at least 2 × limit.
   */
  SEARCH_EF_SEARCH: int(10, 1000, 100),
  /**
   * Text-search configuration (a `pg_ts_config` name) a new index gets: stemming and stop words for its language.
   * `simple` indexes words as written. Per index: upload `args.text_search_config` when the upload creates it.
   */
  SEARCH_TEXT_CONFIG: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, "a text-search configuration name, e.g. english or simple")
    .default("english"),
  /**
   * Hybrid search: the text leg's share of the fused relevance (the vector leg gets the rest). Unset = by the
   * embedder's family: 0.9 for the offline hashing embedder (the weaker, lexical leg), 0.5 for semantic models
   * (docs/adr/0006-ranking-that-generalises.md). Per request: `args.text_weight`.
   */
  SEARCH_TEXT_WEIGHT: z.coerce.number().min(0).max(1).optional(),
  /** BM25 term-frequency saturation and length normalisation (Robertson's standard values). */
  SEARCH_BM25_K1: z.coerce.number().min(0).max(10).default(1.2),
  SEARCH_BM25_B: z.coerce.number().min(0).max(1).default(0.75),
  /**
   * Query expansion by pseudo-relevance feedback (RM3, Lavrenko & Croft; the defaults are Anserini's published
   * ones): the best `DOCS` chunks of a first ranking lend their `TERMS` most likely lexemes to the query, which
   * keeps `ORIGINAL_WEIGHT` of its weight. `SEARCH_FEEDBACK_DOCS=0` turns it off; per request `args.query_expansion`.
   */
  SEARCH_FEEDBACK_DOCS: int(0, 50, 10),
  SEARCH_FEEDBACK_TERMS: int(1, 50, 10),
  SEARCH_FEEDBACK_ORIGINAL_WEIGHT: z.coerce.number().min(0).max(1).default(0.5),
  /**
   * Expansion runs only when the first pass's best chunk reaches this share of the query's BM25 ceiling; per request
   * `args.expansion_gate`. 0 by cross-validation: expansion only reorders chunks holding a query term, and any gate
   * above 0 lost on CISI and gained nothing on Cranfield (docs/adr/0006-ranking-that-generalises.md).
   */
  SEARCH_EXPANSION_GATE: z.coerce.number().min(0).max(1).default(0),
  /**
   * Offline `/ask` (no text generator): answer INFO NOT FOUND (`noResult`) when the best passage's relevance is
   * below this. 0.2 ≈ a passage holding about half of the question's term weight once (README "Ranking").
   */
  ASK_MIN_EVIDENCE: z.coerce.number().min(0).max(1).default(0.2),
  /** How long a claimed ingestion job is ours before another run may take it over. */
  JOB_LEASE_SECONDS: int(1, 3600, 120),
  JOB_MAX_ATTEMPTS: int(1, 50, 5),
  /** First retry delay; doubles per attempt (capped at 10 minutes). */
  JOB_RETRY_BASE_SECONDS: int(0, 3600, 5),
  /** Time one cron run may spend on jobs (Workers cron handlers are time-limited). */
  JOBS_BUDGET_MS: int(100, 15 * 60_000, 25_000),
  /** Node server only: run due jobs and source syncs every N ms (0 = off; `npm start` defaults to 60000). */
  JOBS_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(24 * 3_600_000)
    .optional(),
  /** Largest body a source fetch may read (enforced while streaming). */
  SOURCE_MAX_BYTES: int(1024, 512 * 1024 * 1024, 10 * 1024 * 1024),
  /** Time limit of one source fetch, redirects and body included. */
  SOURCE_FETCH_TIMEOUT_MS: int(100, 300_000, 15_000),
  /** Lets sources reach private, loopback and link-local addresses. Tests and closed networks only. */
  SOURCE_ALLOW_PRIVATE: flag(false),
  /** Most URLs one sitemap or feed source tracks; the rest are ignored (and reported). */
  SOURCE_MAX_ITEMS: int(1, 50_000, 500),
  /** How long a claimed source is ours before another run may take it over. */
  SOURCE_LEASE_SECONDS: int(10, 3600, 300),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  ...RELIABILITY_ENV,
});

export type Config = z.infer<typeof EnvSchema>;

export class ConfigError extends AppError {
  override readonly name = "ConfigError";
  constructor(message: string) {
    super("misconfigured", message);
  }
}

export function parseConfig(raw: Record<string, unknown>): Config {
  const env = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== "" && v !== undefined));
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new ConfigError(`invalid configuration: ${issues}`);
  }
  const config = parsed.data;
  // The embedded default stores every upload through one WebAssembly database whose memory never shrinks, one
  // statement at a time: holding two maximum-size bodies at once buys nothing there and took the ten-upload attack
  // to 981 MB (one at a time: 759 MB; test/node/suite-attacks.test.ts). Unless set, one maximum upload at a time.
  const embedded = !config.DATABASE_URL && (config.DB_TRANSPORT ?? "pglite") === "pglite";
  if (embedded && env.UPLOAD_BUFFER_BYTES === undefined)
    return { ...config, UPLOAD_BUFFER_BYTES: config.MAX_UPLOAD_BYTES };
  return config;
}
