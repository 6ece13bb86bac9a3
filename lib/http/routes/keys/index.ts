/**
 * @module
 * Admin routes for scoped API keys (admin scope only, declared with each route):
 *
 * - `POST /keys` → 201 the key record plus `key`, the key itself, shown once.
 * - `GET /keys` → every key (never a key or its digest), with last use and revocation.
 * - `DELETE /keys/{id}` → 200 the revoked record; revoking twice keeps the first time.
 *
 * @example
 * api.route("/", keyRoutes());
 */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { adminOnly } from "../../../keys/access.js";
import { createApiKey, listApiKeys, revokeApiKey } from "../../../keys/keys.js";
import type { HonoEnv } from "../../hono-env.js";
import { validationHook } from "../../openapi.js";
import { memoryContext } from "../../route-helpers/context.js";
import { jsonBodyLimit } from "../../route-helpers/limits.js";
import { register, valid } from "../../route-helpers/register.js";
import { problems } from "../../schemas.js";
import { ApiKeySchema, CreatedKey, KeyCreate, KeyList, KeyParams } from "./schemas.js";

const tags = ["Keys"];

const createKeyRoute = createRoute({
  method: "post",
  path: "/keys",
  tags,
  summary: "Create a scoped API key (admin)",
  description: "The response's `key` is the only time the key is shown; the service keeps its SHA-256 digest.",
  middleware: [jsonBodyLimit] as const,
  request: { body: { required: true, content: { "application/json": { schema: KeyCreate } } } },
  responses: {
    201: { description: "Created", content: { "application/json": { schema: CreatedKey } } },
    ...problems(400, 403, 413),
  },
});

const listKeysRoute = createRoute({
  method: "get",
  path: "/keys",
  tags,
  summary: "List API keys (admin)",
  responses: {
    200: { description: "Every stored key", content: { "application/json": { schema: KeyList } } },
    ...problems(403),
  },
});

const revokeKeyRoute = createRoute({
  method: "delete",
  path: "/keys/{id}",
  tags,
  summary: "Revoke an API key (admin)",
  description: "Takes effect at once on this instance and within 30 s on every other.",
  request: { params: KeyParams },
  responses: {
    200: { description: "Revoked", content: { "application/json": { schema: ApiKeySchema } } },
    ...problems(403, 404),
  },
});

export function keyRoutes(): OpenAPIHono<HonoEnv> {
  const app = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook as never });
  register(app, createKeyRoute, adminOnly(), async (c) => {
    const body = valid(c, "json", KeyCreate);
    const { db } = await memoryContext(c);
    const { key, record } = await createApiKey(db, body);
    c.get("wide").createdKeyId = record.id;
    return c.json({ ...record, key }, 201);
  });
  register(app, listKeysRoute, adminOnly(), async (c) =>
    c.json({ results: await listApiKeys((await memoryContext(c)).db) }),
  );
  register(app, revokeKeyRoute, adminOnly(), async (c) => {
    const { db } = await memoryContext(c);
    return c.json(await revokeApiKey(db, c.req.param("id") ?? ""));
  });
  return app;
}
