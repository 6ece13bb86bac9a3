/**
 * @module
 * `searchMemory`: embeds the query, retrieves chunks (hybrid BM25 + vector by
 * default; `args.hybrid: false` or `args.search_mode: "vector"` for vector
 * only, `args.search_mode: "text"` for BM25 only; `args.query_expansion: false`
 * skips pseudo-relevance feedback; `args.text_weight` sets the fusion) and groups them into Kernel
 * Memory Citations, one per document file, in the order of their best
 * partition's relevance. A missing index simply has no results. The index's stored ranking settings
 * (`settings.ts`; the store keeps them per instance for `SEARCH_SETTINGS_TTL_MS`) apply first; the request's `args` override them key by key.
 */
import type { Embedder } from "../ai/types.js";
import { type ChunkHit, DEFAULT_RANKING, searchChunks } from "../store/chunk-search.js";
import type { Ranking } from "../store/hybrid-search.js";
import { defaultTextWeight, type IndexSettings, rankingOptions } from "./ranking-args.js";
import { candidateCount, rerankHits } from "./rerank.js";
import { settingsForSearch } from "./settings.js";
import type { Citation, SearchInput, Searching, SearchResult, SearchSettings } from "./types.js";

/**
 * `settings` replaces the index's stored settings for this call (evaluation compares modes against defaults);
 * absent, they are the instance's copy (`store/index-settings.ts`), read when it has none in the same round of waiting as the
 * query's embedding.
 */
export async function searchMemory(
  ctx: Searching,
  request: SearchInput,
  settings?: IndexSettings,
): Promise<SearchResult> {
  const reader = ctx.reader ?? ctx.db;
  const base = rankingOf(ctx.config, ctx.embedder);
  const [[vector], stored] = await Promise.all([
    ctx.embedder.embed([request.query]),
    settings ?? settingsForSearch(ctx, request.index),
  ]);
  const args = { ...stored, ...request.args };
  const input: SearchInput = { ...request, ...(Object.keys(args).length > 0 ? { args } : {}) };
  const options = rankingOptions(input.args);
  const hits = await searchChunks(reader, {
    index: input.index,
    vector: vector!,
    dimensions: ctx.embedder.dimensions,
    text: input.query,
    mode: options.mode,
    ranking: {
      ...base,
      ...options.overrides,
      ...(options.textWeight !== undefined ? { textWeight: options.textWeight } : {}),
      ...(options.expansion ? {} : { feedbackDocs: 0 }),
    },
    filters: input.filters,
    minRelevance: input.minRelevance,
    limit: candidateCount(ctx, input),
    efSearch: ctx.config.SEARCH_EF_SEARCH,
  }).then((fused) => rerankHits(ctx, input, fused));
  return { query: input.query, noResult: hits.length === 0, results: toCitations(input.index, hits) };
}

/** The instance's ranking: environment, else the embedder family's text weight (ranking-args.ts). */
export function rankingOf(config: SearchSettings, embedder: Pick<Embedder, "id">): Ranking {
  return {
    ...DEFAULT_RANKING,
    textWeight: config.SEARCH_TEXT_WEIGHT ?? defaultTextWeight(embedder),
    k1: config.SEARCH_BM25_K1,
    b: config.SEARCH_BM25_B,
    feedbackDocs: config.SEARCH_FEEDBACK_DOCS,
    feedbackTerms: config.SEARCH_FEEDBACK_TERMS,
    originalWeight: config.SEARCH_FEEDBACK_ORIGINAL_WEIGHT,
    expansionGate: config.SEARCH_EXPANSION_GATE,
  };
}

export function toCitations(index: string, hits: readonly ChunkHit[]): Citation[] {
  const byFile = new Map<string, Citation>();
  for (const hit of hits) {
    const key = `${hit.document_id}\n${hit.file_id}`;
    let citation = byFile.get(key);
    if (!citation) {
      citation = {
        link: `${index}/${hit.document_id}/${hit.file_id}`,
        index,
        documentId: hit.document_id,
        fileId: hit.file_id,
        sourceContentType: hit.content_type ?? "text/plain",
        sourceName: hit.file_name ?? hit.file_id,
        sourceUrl: hit.source_url,
        partitions: [],
      };
      byFile.set(key, citation);
    }
    citation.partitions.push({
      text: hit.text,
      relevance: hit.relevance,
      partitionNumber: hit.partition_number,
      sectionNumber: hit.section_number,
      lastUpdate: new Date(hit.last_update).toISOString(),
      tags: hit.tags,
    });
  }
  for (const c of byFile.values()) c.partitions.sort((a, b) => b.relevance - a.relevance);
  // Hits arrive best first, so citations are in the order of their best partition.
  return [...byFile.values()];
}
