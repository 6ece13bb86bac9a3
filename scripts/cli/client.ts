/**
 * @module
 * The service's HTTP API as the CLI uses it: the package's typed client (`lib/sdk/client`, exported as
 * `serverless-memory/client`) with the CLI's timeouts and its messages. Failures become `OperationError`s a
 * person can act on: an unreachable server names the URL and how to start one, an HTTP error carries the
 * ProblemDetails `detail`. The API key only ever goes into the Authorization header, never into a message.
 *
 * @example
 * const client = createClient({ url: "http://127.0.0.1:8787", key: undefined });
 * const { results } = await client.indexes();
 */
import {
  type ApiKey,
  type Citation,
  createMemoryClient,
  type DataPipelineStatus,
  type DocumentPage,
  type DocumentSummary,
  type EvaluateBody,
  type EvaluationReport,
  type IndexSettings,
  type MemoryAnswer,
  type MemoryFilter,
  ProblemError,
  type SearchResult,
} from "../../lib/sdk/client/index.js";
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

export type {
  ApiKey,
  Citation,
  DataPipelineStatus,
  DocumentPage,
  DocumentSummary,
  EvaluateBody,
  EvaluationReport,
  IndexSettings,
  MemoryAnswer,
  SearchResult,
};
export type MemoryQuery = { index: string | null; filters: MemoryFilter[]; minRelevance?: number };
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
  checkUrl(options.url);
  const api = createMemoryClient({ url: options.url, ...(options.key !== undefined ? { apiKey: options.key } : {}) });
  /** The service URL without credentials or a trailing slash: safe to print and to key the manifest by. */
  const url = api.url;
  const call = <T>(route: string, timeoutMs: number, run: (o: { timeoutMs: number }) => Promise<T>): Promise<T> =>
    run({ timeoutMs }).catch((err: unknown) => {
      throw cliError(err, route, url, timeoutMs);
    });
  const { quick } = TIMEOUT_MS;

  return {
    url,

    upload(form: UploadForm) {
      const tags: Record<string, string[]> = {};
      for (const [key, value] of form.tags) tags[key] = [...(tags[key] ?? []), value];
      const files = [{ name: form.file.name, content: form.file.bytes }];
      const input = {
        files,
        documentId: form.documentId,
        tags,
        ...(form.index !== undefined ? { index: form.index } : {}),
      };
      return call("POST /upload", TIMEOUT_MS.upload, (o) => api.upload(input, o));
    },

    /** `undefined` when the server has no status for the document (404). */
    status: (index: string | undefined, documentId: string) =>
      call("GET /upload-status", quick, (o) => api.status({ index, documentId }, o)),

    search: (query: MemoryQuery & { query: string; limit: number }) =>
      call("POST /search", quick, (o) => api.search(query, o)),

    ask: (query: MemoryQuery & { question: string }) => call("POST /ask", TIMEOUT_MS.answer, (o) => api.ask(query, o)),

    /** The answer's events as they arrive; see `MemoryClient.askStream`. */
    async *askStream(query: MemoryQuery & { question: string }): AsyncGenerator<MemoryAnswer> {
      try {
        yield* api.askStream(query, { timeoutMs: TIMEOUT_MS.answer });
      } catch (err) {
        throw cliError(err, "POST /ask", url, TIMEOUT_MS.answer);
      }
    },

    indexes: () => call("GET /indexes", quick, (o) => api.indexes.list(o)),

    /** One page of an index's documents; pass `nextCursor` back for the next one. */
    documents: (index: string | undefined, cursor?: string) =>
      call("GET /documents", quick, (o) => api.documents.list({ index, cursor, limit: 100 }, o)),

    /** 202 also when the document does not exist (Kernel Memory's rule). */
    deleteDocument: (index: string | undefined, documentId: string) =>
      call("DELETE /documents", quick, (o) => api.documents.delete({ index, documentId }, o)).then(() => undefined),

    evaluate: (index: string, body: EvaluateBody) =>
      call("POST /indexes/evaluate", TIMEOUT_MS.evaluate, (o) => api.indexes.evaluate(index, body, o)),

    settings: (index: string) => call("GET /indexes/settings", quick, (o) => api.indexes.settings(index, o)),

    /** `null` resets a key to the service default. */
    patchSettings: (index: string, patch: Record<string, unknown>) =>
      call("PATCH /indexes/settings", quick, (o) => api.indexes.patchSettings(index, patch, o)),

    /** Admin routes: the created record carries the key itself, shown this once. */
    createKey: (input: { name: string; scope: string; indexes: string[] }) =>
      call("POST /keys", quick, (o) => api.keys.create(input as Parameters<typeof api.keys.create>[0], o)),

    listKeys: () => call("GET /keys", quick, (o) => api.keys.list(o)),

    revokeKey: (id: string) => call("DELETE /keys", quick, (o) => api.keys.revoke(id, o)),
  };
}

function checkUrl(raw: string): void {
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
}

function cliError(err: unknown, route: string, url: string, timeoutMs: number): OperationError {
  if (err instanceof ProblemError) {
    const hint =
      err.status === 401
        ? " Pass the API key with --key or set SERVERLESS_MEMORY_API_KEY."
        : err.status === 503
          ? " The service's database is unavailable; try again shortly."
          : "";
    // These would fail the same way for every other file of an ingest run.
    const fatal = err.status === 401 || err.status === 403 || err.status === 503;
    const reason = (err.detail ?? err.title).replace(/\.$/, "");
    return new OperationError(`${route} answered ${err.status}: ${reason}.${hint}`, fatal);
  }
  const error = err as Error & { cause?: { code?: string; message?: string } };
  if (error.name === "SyntaxError") {
    return new OperationError(`${url} did not answer with JSON. Is --url a serverless-memory service?`, true);
  }
  if (error.name === "TimeoutError") {
    return new OperationError(`the server at ${url} did not answer within ${timeoutMs / 1000} s`, true);
  }
  const why = error.cause?.code ?? error.cause?.message ?? error.message;
  return new OperationError(
    `cannot reach the server at ${url} (${why}). Is it running? Start one with \`npm start\`, or pass --url or set SERVERLESS_MEMORY_URL.`,
    true,
  );
}
