/**
 * `GET|PATCH /indexes/{index}/settings` through the real server: settings are what every later search and ask on
 * the index starts from (a request's `args` still win), `null` resets a key, bad patches are 400s that change
 * nothing, unknown indexes are 404s that create nothing, and the scopes: reading settings and evaluating need
 * read, changing settings (directly or by `apply`) needs write.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { EvaluationReport } from "../../../lib/memory/evaluate/index.js";
import type { MemoryAnswer, SearchResult } from "../../../lib/memory/types.js";
import {
  type ApiServer,
  apiClient,
  expectProblem,
  startApiServer,
  uploadKm,
  waitForIngestion,
} from "../../helpers/api.js";

const ADMIN_KEY = "settings-admin-key-5d2e8b";
const INDEX = "aero";
let api: ApiServer;

const CORPUS: Array<[string, string]> = [
  ["wing", "Vibrations of a swept wing at transonic speed were measured in the wind tunnel."],
  ["plate", "Heat transfer to a flat plate in hypersonic flow, with boundary layer theory."],
  ["shell", "Buckling of thin cylindrical shells under axial compression and internal pressure."],
  ["panel", "Flutter of panels: the vibration of a panel in supersonic flow and its damping."],
  ["nozzle", "Flow in a conical nozzle: the boundary layer thickness and the pressure distribution."],
];

beforeAll(async () => {
  api = await startApiServer({ API_KEYS: ADMIN_KEY }, ADMIN_KEY);
  for (const [id, text] of CORPUS) {
    expect(
      (await uploadKm(api, { index: INDEX, documentId: id, files: [{ name: `${id}.txt`, bytes: text }] })).status,
    ).toBe(202);
  }
  for (const [id] of CORPUS) await waitForIngestion(api, INDEX, id);
});

afterAll(async () => {
  await api?.close();
});

beforeEach(async () => {
  const reset = { search_mode: null, text_weight: null, query_expansion: null, rerank: null };
  expect(await (await patch(reset)).json()).toEqual({});
});

const patch = (body: unknown, client: Pick<ApiServer, "call"> = api, index = INDEX) =>
  client.call(`/indexes/${index}/settings`, {
    method: "PATCH",
    body: typeof body === "string" ? body : JSON.stringify(body),
    headers: { "content-type": "application/json" },
  });
const settings = async () => (await (await api.call(`/indexes/${INDEX}/settings`)).json()) as Record<string, unknown>;
const search = async (query: string, args?: object): Promise<SearchResult> =>
  (await (await api.postJson("/search", { index: INDEX, query, ...(args ? { args } : {}) })).json()) as SearchResult;
const ask = async (question: string, args?: object): Promise<MemoryAnswer> =>
  (await (await api.postJson("/ask", { index: INDEX, question, ...(args ? { args } : {}) })).json()) as MemoryAnswer;
const relevances = (r: SearchResult) =>
  r.results.flatMap((c) => c.partitions.map((p) => `${c.documentId}:${p.relevance}`));

describe("settings drive later searches", () => {
  it("starts empty, and every later search and ask starts from what PATCH stores", async () => {
    expect(await settings()).toEqual({});
    const query = "vibration of a panel in supersonic flow";
    const asText = relevances(await search(query, { search_mode: "text" }));
    const asHybrid = relevances(await search(query));
    expect(asText).not.toEqual(asHybrid);
    const textAnswer = await ask(query, { search_mode: "text", query_expansion: false });

    const res = await patch({ search_mode: "text", query_expansion: false });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ search_mode: "text", query_expansion: false });
    expect(await settings()).toEqual({ search_mode: "text", query_expansion: false });
    expect(relevances(await search(query))).toEqual(
      relevances(await search(query, { search_mode: "text", query_expansion: false })),
    );
    expect((await ask(query)).relevantSources).toEqual(textAnswer.relevantSources);
    // A request's args still win, key by key.
    expect(relevances(await search(query, { search_mode: "hybrid", query_expansion: true }))).toEqual(asHybrid);

    expect(await (await patch({ search_mode: null, query_expansion: null, text_weight: 0.5 })).json()).toEqual({
      text_weight: 0.5,
    });
    expect(relevances(await search(query))).toEqual(relevances(await search(query, { text_weight: 0.5 })));
    expect(await (await patch({ text_weight: null })).json()).toEqual({});
    expect(relevances(await search(query))).toEqual(asHybrid);
  });

  it("refuses bad patches with ProblemDetails and keeps the settings as they were", async () => {
    await patch({ text_weight: 0.7 });
    for (const body of [
      { text_weight: 2 },
      { search_mode: "fuzzy" },
      { no_such_knob: 1 },
      { rerank: "maybe" },
      "{",
      "[]",
    ]) {
      await expectProblem(await patch(body), 400);
    }
    expect(await settings()).toEqual({ text_weight: 0.7 });
    await expectProblem(await api.postJson("/search", { index: INDEX, query: "x", args: { text_weight: 5 } }), 400);
    await patch({ text_weight: null });
  });

  it("answers 404 for an index that does not exist, and creates none", async () => {
    await expectProblem(await api.call("/indexes/nowhere/settings"), 404);
    await expectProblem(await patch({ text_weight: 0.5 }, api, "nowhere"), 404);
    const names = ((await (await api.call("/indexes")).json()) as { results: Array<{ name: string }> }).results;
    expect(names.map((n) => n.name)).toEqual([INDEX]);
  });
});

describe("scopes", () => {
  const keyFor = async (scope: "read" | "write") => {
    const res = await api.postJson("/keys", { name: `${scope} key`, scope, indexes: ["*"] });
    expect(res.status).toBe(201);
    return apiClient(api.url, ((await res.json()) as { key: string }).key);
  };
  const judged = { queries: [{ query: "panel flutter", relevant: ["panel"] }] };

  it("read may read settings and evaluate; changing settings needs write", async () => {
    const reader = await keyFor("read");
    expect((await reader.call(`/indexes/${INDEX}/settings`)).status).toBe(200);
    expect((await reader.postJson(`/indexes/${INDEX}/evaluate`, judged)).status).toBe(200);
    await expectProblem(await patch({ text_weight: 0.5 }, reader), 403);
    await expectProblem(
      await reader.postJson(`/indexes/${INDEX}/evaluate`, { ...judged, tune: true, apply: true }),
      403,
    );
    expect(await settings()).toEqual({});

    const writer = await keyFor("write");
    expect((await patch({ text_weight: 0.5 }, writer)).status).toBe(200);
    expect(await settings()).toEqual({ text_weight: 0.5 });
    const applied = await writer.postJson(`/indexes/${INDEX}/evaluate`, { ...judged, tune: true, apply: true });
    expect(applied.status).toBe(200);
    const tuning = ((await applied.json()) as EvaluationReport).tuning!;
    expect(tuning.applied).toBe(true);
    expect(await settings()).toEqual(tuning.best.settings);
  });
});
