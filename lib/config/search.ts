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
  SEARCH_TEXT_WEIGHT: variable(fraction(0.9), {
    description:
      "hybrid search: the BM25 share of the fused relevance (0 = cosine only, 1 = BM25 only); 0.9 because the default offline embedder is the weaker leg, more so once the text leg expands the query (docs/adr/0004-query-expansion.md); try 0.3–0.5 with a semantic model (sensitivity in BENCHMARKS.md)",
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
    description: "the share of its weight the original query keeps after expansion",
  }),
};
