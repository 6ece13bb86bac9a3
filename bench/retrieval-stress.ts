/**
 * @module
 * `npx tsx bench/retrieval-stress.ts` — how the ranking defaults might fare on collections this repository never
 * sees, simulated from the two it has (not a `npm run bench` section: it writes no table into BENCHMARKS.md, and it
 * takes ~20 min on two cores). Each shared collection is also ingested in three altered forms:
 * - `long`: every 6 consecutive documents concatenated into one (≈ 1,200–1,500 words, so chunking and
 *   "a document's best chunk" come into play; a group's gain is its best member's);
 * - `titles`: every other document reduced to its title (CACM- / NPL-like records);
 * - `shortq`: each query cut to its first 6 words (title-length queries; CISI's are paragraphs).
 * For every form it prints each ranking setting's nDCG@10 as a ratio to the stemmed BM25 anchor over the same texts
 * (bench/lib/okapi.ts), the per-query wins/losses against it, and the ratio on the odd and even halves of the queries.
 * Then the cross-validation the defaults are chosen by (docs/adr/0006-ranking-that-generalises.md): on one
 * collection's four forms pick the setting whose WORST ratio is best (maximin), and read that setting on the other.
 */
import { fileURLToPath } from "node:url";
import { createEmbedderFromEnv } from "../lib/ai/index.js";
import { uploadDocument } from "../lib/ingest/upload.js";
import { setLogLevel } from "../lib/log/logger.js";
import type { SearchMode } from "../lib/store/chunk-search.js";
import type { Ranking } from "../lib/store/hybrid-search.js";
import { createTestDatabase } from "../test/helpers/database.js";
import { loadCisi, loadCranfield, sharedDataDir, type TestCollection } from "./lib/collections.js";
import { metricsAt } from "./lib/ir-metrics.js";
import { benchContext, migrated } from "./lib/memory-db.js";
import { stemmedOkapiIndex } from "./lib/okapi.js";
import { createPgDb } from "./lib/pg-db.js";
import { settingMetrics } from "./lib/retrieval-grid.js";

const K = 10;
const GROUP = 6;
const SHORT_QUERY_WORDS = 6;

type Form = { name: string; collection: TestCollection; texts: Array<{ id: string; text: string }> };
type Setting = [label: string, change: Partial<Ranking>, mode?: SearchMode];

export const SETTINGS: Setting[] = [
  ["defaults", {}],
  ["expansion off", { feedbackDocs: 0 }],
  ["text mode", {}, "text"],
  ["text mode, expansion off", { feedbackDocs: 0 }, "text"],
  ["original weight 0.6", { originalWeight: 0.6 }],
  ["original weight 0.7", { originalWeight: 0.7 }],
  ["feedback chunks 5", { feedbackDocs: 5 }],
  ["text weight 0.95", { textWeight: 0.95 }],
  ["header ×1", { headerWeight: 1 }],
];

const asText = (title: string, body: string) => (body ? `# ${title}\n\n${body}` : `# ${title}`);

export function forms(c: TestCollection): Form[] {
  const plain = {
    name: c.name,
    collection: c,
    texts: c.docs.map((d) => ({ id: d.id, text: asText(d.title, d.body) })),
  };
  const groupOf = new Map<string, string>();
  const long = [];
  for (let i = 0; i < c.docs.length; i += GROUP) {
    const members = c.docs.slice(i, i + GROUP);
    const id = `g${i / GROUP}`;
    for (const d of members) groupOf.set(d.id, id);
    long.push({ id, text: members.map((d) => asText(d.title, d.body)).join("\n\n") });
  }
  const gains = new Map(
    [...c.gains].map(([q, judged]) => {
      const out = new Map<string, number>();
      for (const [d, g] of judged) {
        const id = groupOf.get(d) ?? d;
        out.set(id, Math.max(out.get(id) ?? 0, g));
      }
      return [q, out] as const;
    }),
  );
  const shortQueries = c.queries.map((q) => ({
    ...q,
    text: q.text.split(/\s+/).slice(0, SHORT_QUERY_WORDS).join(" "),
  }));
  return [
    plain,
    { name: `${c.name} long`, collection: { ...c, gains }, texts: long },
    {
      name: `${c.name} titles`,
      collection: c,
      texts: c.docs.map((d, i) => ({ id: d.id, text: asText(d.title, i % 2 ? "" : d.body) })),
    },
    { name: `${c.name} shortq`, collection: { ...c, queries: shortQueries }, texts: plain.texts },
  ];
}

type Row = {
  form: string;
  setting: string;
  ndcg: number;
  ratio: number;
  wins: number;
  losses: number;
  halves: number[];
};

async function measure(form: Form, log: (line: string) => void): Promise<Row[]> {
  const embedder = createEmbedderFromEnv(process.env);
  const database = await createTestDatabase("smstress");
  const db = createPgDb(database.url, { applicationName: "sm-bench-stress", max: 3 });
  const { collection, texts } = form;
  try {
    await migrated(db, embedder);
    const { ctx, settle } = benchContext(db, embedder);
    for (const doc of texts) {
      const bytes = new TextEncoder().encode(doc.text);
      await uploadDocument(ctx, {
        index: "x",
        documentId: doc.id,
        files: [{ name: `${doc.id}.md`, bytes }],
        tags: {},
        steps: [],
      });
    }
    await settle();
    await db.query("analyze");
    const anchor = await stemmedOkapiIndex(db, texts);
    const gains = (id: string) => collection.gains.get(id)!;
    const base: number[] = [];
    for (const q of collection.queries) base.push(metricsAt(K, await anchor.search(q.text, K), gains(q.id)).ndcg);
    const vectors = await embedder.embed(collection.queries.map((q) => q.text));
    const rows: Row[] = [];
    for (const [setting, change, mode] of SETTINGS) {
      const per: number[] = [];
      for (const [i, q] of collection.queries.entries()) {
        const query = { text: q.text, vector: vectors[i]! };
        per.push((await settingMetrics(db, "x", embedder.dimensions, query, change, mode, gains(q.id))).ndcg);
      }
      const ratioOf = (keep: (i: number) => boolean) =>
        mean(per.filter((_, i) => keep(i))) / mean(base.filter((_, i) => keep(i)));
      const row: Row = {
        form: form.name,
        setting,
        ndcg: mean(per),
        ratio: ratioOf(() => true),
        wins: per.filter((x, i) => x > base[i]! + 1e-9).length,
        losses: per.filter((x, i) => x < base[i]! - 1e-9).length,
        halves: [ratioOf((i) => i % 2 === 0), ratioOf((i) => i % 2 === 1)],
      };
      rows.push(row);
      log(
        `${form.name} (${texts.length} docs, anchor ${mean(base).toFixed(3)}) | ${setting} | ${row.ndcg.toFixed(3)} | ` +
          `${row.ratio.toFixed(3)}× | W/L ${row.wins}/${row.losses} | halves ${row.halves.map((h) => h.toFixed(3)).join(" / ")}`,
      );
    }
    return rows;
  } finally {
    await db.close();
    await database.drop();
  }
}

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);

/** The setting whose worst ratio over `rows`' forms is best (the defaults win ties). */
export function maximin(rows: readonly Row[]): { setting: string; worst: number } {
  const worst = new Map<string, number>();
  for (const r of rows) worst.set(r.setting, Math.min(worst.get(r.setting) ?? Infinity, r.ratio));
  let best = { setting: SETTINGS[0]![0], worst: worst.get(SETTINGS[0]![0]) ?? 0 };
  for (const [setting, w] of worst) if (w > best.worst + 1e-9) best = { setting, worst: w };
  return best;
}

async function main() {
  setLogLevel("warn");
  const data = sharedDataDir(fileURLToPath(new URL("..", import.meta.url)));
  if (!data.present) throw new Error(`test collections not found in ${data.dir}`);
  // STRESS_FORMS=plain,long,titles,shortq and STRESS_COLLECTIONS=Cranfield,CISI narrow a run (the maximin lines then
  // read only what ran).
  const only = process.env.STRESS_FORMS?.split(",");
  const collections = process.env.STRESS_COLLECTIONS?.split(",");
  const byCollection = new Map<string, Row[]>();
  for (const c of [await loadCranfield(`${data.dir}/cranfield`), await loadCisi(`${data.dir}/cisi`)]) {
    if (collections && !collections.includes(c.name)) continue;
    const rows: Row[] = [];
    for (const form of forms(c)) {
      if (only && !only.some((o) => form.name.endsWith(o) || (o === "plain" && form.name === c.name))) continue;
      rows.push(...(await measure(form, console.log)));
    }
    byCollection.set(c.name, rows);
  }
  const names = [...byCollection.keys()];
  for (const tuned of names) {
    for (const read of names.filter((n) => n !== tuned)) {
      const pick = maximin(byCollection.get(tuned)!);
      const there = byCollection.get(read)!.filter((r) => r.setting === pick.setting);
      const defaults = byCollection.get(read)!.filter((r) => r.setting === SETTINGS[0]![0]);
      console.log(
        `tuned on ${tuned} (maximin over its forms): "${pick.setting}", worst ${pick.worst.toFixed(3)}×; read on ${read}: ` +
          `worst ${Math.min(...there.map((r) => r.ratio)).toFixed(3)}× (defaults ${Math.min(...defaults.map((r) => r.ratio)).toFixed(3)}×)`,
      );
    }
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
  process.exit(0);
}
