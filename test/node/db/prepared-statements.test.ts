/**
 * `DB_PREPARED_STATEMENTS` on the pool transport (through the local Neon proxy to a real PostgreSQL): a search
 * prepared under a name returns exactly what the same search returns unnamed, and a connection prepares it once;
 * behind a real transaction-mode PgBouncer that loses named statements (Debian's 1.18, pool of 2 server
 * connections for many clients), every search still answers, with the same results — the instance goes on unnamed.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { uploadDocument } from "../../../lib/ingest/upload.js";
import { searchMemory } from "../../../lib/memory/search.js";
import type { MemoryContext } from "../../../lib/memory/types.js";
import { PG_HOST } from "../../helpers/database.js";
import { memoryContext, text } from "../../helpers/memory.js";
import { poolEnv, useMemoryStack } from "../../helpers/memory-stack.js";
import { type Bouncer, startPgBouncer } from "../../helpers/pgbouncer.js";

const stack = useMemoryStack("smprep", {
  DB_APPLICATION_NAME: "smt-prepared-off",
  DB_PREPARED_STATEMENTS: "false",
});
const TOPICS = ["boundary layer transition", "supersonic wing flutter", "heat transfer in laminar flow"];
const QUERIES = [
  "boundary layer",
  "flutter of wings at supersonic speed",
  "laminar heat transfer",
  "transition flow wing",
  "pressure distribution",
];
let bouncer: Bouncer;

beforeAll(async () => {
  for (const [i, topic] of TOPICS.entries()) {
    const body = Array.from({ length: 12 }, (_, j) => `Paragraph ${j} on ${topic}: measured case ${i * 12 + j}.`);
    await uploadDocument(stack.ctx, {
      index: "prep",
      documentId: `doc${i}`,
      files: [text(`doc${i}.md`, `# ${topic}\n\n${body.join("\n\n")}`)],
      tags: {},
      steps: [],
      args: { custom_partitioning_max_tokens_per_paragraph_int: 30, custom_partitioning_overlapping_tokens_int: 0 },
    });
  }
  await stack.settle();
  bouncer = await startPgBouncer({ poolSize: 2 });
});

afterAll(async () => {
  await bouncer?.close();
});

type Mode = "hybrid" | "text";
const search = (ctx: MemoryContext, query: string, mode: Mode) =>
  searchMemory(ctx, { index: "prep", query, filters: [], minRelevance: 0, limit: 8, args: { search_mode: mode } });
const ranked = (r: Awaited<ReturnType<typeof search>>) =>
  r.results.flatMap((c) => c.partitions.map((p) => [c.documentId, p.partitionNumber, p.relevance]));

async function expected(): Promise<Map<string, unknown>> {
  const out = new Map<string, unknown>();
  for (const q of QUERIES)
    for (const mode of ["hybrid", "text"] as const) out.set(`${mode} ${q}`, ranked(await search(stack.ctx, q, mode)));
  return out;
}

describe("named prepared statements (opt-in)", () => {
  it("return what unnamed statements return, and each connection prepares the search once", async () => {
    const want = await expected();
    // Every hybrid search finds something (the vector leg always does), so the comparison is not of empty lists.
    expect(QUERIES.every((q) => (want.get(`hybrid ${q}`) as unknown[]).length > 0)).toBe(true);
    const { ctx } = await memoryContext({
      ...poolEnv(stack),
      DB_APPLICATION_NAME: "smt-prepared-on",
      DB_PREPARED_STATEMENTS: "true",
      DB_POOL_MAX: "1",
    });
    // Each search twice past PostgreSQL's five custom plans, so a cached generic plan answers too.
    for (let round = 0; round < 3; round++)
      for (const q of QUERIES)
        for (const mode of ["hybrid", "text"] as const)
          expect(ranked(await search(ctx, q, mode)), `${mode} ${q}`).toEqual(want.get(`${mode} ${q}`));
    // One connection (pool of 1): its named statements are the long ones it ran, each prepared once.
    const named = await ctx.db.query<{ name: string; calls: number }>(
      "select name, generic_plans + custom_plans as calls from pg_prepared_statements where name like 'sm\\_%'",
    );
    expect(named.length).toBeGreaterThanOrEqual(1);
    expect(named.reduce((n, s) => n + Number(s.calls), 0)).toBeGreaterThanOrEqual(QUERIES.length * 2 * 3);
    // With the setting off (the default) nothing is left on the connection.
    const none = await stack.ctx.db.query("select name from pg_prepared_statements");
    expect(none).toEqual([]);
  });

  it("behind a transaction-mode PgBouncer that loses them, every search answers with the same results", async () => {
    const want = await expected();
    // Three instances over PgBouncer's two server connections.
    const instances = await Promise.all(
      [1, 2, 3].map(
        async (i) =>
          (
            await memoryContext({
              DATABASE_URL: `postgres://postgres@${PG_HOST}:${bouncer.port}/${stack.database.name}`,
              DB_TRANSPORT: "pool",
              NEON_LOCAL_PROXY: stack.proxy.address,
              DB_APPLICATION_NAME: `smt-prepared-bouncer-${i}`,
              DB_PREPARED_STATEMENTS: "true",
              DB_POOL_MAX: "3",
              AUTO_MIGRATE: "false",
            })
          ).ctx,
      ),
    );
    const warnings = vi.spyOn(console, "error");
    try {
      // Each instance prepares the hybrid search once, one after another: three clients prepare the same name on
      // two server connections, so one of them at least finds it there already (42P05) — or, prepared, later
      // lands on the connection that lacks it (26000).
      for (const ctx of instances)
        expect(ranked(await search(ctx, QUERIES[0]!, "hybrid"))).toEqual(want.get(`hybrid ${QUERIES[0]}`));
      // Then every search at once from all three, named where an instance still names them.
      const runs = [0, 1, 2, 3].flatMap((round) =>
        QUERIES.flatMap((q, j) =>
          (["hybrid", "text"] as const).map((m) => [instances[(round + j) % 3]!, q, m] as const),
        ),
      );
      const got = await Promise.all(
        runs.map(async ([ctx, q, mode]) => [`${mode} ${q}`, ranked(await search(ctx, q, mode))] as const),
      );
      for (const [key, r] of got) expect(r, key).toEqual(want.get(key));
      const events = warnings.mock.calls.map((c) => String(c[0]));
      expect(events.some((line) => line.includes('"db.pool.prepared_statements_off"'))).toBe(true);
    } finally {
      warnings.mockRestore();
    }
    // Statements were named through the pooler at first: a server connection still holds one. Four reads at once
    // (each sleeping) take both server connections.
    const held = await Promise.all(
      [0, 1, 2, 3].map(() =>
        instances[0]!.db.query<{ names: string[] | null }>(
          "select (select array_agg(name) from pg_prepared_statements) as names, pg_sleep(0.1)::text as slept",
        ),
      ),
    );
    expect(held.flatMap(([r]) => r?.names ?? []).some((n) => n.startsWith("sm_"))).toBe(true);
  });
});
