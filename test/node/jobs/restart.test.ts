/**
 * PostgreSQL itself restarts in the middle of an ingestion run. Afterwards the
 * queue resumes by itself: every document ends complete, nothing is lost and
 * no chunk is doubled.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Embedder } from "../../../lib/ai/types.js";
import { closeAllHandles } from "../../../lib/db/index.js";
import type { IngestContext } from "../../../lib/ingest/isolation.js";
import { runDueJobs } from "../../../lib/ingest/runner.js";
import { startNeonProxy } from "../../../scripts/neon-proxy/server.js";
import { createTestDatabase, restartPostgres, type TestDatabase, withAdmin } from "../../helpers/database.js";
import { enqueueFile } from "../../helpers/enqueue.js";
import { memoryContext } from "../../helpers/memory.js";
import { waitFor } from "../../helpers/wait.js";

const DOCS = 20;
let database: TestDatabase;
let proxy: Awaited<ReturnType<typeof startNeonProxy>>;
let ctx: IngestContext;

beforeAll(async () => {
  database = await createTestDatabase("smrestart");
  proxy = await startNeonProxy();
  ({ ctx } = await memoryContext({
    DATABASE_URL: database.url,
    DB_TRANSPORT: "pool",
    DB_POOL_MAX: "3",
    NEON_LOCAL_PROXY: proxy.address,
    DB_APPLICATION_NAME: "smt-restart",
    JOB_LEASE_SECONDS: "1",
    JOB_RETRY_BASE_SECONDS: "0",
    DB_RETRY_BUDGET_MS: "15000",
    LOG_LEVEL: "error",
  }));
});

afterAll(async () => {
  await closeAllHandles();
  await proxy?.close();
  await database?.drop();
});

describe("PostgreSQL restarts mid-run", () => {
  it("resumes afterwards with every document complete, nothing lost, nothing doubled", async () => {
    for (let i = 0; i < DOCS; i++) {
      const body = Array.from(
        { length: 4 },
        (_, p) => `Doc ${i} part ${p}. ${"Alpha beta gamma delta. ".repeat(80)}`,
      ).join("\n\n");
      await enqueueFile(
        ctx.db,
        { index: "restart", documentId: `doc-${i}`, maxAttempts: 10 },
        { name: "a.txt", contentType: "text/plain", body },
      );
    }
    const slow: Embedder = {
      ...ctx.embedder,
      embed: async (texts) => {
        await new Promise((r) => setTimeout(r, 60));
        return ctx.embedder.embed(texts);
      },
    };
    const slowCtx = { ...ctx, embedder: slow };
    const done = async () =>
      ((await ctx.db.query("select count(*)::int as n from memory_jobs where state = 'done'")) as [{ n: number }])[0].n;

    const firstRun = runDueJobs(slowCtx, { budgetMs: 60_000 }).catch((e: Error) => e);
    await waitFor("4 jobs done before the restart", done, (n) => n >= 4, { timeoutMs: 60_000, intervalMs: 20 });
    const restartedAt = Date.now();
    const doneBefore = await done();
    await restartPostgres();
    // Not a failure on its own (the cron rounds below finish the work): how long the running batch took to recover.
    let recoveredAfterMs = -1;
    for (let i = 0; i < 600 && recoveredAfterMs < 0; i++) {
      if ((await done()) > doneBefore) recoveredAfterMs = Date.now() - restartedAt;
      else await new Promise((r) => setTimeout(r, 25));
    }
    const first = await firstRun;

    for (let round = 0; round < 20 && (await done()) < DOCS; round++) {
      await new Promise((r) => setTimeout(r, 1_100)); // let leases held by a failed run expire
      await runDueJobs(slowCtx, { budgetMs: 30_000 }).catch((e: Error) => e);
    }

    expect(await done()).toBe(DOCS);
    const perDoc = await ctx.db.query<{ document_id: string; n: number; distinct_parts: number }>(
      `select document_id, count(*)::int as n, count(distinct partition_number)::int as distinct_parts
         from memory_chunks where index_name = 'restart' group by document_id order by document_id`,
    );
    expect(perDoc).toHaveLength(DOCS);
    const expected = perDoc[0]!.n;
    expect(expected).toBeGreaterThan(1);
    for (const d of perDoc) expect(d).toMatchObject({ n: expected, distinct_parts: expected });
    const statuses = await ctx.db.query<{ n: number }>(
      "select count(*)::int as n from memory_documents where index_name = 'restart' and remaining_steps = '{}' and not failed",
    );
    expect(statuses[0]!.n).toBe(DOCS);
    await withAdmin(async (c) => expect((await c.query("select 1 as ok")).rows).toEqual([{ ok: 1 }]));
    console.log(
      `[measured] restart mid-run: first run ${first instanceof Error ? `ended with ${first.name}` : `completed ${first.completed}`}; ` +
        `first job completed ${recoveredAfterMs} ms after the restart began; ${DOCS}/${DOCS} documents complete, ${expected} chunks each, 0 duplicates`,
    );
  });
});
