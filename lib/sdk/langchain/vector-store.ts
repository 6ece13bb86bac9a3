/**
 * @module
 * The service as a LangChain `VectorStore`: `addDocuments` uploads each Document as a text document (metadata
 * become tags) and, by default, waits until it is searchable; `similaritySearch` runs the service's search. The
 * service computes every embedding itself, so there are no client-side vectors: `addVectors` and
 * `similaritySearchVectorWithScore` refuse, and the `embeddings` slot LangChain requires holds a placeholder that
 * says so if anything calls it.
 *
 * @example
 * const store = new ServerlessMemoryVectorStore({ client, index: "notes" });
 * await store.addDocuments([new Document({ pageContent: "Deploys go out on Tuesdays.", metadata: { team: "ops" } })]);
 * const [best] = await store.similaritySearch("deploy day", 1, [{ team: ["ops"] }]);
 */
import type { Document, DocumentInterface } from "@langchain/core/documents";
import { Embeddings } from "@langchain/core/embeddings";
import { VectorStore } from "@langchain/core/vectorstores";
import type { MemoryClient, MemoryFilter } from "../client/index.js";
import { tagsFromMetadata, toDocuments } from "./documents.js";

export type ServerlessMemoryVectorStoreInput = {
  client: MemoryClient;
  index?: string;
  /** Wait until added documents are searchable before `addDocuments` resolves (default true). */
  waitUntilReady?: boolean;
  /** Per-document wait limit in ms (default 120 s). */
  readyTimeoutMs?: number;
};

/** A filter for `similaritySearch`: one Kernel Memory filter or a list of them (OR-ed). */
export type ServerlessMemoryFilter = MemoryFilter | MemoryFilter[];

/** Stands in for client-side embeddings: the service embeds on ingestion and on search. */
export class ServiceSideEmbeddings extends Embeddings {
  constructor() {
    super({});
  }
  override embedDocuments(): Promise<number[][]> {
    return Promise.reject(new Error("serverless-memory embeds texts on the service; no client-side vectors exist"));
  }
  override embedQuery(): Promise<number[]> {
    return this.embedDocuments().then(() => []);
  }
}

export class ServerlessMemoryVectorStore extends VectorStore {
  declare FilterType: ServerlessMemoryFilter;
  override lc_namespace = ["serverless-memory", "vectorstores"];
  private readonly options: ServerlessMemoryVectorStoreInput;

  constructor(fields: ServerlessMemoryVectorStoreInput) {
    super(new ServiceSideEmbeddings(), fields);
    this.options = fields;
  }

  _vectorstoreType(): string {
    return "serverless-memory";
  }

  /** One document per Document (`options.ids`, then `document.id`, else a new id); resolves with the ids. */
  override async addDocuments(documents: DocumentInterface[], options?: { ids?: string[] }): Promise<string[]> {
    const { client, index } = this.options;
    const ids = documents.map((doc, i) => options?.ids?.[i] ?? doc.id ?? newDocumentId());
    const accepted = await Promise.all(
      documents.map((doc, i) =>
        client.uploadText({ text: doc.pageContent, documentId: ids[i], index, tags: tagsFromMetadata(doc.metadata) }),
      ),
    );
    if (this.options.waitUntilReady !== false) {
      const timeoutMs = this.options.readyTimeoutMs ?? 120_000;
      const statuses = await Promise.all(accepted.map((a) => client.waitForDocument(a, { timeoutMs })));
      const failed = statuses.find((s) => s.failed);
      if (failed) throw new Error(`document ${failed.document_id} failed: ${failed.error?.message ?? "unknown"}`);
    }
    return accepted.map((a) => a.documentId);
  }

  override addVectors(): Promise<void> {
    return Promise.reject(new Error("serverless-memory computes embeddings itself: use addDocuments"));
  }

  override similaritySearchVectorWithScore(): Promise<[DocumentInterface, number][]> {
    return Promise.reject(new Error("serverless-memory searches by text: use similaritySearch"));
  }

  override async similaritySearch(query: string, k = 4, filter?: ServerlessMemoryFilter): Promise<Document[]> {
    return (await this.similaritySearchWithScore(query, k, filter)).map(([doc]) => doc);
  }

  /** Scores are the service's relevance (0..1, higher is closer). */
  override async similaritySearchWithScore(
    query: string,
    k = 4,
    filter?: ServerlessMemoryFilter,
  ): Promise<[Document, number][]> {
    const filters = filter === undefined ? undefined : Array.isArray(filter) ? filter : [filter];
    const result = await this.options.client.search({ query, index: this.options.index, filters, limit: k });
    return toDocuments(result, k).map((doc) => [doc, doc.metadata.relevance]);
  }

  /** Deletes whole documents by the ids `addDocuments` returned. */
  override async delete(params?: { ids?: string[] }): Promise<void> {
    const { client, index } = this.options;
    await Promise.all((params?.ids ?? []).map((documentId) => client.documents.delete({ index, documentId })));
  }

  static override async fromDocuments(
    docs: DocumentInterface[],
    _embeddings: unknown,
    fields: ServerlessMemoryVectorStoreInput,
  ): Promise<ServerlessMemoryVectorStore> {
    const store = new ServerlessMemoryVectorStore(fields);
    await store.addDocuments(docs);
    return store;
  }
}

function newDocumentId(): string {
  return crypto.randomUUID().replaceAll("-", "");
}
