/**
 * @module
 * The typed client of the serverless-memory HTTP API (Kernel Memory's web API plus this service's routes).
 * Every method is one request, except `waitForDocument` (polls) and `askStream` (reads the event stream).
 *
 * @example
 * const memory = createMemoryClient({ url: "http://127.0.0.1:8787", apiKey: process.env.API_KEY });
 * const { documentId } = await memory.uploadText({ text: "Deploys go out on Tuesdays.", index: "handbook" });
 * await memory.waitForDocument({ index: "handbook", documentId });
 * const answer = await memory.ask({ index: "handbook", question: "When do deploys go out?" });
 */
import { adminGroups } from "./admin.js";
import { ProblemError, WaitTimeoutError } from "./errors.js";
import { sseData } from "./sse.js";
import { type CallOptions, type ClientOptions, createTransport, withQuery } from "./transport.js";
import type {
  AskRequest,
  BulkAccepted,
  BulkItem,
  DataPipelineStatus,
  DeleteAccepted,
  DocumentDetail,
  DocumentPage,
  MemoryAnswer,
  SearchRequest,
  SearchResult,
  Tags,
  TextUploadRequest,
  UploadAccepted,
} from "./types.js";

/** A file to upload: a browser `File`, or a name with its bytes or text. */
export type UploadFile = File | { name: string; content: Blob | ArrayBuffer | Uint8Array | string; type?: string };

export type FileUpload = {
  files: UploadFile[];
  index?: string;
  /** The server picks one when missing (and answers it). */
  documentId?: string;
  tags?: Tags;
  steps?: string[];
  args?: Record<string, unknown>;
};

export type DocumentRef = { index?: string | null; documentId: string };
export type WaitOptions = CallOptions & {
  /** Give up after this long (default 120 s): throws `WaitTimeoutError`. */
  timeoutMs?: number;
  /** First delay between polls (default 250 ms); it grows by half each time up to `maxIntervalMs` (default 2 s). */
  intervalMs?: number;
  maxIntervalMs?: number;
};

export type MemoryClient = ReturnType<typeof createMemoryClient>;

export function createMemoryClient(options: ClientOptions) {
  const http = createTransport(options);

  async function status(ref: DocumentRef, call?: CallOptions): Promise<DataPipelineStatus | undefined> {
    try {
      return await http.json<DataPipelineStatus>("GET", withQuery("upload-status", { ...ref }), undefined, call);
    } catch (err) {
      // Kernel Memory's rule: 404 means "no status (yet)", not a failure.
      if (err instanceof ProblemError && err.status === 404) return undefined;
      throw err;
    }
  }

  return {
    url: http.url,

    /** `POST /upload` multipart: one document made of one or more files. */
    upload(input: FileUpload, call?: CallOptions): Promise<UploadAccepted> {
      const form = new FormData();
      if (input.index !== undefined) form.append("index", input.index);
      if (input.documentId !== undefined) form.append("documentId", input.documentId);
      for (const [key, values] of Object.entries(input.tags ?? {})) {
        for (const value of values) form.append("tags", `${key}:${value}`);
      }
      for (const step of input.steps ?? []) form.append("steps", step);
      if (input.args !== undefined) form.append("args", JSON.stringify(input.args));
      for (const file of input.files) {
        if (typeof File !== "undefined" && file instanceof File) form.append("files", file, file.name);
        else {
          const { name, content, type } = file as Exclude<UploadFile, File>;
          // No type unless given: the server detects it from the name (then the bytes), as for KM's .NET client.
          const blob = content instanceof Blob ? content : new Blob([content as BlobPart], type ? { type } : {});
          form.append("files", blob, name);
        }
      }
      return http.send("POST", "upload", { body: form }, call).then((res) => res.json() as Promise<UploadAccepted>);
    },

    /** `POST /upload` JSON `{ text }`: a document from inline text. */
    uploadText(input: TextUploadRequest & { text: string }, call?: CallOptions): Promise<UploadAccepted> {
      return http.json("POST", "upload", input, call);
    },

    /** `POST /upload` JSON `{ url }`: the server fetches the page (through its SSRF guard) and ingests it. */
    uploadUrl(input: TextUploadRequest & { url: string }, call?: CallOptions): Promise<UploadAccepted> {
      return http.json("POST", "upload", input, call);
    },

    /** `POST /upload/bulk`: many text or URL documents in one request, one JSON object per NDJSON line. */
    uploadBulk(items: Iterable<BulkItem>, bulk: { index?: string } & CallOptions = {}): Promise<BulkAccepted> {
      const lines: string[] = [];
      for (const item of items) lines.push(JSON.stringify(item));
      const init = { body: `${lines.join("\n")}\n`, headers: { "content-type": "application/x-ndjson" } };
      return http
        .send("POST", withQuery("upload/bulk", { index: bulk.index }), init, bulk)
        .then((res) => res.json() as Promise<BulkAccepted>);
    },

    /** `GET /upload-status`; `undefined` when the server has no status for the document (404). */
    status,

    /**
     * Polls `/upload-status` with a growing delay until the document is ready or failed, and returns that status
     * (check `failed`). A 503 with `Retry-After` waits as long as the server asked. Throws `WaitTimeoutError`.
     */
    async waitForDocument(ref: DocumentRef, wait: WaitOptions = {}): Promise<DataPipelineStatus> {
      const timeoutMs = wait.timeoutMs ?? 120_000;
      const deadline = Date.now() + timeoutMs;
      let delay = wait.intervalMs ?? 250;
      let last: DataPipelineStatus | undefined;
      for (;;) {
        let pause = delay;
        try {
          last = await status(ref, { signal: wait.signal });
          if (last?.completed || last?.failed) return last;
        } catch (err) {
          if (!(err instanceof ProblemError && err.status === 503)) throw err;
          pause = Math.max(delay, (err.retryAfter ?? 0) * 1000);
        }
        if (Date.now() + pause > deadline) {
          const where = last ? `still at ${last.remaining_steps.join(", ") || "?"}` : "no status";
          throw new WaitTimeoutError(`document ${ref.documentId} not ready after ${timeoutMs} ms (${where})`, last);
        }
        await sleep(pause, wait.signal);
        delay = Math.min(wait.maxIntervalMs ?? 2_000, Math.round(delay * 1.5));
      }
    },

    /** `POST /search`: the best partitions, grouped by document. */
    search(request: SearchRequest, call?: CallOptions): Promise<SearchResult> {
      return http.json("POST", "search", request, call);
    },

    /** `POST /ask`: an answer with its cited sources. */
    ask(request: AskRequest, call?: CallOptions): Promise<MemoryAnswer> {
      return http.json("POST", "ask", { ...request, stream: false }, call);
    },

    /**
     * `POST /ask` with `stream: true`: the server's events as they arrive (`reset` starts the text, `append` adds
     * to it, `last` ends it, `error` means it broke off; each carries the whole MemoryAnswer shape). A failure
     * before the first event is thrown as a `ProblemError`. Leaving the loop early cancels the request.
     */
    async *askStream(request: AskRequest, call?: CallOptions): AsyncGenerator<MemoryAnswer> {
      const res = await http.send(
        "POST",
        "ask",
        { body: JSON.stringify({ ...request, stream: true }), headers: { "content-type": "application/json" } },
        call,
      );
      if (!res.body) return;
      for await (const data of sseData(res.body)) yield JSON.parse(data) as MemoryAnswer;
    },

    documents: {
      /** `GET /documents`: one page of an index's documents; pass `nextCursor` back for the next. */
      list(query: { index?: string; cursor?: string; limit?: number } = {}, call?: CallOptions): Promise<DocumentPage> {
        return http.json("GET", withQuery("documents", query), undefined, call);
      },
      /** `GET /documents/{documentId}`: status, tags, files and a page of the extracted chunks. */
      get(ref: DocumentRef & { cursor?: string; limit?: number }, call?: CallOptions): Promise<DocumentDetail> {
        const { documentId, ...query } = ref;
        return http.json("GET", withQuery(`documents/${encodeURIComponent(documentId)}`, query), undefined, call);
      },
      /** `PATCH /documents/{documentId}`: replaces the document's tags without ingesting it again. */
      patchTags(ref: DocumentRef, tags: Tags, call?: CallOptions): Promise<DocumentDetail> {
        const path = withQuery(`documents/${encodeURIComponent(ref.documentId)}`, { index: ref.index });
        return http.json("PATCH", path, { tags }, call);
      },
      /** `DELETE /documents`: 202 also when the document does not exist (Kernel Memory's rule). */
      delete(ref: DocumentRef, call?: CallOptions): Promise<DeleteAccepted> {
        return http.json("DELETE", withQuery("documents", { ...ref }), undefined, call);
      },
    },

    ...adminGroups(http),
  };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
