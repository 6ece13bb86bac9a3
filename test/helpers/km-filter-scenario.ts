/**
 * @module
 * Kernel Memory's system tags as filters, end to end, with the exact requests
 * its .NET client sends (km-requests.ts, km-multipart.ts). One scenario for
 * every runtime (Node on Postgres, the embedded PGlite default, workerd): the
 * caller passes how to reach the API. No Node imports.
 */
import { expect } from "vitest";
import { kmMultipart } from "./km-multipart.js";
import { kmAskBody, kmFilters, kmPost, kmSearchBody } from "./km-requests.js";

export type Call = (path: string, init?: RequestInit) => Promise<Response>;

export const KM_FILTER_INDEX = "km-filters";
/** Every partition carries these (KM's Constants.Reserved*Tag); `__synth` only synthetic ones. */
const CARRIED = ["__document_id", "__file_id", "__file_type", "__file_part", "__part_n", "__sect_n"];

type Partition = { text: string; tags: Record<string, string[]> };
type Citation = { documentId: string; fileId: string; partitions: Partition[] };

/** Uploads the two documents the checks use and waits (bounded) until both are ready. */
export async function seedKmFilterDocs(call: Call): Promise<void> {
  const docs = [
    {
      documentId: "km-alpha",
      tags: ["team:alpha"],
      files: [{ name: "alpha.md", bytes: "# Deploys\n\nDeploys go out on Tuesdays after the release review." }],
    },
    {
      documentId: "km-beta",
      tags: ["team:beta"],
      files: [
        { name: "beta.txt", bytes: "Deploys are frozen during the holiday week." },
        { name: "beta-notes.md", bytes: "# Rollbacks\n\nA deploy is rolled back when the error rate doubles." },
      ],
    },
  ];
  for (const doc of docs) {
    const { body, contentType } = kmMultipart({ index: KM_FILTER_INDEX, ...doc });
    const res = await call("/upload", { method: "POST", body, headers: { "content-type": contentType } });
    expect(res.status).toBe(202);
  }
  for (const { documentId } of docs) await waitReady(call, documentId);
}

async function waitReady(call: Call, documentId: string): Promise<void> {
  let last = "";
  for (let i = 0; i < 300; i++) {
    const res = await call(`/upload-status?index=${KM_FILTER_INDEX}&documentId=${documentId}`);
    last = await res.text();
    if (res.status === 200) {
      const status = JSON.parse(last) as { completed: boolean; failed?: boolean };
      if (status.failed) throw new Error(`ingestion failed: ${last}`);
      if (status.completed) return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not ingested after 30 s: ${last}`);
}

async function search(call: Call, filters: Array<Record<string, unknown>>): Promise<Citation[]> {
  const res = await call(
    "/search",
    kmPost(kmSearchBody("deploys", { index: KM_FILTER_INDEX, filters: filters as never })),
  );
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as { results: Citation[] }).results;
}

const partitionsOf = (results: Citation[]) => results.flatMap((c) => c.partitions.map((p) => ({ ...p, c })));
const documentsOf = (results: Citation[]) => [...new Set(results.map((c) => c.documentId))].sort();

/** The checks, on documents `seedKmFilterDocs` ingested. */
export async function checkKmFilters(call: Call): Promise<void> {
  const all = await search(call, []);
  expect(documentsOf(all)).toEqual(["km-alpha", "km-beta"]);
  const partitions = partitionsOf(all);
  expect(partitions.length).toBeGreaterThanOrEqual(3);
  for (const p of partitions) for (const key of CARRIED) expect(p.tags[key], key).toHaveLength(1);

  // Each system tag filters with KM's meaning: filtering by a partition's value returns it and only matches.
  const probe = partitions.find(
    (p) => p.c.documentId === "km-beta" && p.c.fileId === all.find((c) => c.documentId === "km-beta")!.fileId,
  )!;
  for (const key of CARRIED) {
    const value = probe.tags[key]![0]!;
    const found = partitionsOf(await search(call, [kmFilters.byTag(key, value)]));
    expect(found.length, key).toBeGreaterThan(0);
    for (const p of found) expect(p.tags[key], key).toContain(value);
    expect(
      found.map((p) => p.tags.__file_part![0]),
      key,
    ).toContain(probe.tags.__file_part![0]);
  }
  expect(partitionsOf(await search(call, [kmFilters.byTag("__file_part", probe.tags.__file_part![0]!)]))).toHaveLength(
    1,
  );

  // MemoryFilters.ByDocument(id), alone, OR-ed, AND-ed with a tag, and under $not.
  expect(documentsOf(await search(call, [kmFilters.byDocument("km-alpha")]))).toEqual(["km-alpha"]);
  expect(documentsOf(await search(call, [kmFilters.byDocument("km-beta")]))).toEqual(["km-beta"]);
  const either = await search(call, [kmFilters.byDocument("km-alpha"), kmFilters.byDocument("km-beta")]);
  expect(documentsOf(either)).toEqual(["km-alpha", "km-beta"]);
  expect(await search(call, [{ __document_id: ["km-alpha"], team: ["beta"] }])).toEqual([]);
  const oneFile = await search(call, [{ __document_id: ["km-beta"], __file_id: [probe.c.fileId] }]);
  expect(oneFile.map((c) => c.fileId)).toEqual([probe.c.fileId]);
  expect(documentsOf(await search(call, [{ $not: { __document_id: ["km-alpha"] } }]))).toEqual(["km-beta"]);
  expect(documentsOf(await search(call, [{ $not: { __file_part: [probe.tags.__file_part![0]!] } }]))).toEqual([
    "km-alpha",
    "km-beta",
  ]);
  // Ranges over the numeric system tags (our extension) see them as numbers.
  const first = partitionsOf(await search(call, [{ $range: { __part_n: { lte: 0 } } }]));
  expect(first.length).toBeGreaterThan(0);
  for (const p of first) expect(Number(p.tags.__part_n![0])).toBeLessThanOrEqual(0);
  // No partition here is synthetic, so __synth matches none, as in KM.
  expect(await search(call, [{ __synth: ["summary"] }])).toEqual([]);

  // AskAsync with ByDocument: the answer cites only that document.
  const asked = await call(
    "/ask",
    kmPost(
      kmAskBody("When are deploys frozen?", { index: KM_FILTER_INDEX, filters: [kmFilters.byDocument("km-beta")] }),
    ),
  );
  expect(asked.status).toBe(200);
  const answer = (await asked.json()) as { noResult: boolean; relevantSources: Citation[] };
  expect(answer.noResult).toBe(false);
  expect(documentsOf(answer.relevantSources)).toEqual(["km-beta"]);

  // Other `__` keys are still refused in filters, and uploads still may not set system tags.
  const typo = await call(
    "/search",
    kmPost(kmSearchBody("deploys", { index: KM_FILTER_INDEX, filters: [{ __documentid: ["x"] }] })),
  );
  expect(typo.status).toBe(400);
  const { body, contentType } = kmMultipart({
    index: KM_FILTER_INDEX,
    documentId: "km-forged",
    tags: ["__document_id:km-alpha"],
    files: [{ name: "x.txt", bytes: "forged" }],
  });
  const forged = await call("/upload", { method: "POST", body, headers: { "content-type": contentType } });
  expect(forged.status).toBe(400);
}
