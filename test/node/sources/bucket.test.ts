/**
 * A bucket source against a real S3-compatible server on 127.0.0.1 (s3rver),
 * reached through SigV4-signed requests (aws4fetch) and the guarded fetch:
 * objects under the prefix are ingested; a re-sync lists by ETag and fetches
 * nothing unchanged; a changed object is re-ingested, a deleted one has its
 * document deleted; the credentials are sealed in the database and never
 * shown; the page and object bounds hold.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../../lib/errors.js";
import { getUploadStatus } from "../../../lib/memory/status.js";
import type { MemoryContext } from "../../../lib/memory/types.js";
import { getSource, listSources, type Source, syncSource } from "../../../lib/sources/index.js";
import { sealCredentials } from "../../../lib/sources/secrets.js";
import { type LocalS3, S3_KEY, startLocalS3 } from "../../helpers/local-s3.js";
import type { CountingEmbedder } from "../../helpers/memory.js";
import { paragraph, sourceQueries, useSourcesStack } from "../../helpers/sources-stack.js";

const fx = useSourcesStack();
const { addSource, jobCount, documentIds } = sourceQueries(fx);
let s3: LocalS3;
let ctx: MemoryContext;
let embedder: CountingEmbedder;
let settle: () => Promise<void>;

/** A fetch that counts requests by method and path, for "nothing was fetched" checks. */
const seen: string[] = [];
const countingFetch: typeof fetch = (input, init) => {
  const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
  seen.push(`${init?.method ?? "GET"} ${url.pathname}${url.search.includes("list-type") ? "?list" : ""}`);
  return fetch(input, init);
};

beforeAll(async () => {
  ({ ctx, embedder, settle } = fx);
  s3 = await startLocalS3();
  await s3.put("manuals/otters.txt", paragraph(1, "otters"));
  await s3.put("manuals/guide.md", `# Beavers\n\n${paragraph(2, "beavers")}`, "text/markdown");
  await s3.put("manuals/deep/herons.html", `<html><body><p>${paragraph(3, "herons")}</p></body></html>`, "text/html");
  await s3.put("other/not-this.txt", "outside the prefix");
});
afterAll(() => s3?.close());

/** The bucket's path-style URL names endpoint, bucket and prefix; `bucket` carries the credentials. */
const bucketUrl = () => `${s3.endpoint}/${s3.bucket}/manuals/`;
const bucket = (extra: Record<string, unknown> = {}) => ({ ...S3_KEY, ...extra });

describe("S3-compatible bucket", () => {
  let source: Source;

  it("ingests every object under the prefix, named by its key, tagged with the source", async () => {
    source = await addSource({ url: bucketUrl(), kind: "bucket", index: "bucket", bucket: bucket() } as never);
    expect(source).toMatchObject({ kind: "bucket", lastStatus: "updated", lastError: null, itemCount: 3 });
    expect(source.url).toBe(`${s3.endpoint}/docs/manuals/`);
    const ids = await documentIds("bucket");
    expect(ids).toHaveLength(3);
    for (const id of ids) {
      const status = await getUploadStatus(ctx, "bucket", id);
      expect(status).toMatchObject({ completed: true, failed: false, tags: { source: [source.id] } });
    }
  });

  it("credentials are sealed at rest and never shown", async () => {
    expect(source.bucket).toMatchObject({ provider: "s3", prefix: "manuals/", credentials: "stored" });
    const shown = JSON.stringify([await getSource(ctx, source.id), await listSources(ctx, { limit: 10 })]);
    expect(shown).not.toContain(S3_KEY.secretAccessKey);
    const [row] = await ctx.db.query<{ sealed_credentials: string; options: unknown }>(
      "select sealed_credentials, options from memory_sources where id = $1",
      [source.id],
    );
    expect(row!.sealed_credentials).toMatch(/^v1\./);
    expect(row!.sealed_credentials).not.toContain(S3_KEY.secretAccessKey);
    expect(JSON.stringify(row!.options)).not.toContain(S3_KEY.secretAccessKey);
  });

  it("a re-sync lists by ETag and fetches no unchanged object: no embedding, no job", async () => {
    const jobs = await jobCount();
    seen.length = 0;
    // Two objects per listing page: ListObjectsV2's continuation token is followed.
    const run = await syncSource(ctx, source.id, { fetch: countingFetch, bucketPageSize: 2 });
    await settle();
    expect(run).toMatchObject({ status: "unchanged", updated: 0, unchanged: 3, removed: 0, failed: 0 });
    expect(seen).toEqual(["GET /docs?list", "GET /docs?list"]);
    expect(embedder.calls).toBe(0);
    expect(await jobCount()).toBe(jobs);
  });

  it("a changed object is re-ingested alone; a new one added; a deleted one has its document deleted", async () => {
    const before = await documentIds("bucket");
    await s3.put("manuals/otters.txt", paragraph(9, "otters"));
    await s3.put("manuals/new.txt", paragraph(4, "newts"));
    await s3.remove("manuals/guide.md");
    seen.length = 0;
    const run = await syncSource(ctx, source.id, { fetch: countingFetch, bucketPageSize: 1 });
    await settle();
    expect(seen.filter((s) => s.endsWith("?list"))).toHaveLength(3);
    expect(run).toMatchObject({ status: "updated", updated: 2, unchanged: 1, removed: 1, failed: 0 });
    expect(seen.filter((s) => !s.endsWith("?list")).sort()).toEqual([
      "GET /docs/manuals/new.txt",
      "GET /docs/manuals/otters.txt",
    ]);
    const after = await documentIds("bucket");
    expect(after).toHaveLength(3);
    expect(after.filter((id) => !before.includes(id))).toHaveLength(1);
  });

  it("a wrong access key fails the run with the server's answer, and nothing is deleted", async () => {
    const bad = await addSource({
      url: bucketUrl(),
      kind: "bucket",
      index: "bucket-bad",
      bucket: bucket({ accessKeyId: "NOT-A-KEY" }),
    } as never);
    expect(bad.lastStatus).toBe("failed");
    expect(bad.lastError).toMatch(/HTTP 403/);
    expect(bad.lastError).not.toContain(S3_KEY.secretAccessKey);
  });

  it("bounds: SOURCE_MAX_ITEMS objects tracked (by key); a run out of time resumes at once where it stopped", async () => {
    const small = { ...ctx, config: { ...ctx.config, SOURCE_MAX_ITEMS: 2 } };
    const { createSource } = await import("../../../lib/sources/index.js");
    const { validateNewSource } = await import("../../../lib/contract/source-input.js");
    const created = await createSource(
      small,
      validateNewSource({ url: bucketUrl(), kind: "bucket", index: "bucket-small", bucket: bucket() }, true),
    );
    await settle();
    const s = await getSource(ctx, created.id);
    expect(s.itemCount).toBe(2);
    expect(s.lastError).toMatch(/only the first 2/);
    // Out of time: one object per run at least, the rest left for the next run, which is due at once.
    await s3.put("manuals/t1.txt", paragraph(5, "terns"));
    await s3.put("manuals/t2.txt", paragraph(6, "toads"));
    const cut = await syncSource(ctx, source.id, { budgetMs: 0 });
    expect(cut).toMatchObject({ partial: true, updated: 1 });
    expect(Date.parse((await getSource(ctx, source.id)).nextDueAt)).toBeLessThanOrEqual(Date.now());
    const rest = await syncSource(ctx, source.id, { budgetMs: 0 });
    expect(rest).toMatchObject({ partial: false, updated: 1, unchanged: 4 });
    await settle();
  });

  it("credentials without SOURCE_SECRET_KEY are refused (unprocessable), never stored in the clear", async () => {
    const error = await sealCredentials(undefined, S3_KEY).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).kind).toBe("unprocessable");
  });
});
