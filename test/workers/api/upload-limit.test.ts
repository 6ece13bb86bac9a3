/**
 * The API Worker's upload limit as deployed (wrangler.toml's `MAX_UPLOAD_BYTES`, read by the global setup): a body
 * one byte over it is refused with 413 ProblemDetails whether it declares its length or streams without one, and
 * nothing is stored; a file that fills the limit is accepted. The limit is what the workers-memory benchmark feeds
 * through both Workers against the isolate's 128 MB (BENCHMARKS.md, README "Limits on Workers").
 */
import { env } from "cloudflare:test";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { servicesFor } from "../../../lib/runtime/services.js";
import { kmMultipart } from "../../helpers/km-multipart.js";
import { checkProblem } from "../../helpers/suite-checks.js";
import { workerdRuntime } from "../runtime.js";
import { apiModule } from "../worker-api.js";

const LIMIT = inject("workerUploadLimit");
const vars = { MAX_UPLOAD_BYTES: String(LIMIT) };
const services = () => servicesFor(env as unknown as Record<string, unknown>, workerdRuntime);

/** A KM multipart body of exactly `total` bytes (one file padded to fit). */
function bodyOf(total: number, documentId: string) {
  const envelope = kmMultipart({ index: "limit", documentId, files: [{ name: "a.txt", bytes: "" }] }).body.byteLength;
  const form = kmMultipart({
    index: "limit",
    documentId,
    files: [{ name: "a.txt", bytes: "x".repeat(total - envelope) }],
  });
  expect(form.body.byteLength).toBe(total);
  return form;
}

const stored = async (documentId: string) =>
  (await services().db.query("select 1 from memory_documents where document_id = $1", [documentId])).length;

describe("workerd: the API Worker's deployed upload limit", () => {
  beforeAll(() => services().ready());
  // The project's files share one database; the bad-input suite checks what it holds.
  afterAll(() => services().db.query("delete from memory_documents where index_name = 'limit'"));

  it("is 10 MiB or less, the size measured within the isolate's 128 MB", () => {
    expect(LIMIT).toBeGreaterThan(0);
    expect(LIMIT).toBeLessThanOrEqual(10 * 1024 * 1024);
  });

  it("refuses a body one byte over it with 413, declared or streamed, and stores nothing", async () => {
    const form = bodyOf(LIMIT + 1, "over");
    const declared = await apiModule(
      "/upload",
      { method: "POST", headers: { "content-type": form.contentType }, body: form.body },
      vars,
    );
    const problem = await checkProblem(declared);
    expect(declared.status).toBe(413);
    expect(problem.ok).toBe(true);

    const streamed = await apiModule(
      "/upload",
      {
        method: "POST",
        headers: { "content-type": form.contentType },
        body: new Blob([form.body]).stream(),
        duplex: "half",
      } as RequestInit,
      vars,
    );
    expect(streamed.status).toBe(413);
    expect((await checkProblem(streamed)).ok).toBe(true);
    expect(await stored("over")).toBe(0);
  });

  it("accepts a body that fills it exactly", async () => {
    const form = bodyOf(LIMIT, "full");
    const res = await apiModule(
      "/upload",
      { method: "POST", headers: { "content-type": form.contentType }, body: form.body },
      vars,
    );
    expect(res.status).toBe(202);
    expect(await stored("full")).toBe(1);
  });
});
