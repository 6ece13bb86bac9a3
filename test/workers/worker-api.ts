/**
 * @module
 * Calls into the Worker under test from a workerd suite. `worker()` is the
 * project's main Worker through its own entrypoint: every call is a separate
 * request with its own I/O context, as in production. `apiModule()` calls the
 * API Worker's module inside the test's own request (the ingestion project,
 * whose main Worker is the ingestion Worker, uploads through it).
 */
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import api from "../../functions/worker.js";

export const BASE = "http://worker.test";

export const worker = () => (exports as unknown as { default: Fetcher }).default;

const JSON_HEADERS = { "content-type": "application/json; charset=utf-8" };

export function postJson(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return worker().fetch(`${BASE}${path}`, {
    method: "POST",
    body: JSON.stringify(body),
    headers: { ...JSON_HEADERS, ...headers },
  });
}

/** One request to the API Worker's own `fetch` (with `vars` on top of the project's bindings), its background work awaited. */
export async function apiModule(
  path: string,
  init?: RequestInit,
  vars: Record<string, string> = {},
): Promise<Response> {
  const ctx = createExecutionContext();
  const request = await asSent(new Request(`${BASE}${path}`, init), init?.body);
  const res = await api.fetch(request as never, { ...env, ...vars } as never, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

/**
 * The request as an HTTP client puts it on the wire: a body of known size (bytes, text, a form) carries its
 * Content-Length, as undici's fetch and .NET's HttpClient send it; a stream goes without one. A Request built in
 * the isolate has no such header, and the API Worker reserves MAX_UPLOAD_BYTES of its upload budget for an upload
 * that declares no length, so concurrent uploads would be shed (503) as no real client's would be.
 */
async function asSent(request: Request, body: RequestInit["body"]): Promise<Request> {
  if (!request.body || body instanceof ReadableStream || request.headers.has("content-length")) return request;
  const bytes = await request.arrayBuffer();
  const headers = new Headers(request.headers);
  headers.set("content-length", String(bytes.byteLength));
  return new Request(request.url, { method: request.method, headers, body: bytes });
}
