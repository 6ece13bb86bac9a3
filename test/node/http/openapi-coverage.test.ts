/**
 * `/openapi.json` documents every route the app registers — including routes
 * that are plain Hono handlers and routes later features add — each with
 * examples for its JSON request and success response.
 */
import { describe, expect, it } from "vitest";
import { createApp } from "../../../lib/http/app.js";
import { nodeApp } from "../../../lib/node-host/node-app.js";
import { testRuntime } from "../../helpers/runtime.js";

/**
 * Registered entries that are not REST operations: middleware (Hono lists `app.use` as method ALL),
 * and protocol endpoints whose messages another specification defines.
 */
const NOT_OPERATIONS = new Set([
  "ALL /*",
  // MCP's Streamable HTTP transport: JSON-RPC messages and SSE streams defined by the MCP specification,
  // not request/response shapes OpenAPI can describe usefully.
  "POST /mcp",
  "GET /mcp",
  "DELETE /mcp",
]);

type Schema = { $ref?: string; example?: unknown; examples?: unknown; format?: string; type?: string };
type Media = { schema?: Schema; example?: unknown; examples?: unknown };
type Operation = {
  requestBody?: { content: Record<string, Media> };
  responses: Record<string, { content?: Record<string, Media> }>;
};
type Doc = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };

async function openapi(): Promise<{ doc: Doc; routes: string[] }> {
  const app = createApp({
    env: () => ({ LOG_LEVEL: "error", DATABASE_URL: "postgres://nobody@127.0.0.1:1/none" }),
    ...nodeApp(testRuntime),
  });
  const res = await app.request("/openapi.json");
  expect(res.status).toBe(200);
  const routes = [...new Set(app.routes.map((r) => `${r.method} ${r.path}`))].filter((r) => !NOT_OPERATIONS.has(r));
  return { doc: (await res.json()) as Doc, routes };
}

function hasExample(doc: Doc, media: Media): boolean {
  if (media.example !== undefined || media.examples !== undefined) return true;
  const schema = media.schema ?? {};
  if (schema.format === "binary") return true; // a file's bytes: nothing to show
  if (schema.example !== undefined || schema.examples !== undefined) return true;
  const name = schema.$ref?.replace("#/components/schemas/", "");
  return name !== undefined && doc.components.schemas[name]?.example !== undefined;
}

describe("GET /openapi.json", () => {
  it("documents every registered route", async () => {
    const { doc, routes } = await openapi();
    // Sanity: the plain-Hono routes the issue found missing are among the registered ones.
    expect(routes).toEqual(expect.arrayContaining(["GET /health", "POST /jobs/run", "POST /sources", "GET /download"]));
    const missing = routes.filter((route) => {
      const [method, path] = route.split(" ") as [string, string];
      const documented = path.replace(/:(\w+)/g, "{$1}");
      return doc.paths[documented]?.[method.toLowerCase()] === undefined;
    });
    expect(missing).toEqual([]);
    // Nothing documented that the app does not serve.
    const served = new Set(routes.map((r) => r.replace(/:(\w+)/g, "{$1}").toLowerCase()));
    const extra = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops)
        .map((m) => `${m} ${path}`.toLowerCase())
        .filter((op) => !served.has(op)),
    );
    expect(extra).toEqual([]);
  });

  it("gives every operation an example for its JSON request and its success response", async () => {
    const { doc } = await openapi();
    const lacking: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) {
          if (type === "application/json" && !hasExample(doc, media)) lacking.push(`${method} ${path} request`);
        }
        const success = Object.entries(op.responses).filter(([status]) => status.startsWith("2"));
        expect(success.length, `${method} ${path} has a success response`).toBeGreaterThan(0);
        for (const [status, response] of success) {
          for (const media of Object.values(response.content ?? {})) {
            if (!hasExample(doc, media)) lacking.push(`${method} ${path} ${status}`);
          }
        }
      }
    }
    expect(lacking).toEqual([]);
  });
});
