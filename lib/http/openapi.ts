/**
 * @module
 * The OpenAPI side of the memory API: the validation hook that turns schema
 * failures into `400` ProblemDetails (`path: message`), the document at
 * `GET /openapi.json` (rendered by the static page `/docs`, public/docs.html).
 */

import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { describeIssues } from "../contract/accept.js";
import { VERSION } from "../contract/version.js";
import { open } from "../keys/access.js";
import type { HonoEnv } from "./hono-env.js";
import { withExamples } from "./openapi-examples.js";
import { registerPlainOperations } from "./openapi-operations.js";
import { problemResponse } from "./problem.js";
import { isOpenOperation, route } from "./route-helpers/register.js";

type Issue = { path: PropertyKey[]; message: string };
type HookResult = { success: true } | { success: false; error: { issues: Issue[] }; target?: string };

/** `defaultHook` for every OpenAPIHono of this service. */
export function validationHook(result: HookResult, c: Context<HonoEnv>): Response | undefined {
  if (result.success) return undefined;
  const where = result.target === "query" ? "query " : "";
  const detail = describeIssues(result.error.issues, "body", where);
  c.get("wide").invalid = detail.slice(0, 200);
  return problemResponse(c, 400, detail);
}

export function mountApiDocs(app: OpenAPIHono<HonoEnv>): void {
  app.openAPIRegistry.registerComponent("securitySchemes", "ApiKey", {
    type: "apiKey",
    in: "header",
    name: "Authorization",
    description:
      "One of `API_KEYS` or a key issued by `POST /keys`, bare (as Kernel Memory's clients send it) or as `Bearer <key>`. This document itself needs no key.",
  });
  registerPlainOperations(app);
  route(app, "GET", "/openapi.json", open(), (c) =>
    c.json(
      withExamples(
        openOperationsMarked(
          app.getOpenAPI31Document({
            openapi: "3.1.0",
            info: {
              title: "serverless-memory",
              version: VERSION,
              description:
                "Kernel-Memory-compatible document memory on Postgres + pgvector. Errors are RFC 7807 ProblemDetails.",
            },
            servers: [{ url: new URL(c.req.url).origin }],
            security: [{ ApiKey: [] }],
          }),
        ),
      ),
    ),
  );
}

type OpenApiDocument = ReturnType<OpenAPIHono<HonoEnv>["getOpenAPI31Document"]>;

/**
 * `security: []` on exactly the operations declared `open()` where they are registered (the declaration auth
 * reads too), so the description and the key check cannot disagree.
 */
function openOperationsMarked(doc: OpenApiDocument): OpenApiDocument {
  for (const [path, operations] of Object.entries(doc.paths ?? {})) {
    for (const [method, operation] of Object.entries(operations ?? {})) {
      if (typeof operation !== "object" || operation === null || !("responses" in operation)) continue;
      const op = operation as { security?: unknown[] };
      if (isOpenOperation(method, path)) op.security = [];
      else delete op.security;
    }
  }
  return doc;
}
