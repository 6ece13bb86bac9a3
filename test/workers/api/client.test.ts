/**
 * `serverless-memory/client` inside workerd, calling the API Worker through its own entrypoint (the way a Worker
 * calls the service through a service binding: `options.fetch`): JSON routes, the streamed answer read from a
 * workerd body, and ProblemError from a 400.
 */
import { describe, expect, it } from "vitest";
import { createMemoryClient, ProblemError } from "../../../lib/sdk/client/index.js";
import { BASE, worker } from "../worker-api.js";

const memory = createMemoryClient({ url: BASE, fetch: (request) => worker().fetch(request) });
const INDEX = "workerd-client";

describe("the client in workerd", () => {
  it("uploads text and reads its status", async () => {
    const accepted = await memory.uploadText({ index: INDEX, documentId: "note", text: "Deploys go out on Tuesdays." });
    expect(accepted).toMatchObject({ index: INDEX, documentId: "note" });
    const status = await memory.status({ index: INDEX, documentId: "note" });
    expect(status).toMatchObject({ index: INDEX, document_id: "note", failed: false });
    expect(await memory.status({ index: INDEX, documentId: "missing" })).toBeUndefined();
    expect((await memory.indexes.list()).results.map((r) => r.name)).toContain(INDEX);
  });

  it("searches, and streams an answer as events ending with `last`", async () => {
    const found = await memory.search({ index: "workerd-empty", query: "anything" });
    expect(found).toMatchObject({ noResult: true, results: [] });
    const states: unknown[] = [];
    for await (const event of memory.askStream({ index: "workerd-empty", question: "What is here?" })) {
      states.push(event.streamState);
      expect(event.noResult).toBe(true);
    }
    expect(states[0]).toBe("reset");
    expect(states.at(-1)).toBe("last");
  });

  it("throws ProblemError for a bad request", async () => {
    const err = await memory.search({ index: INDEX, query: "x", limit: 1.5 }).catch((e) => e);
    expect(err).toBeInstanceOf(ProblemError);
    expect(err).toMatchObject({ status: 400, title: "Bad Request" });
    expect(err.detail).toMatch(/limit/);
  });
});
