/**
 * @module
 * The project's offline embedder as a LangChain `Embeddings`, so `PGVectorStore` gets exactly the vectors our
 * pipeline computes and the ingest comparison measures the stores, not the models.
 */
import { Embeddings } from "@langchain/core/embeddings";
import type { Embedder } from "../../lib/ai/types.js";

export class ProjectEmbeddings extends Embeddings {
  calls = 0;
  constructor(private readonly inner: Embedder) {
    super({});
  }

  async embedDocuments(documents: string[]): Promise<number[][]> {
    this.calls++;
    return this.inner.embed(documents);
  }

  async embedQuery(document: string): Promise<number[]> {
    this.calls++;
    const [vector] = await this.inner.embed([document]);
    return vector!;
  }
}
