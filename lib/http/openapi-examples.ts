/**
 * @module
 * Examples for the OpenAPI document, by component name, merged into
 * `/openapi.json` as it is served (a schema that already carries its own
 * example keeps it). Kept apart from the schemas so the wire shapes stay
 * readable; test/node/http/openapi-coverage.test.ts checks every operation ends
 * up with request and response examples.
 */

const when = "2026-11-30T09:15:02.000Z";
const tags = { team: ["platform"], year: ["2026"] };

const citation = {
  link: "handbook/readme/README.md/0",
  index: "handbook",
  documentId: "readme",
  fileId: "README.md",
  sourceContentType: "text/markdown",
  sourceName: "README.md",
  sourceUrl: null,
  partitions: [
    {
      text: "Deploys go out on Tuesdays after the change review.",
      relevance: 0.82,
      partitionNumber: 0,
      sectionNumber: 0,
      lastUpdate: when,
      tags,
    },
  ],
};

const source = {
  id: "src_46ec4e8dddc84ffeb777",
  index: "site",
  kind: "sitemap",
  url: "https://example.com/sitemap.xml",
  tags: { source: ["src_46ec4e8dddc84ffeb777"] },
  intervalSeconds: 3600,
  createdAt: when,
  nextDueAt: "2026-11-30T10:15:02.000Z",
  lastRunAt: when,
  lastStatus: "updated",
  lastError: null,
  failures: 0,
  itemCount: 12,
};

const apiKey = {
  id: "key_5c1f0e2d9a",
  name: "acme search",
  prefix: "sm_3f9a",
  scope: "read",
  indexes: ["acme-*"],
  createdAt: when,
  lastUsedAt: null,
  revokedAt: null,
};

const run = (name: string, settings: object, ndcg: number, p50Ms: number) => ({
  name,
  settings,
  ndcg,
  recall: Math.min(1, ndcg + 0.12),
  mrr: Math.min(1, ndcg + 0.08),
  p50Ms,
});

const evaluation = {
  index: "handbook",
  k: 10,
  queries: 2,
  runs: [
    run("hybrid", { search_mode: "hybrid" }, 0.81, 6.2),
    run("vector", { search_mode: "vector" }, 0.64, 3.1),
    run("text", { search_mode: "text" }, 0.77, 4.8),
    run("settings", {}, 0.81, 6.1),
  ],
  perQuery: [
    {
      id: "q1",
      query: "when do deploys go out",
      relevant: 1,
      runs: { hybrid: { ndcg: 1, recall: 1, rr: 1, ms: 6.0, ranked: ["readme", "change-review"] } },
    },
  ],
  tuning: {
    grid: [
      run("defaults", {}, 0.81, 6.1),
      run("search_mode=text query_expansion=false", { search_mode: "text", query_expansion: false }, 0.84, 3.9),
    ],
    best: run("search_mode=text query_expansion=false", { search_mode: "text", query_expansion: false }, 0.84, 3.9),
    gain: 0.03,
    applied: false,
    settings: {},
  },
};

export const EXAMPLES: Record<string, unknown> = {
  KeyCreate: { name: "acme search", scope: "read", indexes: ["acme-*"] },
  ApiKey: apiKey,
  CreatedApiKey: { ...apiKey, key: "sm_3f9a…(shown once)" },
  ApiKeyList: { results: [apiKey] },
  SearchQuery: {
    index: "handbook",
    query: "when do deploys go out",
    filters: [{ team: ["platform"] }],
    minRelevance: 0,
    limit: 5,
  },
  MemoryQuery: { index: "handbook", question: "When do deploys go out?", filters: [{}], stream: false },
  TextUpload: { index: "handbook", documentId: "note-1", text: "Deploys go out on Tuesdays.", tags },
  ProblemDetails: {
    type: "https://httpstatuses.io/400",
    title: "Bad Request",
    status: 400,
    detail: "query: must be at most 10000 characters",
    requestId: "6f1d2c1e-3f0a-4c55-9d0e-0b7f6a1e2d3c",
  },
  UploadAccepted: {
    index: "handbook",
    documentId: "readme",
    message: "Document upload completed, ingestion pipeline started",
  },
  DeleteAccepted: { index: "handbook", documentId: "note-1", message: "Document deleted" },
  DataPipelineStatus: {
    completed: false,
    failed: false,
    empty: false,
    index: "handbook",
    document_id: "page-1",
    tags,
    creation: when,
    last_update: when,
    steps: ["extract", "partition", "gen_embeddings", "save_records"],
    remaining_steps: ["extract", "partition", "gen_embeddings", "save_records"],
    completed_steps: [],
    error: null,
    processing: {
      state: "queued",
      current_step: "extract",
      attempts: 2,
      max_attempts: 5,
      last_error: "fetch failed: connect ECONNREFUSED 203.0.113.7:443",
      next_attempt_at: "2026-11-30T09:15:22.000Z",
      lease_expires_at: null,
    },
    explanation:
      "Attempt 2 of 5 failed at step extract: fetch failed: connect ECONNREFUSED 203.0.113.7:443. Retrying step extract; next try at 2026-11-30T09:15:22.000Z (in 20 seconds).",
  },
  SearchResult: { query: "when do deploys go out", noResult: false, results: [citation] },
  MemoryAnswer: {
    question: "When do deploys go out?",
    noResult: false,
    noResultReason: null,
    text: "Relevant passages (extracted verbatim from the sources; not generated):\n- Deploys go out on Tuesdays after the change review. [1]\n\nSources:\n[1] README.md (readme)",
    tokenUsage: [],
    relevantSources: [citation],
  },
  IndexCollection: { results: [{ name: "default" }, { name: "handbook" }] },
  DocumentList: {
    index: "handbook",
    documents: [
      {
        index: "handbook",
        documentId: "readme",
        tags,
        completed: true,
        failed: false,
        files: [{ fileId: "README.md", name: "README.md", contentType: "text/markdown", size: 5120 }],
        creation: when,
        lastUpdate: when,
      },
    ],
    nextCursor: null,
  },
  DocumentDetail: {
    index: "handbook",
    documentId: "readme",
    tags,
    completed: true,
    failed: false,
    files: [{ fileId: "README.md", name: "README.md", contentType: "text/markdown", size: 5120, sourceUrl: null }],
    creation: when,
    lastUpdate: when,
    error: null,
    totalChunks: 3,
    chunks: [
      {
        fileId: "README.md",
        partitionNumber: 0,
        sectionNumber: 0,
        text: "Deploys go out on Tuesdays after the change review.",
        tags,
      },
    ],
    nextOffset: 1,
  },
  TagsPatch: { tags: { team: ["search"], year: ["2026"] } },
  IndexSettings: { search_mode: "hybrid", text_weight: 0.7, query_expansion: false },
  IndexSettingsPatch: { text_weight: 0.7, query_expansion: null },
  EvaluateRequest: {
    queries: [
      { id: "q1", query: "when do deploys go out", relevant: ["readme"] },
      { id: "q2", query: "who reviews changes", relevant: { "change-review": 2, readme: 1 } },
    ],
    tune: true,
    apply: false,
  },
  EvaluationReport: evaluation,
  SourceCreate: { url: "https://example.com/sitemap.xml", kind: "sitemap", index: "site", intervalSeconds: 3600 },
  Source: source,
  SourceList: { sources: [source], nextCursor: null },
  BulkUploadLine: { documentId: "note-2", text: "Reviews happen before merge.", tags },
  BulkUploadAccepted: {
    index: "handbook",
    documents: [
      { index: "handbook", documentId: "note-1" },
      { index: "handbook", documentId: "note-2" },
    ],
    count: 2,
  },
  SourceSyncAccepted: { id: source.id, message: "Sync started" },
};

/** The document with `example` set on every component that has one here and none of its own. */
export function withExamples<D extends { components?: { schemas?: object } }>(doc: D): D {
  const schemas = (doc.components?.schemas ?? {}) as Record<string, { example?: unknown }>;
  for (const [name, schema] of Object.entries(schemas)) {
    if (schema.example === undefined && EXAMPLES[name] !== undefined) schema.example = EXAMPLES[name];
  }
  return doc;
}
