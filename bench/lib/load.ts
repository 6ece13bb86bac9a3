/**
 * @module
 * A small bounded load generator (autocannon is not a dependency): a fixed number of requests at a fixed
 * concurrency over keep-alive sockets, with a per-request timeout and an overall deadline, so no loop can run away.
 */
import http from "node:http";

export type LoadTarget = { url: string; method?: string; body?: string };

export type LoadOptions = {
  total: number;
  concurrency: number;
  /** Picks the target for request `i` (round-robin over instances, say). */
  target: (i: number) => LoadTarget;
  timeoutMs?: number;
  /** Requests not started by then are skipped and counted as `skipped`. */
  deadlineMs?: number;
};

export type LoadResult = {
  /** Latency of every completed response, ms. */
  latencies: number[];
  /** Latency of 2xx responses only, ms. */
  okLatencies: number[];
  ok: number;
  /** Failures keyed by `status code` (code = SQLSTATE when the body names one) or `network <message>`. */
  failures: Map<string, number>;
  skipped: number;
  durationMs: number;
  /** Parsed 2xx bodies are not kept (memory); this is the count of bytes read. */
  bytes: number;
};

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { total, concurrency } = options;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const deadline = performance.now() + (options.deadlineMs ?? 10 * 60_000);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const result: LoadResult = {
    latencies: [],
    okLatencies: [],
    ok: 0,
    failures: new Map(),
    skipped: 0,
    durationMs: 0,
    bytes: 0,
  };
  const fail = (key: string) => result.failures.set(key, (result.failures.get(key) ?? 0) + 1);
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < total) {
      const i = next++;
      if (performance.now() > deadline) {
        result.skipped++;
        continue;
      }
      const t0 = performance.now();
      try {
        const { status, body } = await send(agent, options.target(i), timeoutMs);
        const elapsed = performance.now() - t0;
        result.latencies.push(elapsed);
        result.bytes += body.length;
        if (status >= 200 && status < 300) {
          result.ok++;
          result.okLatencies.push(elapsed);
        } else fail(`${status} ${failureCode(body)}`);
      } catch (err) {
        fail(`network ${(err as Error).message.slice(0, 60)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  result.durationMs = performance.now() - started;
  agent.destroy();
  return result;
}

/** One request; resolves with status and body text, rejects on network errors and timeouts. */
export function send(
  agent: http.Agent,
  target: LoadTarget,
  timeoutMs: number,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(target.url);
    const body = target.body;
    const req = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method: target.method ?? (body ? "POST" : "GET"),
        headers: body ? { "content-type": "application/json", "content-length": Buffer.byteLength(body) } : {},
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end(body);
  });
}

/** The SQLSTATE (or problem title) a failed response names, for grouping errors. */
function failureCode(body: string): string {
  try {
    const parsed = JSON.parse(body) as { code?: string; title?: string };
    return parsed.code ?? parsed.title ?? "?";
  } catch {
    return body.slice(0, 40) || "?";
  }
}

export function describeFailures(failures: Map<string, number>): string {
  if (failures.size === 0) return "0";
  return [...failures.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([key, n]) => `${n} × ${key}`)
    .join("; ");
}

export function failureCount(failures: Map<string, number>): number {
  let n = 0;
  for (const v of failures.values()) n += v;
  return n;
}
