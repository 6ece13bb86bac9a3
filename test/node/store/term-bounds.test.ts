/**
 * The per-term bounds the text leg prunes with (migration 0018: a term's largest tf, largest header tf, shortest
 * chunk) are bounds of what the chunks hold: filled for chunks stored before the migration, equal to a recount
 * after inserts, and never below it (above / at it for the length) after deletes and updates. A bound that fell
 * below the truth would let the text leg skip a chunk that belongs in the top; hybrid-exact.test.ts shows the
 * results stay those of the unbounded plan on a real collection.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPgDb } from "../../../bench/lib/pg-db.js";
import type { Db } from "../../../lib/db/types.js";
import { migrate } from "../../../lib/migrate/migrate.js";
import { MIGRATIONS } from "../../../lib/migrate/migrations.gen.js";
import { createTestDatabase, type TestDatabase } from "../../helpers/database.js";

type Bound = { lexeme: string; max_tf: number; max_header_tf: number; min_length: number };

let database: TestDatabase;
let db: Db;

beforeAll(async () => {
  database = await createTestDatabase("smbounds");
  db = createPgDb(database.url, { applicationName: "smt-term-bounds", max: 1 });
  await migrate(
    db,
    MIGRATIONS.filter((m) => m.id < "0018"),
  );
  await db.query("insert into memory_indexes (name) values ('b')");
  await db.query(
    "insert into memory_documents (index_name, document_id, steps, remaining_steps) values ('b', 'd', '{}', '{}')",
  );
  await db.query(
    `insert into memory_files (index_name, document_id, file_id, name, content_type, size, sha256)
     values ('b', 'd', 'f', 'f.txt', 'text/plain', 1, 'h')`,
  );
});

afterAll(async () => {
  await db?.close();
  await database?.drop();
});

let next = 0;
/** Chunks with a header (context) and a body; each vector is a dummy of 3 dimensions. */
async function insert(chunks: Array<[context: string, text: string]>): Promise<string[]> {
  const ids = chunks.map(() => `c${next++}`);
  await db.query(
    `insert into memory_chunks (id, index_name, document_id, file_id, partition_number, section_number, context,
                                text, content_hash, embedding, tags, tag_list)
     select u.id, 'b', 'd', 'f', u.n, 0, u.context, u.text, 'h' || u.id, '[1,2,3]'::vector, '{}'::jsonb, '{}'
       from unnest($1::text[], $2::text[], $3::text[]) with ordinality as u(id, context, text, n)`,
    [ids, chunks.map((c) => c[0]), chunks.map((c) => c[1])],
  );
  return ids;
}

const kept = () =>
  db.query<Bound>(
    "select lexeme, max_tf, max_header_tf, min_length from memory_terms where index_name = 'b' order by lexeme",
  );
const recount = () =>
  db.query<Bound>(
    `select a.lexeme, max(coalesce(cardinality(a.positions), 1))::int as max_tf,
            max(coalesce(cardinality(array_positions(a.weights, 'A')), 0))::int as max_header_tf,
            min(c.fts_length)::int as min_length
       from memory_chunks c, unnest(c.fts) a where c.index_name = 'b' group by 1 order by 1`,
  );

describe("per-term bounds (migration 0018)", () => {
  it("are filled for chunks stored before the migration, equal to a recount", async () => {
    await insert([
      ["Rotor blades", "rotor rotor rotor vibration of the blade"],
      ["Wing panels", "panel flutter and wing vibration, wing wing"],
    ]);
    const result = await migrate(db);
    expect(result.applied).toEqual(["0018_term_impact_bounds"]);
    const [after, truth] = [await kept(), await recount()];
    expect(after.length).toBeGreaterThan(5);
    expect(after).toEqual(truth);
    // Not vacuous: a header occurrence and a repeated word are counted.
    expect(after.find((t) => t.lexeme === "rotor")).toMatchObject({ max_tf: 4, max_header_tf: 1 });
  });

  it("stay equal to a recount through inserts, and bounds of it through deletes and updates", async () => {
    const [short] = await insert([
      ["", "rotor"],
      ["Gusts", "gust gust gust gust gust load on the wing rotor"],
    ]);
    expect(await kept()).toEqual(await recount());
    await db.query("delete from memory_chunks where id = $1 or text like 'gust%'", [short]);
    await db.query("update memory_chunks set text = 'a calm text' where text like 'panel%'");
    const [after, truth] = [await kept(), new Map((await recount()).map((t) => [t.lexeme, t]))];
    // Every term still held has a row, and its bounds bound the truth.
    expect(after.map((t) => t.lexeme).sort()).toEqual([...truth.keys()].sort());
    for (const t of after) {
      const real = truth.get(t.lexeme)!;
      expect(t.max_tf, t.lexeme).toBeGreaterThanOrEqual(real.max_tf);
      expect(t.max_header_tf, t.lexeme).toBeGreaterThanOrEqual(real.max_header_tf);
      expect(t.min_length, t.lexeme).toBeLessThanOrEqual(real.min_length);
    }
    // The deleted one-word chunk was the shortest holding "rotor": its bound stays (looser, never wrong).
    expect(after.find((t) => t.lexeme === "rotor")?.min_length).toBe(1);
    expect(truth.get("rotor")!.min_length).toBeGreaterThan(1);
  });
});
