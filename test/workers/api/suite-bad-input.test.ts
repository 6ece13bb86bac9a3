/**
 * Bad input, property-based, inside workerd through the API Worker's own
 * entrypoint (each request its own): the Node suite's generators
 * (test/helpers/suite-arbitraries.ts), fewer runs per route family. Every
 * generated request gets a 4xx RFC 7807 ProblemDetails — never a 2xx or 5xx —
 * and the stored rows are byte-for-byte unchanged. Seeds are fixed.
 */
import { env } from "cloudflare:test";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { runDueJobs } from "../../../lib/ingest/runner.js";
import { memoryContextOf, servicesFor } from "../../../lib/runtime/services.js";
import { enqueueFile } from "../../helpers/enqueue.js";
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
} from "../../helpers/suite-arbitraries.js";
import { checkProblem, digestWith, tally } from "../../helpers/suite-checks.js";
import { BASE, worker } from "../worker-api.js";

const RUNS = 30;
const services = () => servicesFor(env as unknown as Record<string, unknown>);
const digest = () => digestWith((sql) => services().db.query(sql));
const measured: string[] = [];

beforeAll(async () => {
  await services().ready();
  for (const [index, documentId] of [
    ["seeded", "doc-seed"],
    ["default", "doc-default"],
  ] as const) {
    await enqueueFile(
      services().db,
      { index, documentId },
      {
        name: "a.txt",
        contentType: "text/plain",
        body: "Tides and trade. The harbour report covers weather in detail.",
      },
    );
  }
  await runDueJobs(memoryContextOf(services(), (p) => void p.catch(() => {})));
});

function send(req: BadRequest): Promise<Response> {
  return worker().fetch(`${BASE}${req.path}`, {
    method: req.method,
    ...(req.headers ? { headers: req.headers } : {}),
    ...(req.body ? { body: req.body as unknown as BodyInit } : {}),
  });
}

async function rejectsAll(family: string, arbitrary: fc.Arbitrary<BadRequest>, seed: number): Promise<void> {
  const before = await digest();
  const statuses = tally();
  await fc.assert(
    fc.asyncProperty(arbitrary, async (req) => {
      const res = await send(req);
      const problem = await checkProblem(res);
      const where = `${req.label}: ${req.method} ${req.path.slice(0, 160)}`;
      if (!problem.ok) throw new Error(`${where} → ${problem.reason}`);
      if (res.status < 400 || res.status > 499)
        throw new Error(`${where} → ${res.status} ${problem.body.slice(0, 300)}`);
      statuses.add(res.status);
    }),
    { numRuns: RUNS, seed, endOnFailure: true },
  );
  measured.push(`${family}: ${statuses}`);
  expect(await digest()).toBe(before);
}

describe("workerd: every malformed request gets a 4xx ProblemDetails and changes nothing", () => {
  it("POST /upload (multipart)", () => rejectsAll("upload multipart", uploadMultipartRequests, 2001));
  it("POST /upload (JSON)", () => rejectsAll("upload JSON", uploadJsonRequests, 2002));
  it("GET /upload-status", () => rejectsAll("upload-status", uploadStatusRequests, 2003));
  it("POST /search", () => rejectsAll("search", searchRequests, 2004));
  it("POST /ask", () => rejectsAll("ask", askRequests, 2005));
  it("DELETE /indexes", () => rejectsAll("indexes delete", deleteIndexRequests, 2006));
  it("GET and DELETE /documents", () => rejectsAll("documents list/delete", documentsRequests, 2007));
  it("POST /sources", () => rejectsAll("sources", sourcesRequests, 2008));

  it("left the seeded documents as they were", async () => {
    const docs = await services().db.query(
      "select index_name, document_id, generation::int from memory_documents order by 1",
    );
    expect(docs).toEqual([
      { index_name: "default", document_id: "doc-default", generation: 1 },
      { index_name: "seeded", document_id: "doc-seed", generation: 1 },
    ]);
    console.log(`[measured] workerd bad input (${RUNS} runs per family): ${measured.join("; ")}`);
  });
});
