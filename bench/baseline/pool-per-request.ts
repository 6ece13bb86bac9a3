/**
 * @module
 * The anti-pattern, for comparison only: Kernel Memory's Postgres connector built a new data source (a new pool)
 * per client. This app does the very same `/search` work as the service (same verb, same SQL, same Neon `Pool`
 * over WebSocket), except that every request builds its own store client and pool and ends it afterwards.
 * No retries (budget 0), like Npgsql: a refused connection is reported with its SQLSTATE.
 */
import { Hono } from "hono";
import { createOfflineEmbedder } from "../../lib/ai/index.js";
import { parseConfig } from "../../lib/config/env.js";
import { useLocalNeonProxy } from "../../lib/db/local-proxy.js";
import { nodeTransports } from "../../lib/db/node.js";
import { searchMemory } from "../../lib/memory/search.js";
import { dbConfigFrom } from "../../lib/runtime/services.js";

export function createPoolPerRequestApp(env: Record<string, string | undefined>): Hono {
  const config = parseConfig({ ...env, DB_TRANSPORT: "pool" });
  if (config.NEON_LOCAL_PROXY) useLocalNeonProxy(config.NEON_LOCAL_PROXY);
  const embedder = createOfflineEmbedder();
  // The Node runtime's pool transport (with its WebSocket), as the service's composition root builds it.
  const createPoolDb = nodeTransports().pool!;
  const dbConfig = { ...dbConfigFrom(config), retry: { budgetMs: 0, baseDelayMs: 1, maxDelayMs: 1 } };
  let poolsCreated = 0;
  const app = new Hono();
  app.get("/health", (c) => c.json({ status: "ok", poolsCreated }));
  app.post("/search", async (c) => {
    const body = (await c.req.json()) as { index?: string; query: string; limit?: number };
    let db: ReturnType<typeof createPoolDb> | undefined;
    try {
      db = createPoolDb(dbConfig);
      poolsCreated++;
      const result = await searchMemory(
        { db, config, embedder },
        { index: body.index ?? "default", query: body.query, filters: [], minRelevance: 0, limit: body.limit ?? 10 },
      );
      return c.json(result);
    } catch (err) {
      return c.json({ code: sqlState(err) ?? "none", message: (err as Error).message }, 503);
    } finally {
      await db?.close().catch(() => {});
    }
  });
  return app;
}

function sqlState(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, i = 0; e && i < 4; e = e.cause as never, i++) {
    if (typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
  }
  return undefined;
}
