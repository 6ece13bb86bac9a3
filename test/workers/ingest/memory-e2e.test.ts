/**
 * The memory API inside workerd across the two Workers, over the `neon()` HTTP
 * transport: a multipart upload shaped like Kernel Memory's .NET client to the
 * API Worker, ingestion by the ingestion Worker's queue consumer (polled
 * through `/upload-status`), then search, ask, and a streamed ask.
 */
import { describe, expect, it } from "vitest";
import { apiModule } from "../worker-api.js";

const worker = () => ({ fetch: (url: string, init?: RequestInit) => apiModule(url.replace(BASE, ""), init) });
const BASE = "http://worker.test";

function kmMultipart(fields: Record<string, string[]>, files: Array<{ name: string; text: string }>) {
  const boundary = crypto.randomUUID();
  let body = "";
  for (const [name, values] of Object.entries(fields)) {
    for (const value of values) {
      body += `--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Disposition: form-data; name=${name}\r\n\r\n${value}\r\n`;
    }
  }
  files.forEach((file, i) => {
    body += `--${boundary}\r\nContent-Disposition: form-data; name=file${i}; filename=${file.name}; filename*=utf-8''${encodeURIComponent(file.name)}\r\n\r\n${file.text}\r\n`;
  });
  body += `--${boundary}--\r\n`;
  return { body, contentType: `multipart/form-data; boundary="${boundary}"` };
}

async function postJson(path: string, body: unknown): Promise<Response> {
  return worker().fetch(`${BASE}${path}`, {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json; charset=utf-8" },
  });
}

async function waitForIngestion(index: string, documentId: string): Promise<Record<string, unknown>> {
  let last = "";
  for (let i = 0; i < 100; i++) {
    const res = await worker().fetch(`${BASE}/upload-status?index=${index}&documentId=${documentId}`);
    last = await res.text();
    if (res.status === 200) {
      const status = JSON.parse(last) as Record<string, unknown>;
      if (status.completed || status.failed) return status;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not ingested after 10 s: ${last}`);
}

describe("workerd: upload → status → search → ask", () => {
  it("ingests a .NET-client multipart upload in the background and answers from it", async () => {
    const { body, contentType } = kmMultipart(
      { index: ["Workers Docs"], documentId: ["wk-1"], tags: ["runtime:workerd"] },
      [
        {
          name: "notes.md",
          text: "# Workers\n\nOn Workers the service reaches Postgres with the neon() HTTP function, which holds no socket between requests.",
        },
      ],
    );
    const upload = await worker().fetch(`${BASE}/upload`, {
      method: "POST",
      body,
      headers: { "content-type": contentType },
    });
    expect(upload.status).toBe(202);
    expect(await upload.json()).toMatchObject({ index: "workers-docs", documentId: "wk-1" });

    const status = await waitForIngestion("workers-docs", "wk-1");
    expect(status).toMatchObject({ completed: true, failed: false, document_id: "wk-1" });

    const search = await postJson("/search", {
      index: "Workers Docs",
      query: "how does the service reach Postgres",
      filters: [{ runtime: ["workerd"] }],
      minRelevance: 0,
      limit: -1,
    });
    expect(search.status).toBe(200);
    const result = (await search.json()) as { noResult: boolean; results: Array<{ documentId: string }> };
    expect(result.noResult).toBe(false);
    expect(result.results[0]!.documentId).toBe("wk-1");

    const ask = await postJson("/ask", { index: "workers-docs", question: "How is Postgres reached?", filters: [{}] });
    expect(ask.status).toBe(200);
    const answer = (await ask.json()) as { noResult: boolean; relevantSources: Array<{ documentId: string }> };
    expect(answer.noResult).toBe(false);
    expect(answer.relevantSources.map((s) => s.documentId)).toContain("wk-1");

    const streamed = await postJson("/ask", {
      index: "workers-docs",
      question: "How is Postgres reached?",
      stream: true,
    });
    expect(streamed.status).toBe(200);
    expect(streamed.headers.get("content-type")).toContain("text/event-stream");
    const events = (await streamed.text())
      .split("\n\n")
      .map((e) => e.replace(/^data: ?/, ""))
      .filter(Boolean);
    expect(events.at(-1)).toBe("[DONE]");
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(JSON.parse(events.at(-2)!)).toMatchObject({ streamState: "last" });
  });

  it("answers bad input with ProblemDetails in workerd too", async () => {
    const res = await postJson("/search", { index: "a;b", query: "x" });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    const missing = await worker().fetch(`${BASE}/upload-status?index=workers-docs&documentId=none`);
    expect(missing.status).toBe(404);
  });
});
