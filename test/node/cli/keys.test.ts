/**
 * `serverless-memory keys create|list|revoke` as a user runs it (a child
 * process against the real Node server, over HTTP): the key is printed once,
 * alone on stdout; it then works with its scope; listings never show it;
 * revoking stops it; a non-admin key cannot manage keys.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type ApiServer, apiClient, startApiServer } from "../../helpers/api.js";

const CLI = fileURLToPath(new URL("../../../scripts/cli.mjs", import.meta.url));
const ADMIN_KEY = "cli-keys-admin-3e8d1f";
let api: ApiServer;

function cli(args: string[], key = ADMIN_KEY): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args, "--url", api.url],
      { env: { PATH: process.env.PATH ?? "", SERVERLESS_MEMORY_API_KEY: key }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  api = await startApiServer({ API_KEYS: ADMIN_KEY, LOG_LEVEL: "debug" }, ADMIN_KEY);
});

afterAll(async () => {
  await api?.close();
});

describe("cli keys", () => {
  it("creates a key shown once, lists it without the key, and revokes it; the key never reaches the logs", async () => {
    const lines: string[] = [];
    const capture = (...args: unknown[]) => void lines.push(args.map(String).join(" "));
    const spies = [
      vi.spyOn(console, "log").mockImplementation(capture),
      vi.spyOn(console, "error").mockImplementation(capture),
    ];
    const created = await cli(["keys", "create", "acme app", "--scope", "read", "--pattern", "acme-*"]);
    expect(created.code).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^smk_[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).toMatch(/shown only now/);
    const id = /created (key_[0-9a-f]{16})/.exec(created.stderr)?.[1];
    expect(id).toBeDefined();

    const asKey = apiClient(api.url, key);
    expect((await asKey.postJson("/search", { index: "acme-one", query: "x" })).status).toBe(200);
    expect((await asKey.postJson("/search", { index: "globex", query: "x" })).status).toBe(404);
    expect((await asKey.postJson("/upload", { index: "acme-one", text: "x" })).status).toBe(403);

    const list = await cli(["keys", "list"]);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(id);
    expect(list.stdout).toMatch(/"acme app", read on acme-\*/);
    expect(list.stdout).not.toContain(key);

    const refused = await cli(["keys", "list"], key);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/403/);

    const revoked = await cli(["keys", "revoke", id!]);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toMatch(/^revoked key_/);
    expect((await asKey.postJson("/search", { index: "acme-one", query: "x" })).status).toBe(401);
    const json = JSON.parse((await cli(["keys", "list", "--json"])).stdout) as {
      results: Array<{ revokedAt: string }>;
    };
    expect(json.results[0]!.revokedAt).not.toBeNull();
    for (const spy of spies) spy.mockRestore();
    expect(lines.some((l) => l.includes(id!))).toBe(true);
    expect(lines.join("\n")).not.toContain(key.slice(4));
  });

  it("answers usage errors with exit code 2 and a bad definition with 1", async () => {
    expect((await cli(["keys"])).code).toBe(2);
    expect((await cli(["keys", "create", "x"])).code).toBe(2);
    expect((await cli(["keys", "list", "--scope", "read"])).code).toBe(2);
    const bad = await cli(["keys", "create", "x", "--scope", "admin", "--pattern", "acme-*"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/admin key sees every index/);
    expect((await cli(["keys", "revoke", "key_0000000000000000"])).stderr).toMatch(/404/);
  });
});
