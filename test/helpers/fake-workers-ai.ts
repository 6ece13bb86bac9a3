/**
 * @module
 * A local stand-in for Cloudflare Workers AI, in two parts:
 *
 * - `startFakeWorkersAI()`: an HTTP server on 127.0.0.1 speaking Cloudflare's REST
 *   format, `POST /accounts/:id/ai/run/:model` → `{ result, success, errors, messages }`;
 *   embeddings (`{ text }` → `{ shape, data }`), text generation (`{ messages }` →
 *   `{ response, usage }`) and, with `stream: true`, SSE `data: {"response":"…"}` … `data: [DONE]`.
 * - `createFakeAiBinding(server)`: an `env.AI`-shaped object whose `run(model, inputs, options)`
 *   forwards over that REST API and behaves like workerd's binding (cloudflare/workerd
 *   `src/cloudflare/internal/ai-api.ts`): it returns the bare `result`, returns the
 *   response body (a `ReadableStream`) for streams, and throws `InferenceUpstreamError`
 *   with a `"<code>: <message>"` message on failure, without status or headers.
 *
 * So the workers-ai-provider code path runs against the real request/response shapes.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type ChatMessage, countTokens, fakeVector } from "./fake-openai";

export type WorkersAIFailure = { status: number; code: number; message: string };

export type RecordedRun = {
  model: string;
  inputs: Record<string, unknown>;
  authorization: string | undefined;
};

export type FakeWorkersAIOptions = {
  accountId?: string;
  apiToken?: string;
  /** Vector size per model; unknown models get 384. */
  embeddingDimensions?: Record<string, number>;
  reply?: (messages: ChatMessage[]) => string;
};

export type FakeWorkersAI = {
  baseURL: string;
  accountId: string;
  apiToken: string;
  runs: RecordedRun[];
  failNext(count: number, failure: WorkersAIFailure): void;
  /** Forgets recorded runs and pending failures (for `afterEach`). */
  reset(): void;
  close(): Promise<void>;
};

const DEFAULT_DIMENSIONS: Record<string, number> = {
  "@cf/baai/bge-small-en-v1.5": 384,
  "@cf/baai/bge-base-en-v1.5": 768,
  "@cf/baai/bge-large-en-v1.5": 1024,
};

/**
 * Failures tests need. 3040 is Cloudflare's documented capacity error; Cloudflare documents no
 * internal code for a 5xx, so 5000 stands for "some code we do not know".
 */
export const CAPACITY_EXCEEDED: WorkersAIFailure = {
  status: 429,
  code: 3040,
  message: "Capacity temporarily exceeded, please try again.",
};
export const INTERNAL_ERROR: WorkersAIFailure = { status: 500, code: 5000, message: "Internal server error" };

export async function startFakeWorkersAI(opts: FakeWorkersAIOptions = {}): Promise<FakeWorkersAI> {
  const accountId = opts.accountId ?? "0123456789abcdef0123456789abcdef";
  const apiToken = opts.apiToken ?? "fake-cloudflare-api-token";
  const runs: RecordedRun[] = [];
  const failures: WorkersAIFailure[] = [];
  const prefix = `/client/v4/accounts/${accountId}/ai/run/`;

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) envelope(res, 500, null, [{ code: 5000, message: String(error) }]);
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://fake").pathname);
    if (req.method !== "POST" || !path.startsWith(prefix)) {
      return envelope(res, 404, null, [{ code: 7000, message: "No route for that URI" }]);
    }
    if (req.headers.authorization !== `Bearer ${apiToken}`) {
      return envelope(res, 401, null, [{ code: 10000, message: "Authentication error" }]);
    }
    const model = path.slice(prefix.length);
    const inputs = await readJson(req);
    runs.push({ model, inputs, authorization: req.headers.authorization });

    const failure = failures.shift();
    if (failure) return envelope(res, failure.status, null, [{ code: failure.code, message: failure.message }]);

    if (typeof inputs.query === "string" && Array.isArray(inputs.contexts)) {
      // bge-reranker-base: `{ query, contexts: [{ text }], top_k }` → `{ response: [{ id, score }] }`, best first.
      const contexts = inputs.contexts as Array<{ text?: unknown }>;
      if (!contexts.every((c) => typeof c?.text === "string")) {
        return envelope(res, 400, null, [{ code: 5006, message: "Type mismatch of '/contexts'" }]);
      }
      const scored = contexts.map((c, id) => ({ id, score: overlapScore(inputs.query as string, c.text as string) }));
      scored.sort((a, b) => b.score - a.score);
      const topK = typeof inputs.top_k === "number" ? inputs.top_k : scored.length;
      return envelope(res, 200, { response: scored.slice(0, topK) });
    }
    if ("text" in inputs) {
      const texts = typeof inputs.text === "string" ? [inputs.text] : inputs.text;
      if (!Array.isArray(texts) || !texts.every((t) => typeof t === "string")) {
        return envelope(res, 400, null, [{ code: 5006, message: "Type mismatch of '/text'" }]);
      }
      const dims = opts.embeddingDimensions?.[model] ?? DEFAULT_DIMENSIONS[model] ?? 384;
      return envelope(res, 200, {
        shape: [texts.length, dims],
        data: texts.map((t) => fakeVector(t, dims)),
        pooling: "mean",
      });
    }
    if (Array.isArray(inputs.messages)) {
      const messages = inputs.messages as ChatMessage[];
      const text = (opts.reply ?? echoLastUser)(messages);
      const promptTokens = messages.reduce((n, m) => n + countTokens(String(m.content)), 0);
      const usage = {
        prompt_tokens: promptTokens,
        completion_tokens: countTokens(text),
        total_tokens: promptTokens + countTokens(text),
      };
      if (inputs.stream !== true) return envelope(res, 200, { response: text, tool_calls: [], usage });
      res.writeHead(200, { "content-type": "text/event-stream" });
      for (const piece of text.match(/\S+\s*/g) ?? [])
        res.write(`data: ${JSON.stringify({ response: piece, p: "abcdef" })}\n\n`);
      res.write(`data: ${JSON.stringify({ response: "", usage })}\n\n`);
      res.end("data: [DONE]\n\n");
      return;
    }
    envelope(res, 400, null, [{ code: 5006, message: "Required properties at '/' are 'text' or 'messages'" }]);
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/client/v4`,
    accountId,
    apiToken,
    runs,
    failNext(count, failure) {
      for (let i = 0; i < count; i++) failures.push(failure);
    },
    reset() {
      runs.length = 0;
      failures.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Mirrors workerd's error class, which is all a caller of the real binding gets on failure. */
export class InferenceUpstreamError extends Error {
  constructor(message: string, name = "InferenceUpstreamError") {
    super(message);
    this.name = name;
  }
}

export type FakeAiBinding = {
  run(model: string, inputs: Record<string, unknown>, options?: Record<string, unknown>): Promise<unknown>;
};

export function createFakeAiBinding(server: Pick<FakeWorkersAI, "baseURL" | "accountId" | "apiToken">): FakeAiBinding {
  return {
    async run(model, inputs, options = {}) {
      const signal = options.signal instanceof AbortSignal ? options.signal : undefined;
      const res = await fetch(`${server.baseURL}/accounts/${server.accountId}/ai/run/${model}`, {
        method: "POST",
        headers: { authorization: `Bearer ${server.apiToken}`, "content-type": "application/json" },
        body: JSON.stringify(inputs),
        signal,
      });
      if (!res.ok) {
        const text = await res.text();
        let first: { code?: number; message?: string } | undefined;
        try {
          first = (JSON.parse(text) as { errors?: { code?: number; message?: string }[] }).errors?.[0];
        } catch {
          first = undefined;
        }
        throw new InferenceUpstreamError(first ? `${first.code}: ${first.message}` : text);
      }
      if (inputs.stream === true) return res.body;
      const body = (await res.json()) as { result: unknown };
      return body.result;
    },
  };
}

/** A stand-in relevance in [0, 1]: the share of the query's words the passage contains. */
export function overlapScore(query: string, passage: string): number {
  const words = (t: string) => new Set(t.toLowerCase().match(/[a-z0-9]+/g) ?? []);
  const q = words(query);
  const p = words(passage);
  if (q.size === 0) return 0;
  let hits = 0;
  for (const w of q) if (p.has(w)) hits++;
  return hits / q.size;
}

function echoLastUser(messages: ChatMessage[]): string {
  const last = [...messages].reverse().find((m) => m.role === "user");
  return `Echo: ${last ? String(last.content) : ""}`;
}

function envelope(
  res: ServerResponse,
  status: number,
  result: unknown,
  errors: { code: number; message: string }[] = [],
): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify({ result, success: status < 400, errors, messages: [] }));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}
