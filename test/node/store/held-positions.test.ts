/**
 * The text leg bounds a chunk's BM25 before scoring it from the SIZE of the tsvector ts_filter builds of its query
 * lexemes (`heldBound` in lib/store/hybrid-search.ts): 8 header bytes, 4 per entry, and per lexeme its bytes padded
 * to even, 2 for the position count and 2 per position. If PostgreSQL built that tsvector any other way, the bound
 * could fall below a chunk's score and the leg would skip a chunk that belongs in the top. This pins the layout on
 * both engines the service runs on — the PostgreSQL server and the embedded PGlite (its own build of PostgreSQL, the
 * default without DATABASE_URL): the positions the size implies equal those unnest counts, for every chunk of a real
 * collection and for the edge cases (odd and even lengths, multi-byte lexemes, header positions, repeats past the
 * 255 positions a lexeme keeps), and the bound's form — the n shortest query lexemes — never implies fewer.
 */
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { loadCranfield, sharedDataDir } from "../../../bench/lib/collections.js";
import { type Embedded, openEmbedded } from "../../../lib/db/pglite-open.js";
import { withAdmin } from "../../helpers/database.js";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));

/**
 * Per text: the positions unnest counts in the filtered vector, the positions its size implies with the held
 * lexemes' own lengths, and with the query's n shortest (the bound's form). The header (A) is set as the service's
 * trigger sets it.
 */
const SQL = `
  with docs as (
    select d.i, setweight(to_tsvector('english', d.header), 'A') || to_tsvector('english', d.body) as fts,
           q.lexemes
      from unnest($1::text[], $2::text[]) with ordinality as d(header, body, i),
           lateral (select array(select distinct l from unnest(tsvector_to_array(to_tsvector('english', $3))) l
                                  order by l) as lexemes) q
  ), held as (
    select i, lexemes, ts_filter(setweight(fts, 'B', lexemes), '{B}') as v from docs
  )
  select i,
         length(v) as n,
         coalesce((select sum(cardinality(a.positions)) from unnest(v) a), 0)::int as counted,
         (pg_column_size(v) - 8 - 6 * length(v)
            - coalesce((select sum(2 * ((octet_length(l) + 1) / 2)) from unnest(tsvector_to_array(v)) l), 0)) / 2.0
           as implied,
         (pg_column_size(v) - 8 - 6 * length(v)
            - coalesce((select sum(s) from (select 2 * ((octet_length(l) + 1) / 2) as s from unnest(lexemes) l
                                              order by s limit length(v)) t), 0)) / 2.0 as bound
    from held`;

type Row = { i: string; n: number; counted: number; implied: string; bound: string };
type Engine = "postgres" | "pglite";

let embedded: Promise<Embedded> | undefined;
afterAll(async () => {
  if (embedded) await (await embedded).close();
});

function run(engine: Engine, params: unknown[]): Promise<Row[]> {
  if (engine === "postgres") return withAdmin((c) => c.query<Row>(SQL, params).then((r) => r.rows));
  embedded ??= openEmbedded(undefined);
  return embedded.then((e) => e.query(SQL, params)).then((r) => r.rows as Row[]);
}

async function check(engine: Engine, texts: Array<[header: string, body: string]>, query: string) {
  const rows = await run(engine, [texts.map((t) => t[0]), texts.map((t) => t[1]), query]);
  expect(rows).toHaveLength(texts.length);
  for (const r of rows) {
    expect(Number(r.implied), `text ${r.i}`).toBe(r.counted);
    expect(Number(r.bound), `text ${r.i}`).toBeGreaterThanOrEqual(r.counted);
  }
  return rows;
}

describe.each(["postgres", "pglite"] as const)("the size of a filtered tsvector tells its positions (%s)", (engine) => {
  it("for every Cranfield abstract and a query's lexemes", async () => {
    const data = sharedDataDir(ROOT);
    if (!data.present) throw new Error(`the shared test collections are missing: expected them in ${data.dir}`);
    const cranfield = await loadCranfield(`${data.dir}/cranfield`);
    for (const query of cranfield.queries.slice(0, 3)) {
      const rows = await check(
        engine,
        cranfield.docs.map((d) => [d.title, d.body]),
        query.text,
      );
      // Not vacuous: many abstracts hold several of the query's lexemes, some of them more than once.
      expect(rows.filter((r) => r.n >= 2).length).toBeGreaterThan(10);
      expect(rows.filter((r) => r.counted > r.n).length).toBeGreaterThan(5);
    }
  });

  it("for odd and even lengths, multi-byte lexemes, header positions and repeats past the 255 positions kept", async () => {
    const rows = await check(
      engine,
      [
        ["", "a ab abc abcd abcde ab abc"],
        ["Überprüfung des Naïve café", "café naïve überprüfung café ünïcödé"],
        ["wing flutter", "the wing flutter of a wing; flutter again"],
        ["", Array.from({ length: 300 }, () => "lift").join(" ")],
        ["drag", ""],
        ["", "nothing of the query here"],
      ],
      "a ab abc abcd abcde café naïve überprüfung ünïcödé wing flutter lift drag",
    );
    expect(rows.map((r) => r.counted)).toEqual([6, 8, 6, 255, 1, 0]);
  });
});
