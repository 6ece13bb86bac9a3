/**
 * @module
 * Drives the memory API the way Kernel Memory's clients do: the real Node
 * server on a fresh database (reached through the local Neon proxy, pool
 * transport), multipart bodies shaped like the .NET `MemoryWebClient`'s, and
 * polling `/upload-status` until a document is ready.
 */
import { startNeonProxy } from "../../scripts/neon-proxy/server.js";
import { startServer } from "./app-server.js";
import { createTestDatabase, uniqueAppName } from "./database.js";
import { kmMultipart } from "./km-multipart.js";

export { type KmFile, kmMultipart } from "./km-multipart.js";

export type ApiServer = {
  url: string;
  /** The server's own database, for tests that must look behind the API. */
  databaseUrl: string;
  /** `fetch` against the server, with the API key (if any) already set. */
  call(path: string, init?: RequestInit): Promise<Response>;
  postJson(path: string, body: unknown, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
};

/** `call` and `postJson` against a server, with the API key (if any) set on every request. */
export function apiClient(baseUrl: string, apiKey?: string): Pick<ApiServer, "call" | "postJson"> {
  const call = (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (apiKey !== undefined && !headers.has("authorization")) headers.set("authorization", apiKey);
    return fetch(`${baseUrl}${path}`, { ...init, headers, signal: init.signal ?? AbortSignal.timeout(30_000) });
  };
  return {
    call,
    postJson: (path, body, init = {}) =>
      call(path, {
        ...init,
        method: "POST",
        body: JSON.stringify(body),
        headers: { "content-type": "application/json; charset=utf-8", ...(init.headers as Record<string, string>) },
      }),
  };
}

export async function startApiServer(env: Record<string, string> = {}, apiKey?: string): Promise<ApiServer> {
  const database = await createTestDatabase("smapi");
  const proxy = await startNeonProxy();
  const server = await startServer({
    DATABASE_URL: database.url,
    DB_TRANSPORT: "pool",
    NEON_LOCAL_PROXY: proxy.address,
    DB_APPLICATION_NAME: uniqueAppName("api"),
    LOG_LEVEL: "error",
    ...env,
  });
  return {
    url: server.url,
    databaseUrl: database.url,
    ...apiClient(server.url, apiKey),
    close: async () => {
      await server.close();
      await proxy.close();
      await database.drop();
    },
  };
}

export async function uploadKm(api: ApiServer, form: Parameters<typeof kmMultipart>[0]): Promise<Response> {
  const { body, contentType } = kmMultipart(form);
  return api.call("/upload", { method: "POST", body, headers: { "content-type": contentType } });
}

export type PipelineStatus = {
  completed: boolean;
  failed: boolean;
  empty: boolean;
  index: string;
  document_id: string;
  tags: Record<string, string[]>;
  error?: { step: string; message: string } | null;
  [key: string]: unknown;
};

/** Polls `/upload-status` (≤ 100 × 100 ms) until the pipeline completes or fails. */
export async function waitForIngestion(
  api: Pick<ApiServer, "call">,
  index: string,
  documentId: string,
): Promise<PipelineStatus> {
  let last: unknown;
  for (let i = 0; i < 100; i++) {
    const res = await api.call(
      `/upload-status?index=${encodeURIComponent(index)}&documentId=${encodeURIComponent(documentId)}`,
    );
    last = res.status === 200 ? await res.json() : `${res.status} ${await res.text()}`;
    if (res.status === 200) {
      const status = last as PipelineStatus;
      if (status.completed || status.failed) return status;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`document ${index}/${documentId} not ingested after 10 s; last status: ${JSON.stringify(last)}`);
}

/** Reads a `text/event-stream` body into its `data:` payloads. */
export async function readSse(res: Response): Promise<string[]> {
  const text = await res.text();
  return text
    .split(/\n\n/)
    .map((event) =>
      event
        .split("\n")
        .filter((line) => line.startsWith("data:"))
        .map((line) => line.slice(5).trimStart())
        .join("\n"),
    )
    .filter((data) => data !== "");
}

export async function expectProblem(res: Response, status: number): Promise<{ detail: string; status: number }> {
  const body = await res.text();
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${body}`);
  const type = res.headers.get("content-type") ?? "";
  if (!type.includes("application/problem+json")) throw new Error(`expected problem+json, got ${type}: ${body}`);
  const problem = JSON.parse(body) as { detail: string; status: number };
  if (problem.status !== status) throw new Error(`problem status ${problem.status} != ${status}`);
  return problem;
}

/** Every route of the service but `/health`, with a body that would pass validation. */
export const PROTECTED_ROUTES: Array<{ method: string; path: string; json?: unknown }> = [
  { method: "GET", path: "/" },
  { method: "POST", path: "/upload", json: { text: "hello" } },
  { method: "GET", path: "/upload-status?documentId=doc1" },
  { method: "POST", path: "/search", json: { index: null, query: "hello", filters: [{}], limit: -1 } },
  { method: "POST", path: "/ask", json: { index: null, question: "hello?", filters: [{}] } },
  { method: "GET", path: "/indexes" },
  { method: "DELETE", path: "/indexes?index=nothing-here" },
  { method: "GET", path: "/indexes/nothing-here/settings" },
  { method: "PATCH", path: "/indexes/nothing-here/settings", json: { text_weight: 0.5 } },
  { method: "POST", path: "/indexes/nothing-here/evaluate", json: { queries: [{ query: "q", relevant: ["d"] }] } },
  { method: "GET", path: "/documents" },
  { method: "DELETE", path: "/documents?documentId=doc1" },
  { method: "GET", path: "/sources" },
  { method: "POST", path: "/sources", json: { url: "https://example.com/", kind: "page" } },
  { method: "GET", path: "/sources/1" },
  { method: "DELETE", path: "/sources/1" },
  { method: "POST", path: "/sources/1/sync" },
  { method: "POST", path: "/jobs/run" },
  { method: "GET", path: "/jobs/run" },
  { method: "POST", path: "/mcp", json: { jsonrpc: "2.0", id: 1, method: "tools/list" } },
  { method: "GET", path: "/keys" },
  { method: "POST", path: "/keys", json: { name: "k", scope: "read", indexes: ["a-*"] } },
  { method: "DELETE", path: "/keys/key_0000000000000000" },
  { method: "GET", path: "/no-such-route" },
];
