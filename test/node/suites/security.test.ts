/**
 * Security proof, complementing http/security.test.ts (a fixed route list and
 * a few key shapes):
 * - the routes are enumerated from the service itself (`/openapi.json` paths
 *   and methods, plus the routes it does not document), and every route but
 *   the open probes rejects every kind of wrong credential with a 401
 *   ProblemDetails and `WWW-Authenticate`, while both configured keys pass;
 * - no secret (API keys, presented keys, the database password, the OpenAI
 *   key) reaches stdout/stderr, while requests succeed and fail in every way we
 *   can force: bad input, unknown routes, a database that refuses the role, a
 *   failing embedding provider, a broken configuration.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startNeonProxy } from "../../../scripts/neon-proxy/server.js";
import { kmMultipart } from "../../helpers/api.js";
import { startServer } from "../../helpers/app-server.js";
import {
  createTestDatabase,
  ensureRole,
  PG_HOST,
  PG_PORT,
  type TestDatabase,
  withAdmin,
} from "../../helpers/database.js";
import { type FakeOpenAI, startFakeOpenAI } from "../../helpers/fake-openai.js";
import { enumerateRoutes, probeRoutes, type Route, wrongCredentials } from "../../helpers/suite-auth.js";
import { checkProblem } from "../../helpers/suite-stack.js";
import { waitFor } from "../../helpers/wait.js";

const K1 = "k1-4f0c9e2a7b13d865";
const K2 = "k2-9a1d7c3e5f20b468";
const DB_PASSWORD = "s3cr3t-pw-71c2";
const OPENAI_KEY = "sk-test-openai-5e8b2d9f0a3c";
const GUESSED = "guessed-key-0d3a9f";
const NO_SLOTS_ROLE = "sm_suite_noslots";

let database: TestDatabase;
let proxy: Awaited<ReturnType<typeof startNeonProxy>>;
let openai: FakeOpenAI;
let env: Record<string, string>;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  database = await createTestDatabase("smssec");
  proxy = await startNeonProxy();
  openai = await startFakeOpenAI({ apiKey: OPENAI_KEY, embeddingDimensions: 64 });
  await ensureRole(NO_SLOTS_ROLE, 0);
  await withAdmin((c) => c.query(`grant connect on database "${database.name}" to "${NO_SLOTS_ROLE}"`));
  env = {
    API_KEYS: `${K1},${K2}`,
    // Trust authentication ignores the password, so the URL works and still carries a secret.
    DATABASE_URL: `postgres://postgres:${DB_PASSWORD}@${PG_HOST}:${PG_PORT}/${database.name}`,
    DB_TRANSPORT: "pool",
    NEON_LOCAL_PROXY: proxy.address,
    DB_APPLICATION_NAME: "smt-security",
    EMBEDDING_PROVIDER: "openai",
    EMBEDDING_MODEL: "fake-embed",
    EMBEDDING_DIMENSIONS: "64",
    GENERATION_PROVIDER: "openai",
    GENERATION_MODEL: "fake-chat",
    OPENAI_BASE_URL: openai.baseURL,
    OPENAI_API_KEY: OPENAI_KEY,
    JOB_MAX_ATTEMPTS: "1",
    LOG_LEVEL: "debug",
  };
}, 60_000);

afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => undefined);
  await openai?.close();
  await proxy?.close();
  await database?.drop();
});

async function serve(overrides: Record<string, string> = {}) {
  const server = await startServer({ ...env, ...overrides });
  closers.push(() => server.close());
  return server;
}

async function send(url: string, route: Route, authorization: string | undefined): Promise<Response> {
  const headers: Record<string, string> = {};
  if (authorization !== undefined) headers.authorization = authorization;
  return fetch(`${url}${route.path}`, { method: route.method, headers, signal: AbortSignal.timeout(30_000) });
}

describe("every route the service serves is protected", () => {
  it("rejects every wrong credential with 401 ProblemDetails + WWW-Authenticate; both keys pass; probes stay open", async () => {
    const server = await serve();
    const routes = await enumerateRoutes((path, init) => fetch(`${server.url}${path}`, init), K1);
    const documented = routes.filter((r) => !r.path.includes("no-such")).length;
    const { failures, checked } = await probeRoutes(routes, (route, auth) => send(server.url, route, auth), {
      K1,
      K2,
      GUESSED,
    });
    console.log(
      `[measured] security: ${routes.length} routes enumerated (${documented} served or documented), ` +
        `${checked} wrong-credential requests, ${failures.length} failures`,
    );
    expect(failures).toEqual([]);
    expect(routes.some((r) => r.path === "/upload" && r.method === "POST")).toBe(true);
    expect(routes.length).toBeGreaterThanOrEqual(12);
  });

  it("a trailing space is not part of a header value (RFC 9110 §5.5), so 'k1 ' on the wire is k1 itself", async () => {
    // fetch and Node's parser both strip it; only a raw socket can even send it.
    const server = await serve();
    const { request } = await import("node:http");
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${server.url}/indexes`,
        { method: "GET", headers: { authorization: `${K1}  \t` } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      req.end();
    });
    expect(status).toBe(200);
  });
});

describe("no secret in logs", () => {
  it("keeps keys, passwords and provider keys out of every line, whatever fails", async () => {
    const lines: string[] = [];
    const capture = (...args: unknown[]) => {
      lines.push(args.map((a) => (typeof a === "string" ? a : (JSON.stringify(a) ?? String(a)))).join(" "));
    };
    const spies = (["log", "error", "warn", "info", "debug"] as const).map((m) =>
      vi.spyOn(console, m).mockImplementation(capture),
    );
    const statuses: number[] = [];
    const record = async (res: Response) => {
      statuses.push(res.status);
      await res.text();
    };
    try {
      const server = await serve();
      const call = (path: string, init: RequestInit = {}, key: string | undefined = K1) => {
        const headers = new Headers(init.headers);
        if (key !== undefined) headers.set("authorization", key);
        return fetch(`${server.url}${path}`, { ...init, headers, signal: AbortSignal.timeout(30_000) });
      };
      const json = (path: string, body: unknown, key: string | undefined = K1) =>
        call(
          path,
          { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } },
          key,
        );

      // Successful work with both keys: ingestion, search, ask (the provider sees the OpenAI key).
      await record(await json("/upload", { index: "sec", documentId: "ok", text: "Harbour tides and trade." }));
      await waitFor(
        "the upload's job finished",
        async () =>
          (
            await withAdmin(
              (c) =>
                c.query("select count(*)::int as n from memory_jobs where state <> 'queued' and state <> 'running'"),
              database.name,
            )
          ).rows[0].n as number,
        (n) => n >= 1,
      );
      await record(await json("/search", { index: "sec", query: "tides" }, K2));
      await record(await json("/ask", { index: "sec", question: "What about tides?" }, `Bearer ${K2}`));
      await record(await json("/ask", { index: "sec", question: "Stream it", stream: true }));

      // Rejected credentials and bad input.
      for (const [, authorization] of wrongCredentials(K1, K2, GUESSED))
        await record(await call("/indexes", {}, authorization));
      await record(await json("/search", { query: 1, filters: "x" }));
      await record(await json("/upload", { text: "x", documentId: "../etc/passwd'; drop table x;--" }));
      await record(
        await call("/upload", {
          method: "POST",
          body: "not multipart",
          headers: { "content-type": "multipart/form-data" },
        }),
      );
      const mp = kmMultipart({
        index: "sec",
        documentId: "bin",
        files: [{ name: "a.exe", bytes: new Uint8Array([0, 255, 1]) }],
      });
      await record(
        await call("/upload", { method: "POST", body: mp.body, headers: { "content-type": mp.contentType } }),
      );
      await record(await call(`/no-such-route?api_key=${K1}&password=${DB_PASSWORD}`));

      // A failing pipeline and a failing answer: the provider refuses the key (not retried, so no 30 s backoff).
      openai.failNext(6, { status: 401, message: "Incorrect API key provided: sk-tes****2a3c" });
      await record(await json("/upload", { index: "sec", documentId: "fails", text: "This one cannot be embedded." }));
      // The provider's failure is the gateway's, not ours: 502 ProblemDetails, never an opaque 500.
      const upstream = await json("/ask", { index: "sec", question: "Will this fail?" });
      statuses.push(upstream.status);
      const upstreamProblem = await checkProblem(upstream);
      expect(upstream.status, upstreamProblem.body).toBe(502);
      expect(upstreamProblem.ok, upstreamProblem.body).toBe(true);
      expect(upstreamProblem.body).not.toContain(OPENAI_KEY);
      await waitFor(
        "the failing upload settled",
        async () =>
          (await (await call("/upload-status?index=sec&documentId=fails")).json()) as {
            failed?: boolean;
            completed?: boolean;
          },
        (body) => Boolean(body.failed || body.completed),
      );
      openai.reset();

      // The database refuses the role (connection limit 0): 503s, for both transports.
      for (const transport of ["pool", "http"]) {
        const refused = await serve({
          DATABASE_URL: `postgres://${NO_SLOTS_ROLE}:${DB_PASSWORD}@${PG_HOST}:${PG_PORT}/${database.name}`,
          DB_TRANSPORT: transport,
          DB_RETRY_BUDGET_MS: "200",
          DB_APPLICATION_NAME: `smt-security-${transport}`,
        });
        for (const path of ["/indexes", "/health?check=db"]) {
          const res = await fetch(`${refused.url}${path}`, { headers: { authorization: K2 } });
          await record(res);
        }
      }

      // A broken configuration: one clear 500, still no secret.
      const broken = await serve({ DB_POOL_MAX: "lots", DB_APPLICATION_NAME: "smt-security-broken" });
      await record(await fetch(`${broken.url}/indexes`, { headers: { authorization: K1 } }));
    } finally {
      for (const spy of spies) spy.mockRestore();
    }

    const logs = lines.join("\n");
    const secrets = [K1, K2, DB_PASSWORD, OPENAI_KEY, GUESSED, K1.toUpperCase(), K1.slice(0, -1)];
    const leaks = secrets.filter((s) => logs.includes(s));
    const errorLines = lines.filter((l) => /"level":"(error|warn)"/.test(l)).length;
    const events = new Set(lines.map((l) => /"event":"([^"]+)"/.exec(l)?.[1]).filter(Boolean));
    console.log(
      `[measured] logs: ${lines.length} lines captured (${errorLines} warn/error) over ${statuses.length} requests ` +
        `(statuses ${[...new Set(statuses)].sort().join(",")}); events ${[...events].sort().join(",")}; ` +
        `secrets found: ${leaks.length}`,
    );
    expect(leaks, leaks.map((s) => lines.find((l) => l.includes(s))).join("\n")).toEqual([]);
    expect(statuses).toContain(401);
    expect(statuses).toContain(400);
    expect(statuses).toContain(503);
    expect(statuses).toContain(500);
    expect(errorLines).toBeGreaterThan(0);
    // The failures really happened and were logged: a failed job, a refused database, a broken configuration.
    for (const event of ["job.failed", "config.invalid", "http.request"]) expect([...events]).toContain(event);
    expect(lines.some((l) => l.includes('"dbUnavailable"'))).toBe(true);
  });
});
