/**
 * @module
 * A judged slice of a shared test collection (`../shared/data`, read in place): its first documents, and the
 * queries with at least two relevant documents among them, judgements restricted to the slice — a small test
 * collection of its own. Ingested through the API; written out as JSONL or as TREC qrels + topics.
 */
import { fileURLToPath } from "node:url";
import { loadCisi, loadCranfield, sharedDataDir, type TestDocument } from "../../bench/lib/collections.js";
import { type ApiServer, type PipelineStatus, uploadKm } from "./api.js";

export type JudgedSlice = {
  docs: TestDocument[];
  queries: Array<{ id: string; query: string; relevant: Record<string, number> }>;
};

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export async function judgedSlice(
  name: "cranfield" | "cisi",
  docCount: number,
  maxQueries: number,
): Promise<JudgedSlice> {
  const data = sharedDataDir(ROOT);
  if (!data.present) throw new Error(`the shared test collections are missing: expected them in ${data.dir}`);
  const collection =
    name === "cranfield" ? await loadCranfield(`${data.dir}/cranfield`) : await loadCisi(`${data.dir}/cisi`);
  const docs = collection.docs.slice(0, docCount);
  const inSlice = new Set(docs.map((d) => d.id));
  const queries = collection.queries
    .map((q) => ({
      id: q.id,
      query: q.text,
      relevant: Object.fromEntries([...collection.gains.get(q.id)!].filter(([d]) => inSlice.has(d))),
    }))
    .filter((q) => Object.values(q.relevant).filter((g) => g > 0).length >= 2)
    .slice(0, maxQueries);
  return { docs, queries };
}

/** Uploads `<id>.md` (`# title` + abstract) a few at a time, then waits (bounded) for every one to be searchable. */
export async function ingestSlice(api: ApiServer, index: string, docs: readonly TestDocument[]): Promise<void> {
  const queue = [...docs];
  const upload = async () => {
    for (let doc = queue.shift(); doc; doc = queue.shift()) {
      const res = await uploadKm(api, {
        index,
        documentId: doc.id,
        files: [{ name: `${doc.id}.md`, bytes: `# ${doc.title}\n\n${doc.body}` }],
      });
      if (res.status !== 202) throw new Error(`upload ${doc.id}: ${res.status} ${await res.text()}`);
    }
  };
  await Promise.all(Array.from({ length: 6 }, upload));
  // One deadline for the whole slice, not 10 s per document: a job whose attempt failed (the database briefly
  // away) is retried by the server's scheduler after its backoff, and that must not fail the slice.
  const deadline = Date.now() + 300_000;
  for (const doc of docs) {
    for (;;) {
      const res = await api.call(`/upload-status?index=${index}&documentId=${encodeURIComponent(doc.id)}`);
      const status = (await res.json()) as PipelineStatus;
      if (status.failed) throw new Error(`document ${doc.id} failed: ${JSON.stringify(status.error)}`);
      if (status.completed) break;
      if (Date.now() > deadline) throw new Error(`document ${doc.id} not ingested in time: ${JSON.stringify(status)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

export function toJsonl(slice: JudgedSlice, form: "graded" | "list" = "graded"): string {
  return slice.queries
    .map((q) =>
      JSON.stringify({
        id: q.id,
        query: q.query,
        relevant: form === "graded" ? q.relevant : Object.keys(q.relevant).filter((d) => (q.relevant[d] ?? 0) > 0),
      }),
    )
    .join("\n");
}

export function toTrec(slice: JudgedSlice): { qrels: string; topics: string } {
  return {
    qrels: slice.queries.flatMap((q) => Object.entries(q.relevant).map(([d, g]) => `${q.id} 0 ${d} ${g}`)).join("\n"),
    topics: slice.queries.map((q) => `${q.id}\t${q.query}`).join("\n"),
  };
}
