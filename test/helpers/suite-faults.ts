/**
 * @module
 * The fault suite's checks (test/node/suites/faults.test.ts): requests whose failures must be 503 +
 * Retry-After ProblemDetails, driving leftover jobs to completion, and exactly-once ingestion.
 */
import { expect } from "vitest";
import { runScheduled } from "../../lib/jobs/scheduled.js";
import { testRuntime } from "./runtime.js";
import { checkProblem, corpusText, type Stack, type SuiteServer } from "./suite-stack.js";

/** What each request of a fault run ended as. */
export type Outcome = { kind: "search" | "upload"; status: number; documentId?: string; problem?: string };

/** Sends one request and checks a 503 is a ProblemDetails with Retry-After; any other failure is reported. */
export async function sendChecked(
  server: SuiteServer,
  kind: Outcome["kind"],
  i: number,
  prefix: string,
): Promise<Outcome> {
  const documentId = `${prefix}-${i}`;
  const res =
    kind === "search"
      ? await server.postJson("/search", { index: prefix, query: `tides and trade ${i % 11}`, filters: [{}] })
      : await server.postJson("/upload", { index: prefix, documentId, text: corpusText(i, 2) });
  const out: Outcome = { kind, status: res.status, ...(kind === "upload" ? { documentId } : {}) };
  if (res.status === 503) {
    const problem = await checkProblem(res);
    const retryAfter = Number(res.headers.get("retry-after"));
    if (!problem.ok) out.problem = problem.reason;
    else if (!(retryAfter >= 1)) out.problem = `503 without Retry-After: ${problem.body}`;
  } else if (res.status !== (kind === "search" ? 200 : 202)) {
    out.problem = `${kind} ${res.status}: ${(await res.text()).slice(0, 300)}`;
  } else {
    await res.body?.cancel();
  }
  return out;
}

/** Drives leftover jobs like a cron tick would, until every document of `index` is complete (bounded). */
export async function driveToCompletion(
  stack: Stack,
  server: SuiteServer,
  index: string,
  expected: number,
): Promise<number> {
  let rounds = 0;
  for (; rounds < 30; rounds++) {
    const [row] = await stack.query<{ n: number }>(
      "select count(*)::int as n from memory_documents where index_name = $1 and remaining_steps = '{}' and not failed",
      [index],
    );
    if (row!.n >= expected) break;
    await new Promise((r) => setTimeout(r, 1_100)); // JOB_LEASE_SECONDS=1: leases of interrupted runs expire
    await runScheduled({ runtime: testRuntime, env: server.mergedEnv, cron: "* * * * *", budgetMs: 20_000 }).catch(
      () => undefined,
    );
  }
  return rounds;
}

/** Every document of `index` complete, with the reference chunk count, no duplicate partition, one done job each. */
export async function expectExactlyOnce(
  stack: Stack,
  index: string,
  documentIds: string[],
  chunksPerDoc: number,
): Promise<void> {
  const docs = await stack.query<{
    document_id: string;
    failed: boolean;
    remaining: string[];
    generation: string;
    error: unknown;
  }>(
    `select document_id, failed, remaining_steps as remaining, generation::text, error
       from memory_documents where index_name = $1`,
    [index],
  );
  const byId = new Map(docs.map((d) => [d.document_id, d]));
  for (const id of documentIds) {
    expect(byId.get(id), `${id}: ${JSON.stringify(byId.get(id)?.error)}`).toMatchObject({
      failed: false,
      remaining: [],
      generation: "1",
    });
  }
  // Documents whose upload got a 503 may or may not exist; whatever exists is complete as well.
  for (const d of docs)
    expect(d, `${d.document_id}: ${JSON.stringify(d.error)}`).toMatchObject({ failed: false, remaining: [] });

  const chunks = await stack.query<{ document_id: string; n: number; parts: number; min: number; max: number }>(
    `select document_id, count(*)::int as n, count(distinct partition_number)::int as parts,
            min(partition_number) as min, max(partition_number) as max
       from memory_chunks where index_name = $1 group by document_id`,
    [index],
  );
  expect(chunks).toHaveLength(docs.length);
  for (const c of chunks) {
    expect(c, c.document_id).toMatchObject({ n: chunksPerDoc, parts: chunksPerDoc, max: c.min + chunksPerDoc - 1 });
  }
  const jobs = await stack.query<{ document_id: string; generation: string; done: number; other: number }>(
    `select document_id, generation::text, count(*) filter (where state = 'done')::int as done,
            count(*) filter (where state <> 'done')::int as other
       from memory_jobs where index_name = $1 group by document_id, generation`,
    [index],
  );
  expect(jobs).toHaveLength(docs.length);
  for (const j of jobs) expect(j, j.document_id).toMatchObject({ done: 1, other: 0 });
}

/** Chunks a clean ingestion of `corpusText(i, 2)` produces (every seed has the same length). */
export async function referenceChunks(stack: Stack, server: SuiteServer): Promise<number> {
  const res = await server.postJson("/upload", { index: "reference", documentId: "ref", text: corpusText(0, 2) });
  expect(res.status).toBe(202);
  await driveToCompletion(stack, server, "reference", 1);
  const [row] = await stack.query<{ n: number }>(
    "select count(*)::int as n from memory_chunks where index_name = 'reference'",
  );
  expect(row!.n).toBeGreaterThan(1);
  return row!.n;
}
