import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderConfigSection, withConfigSection } from "../../../lib/config/docs.js";
import { ConfigError, parseConfig } from "../../../lib/config/env.js";
import { CONFIG_GROUPS } from "../../../lib/config/schema.js";
import { createApp } from "../../../lib/http/app.js";
import { nodeApp } from "../../../lib/node-host/node-app.js";
import { testRuntime } from "../../helpers/runtime.js";

const README = new URL("../../../README.md", import.meta.url);

describe("the configuration schema", () => {
  it("is what the README's configuration section says (run `npm run docs:config` after changing it)", () => {
    const readme = readFileSync(README, "utf8");
    expect(withConfigSection(readme)).toBe(readme);
  });

  it("documents every variable it reads, once", () => {
    const names = CONFIG_GROUPS.flatMap(({ vars }) => Object.keys(vars));
    expect(names.length).toBeGreaterThanOrEqual(65);
    expect(new Set(names).size).toBe(names.length);
    const section = renderConfigSection();
    for (const name of names) expect(section).toContain(`| \`${name}\` |`);
  });

  it("names every offending variable in one error", () => {
    const bad = { DB_POOL_MAX: "0", EMBEDDING_PROVIDER: "cohere", RERANK_PROVIDER: "http", PGLITE_THREAD: "maybe" };
    expect(() => parseConfig(bad)).toThrow(ConfigError);
    const message = (() => {
      try {
        parseConfig(bad);
      } catch (err) {
        return (err as Error).message;
      }
    })();
    expect(message).toMatch(/^invalid configuration: /);
    for (const part of [
      "DB_POOL_MAX:",
      'EMBEDDING_PROVIDER must be one of offline, openai, workers-ai; got "cohere"',
      "RERANK_BASE_URL must be set when RERANK_PROVIDER=http",
      "RERANK_MODEL must be set when RERANK_PROVIDER=http",
      "PGLITE_THREAD: expected true or false",
    ]) {
      expect(message).toContain(part);
    }
  });

  it("takes VECTOR_INDEX_BUILD_MEMORY as a PostgreSQL size PostgreSQL accepts, and nothing else", () => {
    expect(parseConfig({}).VECTOR_INDEX_BUILD_MEMORY).toBeUndefined();
    expect(parseConfig({ VECTOR_INDEX_BUILD_MEMORY: "" }).VECTOR_INDEX_BUILD_MEMORY).toBeUndefined();
    for (const ok of ["1MB", "1024kB", "512MB", "3GB", "2047GB"]) {
      expect(parseConfig({ VECTOR_INDEX_BUILD_MEMORY: ok }).VECTOR_INDEX_BUILD_MEMORY).toBe(ok);
    }
    // Below PostgreSQL's floor or above its ceiling, another unit, a space, or anything that is not a size: refused
    // at start, naming the variable, instead of failing every index build later.
    for (const bad of ["512kB", "2048GB", "0MB", "3TB", "3 GB", "3gb", "lots", "1GB'; drop table memory_chunks; --"]) {
      expect(() => parseConfig({ VECTOR_INDEX_BUILD_MEMORY: bad }), bad).toThrow(/VECTOR_INDEX_BUILD_MEMORY/);
    }
  });

  it("never echoes a secret it rejects", () => {
    const key = "sk-do-not-print-me-1234567890";
    expect(() => parseConfig({ GENERATION_PROVIDER: "openai", OPENAI_API_KEY: key })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(key) }),
    );
  });

  it("treats blank values as unset, as a shell's VAR= or an empty .dev.vars line means", () => {
    expect(parseConfig({ DB_POOL_MAX: "", EMBEDDING_MODEL: "  ", PORT: undefined })).toMatchObject({
      DB_POOL_MAX: 5,
      PORT: 8787,
    });
    expect(parseConfig({ EMBEDDING_MODEL: "  " }).EMBEDDING_MODEL).toBeUndefined();
  });
});

describe("a bad environment fails loudly", () => {
  it("answers every HTTP request with one 500 ProblemDetails, code BAD_ENVIRONMENT", async () => {
    const app = createApp({ env: () => ({ SEARCH_MAX_LIMIT: "lots", LOG_LEVEL: "error" }), ...nodeApp(testRuntime) });
    for (const path of ["/health", "/search"]) {
      const res = await app.request(path, { method: path === "/search" ? "POST" : "GET" });
      expect(res.status).toBe(500);
      expect(res.headers.get("content-type")).toMatch(/application\/problem\+json/);
      const body = (await res.json()) as { code?: string; detail?: string; status?: number };
      expect(body).toMatchObject({ status: 500, code: "BAD_ENVIRONMENT" });
      expect(body.detail).toMatch(/SEARCH_MAX_LIMIT/);
    }
  });

  it("stops the Node server before it listens, with exit code 2 and the message", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", "functions/node.ts"], {
      env: { ...process.env, DB_POOL_MAX: "-1", PORT: "0" },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^serverless-memory: invalid configuration: DB_POOL_MAX: /m);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stdout).not.toMatch(/listening/);
  });
});
