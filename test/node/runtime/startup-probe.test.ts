/**
 * An instance's startup checks (migrations recorded, text-search configuration, vector space, its HNSW index) are
 * read in one statement when the database is set up; anything missing still takes the full path that creates it,
 * and a mismatched embedder or an unknown text configuration still refuses to start.
 */

import { describe, expect, it } from "vitest";
import type { Db } from "../../../lib/db/index.js";
import { servicesFor } from "../../../lib/runtime/services.js";
import { probeStartup } from "../../../lib/runtime/startup-probe.js";
import { EmbeddingSpaceMismatch } from "../../../lib/store/embedding-space.js";
import { poolEnv, useTestDatabase } from "../../helpers/memory-stack.js";
import { testRuntime } from "../../helpers/runtime.js";

const stack = useTestDatabase("smprobe");

const env = (name: string, extra: Record<string, string> = {}) => ({
  LOG_LEVEL: "warn",
  ...poolEnv(stack),
  DB_APPLICATION_NAME: name,
  ...extra,
});

/** `db` with a count of the statements sent through `query`. */
function counted(db: Db): Db & { statements: number } {
  const wrapper = {
    ...db,
    statements: 0,
    query: ((text: string, params?: readonly unknown[]) => {
      wrapper.statements++;
      return db.query(text, params);
    }) as Db["query"],
  };
  return wrapper;
}

describe("startup checks", () => {
  it("find a fresh database unset, and a set-up one complete in one statement", async () => {
    const services = servicesFor(env("smt-probe-first"), testRuntime);
    const db = counted(services.db);
    expect(await probeStartup(db, "english")).toBeUndefined();

    // Concurrent first callers (a request arriving while the server starts) share one run.
    const [a, b] = [services.ready(), services.ready()];
    expect(a).toBe(b);
    await Promise.all([a, b]);

    db.statements = 0;
    expect(await probeStartup(db, "english")).toEqual({
      migrated: true,
      textConfig: true,
      space: { id: services.embedder.id, dimensions: services.embedder.dimensions },
      indexed: true,
    });
    expect(db.statements).toBe(1);
    expect((await probeStartup(db, "no_such_config"))?.textConfig).toBe(false);
  });

  it("rebuild a missing vector index on the next instance", async () => {
    const first = servicesFor(env("smt-probe-first"), testRuntime);
    await first.db.query("drop index memory_chunks_hnsw_384");
    expect((await probeStartup(first.db, "english"))?.indexed).toBe(false);

    await servicesFor(env("smt-probe-second"), testRuntime).ready();
    const [row] = await first.db.query<{ ok: boolean }>(
      "select to_regclass('memory_chunks_hnsw_384') is not null as ok",
    );
    expect(row?.ok).toBe(true);
  });

  it("still refuse another embedder and an unknown text configuration", async () => {
    await expect(
      servicesFor(env("smt-probe-other", { EMBEDDING_MODEL: "offline-hash-v1" }), testRuntime).ready(),
    ).rejects.toThrow(EmbeddingSpaceMismatch);
    await expect(
      servicesFor(env("smt-probe-text", { SEARCH_TEXT_CONFIG: "nosuchconfig" }), testRuntime).ready(),
    ).rejects.toThrow(/SEARCH_TEXT_CONFIG/);
  });
});
