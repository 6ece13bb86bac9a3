/**
 * `serverless-memory eval` and `settings` as a user runs them: a child process (`node scripts/cli.mjs …`) against
 * the real Node server, with judged queries in files of a temporary folder — JSONL, or TREC qrels + topics.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EvaluationReport } from "../../../lib/memory/evaluate/index.js";
import { type ApiServer, startApiServer, uploadKm, waitForIngestion } from "../../helpers/api.js";
import { type Run, runCli } from "../../helpers/cli-run.js";

const INDEX = "cli-eval";
const DOCS: Array<[string, string]> = [
  ["pools", "The service creates one database pool per instance and reuses it, so connections never fan out."],
  ["fruit", "Bananas are a yellow fruit that grows in tropical climates."],
  ["deploy", "Deploy the worker with wrangler deploy after the change review."],
];
const JUDGED = [
  { id: "q1", query: "yellow tropical fruit", relevant: ["fruit"] },
  { id: "q2", query: "how are database connections reused", relevant: { pools: 2, deploy: 0 } },
];

let api: ApiServer;
let work: string;

/** Runs the CLI in `work` with only the environment a user would have, bounded to 120 s. */
function cli(...args: string[]): Promise<Run> {
  return runCli([...args, "--url", api.url], {
    cwd: work,
    env: { PATH: process.env.PATH ?? "", HOME: work },
    timeoutMs: 120_000,
  });
}

beforeAll(async () => {
  api = await startApiServer();
  work = await mkdtemp(path.join(tmpdir(), "sm-cli-eval-"));
  for (const [id, text] of DOCS) {
    expect(
      (await uploadKm(api, { index: INDEX, documentId: id, files: [{ name: `${id}.txt`, bytes: text }] })).status,
    ).toBe(202);
  }
  for (const [id] of DOCS) await waitForIngestion(api, INDEX, id);
  await writeFile(path.join(work, "judged.jsonl"), `${JUDGED.map((q) => JSON.stringify(q)).join("\n")}\n`);
  await writeFile(path.join(work, "qrels.txt"), "q1 0 fruit 1\nq2 0 pools 2\nq2 0 deploy 0\n");
  await writeFile(path.join(work, "topics.tsv"), `q1\t${JUDGED[0]!.query}\nq2\t${JUDGED[1]!.query}\n`);
  await writeFile(path.join(work, "broken.jsonl"), `${JSON.stringify(JUDGED[0])}\n{"query": "x",\n`);
}, 120_000);

afterAll(async () => {
  await api?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe("eval", () => {
  it("prints each run's metrics and a row per judged query", async () => {
    const run = await cli("eval", "judged.jsonl", "--index", INDEX);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines[0]).toBe(`index ${INDEX}: 2 judged queries, cut-off 10`);
    for (const name of ["hybrid", "vector", "text", "settings"]) {
      expect(
        lines.some((l) => new RegExp(`^${name} +[01]\\.\\d{3} +[01]\\.\\d{3} +[01]\\.\\d{3} +\\d+\\.\\d$`).test(l)),
      ).toBe(true);
    }
    expect(lines.some((l) => /^q1 +1 .*yellow tropical fruit$/.test(l))).toBe(true);
    expect(lines.some((l) => /^q2 +1 .*how are database connections reused$/.test(l))).toBe(true);
  });

  it("--json prints the server's report; TREC qrels + topics give the same rankings", async () => {
    const jsonl = JSON.parse(
      (await cli("eval", "judged.jsonl", "--index", INDEX, "--json")).stdout,
    ) as EvaluationReport;
    const trec = await cli("eval", "--qrels", "qrels.txt", "--topics", "topics.tsv", "--index", INDEX, "--json");
    expect(trec.code).toBe(0);
    const report = JSON.parse(trec.stdout) as EvaluationReport;
    expect(report.perQuery.map((q) => [q.id, q.relevant])).toEqual([
      ["q1", 1],
      ["q2", 1],
    ]);
    expect(report.perQuery.map((q) => q.runs.text!.ranked)).toEqual(jsonl.perQuery.map((q) => q.runs.text!.ranked));
    expect(report.perQuery.map((q) => q.runs.text!.ndcg)).toEqual(jsonl.perQuery.map((q) => q.runs.text!.ndcg));
  });

  it("--tune reports the grid; --apply stores the best, which `settings` then shows", async () => {
    const tuned = await cli("eval", "judged.jsonl", "--index", INDEX, "--tune");
    expect(tuned.code).toBe(0);
    expect(tuned.stdout).toMatch(/^tuning: 10 grid points on these queries$/m);
    expect(tuned.stdout).toMatch(/^not applied/m);
    expect((await cli("settings", "--index", INDEX)).stdout).toBe(`index ${INDEX}: service defaults (no settings)\n`);

    const applied = await cli("eval", "judged.jsonl", "--index", INDEX, "--tune", "--apply", "--json");
    const tuning = (JSON.parse(applied.stdout) as EvaluationReport).tuning!;
    expect(tuning.applied).toBe(true);
    const shown = JSON.parse((await cli("settings", "--index", INDEX, "--json")).stdout) as object;
    expect(shown).toEqual(tuning.best.settings);

    const set = await cli("settings", "--index", INDEX, "--set", "text_weight=0.7", "--set", "search_mode=hybrid");
    expect(set.stdout).toContain("text_weight=0.7\n");
    expect(set.stdout).toContain('search_mode="hybrid"\n');
    const reset = await cli(
      "settings",
      "--index",
      INDEX,
      "--reset",
      "text_weight",
      "--reset",
      "search_mode",
      "--reset",
      "query_expansion",
    );
    expect(reset.stdout).toBe(`index ${INDEX}: service defaults (no settings)\n`);
  });

  it("says what is wrong: usage errors exit 2, refused input exits 1 with the server's detail", async () => {
    expect(await cli("eval", "judged.jsonl", "--apply")).toMatchObject({ code: 2 });
    expect(await cli("eval", "--qrels", "qrels.txt")).toMatchObject({ code: 2 });
    expect(await cli("eval", "missing.jsonl")).toMatchObject({ code: 2 });
    const broken = await cli("eval", "broken.jsonl", "--index", INDEX);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/400: jsonl line 2: not valid JSON/);
    const unknown = await cli("eval", "judged.jsonl", "--index", "nowhere");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/404/);
    const badSetting = await cli("settings", "--index", INDEX, "--set", "text_weight=3");
    expect(badSetting.code).toBe(1);
    expect(badSetting.stderr).toMatch(/400: .*text_weight/);
  });
});
