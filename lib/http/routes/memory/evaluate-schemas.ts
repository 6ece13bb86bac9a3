/**
 * @module
 * The evaluation report's wire shape for `/openapi.json`, tied to the verb's type so the two cannot drift.
 */
import { z } from "@hono/zod-openapi";
import { IndexSettingsSchema } from "../../../contract/evaluate.js";
import type { EvaluationReport } from "../../../memory/evaluate/index.js";

const RunSummary = z
  .object({
    name: z.string().openapi({ description: "hybrid, vector, text (service defaults), settings, or a grid point" }),
    settings: IndexSettingsSchema,
    ndcg: z.number().openapi({ description: "mean nDCG@10" }),
    recall: z.number().openapi({ description: "mean recall@10" }),
    mrr: z.number().openapi({ description: "MRR@10" }),
    p50Ms: z.number().openapi({ description: "median search latency, searches run one at a time" }),
  })
  .openapi("EvaluationRun");

const QueryScore = z.object({
  ndcg: z.number(),
  recall: z.number(),
  rr: z.number(),
  ms: z.number(),
  ranked: z.array(z.string()).openapi({ description: "the top 10 documentIds, best first" }),
});

export const EvaluationReportSchema = z
  .object({
    index: z.string(),
    k: z.number().int(),
    queries: z.number().int(),
    runs: z.array(RunSummary),
    perQuery: z.array(
      z.object({
        id: z.string(),
        query: z.string(),
        relevant: z.number().int().openapi({ description: "documents judged relevant (grade > 0)" }),
        runs: z.record(z.string(), QueryScore),
      }),
    ),
    tuning: z
      .object({
        grid: z.array(RunSummary),
        best: RunSummary,
        gain: z.number().openapi({ description: "best nDCG@10 minus the defaults' (the first grid point)" }),
        applied: z.boolean(),
        settings: IndexSettingsSchema.openapi({ description: "the index's settings after the request" }),
      })
      .optional(),
  })
  .openapi("EvaluationReport");

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const tied = <_T extends true>() => undefined;
tied<Same<z.output<typeof EvaluationReportSchema>, EvaluationReport>>();
