/**
 * @module
 * The service's HTTP API as the CLI uses it. Failures become `OperationError`s
 * whose messages a person can act on: an unreachable server names the URL and
 * how to start one, an HTTP error carries the ProblemDetails `detail`. The API
 * key only ever goes into the Authorization header, never into a message.
 *
 * @example
 * const client = createClient({ url: "http://127.0.0.1:8787", key: undefined });
 * const { results } = await client.indexes();
 */
import type { EvaluationReport } from "../../lib/memory/evaluate/index.js";
import type { IndexSettings } from "../../lib/memory/ranking-args.js";
import type { Citation, DataPipelineStatus, MemoryAnswer, SearchResult } from "../../lib/memory/types.js";
import { UsageError } from "./args.js";

/** The operation failed (exit code 1). `fatal`: retrying other files would fail the same way. */
export class OperationError extends Error {
  constructor(
    message: string,
    readonly fatal = false,
  ) {
    super(message);
  }
}

export type { Citation, DataPipelineStatus, EvaluationReport, IndexSettings, MemoryAnswer, SearchResult };
/** What `POST /indexes/{index}/evaluate` takes: judged queries as JSONL, or TREC qrels with topics. */
export type EvaluateBody = { jsonl?: string; qrels?: string; topics?: string; tune?: boolean; apply?: boolean };
export type MemoryQuery = {
  index: string | null;
  filters: Array<Record<string, string[]>>;
  minRelevance?: number;
};
export type DocumentSummary = {
  index: string;
  documentId: string;
  tags: Record<string, string[]>;
  completed: boolean;
  failed: boolean;
  files: Array<{ fileId: string; name: string; contentType: string; size: number }>;
  creation: string;
  lastUpdate: string;
};
export type DocumentPage = { index: string; documents: DocumentSummary[]; nextCursor: string | null };
export type ApiKey = {
  id: string;
  name: string;
  prefix: string;
  scope: string;
  indexes: string[];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
};
export type UploadAccepted = { index: string; documentId: string; message: string };
export type BulkLine = { documentId: string; text: string; tags?: Record<string, string[]> };
export type BulkAccepted = { index: string; documents: Array<{ index: string; documentId: string }>; count: number };
export type UploadForm = {
  index: string | undefined;
  documentId: string;
  tags: Array<[string, string]>;
  file: { name: string; bytes: Uint8Array<ArrayBuffer> };
};

// Evaluation runs every judged query once per mode (and per grid point when tuning), one search at a time.
const TIMEOUT_MS = { quick: 30_000, upload: 300_000, answer: 300_000, evaluate: 1_800_000 };

export type MemoryClient = ReturnType<typeof createClient>;

export function createClient(options: { url: string; key: string | undefined }) {
  const base = baseUrl(options.url);
  /** The service URL without credentials or a trailing slash: safe to print and to key the manifest by. */
  const url = `${base.origin}${base.pathname.replace(/\/+$/, "")}`;

  async function send(method: string, path: string, init: RequestInit, timeoutMs: number): Promise<Response> {
    const headers = new Headers(init.headers);
    if (options.key !== undefined) headers.set("authorization", `Bearer ${options.key}`);
    let res: Response;
    try {
      res = await fetch(new URL(path, base), { ...init, method, headers, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      throw unreachable(err, url, timeoutMs);
    }
    if (!res.ok) throw await httpError(res, method, path);
    return res;
  }

  const postJson = (path: string, body: unknown, timeoutMs: number) =>
    send(
      "POST",
      path,
      { body: JSON.stringify(body), headers: { "content-type": "application/json; charset=utf-8" } },
      timeoutMs,
    );

  return {
    url,

    async upload(form: UploadForm): Promise<UploadAccepted> {
      const body = new FormData();
      if (form.index !== undefined) body.append("index", form.index);
      body.append("documentId", form.documentId);
      for (const [key, value] of form.tags) body.append("tags", `${key}:${value}`);
      // No type on the file part: the server detects it from the name, as for Kernel Memory's own client.
      body.append("files", new Blob([form.file.bytes]), form.file.name);
      return json(await send("POST", "upload", { body }, TIMEOUT_MS.upload), url);
    },

    /** Many text documents of one index in one request (`POST /upload/bulk`, NDJSON): all accepted or none. */
    async uploadBulk(index: string | undefined, lines: BulkLine[]): Promise<BulkAccepted> {
      const query = index !== undefined ? `?${new URLSearchParams({ index })}` : "";
      const body = lines.map((line) => JSON.stringify(line)).join("\n");
      const init = { body, headers: { "content-type": "application/x-ndjson" } };
      return json(await send("POST", `upload/bulk${query}`, init, TIMEOUT_MS.upload), url);
    },

    /** `undefined` when the server has no status for the document (404). */
    async status(index: string | undefined, documentId: string): Promise<DataPipelineStatus | undefined> {
      const query = new URLSearchParams({ ...(index !== undefined ? { index } : {}), documentId });
      try {
        return await json(await send("GET", `upload-status?${query}`, {}, TIMEOUT_MS.quick), url);
      } catch (err) {
        if (err instanceof HttpStatusError && err.status === 404) return undefined;
        throw err;
      }
    },

    async search(query: MemoryQuery & { query: string; limit: number }): Promise<SearchResult> {
      return json(await postJson("search", query, TIMEOUT_MS.quick), url);
    },

    async ask(query: MemoryQuery & { question: string }): Promise<MemoryAnswer> {
      return json(await postJson("ask", { ...query, stream: false }, TIMEOUT_MS.answer), url);
    },

    /** The raw `text/event-stream` response; see `sse.ts`. */
    askStream(query: MemoryQuery & { question: string }): Promise<Response> {
      return postJson("ask", { ...query, stream: true }, TIMEOUT_MS.answer);
    },

    async indexes(): Promise<{ results: Array<{ name: string }> }> {
      return json(await send("GET", "indexes", {}, TIMEOUT_MS.quick), url);
    },

    /** One page of an index's documents; pass `nextCursor` back for the next one. */
    async documents(index: string | undefined, cursor?: string): Promise<DocumentPage> {
      const query = new URLSearchParams({
        ...(index !== undefined ? { index } : {}),
        ...(cursor !== undefined ? { cursor } : {}),
        limit: "100",
      });
      return json(await send("GET", `documents?${query}`, {}, TIMEOUT_MS.quick), url);
    },

    /** 202 also when the document does not exist (Kernel Memory's rule). */
    async deleteDocument(index: string | undefined, documentId: string): Promise<void> {
      const query = new URLSearchParams({ ...(index !== undefined ? { index } : {}), documentId });
      await send("DELETE", `documents?${query}`, {}, TIMEOUT_MS.quick);
    },

    async evaluate(index: string, body: EvaluateBody): Promise<EvaluationReport> {
      return json(await postJson(`indexes/${encodeURIComponent(index)}/evaluate`, body, TIMEOUT_MS.evaluate), url);
    },

    async settings(index: string): Promise<IndexSettings> {
      return json(await send("GET", `indexes/${encodeURIComponent(index)}/settings`, {}, TIMEOUT_MS.quick), url);
    },

    /** `null` resets a key to the service default. */
    async patchSettings(index: string, patch: Record<string, unknown>): Promise<IndexSettings> {
      const init = { body: JSON.stringify(patch), headers: { "content-type": "application/json; charset=utf-8" } };
      return json(await send("PATCH", `indexes/${encodeURIComponent(index)}/settings`, init, TIMEOUT_MS.quick), url);
    },

    /** Admin routes: the created record carries the key itself, shown this once. */
    async createKey(input: { name: string; scope: string; indexes: string[] }): Promise<ApiKey & { key: string }> {
      return json(await postJson("keys", input, TIMEOUT_MS.quick), url);
    },

    async listKeys(): Promise<{ results: ApiKey[] }> {
      return json(await send("GET", "keys", {}, TIMEOUT_MS.quick), url);
    },

    async revokeKey(id: string): Promise<ApiKey> {
      return json(await send("DELETE", `keys/${encodeURIComponent(id)}`, {}, TIMEOUT_MS.quick), url);
    },
  };
}

class HttpStatusError extends OperationError {
  constructor(
    message: string,
    readonly status: number,
    fatal: boolean,
  ) {
    super(message, fatal);
  }
}

/** Relative paths resolve under the base, so a service mounted at `/memory/` keeps its prefix. */
function baseUrl(raw: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new UsageError(`--url is not a URL: "${raw}"`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new UsageError(`--url must be an http:// or https:// URL, not "${parsed.protocol}"`);
  }
  // fetch refuses URLs with credentials, and a key in a URL ends up in shell history and logs.
  if (parsed.username !== "" || parsed.password !== "") {
    throw new UsageError("--url must not contain credentials; pass the API key with --key");
  }
  parsed.search = "";
  parsed.hash = "";
  if (!parsed.pathname.endsWith("/")) parsed.pathname += "/";
  return parsed;
}

async function json<T>(res: Response, url: string): Promise<T> {
  const text = await res.text();
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new OperationError(`${url} did not answer with JSON. Is --url a serverless-memory service?`, true);
  }
}

function unreachable(err: unknown, url: string, timeoutMs: number): OperationError {
  const error = err as Error & { cause?: { code?: string; message?: string } };
  if (error.name === "TimeoutError") {
    return new OperationError(`the server at ${url} did not answer within ${timeoutMs / 1000} s`, true);
  }
  const why = error.cause?.code ?? error.cause?.message ?? error.message;
  return new OperationError(
    `cannot reach the server at ${url} (${why}). Is it running? Start one with \`npm start\`, or pass --url or set SERVERLESS_MEMORY_URL.`,
    true,
  );
}

async function httpError(res: Response, method: string, path: string): Promise<HttpStatusError> {
  const text = await res.text().catch(() => "");
  let detail = text.trim().slice(0, 500);
  try {
    const problem = JSON.parse(text) as { title?: string; detail?: string };
    detail = problem.detail ?? problem.title ?? detail;
  } catch {
    // Not ProblemDetails (a proxy's error page, say): the start of the body is the best clue.
  }
  const route = `${method} /${path.split("?")[0]}`;
  const hint =
    res.status === 401
      ? " Pass the API key with --key or set SERVERLESS_MEMORY_API_KEY."
      : res.status === 503
        ? " The service's database is unavailable; try again shortly."
        : "";
  // These would fail the same way for every other file of an ingest run.
  const fatal = res.status === 401 || res.status === 403 || res.status === 503;
  const reason = (detail || res.statusText).replace(/\.$/, "");
  return new HttpStatusError(`${route} answered ${res.status}: ${reason}.${hint}`, res.status, fatal);
}
