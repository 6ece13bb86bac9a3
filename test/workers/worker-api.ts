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
  const res = await api.fetch(new Request(`${BASE}${path}`, init) as never, { ...env, ...vars } as never, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}
