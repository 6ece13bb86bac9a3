/**
 * Bad input, property-based, inside workerd through the API Worker's own
 * entrypoint (each request its own): the Node suite's generators
 * (test/helpers/suite-arbitraries.ts), fewer runs per route family. Every
 * generated request gets a 4xx RFC 7807 ProblemDetails — never a 2xx or 5xx —
 * and the stored rows are byte-for-byte unchanged. Seeds are fixed.
 */
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { runDueJobs } from "../../../lib/ingest/runner.js";
import { ingestContextOf, servicesFor } from "../../../lib/runtime/services.js";
import { enqueueFile } from "../../helpers/enqueue.js";
import { badInputFamilies, badRequestInit, rejectsAll } from "../../helpers/suite-bad-input.js";
import { digestWith } from "../../helpers/suite-checks.js";
import { workerdRuntime } from "../runtime.js";
import { BASE, worker } from "../worker-api.js";

const RUNS = 30;
const services = () => servicesFor(env as unknown as Record<string, unknown>, workerdRuntime);
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
  await runDueJobs(ingestContextOf(services(), (p) => void p.catch(() => {})));
});

describe("workerd: every malformed request gets a 4xx ProblemDetails and changes nothing", () => {
  for (const family of badInputFamilies(2000)) {
    it(family.title, async () => {
      measured.push(
        await rejectsAll(family, {
          runs: RUNS,
          send: (req) => worker().fetch(`${BASE}${req.path}`, badRequestInit(req)),
          digest,
        }),
      );
    });
  }

  it("left the seeded documents as they were", async () => {
    const docs = await services().db.query(
      // Its own indexes: the project's other files share the database.
      "select index_name, document_id, generation::int from memory_documents where index_name in ('seeded', 'default') order by 1",
    );
    expect(docs).toEqual([
      { index_name: "default", document_id: "doc-default", generation: 1 },
      { index_name: "seeded", document_id: "doc-seed", generation: 1 },
    ]);
    console.log(`[measured] workerd bad input (${RUNS} runs per family): ${measured.join("; ")}`);
  });
});
