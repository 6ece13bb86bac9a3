/**
 * @module
 * `POST /indexes/{index}/evaluate`: judged queries run through the real search in each mode, with nDCG@10,
 * recall@10, MRR@10 and p50 per run and per query; `tune` adds the grid, `apply` stores its best point (which
 * needs the write scope; evaluating alone reads). An unknown index is a 404.
 */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { EvaluateRequest, evaluateInput, IndexPath } from "../../../contract/evaluate.js";
import { indexed } from "../../../keys/access.js";
import { evaluateIndex } from "../../../memory/evaluate/index.js";
import type { HonoEnv } from "../../hono-env.js";
import { memoryContext } from "../../route-helpers/context.js";
import { jsonBodyLimit } from "../../route-helpers/limits.js";
import { grantedIndex, register, valid } from "../../route-helpers/register.js";
import { problems } from "../../schemas.js";
import { EvaluationReportSchema } from "./evaluate-schemas.js";

const evaluateRoute = createRoute({
  method: "post",
  path: "/indexes/{index}/evaluate",
  summary: "Measure the index's search on judged queries (and tune its ranking settings)",
  middleware: [jsonBodyLimit] as const,
  request: {
    params: IndexPath,
    body: { required: true, content: { "application/json": { schema: EvaluateRequest } } },
  },
  responses: {
    200: {
      description: "Metrics per run (mode) and per query; with tune, the grid and its best point",
      content: { "application/json": { schema: EvaluationReportSchema } },
    },
    ...problems(400, 403, 404, 413, 415),
  },
});

export function evaluateRoutes(app: OpenAPIHono<HonoEnv>): void {
  // Evaluating reads; `apply: true` stores the tuned settings, so it needs write, like PATCH /indexes/{index}/settings.
  const access = indexed("read", "param.index", { raisedBy: { input: "json.apply", scope: "write" } });
  register(app, evaluateRoute, access, async (c) => {
    const input = { ...evaluateInput(grantedIndex(c), valid(c, "json", EvaluateRequest)), index: grantedIndex(c) };
    c.get("wide").index = input.index;
    return c.json(await evaluateIndex(await memoryContext(c), input));
  });
}
