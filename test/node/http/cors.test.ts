/**
 * CORS for browser apps on other origins: off by default; with CORS_ORIGINS a
 * listed origin gets its preflight answered without a key, while the request
 * itself still needs one.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiServer, apiClient, expectProblem, startApiServer } from "../../helpers/api.js";

let open: ApiServer;
let configured: ApiServer;

beforeAll(async () => {
  open = await startApiServer();
  configured = await startApiServer({ API_KEYS: "k1", CORS_ORIGINS: "https://app.example, https://admin.example" });
});

afterAll(async () => {
  await open?.close();
  await configured?.close();
});

const preflight = (api: Pick<ApiServer, "call">, origin: string) =>
  api.call("/search", {
    method: "OPTIONS",
    headers: {
      origin,
      "access-control-request-method": "POST",
      "access-control-request-headers": "authorization, content-type",
    },
  });

describe("CORS", () => {
  it("sends no CORS headers unless configured", async () => {
    const res = await open.call("/health", { headers: { origin: "https://app.example" } });
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("answers a listed origin's preflight without a key, and still requires the key on the request", async () => {
    const anonymous = apiClient(configured.url);
    const res = await preflight(anonymous, "https://app.example");
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("https://app.example");
    expect(res.headers.get("access-control-allow-headers")).toContain("authorization");

    const keyless = await anonymous.postJson("/search", { query: "x" }, { headers: { origin: "https://app.example" } });
    await expectProblem(keyless, 401);
    expect(keyless.headers.get("access-control-allow-origin")).toBe("https://app.example");

    const withKey = apiClient(configured.url, "Bearer k1");
    const ok = await withKey.postJson("/search", { query: "x" }, { headers: { origin: "https://app.example" } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("access-control-allow-origin")).toBe("https://app.example");
  });

  it("gives an unlisted origin no allow-origin header", async () => {
    const res = await preflight(apiClient(configured.url), "https://evil.example");
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });
});
