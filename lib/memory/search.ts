/**
 * @module
 * `searchMemory`: embeds the query, retrieves chunks (hybrid BM25 + vector by default; the ranking knobs in `args`
 * are those of `RankingArgsSchema`, ranking-args.ts: `search_mode`, `query_expansion`, `text_weight`, …; a bad one
 * is a ValidationError) and groups them into Kernel Memory Citations, one per document file, in the order of their
 * best partition's relevance. A missing index simply has no results.
 */
import { type ChunkHit, searchChunks } from "../store/chunk-search.js";
import { rankingArgsOf, rankingFor, searchModeOf } from "./ranking-args.js";
import { candidateCount, rerankHits } from "./rerank.js";
import type { Citation, MemoryContext, SearchInput, SearchResult } from "./types.js";

export async function searchMemory(ctx: MemoryContext, input: SearchInput): Promise<SearchResult> {
  const args = rankingArgsOf(input.args);
  const [vector] = await ctx.embedder.embed([input.query]);
  const mode = searchModeOf(args);
  const hits = await searchChunks(ctx.reader ?? ctx.db, {
    index: input.index,
    vector: vector!,
    dimensions: ctx.embedder.dimensions,
    text: input.query,
    mode,
    ranking: rankingFor(ctx.config, ctx.embedder, args),
    filters: input.filters,
    minRelevance: input.minRelevance,
    limit: candidateCount(ctx, input),
    efSearch: ctx.config.SEARCH_EF_SEARCH,
  }).then((fused) => rerankHits(ctx, input, fused));
  return { query: input.query, noResult: hits.length === 0, results: toCitations(input.index, hits) };
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
