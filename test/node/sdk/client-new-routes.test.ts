/**
 * The client methods for routes built alongside it, against the real server once those routes are on this
 * branch: `POST /upload/bulk` (NDJSON, one document per line) and `GET`/`PATCH /documents/{documentId}`. Each
 * suite runs when the server's own OpenAPI document lists its route, and is skipped (visibly) until then.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemoryClient, type MemoryClient, ProblemError } from "../../../lib/sdk/client/index.js";
import { type ApiServer, startApiServer } from "../../helpers/api.js";

const INDEX = "sdk-new-routes";
let api: ApiServer;
let memory: MemoryClient;
let paths: string[] = [];

beforeAll(async () => {
  api = await startApiServer();
  memory = createMemoryClient({ url: api.url });
  paths = Object.keys(((await (await fetch(`${api.url}/openapi.json`)).json()) as { paths: object }).paths);
}, 60_000);

afterAll(async () => {
  await api?.close();
});

describe("uploadBulk", () => {
  it("sends NDJSON lines and gets each document back", async (ctx) => {
    if (!paths.includes("/upload/bulk")) ctx.skip();
    const accepted = await memory.uploadBulk(
      [
        { documentId: "bulk-1", text: "Deploys go out every Tuesday." },
        { documentId: "bulk-2", text: "Bananas are a yellow fruit.", tags: { team: ["kitchen"] } },
      ],
      { index: INDEX },
    );
    expect(accepted.count).toBe(2);
    expect(accepted.documents.map((d) => d.documentId)).toEqual(["bulk-1", "bulk-2"]);
    for (const doc of accepted.documents) expect((await memory.waitForDocument(doc)).completed).toBe(true);
    const found = await memory.search({ index: INDEX, query: "fruit", filters: [{ team: ["kitchen"] }] });
    expect(found.results.map((r) => r.documentId)).toEqual(["bulk-2"]);
  });

  it("a bad line is a ProblemError naming it, and nothing is stored", async (ctx) => {
    if (!paths.includes("/upload/bulk")) ctx.skip();
    const err = await memory
      .uploadBulk(
        [
          { documentId: "ok", text: "fine" },
          { documentId: "", text: "" },
        ],
        { index: `${INDEX}-bad` },
      )
      .catch((e) => e);
    expect(err).toBeInstanceOf(ProblemError);
    expect(err.status).toBe(400);
    expect(JSON.stringify([err.detail, err.errors])).toMatch(/2/);
    expect(await memory.status({ index: `${INDEX}-bad`, documentId: "ok" })).toBeUndefined();
  });
});

describe("documents.get / documents.patchTags", () => {
  it("reads a document and changes its tags in place", async (ctx) => {
    if (!paths.includes("/documents/{documentId}")) ctx.skip();
    const doc = await memory.uploadText({ index: INDEX, documentId: "tagged", text: "Payroll runs on Fridays." });
    await memory.waitForDocument(doc);
    const before = await memory.documents.get(doc);
    expect(before).toMatchObject({ documentId: "tagged" });
    await memory.documents.patchTags(doc, { team: ["finance"] });
    const found = await memory.search({ index: INDEX, query: "payroll", filters: [{ team: ["finance"] }] });
    expect(found.results.map((r) => r.documentId)).toContain("tagged");
    expect((await memory.documents.get(doc)).tags).toMatchObject({ team: ["finance"] });
  });
});
