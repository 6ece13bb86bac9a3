/**
 * @module
 * `/sources`: URLs the service keeps in sync by itself.
 *
 * - `POST /sources` → 201 the source; its first sync starts in the background.
 * - `GET /sources?index=` → one page of sources (all indexes when `index` is missing).
 * - `GET /sources/{id}` → the source with its last run, status, error, next due time and item count.
 * - `DELETE /sources/{id}` → 204; deletes the documents the source created too.
 * - `POST /sources/{id}/sync` → 202; syncs now, in the background.
 *
 * @example
 * app.route("/", sourceRoutes());
 */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { validateNewSource, validateSourceId } from "../../../contract/source-input.js";
import { indexed } from "../../../keys/access.js";
import { log } from "../../../log/logger.js";
import {
  bucketBindingsOf,
  createSource,
  deleteSource,
  getSource,
  listSources,
  syncSource,
} from "../../../sources/index.js";
import type { HonoEnv } from "../../hono-env.js";
import { validationHook } from "../../openapi.js";
import { memoryContext } from "../../route-helpers/context.js";
import { jsonBodyLimit } from "../../route-helpers/limits.js";
import { grantedIndex, grantOf, register, valid } from "../../route-helpers/register.js";
import { problems } from "../../schemas.js";
import { SourceCreate, SourceList, SourceListQuery, SourceParams, SourceSchema, SyncAccepted } from "./schemas.js";

const tags = ["Sources"];

const createSourceRoute = createRoute({
  method: "post",
  path: "/sources",
  tags,
  summary: "Add a source the service keeps in sync (a page, a sitemap, a feed, a bucket or a website crawl)",
  middleware: [jsonBodyLimit] as const,
  request: { body: { required: true, content: { "application/json": { schema: SourceCreate } } } },
  responses: {
    201: {
      description: "Created; the first sync has started in the background",
      content: { "application/json": { schema: SourceSchema } },
    },
    ...problems(400, 409, 413, 422),
  },
});

const listRoute = createRoute({
  method: "get",
  path: "/sources",
  tags,
  summary: "List sources",
  request: { query: SourceListQuery },
  responses: {
    200: { description: "One page of sources", content: { "application/json": { schema: SourceList } } },
    ...problems(400),
  },
});

const getRoute = createRoute({
  method: "get",
  path: "/sources/{id}",
  tags,
  summary: "A source with its last run, status, error, next due time and item count",
  request: { params: SourceParams },
  responses: {
    200: { description: "The source", content: { "application/json": { schema: SourceSchema } } },
    ...problems(404),
  },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/sources/{id}",
  tags,
  summary: "Delete a source and every document it created",
  description:
    "A source owns its documents: they are deleted with it, in the same transaction. Documents uploaded by other means are untouched.",
  request: { params: SourceParams },
  responses: { 204: { description: "Deleted, with its documents" }, ...problems(404) },
});

const syncRoute = createRoute({
  method: "post",
  path: "/sources/{id}/sync",
  tags,
  summary: "Sync a source now, in the background",
  description: "If a sync of this source is already running, that run does the work.",
  request: { params: SourceParams },
  responses: {
    202: { description: "Sync started", content: { "application/json": { schema: SyncAccepted } } },
    ...problems(404),
  },
});

/** The runtime's bindings (a Worker's `env`; empty on Node), where R2 buckets are looked up. */
const envOf = (c: { env: unknown }) => (c.env ?? {}) as Record<string, unknown>;

export function sourceRoutes(): OpenAPIHono<HonoEnv> {
  const app = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook as never });

  register(app, createSourceRoute, indexed("write", "json.index"), async (c) => {
    const body = valid(c, "json", SourceCreate);
    const input = { ...validateNewSource(body, c.get("services").config.SOURCE_ALLOW_PRIVATE), index: grantedIndex(c) };
    Object.assign(c.get("wide"), { index: input.index, kind: input.kind });
    const source = await createSource(await memoryContext(c), input, { buckets: bucketBindingsOf(envOf(c)) });
    c.get("wide").sourceId = source.id;
    return c.json(source, 201);
  });

  register(app, listRoute, indexed("read", "query.index", { optional: true }), async (c) => {
    const query = valid(c, "query", SourceListQuery);
    const { index } = grantOf(c);
    const cursor = query.cursor ? validateSourceId(query.cursor) : undefined;
    // A key limited to some indexes sees only their sources, filtered in the query so pages stay full
    // and a cursor never names another tenant's source.
    const page = await listSources(await memoryContext(c), {
      ...(index ? { index } : {}),
      ...(cursor ? { cursor } : {}),
      limit: query.limit,
      indexPatterns: c.get("principal").patterns,
    });
    return c.json(page);
  });

  // The index of a source is the source's own: looked up, then authorized, before the handler runs.
  const bySource = { via: "source" } as const;

  register(app, getRoute, indexed("read", "param.id", bySource), async (c) => {
    return c.json(await getSource(await memoryContext(c), c.req.param("id")));
  });

  register(app, deleteRoute, indexed("write", "param.id", bySource), async (c) => {
    await deleteSource(await memoryContext(c), c.req.param("id"));
    return c.body(null, 204);
  });

  // Authorized before it answers: 404 now, not silently in the background.
  register(app, syncRoute, indexed("write", "param.id", bySource), async (c) => {
    const id = c.req.param("id");
    const ctx = await memoryContext(c);
    ctx.waitUntil(
      syncSource(ctx, id, { buckets: bucketBindingsOf(envOf(c)) }).catch((error: unknown) =>
        log.error("source.sync_failed", { id, error }),
      ),
    );
    c.get("wide").sourceId = id;
    return c.json({ id, message: "Sync started" }, 202);
  });

  return app;
}
