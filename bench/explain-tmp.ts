import pg from "pg";
import { createOfflineEmbedder } from "../lib/ai/index.js";
import { DEFAULT_RANKING } from "../lib/store/chunk-search.js";
import { hybridSql } from "../lib/store/hybrid-search.js";

const [db, text, mode] = process.argv.slice(2);
const c = new pg.Client({ host: "127.0.0.1", port: Number(process.env.PGPORT), user: "postgres", database: db });
await c.connect();
const [v] = await createOfflineEmbedder({ id: "offline-hash-v1" } as never).embed([text!]);
const params: unknown[] = [
  JSON.stringify(v),
  db!.startsWith("smbretr_cran") ? "cranfield" : (process.env.IDX ?? "bench"),
  30,
  0,
];
const sql = hybridSql(
  { text: text!, dimensions: 384, candidates: 60, ranking: DEFAULT_RANKING, vectorLeg: mode !== "text" },
  "c.index_name = $2",
  "c.id, c.document_id, 1 - (c.embedding::vector(384) <=> $1::vector(384)) as relevance",
  "",
  params,
);
const r = await c.query(`explain (analyze, buffers) ${sql}`, params);
console.log(r.rows.map((x) => x["QUERY PLAN"]).join("\n"));
await c.end();
