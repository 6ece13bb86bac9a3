/**
 * @module
 * A local stand-in for OpenAI's HTTP API (the only kind of fake this project
 * allows: it replaces a paid remote service, and the real clients talk to it
 * over real HTTP). Speaks the wire format of `POST /v1/embeddings` and
 * `POST /v1/chat/completions` (JSON and `stream: true` SSE with usage), checks
 * the bearer key, records every request, and can be told to fail the next
 * requests with 429 (+ `Retry-After` / `retry-after-ms`) or 5xx.
 * Listens on 127.0.0.1 only; `close()` it at the end.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type FakeFailure = {
  status: number;
  /** Sent as `Retry-After` (seconds or an HTTP date). */
  retryAfter?: string;
  /** Sent as `retry-after-ms`. */
  retryAfterMs?: string;
  message?: string;
};

export type RecordedRequest = {
  method: string;
  path: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
  /** `performance.now()` when the request arrived. */
  at: number;
};

export type ChatMessage = { role: string; content: string };

export type FakeOpenAIOptions = {
  /** When set, requests must carry `Authorization: Bearer <apiKey>`, else 401. */
  apiKey?: string;
  /** Vector size when the request names no `dimensions`. */
  embeddingDimensions?: number;
  /** The assistant's answer; by default echoes the last user message. */
  reply?: (messages: ChatMessage[]) => string;
};

export type FakeOpenAI = {
  /** Base URL including `/v1`, as clients expect it. */
  baseURL: string;
  requests: RecordedRequest[];
  embeddingRequests(): RecordedRequest[];
  /** `input` of every embeddings request, in arrival order. */
  embeddingInputs(): string[][];
  chatRequests(): RecordedRequest[];
  /** Answer the next `count` requests (any endpoint) with `failure`. */
  failNext(count: number, failure: FakeFailure): void;
  /** The next streamed chat answer sends one delta, then an error event, then ends. */
  breakNextStream(message: string): void;
  /** Forgets recorded requests and pending failures (for `afterEach`). */
  reset(): void;
  close(): Promise<void>;
};

const MAX_BODY_BYTES = 16 * 1024 * 1024;

export async function startFakeOpenAI(opts: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const requests: RecordedRequest[] = [];
  const failures: FakeFailure[] = [];
  let streamBreak: string | undefined;

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, openAIError(String(error), "server_error"));
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://fake").pathname;
    const body = req.method === "POST" ? await readJson(req) : {};
    requests.push({
      method: req.method ?? "",
      path,
      authorization: req.headers.authorization,
      body,
      at: performance.now(),
    });

    if (opts.apiKey !== undefined && req.headers.authorization !== `Bearer ${opts.apiKey}`) {
      // Real OpenAI echoes (a masked form of) the rejected key; echoing it whole tests our redaction.
      const presented = req.headers.authorization?.replace(/^Bearer\s+/i, "") ?? "";
      return sendJson(
        res,
        401,
        openAIError(`Incorrect API key provided: ${presented}.`, "invalid_request_error", "invalid_api_key"),
      );
    }
    const failure = failures.shift();
    if (failure) {
      const headers: Record<string, string> = {};
      if (failure.retryAfter !== undefined) headers["retry-after"] = failure.retryAfter;
      if (failure.retryAfterMs !== undefined) headers["retry-after-ms"] = failure.retryAfterMs;
      const type = failure.status === 429 ? "requests" : "server_error";
      const message =
        failure.message ??
        (failure.status === 429
          ? "Rate limit reached for requests"
          : "The server had an error while processing your request.");
      return sendJson(res, failure.status, openAIError(message, type), headers);
    }
    if (req.method === "POST" && path === "/v1/embeddings") return embeddings(body, res);
    if (req.method === "POST" && path === "/v1/chat/completions") return chat(body, res);
    sendJson(res, 404, openAIError(`Unknown request URL: ${req.method} ${path}`, "invalid_request_error"));
  }

  function embeddings(body: Record<string, unknown>, res: ServerResponse): void {
    const input = typeof body.input === "string" ? [body.input] : body.input;
    if (!Array.isArray(input) || input.length === 0 || !input.every((s) => typeof s === "string")) {
      sendJson(
        res,
        400,
        openAIError("'input' must be a string or a non-empty array of strings", "invalid_request_error"),
      );
      return;
    }
    const dims = typeof body.dimensions === "number" ? body.dimensions : (opts.embeddingDimensions ?? 8);
    const tokens = input.reduce((n, s) => n + countTokens(s), 0);
    sendJson(res, 200, {
      object: "list",
      data: input.map((text, index) => ({ object: "embedding", index, embedding: fakeVector(text, dims) })),
      model: body.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    });
  }

  function chat(body: Record<string, unknown>, res: ServerResponse): void {
    const messages = Array.isArray(body.messages) ? (body.messages as ChatMessage[]) : [];
    const text = (opts.reply ?? echoLastUser)(messages);
    const usage = {
      prompt_tokens: messages.reduce((n, m) => n + countTokens(String(m.content)), 0),
      completion_tokens: countTokens(text),
      total_tokens: 0,
    };
    usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
    const id = `chatcmpl-fake${requests.length}`;
    const created = Math.floor(Date.now() / 1000);
    const model = body.model;

    if (body.stream !== true) {
      sendJson(res, 200, {
        id,
        object: "chat.completion",
        created,
        model,
        choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
        usage,
      });
      return;
    }
    res.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      connection: "keep-alive",
    });
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
      sse(res, { id, object: "chat.completion.chunk", created, model, choices, ...extra });
    chunk([{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }]);
    const pieces = text.match(/\S+\s*/g) ?? [];
    if (streamBreak !== undefined) {
      const message = streamBreak;
      streamBreak = undefined;
      chunk([{ index: 0, delta: { content: pieces[0] ?? "" }, finish_reason: null }]);
      sse(res, { error: { message, type: "server_error", param: null, code: null } });
      res.end();
      return;
    }
    for (const piece of pieces) chunk([{ index: 0, delta: { content: piece }, finish_reason: null }]);
    chunk([{ index: 0, delta: {}, finish_reason: "stop" }]);
    const options = body.stream_options as { include_usage?: boolean } | undefined;
    if (options?.include_usage) chunk([], { usage });
    res.end("data: [DONE]\n\n");
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    embeddingRequests: () => requests.filter((r) => r.path === "/v1/embeddings"),
    embeddingInputs: () => requests.filter((r) => r.path === "/v1/embeddings").map((r) => r.body.input as string[]),
    chatRequests: () => requests.filter((r) => r.path === "/v1/chat/completions"),
    failNext(count, failure) {
      for (let i = 0; i < count; i++) failures.push(failure);
    },
    breakNextStream(message) {
      streamBreak = message;
    },
    reset() {
      requests.length = 0;
      failures.length = 0;
      streamBreak = undefined;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function echoLastUser(messages: ChatMessage[]): string {
  const last = [...messages].reverse().find((m) => m.role === "user");
  return `Echo: ${last ? String(last.content) : ""}`;
}

/** Whitespace words: close enough to a tokenizer for usage numbers in tests. */
export function countTokens(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/** A deterministic unit vector per text, so tests can compare what came back. */
export function fakeVector(text: string, dimensions: number): number[] {
  let seed = 2166136261;
  for (let i = 0; i < text.length; i++) seed = Math.imul(seed ^ text.charCodeAt(i), 16777619);
  const v = Array.from({ length: dimensions }, (_, i) => Math.sin((seed >>> 0) * 1e-6 + i + 1));
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => x / norm);
}

function openAIError(message: string, type: string, code: string | null = null) {
  return { error: { message, type, param: null, code } };
}

function sse(res: ServerResponse, data: unknown): void {
  res.write(`data: ${JSON.stringify(data)}\n\n`);
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error("request body too large");
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}
