/**
 * @module
 * A local stand-in for a Cohere/Jina-compatible rerank API: `POST /v2/rerank` with
 * `{ model, query, documents, top_n }` and `Authorization: Bearer <key>` answers
 * `{ id, results: [{ index, relevance_score }], meta }`, best first, as Cohere v2 and Jina do. The
 * score is `score(query, document)` (by default the share of the query's words the document holds);
 * failures can be queued to test retries.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { overlapScore } from "./fake-workers-ai.js";

export type RerankRequest = { model: string; query: string; documents: string[]; top_n?: number };

export type FakeRerank = {
  baseURL: string;
  apiKey: string;
  requests: RerankRequest[];
  failNext(count: number, status: number, headers?: Record<string, string>): void;
  close(): Promise<void>;
};

export async function startFakeRerank(
  opts: { apiKey?: string; score?: (query: string, document: string) => number } = {},
): Promise<FakeRerank> {
  const apiKey = opts.apiKey ?? "fake-rerank-key-0123456789";
  const score = opts.score ?? overlapScore;
  const requests: RerankRequest[] = [];
  const failures: Array<{ status: number; headers: Record<string, string> }> = [];
  const server = createServer(async (req, res) => {
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(body));
    };
    if (req.method !== "POST" || req.url !== "/v2/rerank") return json(404, { message: "not found" });
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      return json(401, { message: `invalid api token ${String(req.headers.authorization)}` });
    }
    const body = (await readJson(req)) as RerankRequest;
    requests.push(body);
    const failure = failures.shift();
    if (failure) return json(failure.status, { message: "try again later" }, failure.headers);
    if (typeof body.query !== "string" || !Array.isArray(body.documents)) {
      return json(400, { message: "query and documents are required" });
    }
    const results = body.documents
      .map((d, index) => ({ index, relevance_score: score(body.query, d) }))
      .sort((a, b) => b.relevance_score - a.relevance_score)
      .slice(0, body.top_n ?? body.documents.length);
    json(200, { id: "rerank-1", results, meta: { billed_units: { search_units: 1 } } });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v2`,
    apiKey,
    requests,
    failNext(count, status, headers = {}) {
      for (let i = 0; i < count; i++) failures.push({ status, headers });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
}
