/**
 * @module
 * Reads the classic test collections in `../shared/data` (SMART records; formats in each folder's README): the
 * documents, the queries, and graded judgements as gains (Cranfield 5 − grade, −1 → 0; CISI binary).
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";

export type TestDocument = { id: string; title: string; body: string };
export type TestQuery = { id: string; text: string };
export type TestCollection = {
  name: string;
  docs: TestDocument[];
  queries: TestQuery[];
  /** query id → document id → gain (> 0 relevant). Queries without judgements are left out of `queries`. */
  gains: Map<string, Map<string, number>>;
};

/** `.I n` records split into `{ id, fields: { T: "...", W: "..." } }` (repeated fields joined). */
function smartRecords(text: string): Array<{ id: string; fields: Record<string, string> }> {
  const out: Array<{ id: string; fields: Record<string, string> }> = [];
  let field: string | undefined;
  for (const raw of text.replace(/\r\n?/g, "\n").split("\n")) {
    const marker = /^\.([A-Z])(?:\s+(\S+))?\s*$/.exec(raw);
    if (marker?.[1] === "I") {
      out.push({ id: String(Number(marker[2])), fields: {} });
      field = undefined;
    } else if (marker) {
      field = marker[1];
    } else if (field && out.length) {
      const rec = out[out.length - 1]!;
      rec.fields[field] = rec.fields[field] ? `${rec.fields[field]}\n${raw}` : raw;
    }
  }
  return out;
}

const oneLine = (s: string | undefined) => (s ?? "").replace(/\s+/g, " ").trim();

export async function loadCranfield(dir: string): Promise<TestCollection> {
  const docs = smartRecords(await readFile(join(dir, "cran.all.1400"), "latin1"))
    .map((r) => ({ id: r.id, title: oneLine(r.fields.T), body: (r.fields.W ?? "").trim() }))
    .filter((d) => d.title || d.body);
  // Judgements name queries by position in the file (1..225), not by their `.I` number.
  const queries = smartRecords(await readFile(join(dir, "cran.qry"), "latin1")).map((r, i) => ({
    id: String(i + 1),
    text: oneLine(r.fields.W),
  }));
  const gains = new Map<string, Map<string, number>>();
  for (const line of (await readFile(join(dir, "cranqrel"), "latin1")).split("\n")) {
    const [q, d, g] = line.trim().split(/\s+/);
    if (!q || !d || g === undefined) continue;
    const gain = Number(g) === -1 ? 0 : 5 - Number(g);
    if (!gains.has(q)) gains.set(q, new Map());
    gains.get(q)!.set(d, gain);
  }
  return judged("Cranfield", docs, queries, gains);
}

export async function loadCisi(dir: string): Promise<TestCollection> {
  const docs = smartRecords(await readFile(join(dir, "CISI.ALL"), "latin1"))
    .map((r) => ({ id: r.id, title: oneLine(r.fields.T), body: (r.fields.W ?? "").trim() }))
    .filter((d) => d.title || d.body);
  const queries = smartRecords(await readFile(join(dir, "CISI.QRY"), "latin1")).map((r) => ({
    id: r.id,
    text: oneLine([r.fields.T, r.fields.W].filter(Boolean).join(" ")),
  }));
  const gains = new Map<string, Map<string, number>>();
  for (const line of (await readFile(join(dir, "CISI.REL"), "latin1")).split("\n")) {
    const [q, d] = line.trim().split(/\s+/);
    if (!q || !d) continue;
    if (!gains.has(q)) gains.set(q, new Map());
    gains.get(q)!.set(d, 1);
  }
  return judged("CISI", docs, queries, gains);
}

function judged(
  name: string,
  docs: TestDocument[],
  queries: TestQuery[],
  gains: Map<string, Map<string, number>>,
): TestCollection {
  const hasRelevant = (q: TestQuery) => [...(gains.get(q.id)?.values() ?? [])].some((g) => g > 0);
  return { name, docs, queries: queries.filter(hasRelevant), gains };
}

/** `../shared/data` beside the repository root, as CI lays it out; undefined (with the path) when absent. */
export function sharedDataDir(repoRoot: string): { dir: string; present: boolean } {
  const dir = join(repoRoot, "..", "shared", "data");
  return { dir, present: existsSync(join(dir, "cranfield")) && existsSync(join(dir, "cisi")) };
}
