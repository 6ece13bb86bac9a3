/**
 * Bad input, property-based: for every route family, 100 generated requests
 * that are invalid by construction (wrong types, missing fields, 2 MB values,
 * NUL bytes, invalid UTF-8, SQL and path metacharacters, look-alike letters,
 * broken multipart, wrong media types) each get a 4xx RFC 7807 ProblemDetails
 * — never a 2xx, never a 5xx — and the database is byte-for-byte unchanged.
 * Seeds are fixed, so a failure replays exactly.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { badInputFamilies, badRequestInit, rejectsAll } from "../../helpers/suite-bad-input.js";
import { type Stack, type SuiteServer, settledUploads, startStack } from "../../helpers/suite-stack.js";

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
  expect(await settledUploads(stack, 2)).toBe(2);
  const openapi = (await (await server.call("/openapi.json")).json()) as { paths: Record<string, unknown> };
  hasSources = "/sources" in openapi.paths;
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

const measured: string[] = [];

describe("bad input: every malformed request gets a 4xx ProblemDetails and changes nothing", () => {
  for (const family of badInputFamilies(1000)) {
    it(family.title, async (ctx) => {
      if (family.name === "sources" && !hasSources) ctx.skip();
      measured.push(
        await rejectsAll(family, {
          runs: RUNS,
          send: (req) =>
            fetch(`${server.url}${req.path}`, { ...badRequestInit(req), signal: AbortSignal.timeout(30_000) }),
          digest: () => stack.digest(),
        }),
      );
    });
  }

  it("left the seeded documents as they were", async () => {
    const docs = await stack.query("select index_name, document_id, generation::int from memory_documents order by 1");
    expect(docs).toEqual([
      { index_name: "default", document_id: "doc-default", generation: 1 },
      { index_name: "seeded", document_id: "doc-seed", generation: 1 },
    ]);
    console.log(`[measured] bad input (${RUNS} runs per family): ${measured.join("; ")}`);
  });
});
