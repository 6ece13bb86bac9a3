/**
 * @module
 * Search results as LangChain `Document`s, and LangChain metadata as tags. One partition (chunk) is one Document;
 * its metadata names where it came from, so a chain can cite it.
 */
import { Document } from "@langchain/core/documents";
import type { Citation, SearchResult, Tags } from "../client/index.js";

export type MemoryDocumentMetadata = {
  documentId: string;
  index: string;
  sourceName: string;
  sourceUrl: string | null;
  sourceContentType: string;
  fileId: string;
  /** Kernel Memory's section number: the page of a PDF, 1 for plain text. */
  section: number;
  /** Set for PDFs only: the page the chunk was read from (the section number). */
  page?: number;
  partition: number;
  relevance: number;
  tags: Tags;
  /** The service's download link of the source file. */
  link: string;
};

/** Partitions of every citation, most relevant first, at most `limit`. */
export function toDocuments(result: SearchResult, limit?: number): Array<Document<MemoryDocumentMetadata>> {
  const docs = result.results.flatMap((citation) => citation.partitions.map((p) => toDocument(citation, p)));
  docs.sort((a, b) => b.metadata.relevance - a.metadata.relevance);
  return limit === undefined ? docs : docs.slice(0, limit);
}

function toDocument(citation: Citation, partition: Citation["partitions"][number]): Document<MemoryDocumentMetadata> {
  const isPdf = citation.sourceContentType === "application/pdf";
  return new Document({
    pageContent: partition.text,
    id: `${citation.documentId}/${citation.fileId}/${partition.partitionNumber}`,
    metadata: {
      documentId: citation.documentId,
      index: citation.index,
      sourceName: citation.sourceName,
      sourceUrl: citation.sourceUrl,
      sourceContentType: citation.sourceContentType,
      fileId: citation.fileId,
      section: partition.sectionNumber,
      ...(isPdf ? { page: partition.sectionNumber } : {}),
      partition: partition.partitionNumber,
      relevance: partition.relevance,
      tags: partition.tags,
      link: citation.link,
    },
  });
}

/**
 * Tags from a Document's metadata: strings, numbers and booleans become one value, arrays of them several;
 * nested objects and KM's reserved `__` keys are left out (the service refuses uploaded `__` tags).
 */
export function tagsFromMetadata(metadata: Record<string, unknown> | undefined): Tags {
  const tags: Tags = {};
  for (const [key, value] of Object.entries(metadata ?? {})) {
    if (key.startsWith("__") || key.includes(":")) continue;
    const values = (Array.isArray(value) ? value : [value]).filter(
      (v) => typeof v === "string" || typeof v === "number" || typeof v === "boolean",
    );
    if (values.length > 0) tags[key] = values.map(String);
  }
  return tags;
}
