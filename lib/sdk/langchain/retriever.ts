/**
 * @module
 * A LangChain retriever over the service's `POST /search` (hybrid vector + full-text ranking, done by the service).
 *
 * @example
 * const retriever = new ServerlessMemoryRetriever({ client: createMemoryClient({ url }), index: "handbook", k: 4 });
 * const docs = await retriever.invoke("When do deploys go out?");
 */
import type { CallbackManagerForRetrieverRun } from "@langchain/core/callbacks/manager";
import type { Document } from "@langchain/core/documents";
import { BaseRetriever, type BaseRetrieverInput } from "@langchain/core/retrievers";
import type { MemoryClient, MemoryFilter } from "../client/index.js";
import { type MemoryDocumentMetadata, toDocuments } from "./documents.js";

export type ServerlessMemoryRetrieverInput = BaseRetrieverInput & {
  client: MemoryClient;
  /** Missing: the `default` index. */
  index?: string;
  /** Kernel Memory filters (AND inside one, OR between them). */
  filters?: MemoryFilter[];
  /** How many chunks to return (default 4). */
  k?: number;
  minRelevance?: number;
  /** Per-request search options (`args` of `POST /search`), e.g. `{ mode: "vector" }`. */
  args?: Record<string, unknown>;
};

export class ServerlessMemoryRetriever extends BaseRetriever<MemoryDocumentMetadata> {
  static override lc_name() {
    return "ServerlessMemoryRetriever";
  }
  lc_namespace = ["serverless-memory", "retrievers"];

  private readonly options: ServerlessMemoryRetrieverInput;

  constructor(fields: ServerlessMemoryRetrieverInput) {
    super(fields);
    this.options = fields;
  }

  override async _getRelevantDocuments(
    query: string,
    _runManager?: CallbackManagerForRetrieverRun,
  ): Promise<Array<Document<MemoryDocumentMetadata>>> {
    const { client, index, filters, minRelevance, args } = this.options;
    const k = this.options.k ?? 4;
    const result = await client.search({ query, index, filters, minRelevance, args, limit: k });
    return toDocuments(result, k);
  }
}
