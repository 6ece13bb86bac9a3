/**
 * @module
 * `GET|PATCH /indexes/{index}/settings`: the index's ranking settings, which every later search and ask on it
 * starts from (a request's `args` override them key by key). PATCH sets the keys it names and resets those it
 * sends as `null`; it needs the write scope, reading needs read. An unknown index is a 404 and creates nothing.
 */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { IndexPath, IndexSettingsSchema, SettingsPatch } from "../../../contract/evaluate.js";
import { indexed } from "../../../keys/access.js";
import { getIndexSettings, updateIndexSettings } from "../../../memory/settings.js";
import type { HonoEnv } from "../../hono-env.js";
import { memoryContext } from "../../route-helpers/context.js";
import { jsonBodyLimit } from "../../route-helpers/limits.js";
import { grantedIndex, register, valid } from "../../route-helpers/register.js";
import { problems } from "../../schemas.js";

const ok = {
  200: { description: "The index's settings", content: { "application/json": { schema: IndexSettingsSchema } } },
};

const getRoute = createRoute({
  method: "get",
  path: "/indexes/{index}/settings",
  summary: "Read the index's ranking settings",
  request: { params: IndexPath },
  responses: { ...ok, ...problems(400, 404) },
});

const patchRoute = createRoute({
  method: "patch",
  path: "/indexes/{index}/settings",
  summary: "Change the index's ranking settings (null resets a key to the service default)",
  middleware: [jsonBodyLimit] as const,
  request: {
    params: IndexPath,
    body: { required: true, content: { "application/json": { schema: SettingsPatch } } },
  },
  responses: { ...ok, ...problems(400, 403, 404, 413, 415) },
});

export function settingsRoutes(app: OpenAPIHono<HonoEnv>): void {
  register(app, getRoute, indexed("read", "param.index"), async (c) => {
    return c.json(await getIndexSettings(await memoryContext(c), grantedIndex(c)));
  });
  register(app, patchRoute, indexed("write", "param.index"), async (c) => {
    const patch = valid(c, "json", SettingsPatch);
    return c.json(await updateIndexSettings(await memoryContext(c), grantedIndex(c), patch));
  });
}
