/**
 * @module
 * Shared setup of the sources tests: a test database behind the local Neon proxy, a fake website, and a memory
 * context with a counting embedder, started once per file; plus the queries the tests read results with.
 * `useSourcesStack()` registers the hooks and returns the stack, filled in before the first test.
 */
import { afterAll, beforeAll, beforeEach } from "vitest";
import { validateNewSource } from "../../lib/contract/source-input.js";
import { closeAllHandles } from "../../lib/db/index.js";
import { listDocuments } from "../../lib/memory/documents.js";
import type { MemoryContext } from "../../lib/memory/types.js";
import { createSource, getSource, type NewSource, type Source } from "../../lib/sources/index.js";
import { startNeonProxy } from "../../scripts/neon-proxy/server.js";
import { createTestDatabase, type TestDatabase } from "./database.js";
import { type FakeSite, startFakeSite } from "./fake-site.js";
import { type CountingEmbedder, memoryContext } from "./memory.js";

export type SourcesStack = {
  database: TestDatabase;
  proxy: Awaited<ReturnType<typeof startNeonProxy>>;
  site: FakeSite;
  ctx: MemoryContext;
  embedder: CountingEmbedder;
  settle: () => Promise<void>;
  env: Record<string, string>;
};

export function useSourcesStack(): SourcesStack {
  const fx = {} as SourcesStack;
  beforeAll(async () => {
    fx.database = await createTestDatabase("smsrc");
    fx.proxy = await startNeonProxy();
    fx.site = await startFakeSite();
    fx.env = {
      DATABASE_URL: fx.database.url,
      DB_TRANSPORT: "pool",
      DB_POOL_MAX: "4",
      NEON_LOCAL_PROXY: fx.proxy.address,
      DB_APPLICATION_NAME: "smt-sources",
      SOURCE_ALLOW_PRIVATE: "true",
      SOURCE_FETCH_TIMEOUT_MS: "5000",
      // A fixed test key: bucket sources seal their credentials with it.
      SOURCE_SECRET_KEY: btoa("0123456789abcdef0123456789abcdef"),
      LOG_LEVEL: "error",
    };
    Object.assign(fx, await memoryContext(fx.env));
  });

  afterAll(async () => {
    await closeAllHandles();
    await fx.site?.close();
    await fx.proxy?.close();
    await fx.database?.drop();
  });

  beforeEach(() => {
    fx.embedder.calls = 0;
    fx.embedder.texts = 0;
  });
  return fx;
}

/** The queries the tests read results with, over the stack's context. */
export function sourceQueries(fx: SourcesStack) {
  /** Creates a source (its first sync starts in the background) and waits for that sync and its ingestion. */
  async function addSource(input: Partial<NewSource> & { url: string; kind: NewSource["kind"] }): Promise<Source> {
    const source = await createSource(fx.ctx, validateNewSource(input, true));
    await fx.settle();
    return getSource(fx.ctx, source.id);
  }

  const jobCount = async () =>
    (await fx.ctx.db.query<{ n: number }>("select count(*)::int as n from memory_jobs"))[0]!.n;

  const chunkHashes = async (index: string, documentId: string) =>
    new Set(
      (
        await fx.ctx.db.query<{ content_hash: string }>(
          "select content_hash from memory_chunks where index_name = $1 and document_id = $2",
          [index, documentId],
        )
      ).map((r) => r.content_hash),
    );

  const documentIds = async (index: string) =>
    (await listDocuments(fx.ctx, index, { limit: 100 })).documents.map((d) => d.documentId).sort();

  const sourceDocId = async (index: string, url: string) =>
    (
      await fx.ctx.db.query<{ document_id: string }>(
        `select i.document_id from memory_source_items i join memory_sources s on s.id = i.source_id
          where s.index_name = $1 and i.url = $2`,
        [index, url],
      )
    )[0]?.document_id;

  return { addSource, jobCount, chunkHashes, documentIds, sourceDocId };
}

/** ~350 tokens of text unique to (n, topic), so every paragraph is its own chunk material. */
export const paragraph = (n: number, topic: string) =>
  `Paragraph ${n} is about ${topic}. ${Array.from({ length: 45 }, (_, i) => `${topic}${n} fact ${i} holds;`).join(" ")}`;
