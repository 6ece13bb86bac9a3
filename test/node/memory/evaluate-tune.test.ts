/**
 * `tune` cross-validated, as the project reports ranking: tuned (and applied) on a Cranfield slice, then reported
 * on a CISI slice it never saw, against the defaults there. On the tuned collection the best grid point can only
 * match or beat the defaults (they are a grid point), and once applied every plain search ranks with it. On the
 * other collection nothing is promised: the figures are printed, whichever way they go.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EvaluationReport } from "../../../lib/memory/evaluate/index.js";
import { type ApiServer, startApiServer } from "../../helpers/api.js";
import { ingestSlice, type JudgedSlice, judgedSlice, toJsonl } from "../../helpers/judged-slice.js";

let api: ApiServer;
let cranfield: JudgedSlice;
let cisi: JudgedSlice;

beforeAll(async () => {
  api = await startApiServer();
  cranfield = await judgedSlice("cranfield", 300, 60);
  cisi = await judgedSlice("cisi", 300, 60);
  await ingestSlice(api, "cranfield", cranfield.docs);
  await ingestSlice(api, "cisi", cisi.docs);
}, 900_000);

afterAll(async () => {
  await api?.close();
});

async function evaluate(index: string, body: object): Promise<EvaluationReport> {
  const res = await api.postJson(`/indexes/${index}/evaluate`, body, { signal: AbortSignal.timeout(600_000) });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as EvaluationReport;
}

const run = (report: EvaluationReport, name: string) => report.runs.find((r) => r.name === name)!;
const f3 = (n: number) => n.toFixed(3);

describe("tune on Cranfield, report on CISI", () => {
  it("tunes and applies on Cranfield; the settings then drive every plain search there", async () => {
    const tuned = await evaluate("cranfield", { jsonl: toJsonl(cranfield), tune: true, apply: true });
    const tuning = tuned.tuning!;
    expect(tuning.grid.length).toBe(10);
    expect(tuning.grid[0]!.name).toBe("defaults");
    expect(tuning.best.ndcg).toBe(Math.max(...tuning.grid.map((g) => g.ndcg)));
    expect(tuning.gain).toBeCloseTo(tuning.best.ndcg - tuning.grid[0]!.ndcg, 12);
    expect(tuning.gain).toBeGreaterThanOrEqual(0);
    expect(tuning.applied).toBe(true);
    expect(await (await api.call("/indexes/cranfield/settings")).json()).toEqual(tuning.best.settings);
    // The defaults' grid point is the plain search of an index without settings.
    expect(tuning.grid[0]!.ndcg).toBeCloseTo(run(tuned, "settings").ndcg, 12);

    const after = await evaluate("cranfield", { jsonl: toJsonl(cranfield) });
    expect(run(after, "settings").ndcg).toBeCloseTo(tuning.best.ndcg, 12);
    console.info(
      `Cranfield slice (${cranfield.docs.length} docs, ${cranfield.queries.length} queries): defaults nDCG@10 ` +
        `${f3(tuning.grid[0]!.ndcg)}, tuned (${tuning.best.name}) ${f3(tuning.best.ndcg)}, gain ${f3(tuning.gain)}`,
    );

    const patched = await api.call("/indexes/cisi/settings", {
      method: "PATCH",
      body: JSON.stringify(tuning.best.settings),
      headers: { "content-type": "application/json" },
    });
    expect(patched.status).toBe(200);
    const held = await evaluate("cisi", { jsonl: toJsonl(cisi, "list") });
    const defaults = run(held, "hybrid");
    const settings = run(held, "settings");
    for (const r of [defaults, settings]) expect(r.ndcg).toBeGreaterThan(0);
    expect(settings.settings).toEqual(tuning.best.settings);
    console.info(
      `CISI slice (${cisi.docs.length} docs, ${cisi.queries.length} queries), never tuned on: defaults nDCG@10 ` +
        `${f3(defaults.ndcg)}, Cranfield-tuned ${f3(settings.ndcg)} (${settings.ndcg >= defaults.ndcg ? "+" : ""}` +
        `${f3(settings.ndcg - defaults.ndcg)})`,
    );
  }, 900_000);
});
