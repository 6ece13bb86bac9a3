/**
 * @module
 * `eval <judged.jsonl>` (or `eval --qrels <file> --topics <file>`): the server runs the judged queries through its
 * search in each mode and answers nDCG@10, recall@10, MRR@10 and p50 per mode and per query; `--tune` adds the
 * grid of ranking settings and `--apply` stores its best point as the index's settings. The files are sent as
 * they are: the server parses them, so the CLI and the API accept exactly the same input.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { flag, type OptionValues, stringOption, UsageError } from "../args.js";
import type { EvaluateBody, EvaluationReport, MemoryClient } from "../client.js";
import type { Io } from "../io.js";
import { table } from "../table.js";

export async function evaluate(client: MemoryClient, args: string[], options: OptionValues, io: Io): Promise<number> {
  const qrels = stringOption(options, "qrels");
  const topics = stringOption(options, "topics");
  if ((qrels === undefined) !== (topics === undefined)) throw new UsageError("--qrels and --topics go together");
  if (qrels !== undefined && args.length > 0) throw new UsageError("pass either a JSONL file or --qrels/--topics");
  if (qrels === undefined && args.length !== 1) throw new UsageError("eval needs one JSONL file of judged queries");
  const tune = flag(options, "tune");
  const apply = flag(options, "apply");
  if (apply && !tune) throw new UsageError("--apply stores what --tune finds: pass both");
  const read = (file: string) => readText(resolve(io.cwd, file));
  const body: EvaluateBody = {
    ...(qrels !== undefined
      ? { qrels: await read(qrels), topics: await read(topics!) }
      : { jsonl: await read(args[0]!) }),
    ...(tune ? { tune } : {}),
    ...(apply ? { apply } : {}),
  };
  const report = await client.evaluate(stringOption(options, "index") ?? "default", body);
  if (flag(options, "json")) io.print(JSON.stringify(report, null, 2));
  else for (const line of formatReport(report)) io.print(line);
  return 0;
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

const f3 = (n: number) => n.toFixed(3);
const ms = (n: number) => n.toFixed(1);

export function formatReport(report: EvaluationReport): string[] {
  const names = report.runs.map((r) => r.name);
  const summary = (runs: EvaluationReport["runs"]) =>
    table(
      ["run", `nDCG@${report.k}`, `recall@${report.k}`, `MRR@${report.k}`, "p50 ms"],
      runs.map((r) => [r.name, f3(r.ndcg), f3(r.recall), f3(r.mrr), ms(r.p50Ms)]),
    );
  const lines = [
    `index ${report.index}: ${report.queries} judged quer${report.queries === 1 ? "y" : "ies"}, cut-off ${report.k}`,
    "",
    ...summary(report.runs),
    "",
    `per query, nDCG@${report.k} by run:`,
    ...table(
      ["id", "relevant", ...names, "query"],
      report.perQuery.map((q) => [
        q.id,
        String(q.relevant),
        ...names.map((n) => f3(q.runs[n]?.ndcg ?? 0)),
        q.query.length > 60 ? `${q.query.slice(0, 59)}…` : q.query,
      ]),
    ),
  ];
  const tuning = report.tuning;
  if (tuning) {
    lines.push("", `tuning: ${tuning.grid.length} grid points on these queries`, ...summary(tuning.grid), "");
    lines.push(
      `best: ${tuning.best.name} (${tuning.gain >= 0 ? "+" : ""}${f3(tuning.gain)} nDCG@${report.k} over defaults)`,
    );
    lines.push(
      tuning.applied
        ? `applied: the index's settings are now ${JSON.stringify(tuning.settings)}`
        : "not applied (add --apply to store it as the index's settings). Judge it on queries it was not tuned on.",
    );
  }
  return lines;
}
