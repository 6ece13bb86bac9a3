/**
 * @module
 * The bad-input suite's runner, shared by the Node and workerd suites (they differ only in how a request reaches
 * the service and how the database is read): per route family, fast-check requests that are invalid by construction
 * (test/helpers/suite-arbitraries.ts), each of which must get a 4xx RFC 7807 ProblemDetails — never a 2xx, never a
 * 5xx — while the stored data stays byte-for-byte the same. Seeds are fixed, so a failure replays exactly. No Node
 * imports.
 */
import fc from "fast-check";
import { expect } from "vitest";
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
} from "./suite-arbitraries.js";
import { documentRequests, evaluateRequests, settingsRequests } from "./suite-arbitraries-eval.js";
import { checkProblem, tally } from "./suite-checks.js";

export type BadInputFamily = { name: string; title: string; requests: fc.Arbitrary<BadRequest>; seed: number };

/** Every route family, with its seed's offset (a suite adds its own base, so Node and workerd replay differently). */
export function badInputFamilies(seedBase: number): BadInputFamily[] {
  return [
    { name: "upload multipart", title: "POST /upload (multipart)", requests: uploadMultipartRequests, seed: 1 },
    { name: "upload JSON", title: "POST /upload (JSON)", requests: uploadJsonRequests, seed: 2 },
    { name: "upload-status", title: "GET /upload-status", requests: uploadStatusRequests, seed: 3 },
    { name: "search", title: "POST /search", requests: searchRequests, seed: 4 },
    { name: "ask", title: "POST /ask", requests: askRequests, seed: 5 },
    { name: "indexes delete", title: "DELETE /indexes", requests: deleteIndexRequests, seed: 6 },
    { name: "documents list/delete", title: "GET and DELETE /documents", requests: documentsRequests, seed: 7 },
    { name: "sources", title: "POST /sources", requests: sourcesRequests, seed: 8 },
    { name: "evaluate", title: "POST /indexes/{index}/evaluate", requests: evaluateRequests, seed: 9 },
    { name: "settings", title: "PATCH /indexes/{index}/settings", requests: settingsRequests, seed: 10 },
    { name: "document", title: "GET and PATCH /documents/{documentId}", requests: documentRequests, seed: 11 },
  ].map((family) => ({ ...family, seed: seedBase + family.seed }));
}

/** The request as `fetch` takes it. */
export function badRequestInit(req: BadRequest): RequestInit {
  return {
    method: req.method,
    ...(req.headers ? { headers: req.headers } : {}),
    ...(req.body ? { body: req.body as unknown as BodyInit } : {}),
  };
}

/**
 * `runs` requests of `family`, each sent by `send`: each a 4xx ProblemDetails, `digest()` identical before and after.
 * Returns what it saw, for the suite's `[measured]` line.
 */
export async function rejectsAll(
  family: BadInputFamily,
  opts: { runs: number; send: (req: BadRequest) => Promise<Response>; digest: () => Promise<string> },
): Promise<string> {
  const before = await opts.digest();
  const statuses = tally();
  const labels = new Map<string, number>();
  await fc.assert(
    fc.asyncProperty(family.requests, async (req) => {
      const res = await opts.send(req);
      const problem = await checkProblem(res);
      const where = `${req.label}: ${req.method} ${req.path.slice(0, 160)}`;
      if (!problem.ok) throw new Error(`${where} → ${problem.reason}`);
      if (res.status < 400 || res.status > 499)
        throw new Error(`${where} → ${res.status} ${problem.body.slice(0, 300)}`);
      statuses.add(res.status);
      labels.set(req.label, (labels.get(req.label) ?? 0) + 1);
    }),
    { numRuns: opts.runs, seed: family.seed, endOnFailure: true },
  );
  expect(await opts.digest()).toBe(before);
  expect([...labels.values()].reduce((a, b) => a + b, 0)).toBe(opts.runs);
  return `${family.name}: ${statuses} over ${labels.size} kinds of defect`;
}
