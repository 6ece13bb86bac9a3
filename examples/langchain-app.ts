/**
 * A small LangChain.js app over serverless-memory: it stores a few notes through the vector-store adapter
 * (embedded by the service, tags from metadata), then answers questions with a retrieval chain: the retriever
 * finds the chunks, the chain formats them as cited context. No LLM is called; plug any chat model in after
 * `context` for a generated answer.
 *
 *   npm start                       # in another terminal: the service on http://127.0.0.1:8787
 *   npx tsx examples/langchain-app.ts "When do deploys go out?"
 *
 * Environment: SERVERLESS_MEMORY_URL (default http://127.0.0.1:8787), SERVERLESS_MEMORY_API_KEY (when the service
 * has API_KEYS).
 */
import { Document } from "@langchain/core/documents";
import { RunnableLambda, RunnableSequence } from "@langchain/core/runnables";
import { createMemoryClient } from "serverless-memory/client";
import {
  type MemoryDocumentMetadata,
  ServerlessMemoryRetriever,
  ServerlessMemoryVectorStore,
} from "serverless-memory/langchain";

const client = createMemoryClient({
  url: process.env.SERVERLESS_MEMORY_URL ?? "http://127.0.0.1:8787",
  apiKey: process.env.SERVERLESS_MEMORY_API_KEY,
});
const index = "example-langchain";

const store = new ServerlessMemoryVectorStore({ client, index });
const ids = await store.addDocuments(
  [
    new Document({ pageContent: "Deploys go out every Tuesday after the change review.", metadata: { team: "ops" } }),
    new Document({
      pageContent: "Bananas are a yellow fruit that grows in tropical climates.",
      metadata: { team: "kitchen" },
    }),
    new Document({
      pageContent: "The on-call engineer answers pages within fifteen minutes.",
      metadata: { team: "ops" },
    }),
  ],
  { ids: ["deploy-schedule", "fruit-notes", "on-call"] },
);
console.log(`stored ${ids.join(", ")}`);

const retriever = new ServerlessMemoryRetriever({ client, index, k: 2 });
const context = RunnableLambda.from((docs: Array<Document<MemoryDocumentMetadata>>) =>
  docs.map(
    (d, i) => `[${i + 1}] ${d.pageContent} (${d.metadata.documentId}, relevance ${d.metadata.relevance.toFixed(2)})`,
  ),
);
const chain = RunnableSequence.from([retriever, context]);

const question = process.argv[2] ?? "When do deploys go out?";
const lines = await chain.invoke(question);
console.log(`question: ${question}`);
for (const line of lines) console.log(line);

const [top] = await retriever.invoke(question);
console.log(`top document: ${top?.metadata.documentId ?? "none"}`);
// Filters are Kernel Memory's: only the ops team's notes.
const ops = await store.similaritySearch("fruit", 3, { team: ["ops"] });
console.log(`ops-only search: ${ops.map((d) => d.metadata.documentId).join(", ")}`);
