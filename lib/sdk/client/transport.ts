/**
 * @module
 * The one place the client talks HTTP: base URL resolution, the API key header, per-call timeouts and
 * cancellation, JSON bodies, and failed answers turned into `ProblemError`s. Uses only what Node 20, browsers and
 * Workers all have (`fetch`, `URL`, `Headers`, `AbortSignal`), so the client runs unchanged in each.
 */
import { problemFrom } from "./errors.js";

export type ClientOptions = {
  /** The service's base URL; a path prefix (`https://example.com/memory/`) is kept. */
  url: string;
  /** Sent as `Authorization: Bearer <key>`; never put into an error message. */
  apiKey?: string;
  /** Another `fetch` (a Worker's service binding, a test harness, one with a proxy). Default: the global one. */
  fetch?: (input: Request) => Promise<Response>;
  /** Default time limit of a call, in ms (default 60 s); each call may pass its own `timeoutMs` or `signal`. */
  timeoutMs?: number;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
};

export type CallOptions = { signal?: AbortSignal; timeoutMs?: number };

export type Transport = {
  /** The base URL without credentials, query or trailing slash. */
  readonly url: string;
  send(
    method: string,
    path: string,
    init?: { body?: BodyInit; headers?: Record<string, string> },
    call?: CallOptions,
  ): Promise<Response>;
  json<T>(method: string, path: string, body?: unknown, call?: CallOptions): Promise<T>;
};

const DEFAULT_TIMEOUT_MS = 60_000;
const JSON_TYPE = "application/json; charset=utf-8";

export function createTransport(options: ClientOptions): Transport {
  const base = baseUrl(options.url);
  const doFetch = options.fetch ?? ((request: Request) => fetch(request));

  async function send(
    method: string,
    path: string,
    init: { body?: BodyInit; headers?: Record<string, string> } = {},
    call: CallOptions = {},
  ): Promise<Response> {
    const headers = new Headers(options.headers);
    for (const [name, value] of Object.entries(init.headers ?? {})) headers.set(name, value);
    if (options.apiKey !== undefined) headers.set("authorization", `Bearer ${options.apiKey}`);
    const timeout = AbortSignal.timeout(call.timeoutMs ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const signal = call.signal ? anySignal([call.signal, timeout]) : timeout;
    // Relative: a service mounted under a path prefix keeps it.
    const request = new Request(new URL(path.replace(/^\/+/, ""), base), { method, headers, body: init.body, signal });
    const res = await doFetch(request);
    if (!res.ok) throw await problemFrom(res);
    return res;
  }

  return {
    url: `${base.origin}${base.pathname.replace(/\/+$/, "")}`,
    send,
    async json<T>(method: string, path: string, body?: unknown, call?: CallOptions): Promise<T> {
      const init = body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": JSON_TYPE } };
      const res = await send(method, path, init, call);
      return (await res.json()) as T;
    },
  };
}

/** `path?query` with the undefined values left out. */
export function withQuery(path: string, query: Record<string, string | number | null | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null) params.set(key, String(value));
  }
  const text = params.toString();
  return text === "" ? path : `${path}?${text}`;
}

function baseUrl(raw: string): URL {
  const parsed = new URL(raw);
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new TypeError(`the service URL must be http:// or https://, not ${parsed.protocol}`);
  }
  // fetch refuses URLs with credentials, and a key in a URL ends up in logs: the key goes in `apiKey`.
  if (parsed.username !== "" || parsed.password !== "") {
    throw new TypeError("the service URL must not contain credentials; pass the key as apiKey");
  }
  parsed.search = "";
  parsed.hash = "";
  if (!parsed.pathname.endsWith("/")) parsed.pathname += "/";
  return parsed;
}

/** `AbortSignal.any` where it exists (Node 20.3+, current browsers, workerd), a small stand-in where not. */
function anySignal(signals: AbortSignal[]): AbortSignal {
  const native = (AbortSignal as unknown as { any?: (s: AbortSignal[]) => AbortSignal }).any;
  if (native) return native(signals);
  const controller = new AbortController();
  for (const signal of signals) {
    if (signal.aborted) {
      controller.abort(signal.reason);
      break;
    }
    signal.addEventListener("abort", () => controller.abort(signal.reason), { once: true });
  }
  return controller.signal;
}
