/**
 * @module
 * What `POST /indexes/{index}/evaluate` and `GET|PATCH /indexes/{index}/settings` accept (and the MCP edge could):
 * judged queries in one of three forms, and settings patches whose keys come from the ranking options of search
 * `args` (`lib/memory/ranking-args.ts`), so a new ranking knob is a setting here without being listed again.
 */
import { z } from "@hono/zod-openapi";
import { ValidationError } from "../errors.js";
import {
  type EvaluateInput,
  judgedFromJsonl,
  judgedFromObjects,
  judgedFromTrec,
  MAX_EVAL_QUERIES,
  MAX_JUDGED_PER_QUERY,
} from "../memory/evaluate/index.js";
import { IndexSettings } from "../memory/ranking-args.js";
import { normalizeIndexName } from "./validate.js";

export const IndexPath = z.object({
  index: z
    .string()
    .min(1)
    .max(256)
    .openapi({ param: { name: "index", in: "path" }, description: "Index name, normalised the Kernel Memory way." }),
});

const JudgedQueryInput = z
  .object({
    id: z.union([z.string(), z.number()]).optional().openapi({ description: "Defaults to the position, from 1." }),
    query: z.string(),
    relevant: z
      .union([z.array(z.string()).max(MAX_JUDGED_PER_QUERY), z.record(z.string(), z.number())])
      .openapi({ description: "Relevant documentIds (grade 1), or `{documentId: grade}` (0 = judged not relevant)." }),
  })
  .openapi("JudgedQuery");

export const EvaluateRequest = z
  .object({
    queries: z
      .array(JudgedQueryInput)
      .max(MAX_EVAL_QUERIES, `at most ${MAX_EVAL_QUERIES} judged queries per request`)
      .optional(),
    jsonl: z.string().optional().openapi({ description: "The same judged queries as JSON Lines, one per line." }),
    qrels: z.string().optional().openapi({ description: "TREC qrels: `query-id iteration document-id relevance`." }),
    topics: z
      .string()
      .optional()
      .openapi({ description: "With qrels: `query-id<TAB>query` lines, or TREC `<top>` blocks (`<num>`, `<title>`)." }),
    tune: z.boolean().optional().openapi({ description: "Also try the grid of ranking settings." }),
    apply: z
      .boolean()
      .optional()
      .openapi({ description: "With tune: store the best grid point as the index's settings (needs write scope)." }),
  })
  .openapi("EvaluateRequest");

/** The MCP tool's input: the route's body plus the index the route takes from its path. */
export const EvaluateToolInput = EvaluateRequest.extend({
  index: z.string().max(256).nullish().openapi({ description: "Index name; empty or missing means `default`." }),
});

/** Each setting may be set, or reset to the service default with `null`; unknown keys are refused. */
const shape = IndexSettings.shape;
export const SettingsPatch = z
  .object(
    Object.fromEntries(Object.entries(shape).map(([k, s]) => [k, s.nullable()])) as {
      [K in keyof typeof shape]: z.ZodNullable<(typeof shape)[K]>;
    },
  )
  .strict()
  .openapi("IndexSettingsPatch");

export const IndexSettingsSchema = IndexSettings.strict().openapi("IndexSettings");

/** Exactly one form of judged queries: `queries`, `jsonl`, or `qrels` with `topics`. */
export function evaluateInput(
  rawIndex: string | null | undefined,
  body: z.output<typeof EvaluateRequest>,
): EvaluateInput {
  const forms = [body.queries, body.jsonl, body.qrels ?? body.topics].filter((f) => f !== undefined).length;
  if (forms !== 1) throw new ValidationError("send exactly one of queries, jsonl, or qrels with topics");
  if ((body.qrels === undefined) !== (body.topics === undefined)) {
    throw new ValidationError("qrels and topics go together");
  }
  const queries =
    body.queries !== undefined
      ? judgedFromObjects(body.queries)
      : body.jsonl !== undefined
        ? judgedFromJsonl(body.jsonl)
        : judgedFromTrec(body.qrels!, body.topics!);
  return { index: normalizeIndexName(rawIndex), queries, tune: body.tune === true, apply: body.apply === true };
}
