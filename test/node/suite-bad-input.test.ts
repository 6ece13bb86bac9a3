/**
 * Bad input, property-based: for every route family, 100 generated requests
 * that are invalid by construction (wrong types, missing fields, 2 MB values,
 * NUL bytes, invalid UTF-8, SQL and path metacharacters, look-alike letters,
 * broken multipart, wrong media types) each get a 4xx RFC 7807 ProblemDetails
 * — never a 2xx, never a 5xx — and the database is byte-for-byte unchanged.
 * Seeds are fixed, so a failure replays exactly.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  askRequests,
  type BadRequest,
  deleteIndexRequests,
  documentsRequests,
  searchRequests,
  sourcesRequests,
  uploadJsonRequests,
  uploadMultipartRequests,
  uploadStatusRequests,
} from "../helpers/suite-arbitraries.js";
import { checkProblem, type Stack, type SuiteServer, startStack, tally } from "../helpers/suite-stack.js";

const RUNS = 100;
let stack: Stack;
let server: SuiteServer;
let hasSources = false;

beforeAll(async () => {
  stack = await startStack("smsbad");
  server = await stack.serve({ MAX_UPLOAD_BYTES: String(1024 * 1024), LOG_LEVEL: "error" });
  for (const [index, documentId] of [
    ["seeded", "doc-seed"],
    ["default", "doc-default"],
  ]) {
    const res = await server.postJson("/upload", {
      index,
      documentId,
      text: "Tides and trade. The harbour report covers weather in detail.",
      tags: { user: ["ann"] },
    });
    expect(res.status).toBe(202);
  }
  for (let i = 0; i < 100; i++) {
    const [row] = await stack.query<{ n: number }>("select count(*)::int as n from memory_jobs where state = 'done'");
    if (row!.n === 2) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const openapi = (await (await server.call("/openapi.json")).json()) as { paths: Record<string, unknown> };
  hasSources = "/sources" in openapi.paths;
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

const measured: string[] = [];

async function send(req: BadRequest): Promise<Response> {
  return fetch(`${server.url}${req.path}`, {
    method: req.method,
    ...(req.headers ? { headers: req.headers } : {}),
    ...(req.body ? { body: req.body as unknown as BodyInit } : {}),
    signal: AbortSignal.timeout(30_000),
  });
}

/** 100 runs of `arbitrary`: each a 4xx ProblemDetails; the stored data identical before and after. */
async function rejectsAll(family: string, arbitrary: fc.Arbitrary<BadRequest>, seed: number): Promise<void> {
  const before = await stack.digest();
  const statuses = tally();
  const labels = new Map<string, number>();
  await fc.assert(
    fc.asyncProperty(arbitrary, async (req) => {
      const res = await send(req);
      const problem = await checkProblem(res);
      const where = `${req.label}: ${req.method} ${req.path.slice(0, 160)}`;
      if (!problem.ok) throw new Error(`${where} → ${problem.reason}`);
      if (res.status < 400 || res.status > 499)
        throw new Error(`${where} → ${res.status} ${problem.body.slice(0, 300)}`);
      statuses.add(res.status);
      labels.set(req.label, (labels.get(req.label) ?? 0) + 1);
    }),
    { numRuns: RUNS, seed, endOnFailure: true },
  );
  const after = await stack.digest();
  measured.push(`${family}: ${statuses} over ${labels.size} kinds of defect`);
  expect(after).toBe(before);
  expect([...labels.values()].reduce((a, b) => a + b, 0)).toBe(RUNS);
}

describe("bad input: every malformed request gets a 4xx ProblemDetails and changes nothing", () => {
  it("POST /upload (multipart)", () => rejectsAll("upload multipart", uploadMultipartRequests, 1001));
  it("POST /upload (JSON)", () => rejectsAll("upload JSON", uploadJsonRequests, 1002));
  it("GET /upload-status", () => rejectsAll("upload-status", uploadStatusRequests, 1003));
  it("POST /search", () => rejectsAll("search", searchRequests, 1004));
  it("POST /ask", () => rejectsAll("ask", askRequests, 1005));
  it("DELETE /indexes", () => rejectsAll("indexes delete", deleteIndexRequests, 1006));
  it("GET and DELETE /documents", () => rejectsAll("documents list/delete", documentsRequests, 1007));
  it("POST /sources (when the service has it)", async (ctx) => {
    if (!hasSources) ctx.skip();
    await rejectsAll("sources", sourcesRequests, 1008);
  });

  it("left the seeded documents as they were", async () => {
    const docs = await stack.query("select index_name, document_id, generation::int from memory_documents order by 1");
    expect(docs).toEqual([
      { index_name: "default", document_id: "doc-default", generation: 1 },
      { index_name: "seeded", document_id: "doc-seed", generation: 1 },
    ]);
    console.log(`[measured] bad input (${RUNS} runs per family): ${measured.join("; ")}`);
  });
});
