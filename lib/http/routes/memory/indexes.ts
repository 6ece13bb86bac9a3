/**
 * @module
 * `GET /indexes` and `DELETE /indexes?index=`. Deleting a missing index is
 * not an error (202, as Kernel Memory answers) and creates nothing.
 */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { indexed, indexFree } from "../../../keys/access.js";
import { deleteIndexNamed, listIndexNames } from "../../../store/memory-store.js";
import type { HonoEnv } from "../../hono-env.js";
import { memoryContext } from "../../route-helpers/context.js";
import { grantedIndex, grantOf, register } from "../../route-helpers/register.js";
import { DeleteAccepted, IndexCollection, IndexQuery, problems } from "../../schemas.js";

const listRoute = createRoute({
  method: "get",
  path: "/indexes",
  summary: "List the indexes",
  responses: {
    200: { description: "Index names", content: { "application/json": { schema: IndexCollection } } },
    ...problems(),
  },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/indexes",
  summary: "Delete an index and every document in it",
  request: { query: IndexQuery },
  responses: {
    202: { description: "Deleted (or did not exist)", content: { "application/json": { schema: DeleteAccepted } } },
    ...problems(400),
  },
});

export function indexRoutes(app: OpenAPIHono<HonoEnv>): void {
  register(app, listRoute, indexFree("read"), async (c) => {
    const { db, reader } = await memoryContext(c);
    const { sees } = grantOf(c);
    return c.json({ results: (await listIndexNames(reader ?? db)).filter(sees).map((name) => ({ name })) });
  });
  register(app, deleteRoute, indexed("write", "query.index"), async (c) => {
    const index = grantedIndex(c);
    await deleteIndexNamed((await memoryContext(c)).db, index);
    return c.json({ index, documentId: "", message: "Index deleted" }, 202);
  });
}
