/**
 * @module
 * `POST /search`: Kernel Memory's search. `index: null` means the default
 * index; `limit` -1, 0 or missing means the configured maximum
 * (`SEARCH_MAX_LIMIT`) and anything larger is capped to it.
 */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { searchInput } from "../../../contract/inputs.js";
import { indexed } from "../../../keys/access.js";
import { searchMemory } from "../../../memory/search.js";
import type { HonoEnv } from "../../hono-env.js";
import { memoryContext } from "../../route-helpers/context.js";
import { jsonBodyLimit } from "../../route-helpers/limits.js";
import { grantedIndex, register, valid } from "../../route-helpers/register.js";
import { problems, SearchQuery, SearchResultSchema } from "../../schemas.js";

const searchRoute = createRoute({
  method: "post",
  path: "/search",
  summary: "Search the memory for relevant partitions",
  middleware: [jsonBodyLimit] as const,
  request: { body: { required: true, content: { "application/json": { schema: SearchQuery } } } },
  responses: {
    200: {
      description: "Citations, most relevant first",
      content: { "application/json": { schema: SearchResultSchema } },
    },
    ...problems(400, 413, 415),
  },
});

export function searchRoutes(app: OpenAPIHono<HonoEnv>): void {
  register(app, searchRoute, indexed("read", "json.index"), async (c) => {
    const body = valid(c, "json", SearchQuery);
    const input = { ...searchInput(body, c.get("services").config.SEARCH_MAX_LIMIT), index: grantedIndex(c) };
    c.get("wide").index = input.index;
    const ctx = await memoryContext(c);
    return c.json(await searchMemory(ctx, input));
  });
}
