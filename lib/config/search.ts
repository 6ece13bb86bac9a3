/**
 * @module
 * Configuration: how search ranks — limits, the vector index's candidate list, the text leg (BM25 and
 * query expansion) and how the two legs are fused.
 */
import { z } from "zod";
import { fraction, int, variable } from "./vars.js";

export const SEARCH_VARS = {
  SEARCH_MAX_LIMIT: variable(int(1, 1000, 100), {
    description: 'what `limit: -1` (Kernel Memory\'s "no limit") means, and the cap on any limit',
  }),
  SEARCH_EF_SEARCH: variable(int(10, 1000, 100), {
    description:
      "HNSW candidate list per search (pgvector defaults to 40; at 1M vectors recall@10 was 0.48 at 40, BENCHMARKS.md, vectors); raised to at least 2 × limit; higher = better recall at scale, slower. Set inside each search statement (transaction-local), so a search is one round trip and safe behind PgBouncer/Neon's `-pooler`",
  }),
  SEARCH_SETTINGS_TTL_MS: variable(int(0, 600_000, 5000), {
    description:
      "how long an instance reuses an index's stored ranking settings (`PATCH /indexes/{index}/settings`) before it reads them again; a change made through this instance is seen at once, one made through another instance within this time. `0` = read them with every search (one more statement per search)",
  }),
  SEARCH_TEXT_CONFIG: variable(
    z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, "a text-search configuration name, e.g. english or simple")
      .default("english"),
    {
      description:
        "text-search configuration a new index gets: stemming and stop words for its language (`simple`, `german`, … any `pg_ts_config`; `simple` indexes words as written); per index: upload `args.text_search_config`",
    },
  ),
  SEARCH_TEXT_WEIGHT: variable(z.coerce.number().min(0).max(1).optional(), {
    description:
      "hybrid search: the BM25 share of the fused relevance (0 = cosine only, 1 = BM25 only). Unset = by the embedder's family: 0.9 for the offline hashing embedder (the weaker, lexical leg), 0.5 for semantic models (docs/adr/0006-ranking-that-generalises.md). Per request: `args.text_weight`",
    default: "by embedder (`0.9` offline, `0.5` semantic)",
  }),
  SEARCH_BM25_K1: variable(z.coerce.number().min(0).max(10).default(1.2), {
    description: "BM25's term-frequency saturation (Robertson's standard value)",
  }),
  SEARCH_BM25_B: variable(fraction(0.75), {
    description: "BM25's length normalisation (Robertson's standard value)",
  }),
  SEARCH_FEEDBACK_DOCS: variable(int(0, 50, 10), {
    description:
      'query expansion by pseudo-relevance feedback (RM3, Lavrenko & Croft; defaults are Anserini\'s) inside the search statement: how many best chunks of a first ranking lend their most likely terms to the query; `0` = off, `args: {"query_expansion": false}` skips it per request (docs/adr/0004-query-expansion.md)',
  }),
  SEARCH_FEEDBACK_TERMS: variable(int(1, 50, 10), {
    description: "how many terms those chunks lend to the query",
  }),
  SEARCH_FEEDBACK_ORIGINAL_WEIGHT: variable(fraction(0.5), {
    description:
      "the share of its weight the original query keeps after expansion (on the text leg, and on the vector leg beside the feedback chunks' mean vector)",
  }),
  SEARCH_EXPANSION_GATE: variable(fraction(0), {
    description:
      "expansion runs only when the first pass's best chunk reaches this share of the query's BM25 ceiling; per request `args.expansion_gate`. 0 by cross-validation: any gate above 0 lost on CISI and gained nothing on Cranfield (docs/adr/0006-ranking-that-generalises.md)",
  }),
  ASK_CACHE_TTL_S: variable(int(0, 2_592_000, 86_400), {
    description:
      '`/ask` answer cache: an identical question (same index, question, filters, minRelevance, args, models) on an unchanged index is answered from the database without calling the model, for up to this many seconds; any change to the index (upload, delete, tags, settings) invalidates its answers at once, on every instance. `0` = off; per request `args: {"cache": false}` bypasses it',
  }),
  ASK_CACHE_MAX_ENTRIES: variable(int(1, 1_000_000, 10_000), {
    description: "`/ask` answer cache: most answers kept (all indexes together); the oldest go first",
  }),
  ASK_MIN_EVIDENCE: variable(fraction(0.2), {
    description:
      "offline `/ask` (no text generator): answer INFO NOT FOUND (`noResult`) when the best passage's relevance is below this; 0.2 ≈ a passage holding about half of the question's term weight once (README \"Ranking\")",
  }),
};
