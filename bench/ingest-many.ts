/**
 * @module
 * ingest, many small documents: 10,000 abstracts of ~1 KB (Cranfield and CISI texts from ../shared/data, read in
 * place; each used several times with a copy number in its title, so every text is distinct and no embedding
 * cache can serve one document from another) through the HTTP API of the Node server (`POST /upload/bulk`, the
 * Neon Pool through the local proxy, a fresh PostgreSQL database) until every document is `completed`, against
 * LangChain's `PGVectorStore.addDocuments` over the same texts with the same offline embedder, in the same run.
 */
import { Document } from "@langchain/core/documents";
import { createOfflineEmbedder } from "../lib/ai/index.js";
import { closeAllHandles } from "../lib/db/index.js";
import { startNodeServer } from "../lib/node-host/server.js";
import { nodeRuntime } from "../lib/runtime/node.js";
import { createTestDatabase } from "../test/helpers/database.js";
import { langchain } from "./ingest.js";
import { loadCisi, loadCranfield, sharedDataDir } from "./lib/collections.js";
import { dropWhenIdle, migrated } from "./lib/memory-db.js";
import { createPgDb } from "./lib/pg-db.js";
import { ms, num, ratio } from "./lib/stats.js";

export const MANY_DOCUMENTS = 10_000;
/** Lines per `POST /upload/bulk` request. */
const PER_REQUEST = 1_000;

export type ManyRow = { label: string; documents: number; ms: number };
export type ManyResult = { rows: ManyRow[]; bytes: number; ratio: number };

async function abstracts(count: number): Promise<Array<{ id: string; text: string }>> {
  const { dir, present } = sharedDataDir(new URL("..", import.meta.url).pathname);
  if (!present) throw new Error(`the test collections are not in ${dir}`);
  const docs = [...(await loadCranfield(`${dir}/cranfield`)).docs, ...(await loadCisi(`${dir}/cisi`)).docs].filter(
    (d) => d.body.trim().length > 200,
  );
  return Array.from({ length: count }, (_, i) => {
    const d = docs[i % docs.length]!;
    const copy = Math.floor(i / docs.length) + 1;
    return { id: `abs-${i}`, text: `${d.title.trim()} (copy ${copy})\n\n${d.body.trim()}` };
  });
}

/** Ours through the HTTP API, then LangChain on the same database; both timed from first write to last stored. */
export async function manySmallDocuments(proxy: string, log: (m: string) => void): Promise<ManyResult> {
  const texts = await abstracts(MANY_DOCUMENTS);
  const bytes = texts.reduce((n, t) => n + new TextEncoder().encode(t.text).byteLength, 0);
  const database = await createTestDatabase("smbmany");
  const pgDb = createPgDb(database.url, { max: 2, applicationName: "smb-many-check" });
  const rows: ManyRow[] = [];
  try {
    await migrated(pgDb);
    const env = {
      ...process.env,
      DATABASE_URL: database.url,
      DB_TRANSPORT: "pool",
      NEON_LOCAL_PROXY: proxy,
      DB_APPLICATION_NAME: "smb-many-server",
      LOG_LEVEL: "error",
    } as Record<string, unknown>;
    const server = await startNodeServer({
      runtime: nodeRuntime({ extractionThreads: true }),
      port: 0,
      env: () => env,
    });
    try {
      log(`many small documents: ${num(texts.length)} through POST /upload/bulk`);
      const t0 = performance.now();
      for (let i = 0; i < texts.length; i += PER_REQUEST) {
        const body = texts
          .slice(i, i + PER_REQUEST)
          .map((t) => JSON.stringify({ documentId: t.id, text: t.text, tags: { corpus: ["abstracts"] } }))
          .join("\n");
        const res = await fetch(`${server.url}/upload/bulk?index=many`, {
          method: "POST",
          body,
          headers: { "content-type": "application/x-ndjson" },
        });
        if (res.status !== 202) throw new Error(`POST /upload/bulk answered ${res.status}: ${await res.text()}`);
      }
      const accepted = performance.now() - t0;
      for (;;) {
        const [row] = await pgDb.query<{ done: number; failed: number }>(
          `select count(*) filter (where cardinality(remaining_steps) = 0 and not failed)::int as done,
                  count(*) filter (where failed)::int as failed
             from memory_documents where index_name = 'many'`,
        );
        if (row!.failed) throw new Error(`${row!.failed} documents failed`);
        if (row!.done === texts.length) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const elapsed = performance.now() - t0;
      log(`  accepted in ${ms(accepted)}, completed in ${ms(elapsed)}`);
      rows.push({
        label: "ours: POST /upload/bulk (Node server, Neon Pool) until every document completed",
        documents: texts.length,
        ms: elapsed,
      });
    } finally {
      await server.close();
      await closeAllHandles();
    }
    log("many small documents: LangChain PGVectorStore.addDocuments");
    const peer = await langchain(database.url, "langchain_many", "LangChain.js PGVectorStore.addDocuments", async () =>
      texts.map((t) => new Document({ pageContent: t.text, metadata: { documentId: t.id, corpus: "abstracts" } })),
    );
    rows.push({ label: `${peer.label} (same texts, one document each)`, documents: peer.chunks, ms: peer.ms });
    // The shared embedder alone, for scale.
    const e0 = performance.now();
    await createOfflineEmbedder().embed(texts.map((t) => t.text));
    rows.push({
      label: "(shared by both) the offline embedder alone, same texts",
      documents: texts.length,
      ms: performance.now() - e0,
    });
  } finally {
    await pgDb.close();
    await dropWhenIdle(database);
  }
  return { rows, bytes, ratio: rows[1]!.ms / rows[0]!.ms };
}

export function manyTable(result: ManyResult) {
  const [ours, peer] = result.rows as [ManyRow, ManyRow];
  const rate = (r: ManyRow) => (r.documents / r.ms) * 1000;
  return {
    headline: `many small documents (${num(ours.documents)} abstracts, ${(result.bytes / ours.documents / 1000).toFixed(2)} KB avg): ours ${num(rate(ours))} docs/s vs LangChain ${num(rate(peer))} docs/s = ${ratio(result.ratio)}`,
    table: {
      headers: ["pipeline (many small documents)", "documents", "wall time", "documents/s", "÷ LangChain"],
      rows: result.rows.map((r, i) => [
        r.label,
        num(r.documents),
        ms(r.ms),
        num(rate(r)),
        i === 0 ? ratio(result.ratio) : "–",
      ]),
    },
  };
}
