/**
 * @module
 * `searchMemory`: embeds the query, retrieves chunks (hybrid full-text + vector
 * by default; `args.hybrid: false` or `args.search_mode: "vector"` for vector
 * only) and groups them into Kernel Memory Citations, one per document file,
 * partitions ordered by relevance. A missing index simply has no results.
 */
import { type ChunkHit, searchChunks } from "../store/chunk-search.js";
import { candidateCount, rerankHits } from "./rerank.js";
import type { Citation, MemoryContext, SearchInput, SearchResult } from "./types.js";

export async function searchMemory(ctx: MemoryContext, input: SearchInput): Promise<SearchResult> {
  const [vector] = await ctx.embedder.embed([input.query]);
  const hits = await searchChunks(ctx.reader ?? ctx.db, {
    index: input.index,
    vector: vector!,
    dimensions: ctx.embedder.dimensions,
    text: hybridEnabled(input.args) ? input.query : undefined,
    filters: input.filters,
    minRelevance: input.minRelevance,
    limit: candidateCount(ctx, input),
    efSearch: ctx.config.SEARCH_EF_SEARCH,
  }).then((fused) => rerankHits(ctx, input, fused));
  return { query: input.query, noResult: hits.length === 0, results: toCitations(input.index, hits) };
}

function hybridEnabled(args: Record<string, unknown> | undefined): boolean {
  if (!args) return true;
  if (args.hybrid === false || args.hybrid === "false") return false;
  return args.search_mode !== "vector";
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
  return [...byFile.values()];
}
