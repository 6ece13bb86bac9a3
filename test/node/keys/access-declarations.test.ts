/**
 * Authorization is declared where an operation is registered: an HTTP route or an MCP tool/resource
 * registered without a declaration (or with one naming an input the route does not have) stops the app
 * or the MCP server from starting, and every operation the service ships carries one.
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { describe, expect, it } from "vitest";
import { createApp } from "../../../lib/http/app.js";
import { register, route } from "../../../lib/http/route-helpers/register.js";
import { indexed, indexFree, open } from "../../../lib/keys/access.js";
import { ADMIN } from "../../../lib/keys/types.js";
import { assertEveryCapabilityDeclared, defineTool, type McpDeps } from "../../../lib/mcp/define.js";
import { createMcpServer } from "../../../lib/mcp/server.js";
import { nodeApp } from "../../../lib/node-host/node-app.js";
import { testRuntime } from "../../helpers/runtime.js";

const ok = () => new Response("ok");
const deps = { ctx: {} as McpDeps["ctx"], principal: ADMIN, requestId: "test" };

const node = nodeApp(testRuntime);

describe("HTTP operations", () => {
  it("every route the app ships is declared: it starts", () => {
    expect(createApp(node).routes.length).toBeGreaterThan(20);
  });

  it("a route added without a declaration stops the start, naming it", () => {
    expect(() => createApp({ ...node, extend: (app) => app.get("/undeclared", ok) })).toThrow(
      /without an access declaration: GET \/undeclared/,
    );
    expect(() => createApp({ ...node, extend: (app) => app.post("/upload-copy", ok) })).toThrow(/POST \/upload-copy/);
  });

  it("a declared route added later starts", () => {
    const app = createApp({ ...node, extend: (a) => route(a, "GET", "/declared", indexFree("read"), ok) });
    expect(app.routes.some((r) => r.path === "/declared")).toBe(true);
  });

  it("a missing or malformed declaration is refused at registration", () => {
    const app = new OpenAPIHono();
    expect(() => route(app as never, "GET", "/x", undefined as never, ok)).toThrow(/without an access declaration/);
    expect(() => route(app as never, "GET", "/x", { scope: "owner", index: null } as never, ok)).toThrow(
      /without an access declaration/,
    );
  });

  it("a declaration naming an input the route does not have is refused at registration", () => {
    const app = new OpenAPIHono();
    const listRoute = createRoute({
      method: "get",
      path: "/things",
      request: { query: z.object({ index: z.string().optional() }) },
      responses: { 200: { description: "ok" } },
    });
    expect(() => register(app as never, listRoute, indexed("read", "query.indx"), ok as never)).toThrow(
      /'query.indx' is not an input/,
    );
    expect(() => register(app as never, listRoute, indexed("read", "json.index"), ok as never)).toThrow(
      /'json.index' is not an input/,
    );
    register(app as never, listRoute, indexed("read", "query.index"), ok as never);
    expect(() =>
      register(
        app as never,
        listRoute,
        indexed("read", "query.index", { raisedBy: { input: "query.apply", scope: "write" } }),
        ok as never,
      ),
    ).toThrow(/'query.apply' is not an input/);
  });

  it("open() needs a fixed path, and is what the API description and the key check both follow", async () => {
    expect(() => route(new OpenAPIHono() as never, "GET", "/open/:id", open(), ok)).toThrow(/fixed path/);
    const app = createApp({ ...node, env: () => ({ API_KEYS: "declared-open-key-1" }) });
    const doc = (await (await app.request("/openapi.json")).json()) as {
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };
    const openOps = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => Array.isArray(op.security) && op.security.length === 0)
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(openOps.sort()).toEqual(["GET /health", "GET /openapi.json"]);
    // Every other GET without a key is refused before it runs (or is not found for want of a parameter value).
    for (const [path, ops] of Object.entries(doc.paths)) {
      if (!ops.get || openOps.includes(`GET ${path}`)) continue;
      expect((await app.request(path.replace(/\{[^}]+\}/g, "x"))).status, path).toBe(401);
    }
  });
});

describe("MCP tools and resources", () => {
  it("every tool and resource the server ships is declared: it is built", async () => {
    const server = createMcpServer(deps);
    expect(server).toBeInstanceOf(McpServer);
    await server.close();
  });

  it("a tool registered without a declaration stops the server, naming it", () => {
    const server = new McpServer({ name: "t", version: "0" });
    defineTool(server, deps, "declared", { description: "d" }, indexFree("read"), async () => ({ content: [] }));
    assertEveryCapabilityDeclared(server);
    server.registerTool("sneaky", { description: "s" }, async () => ({ content: [] }));
    expect(() => assertEveryCapabilityDeclared(server)).toThrow(/tool sneaky registered without an access declaration/);
  });

  it("a resource registered without a declaration stops the server", () => {
    const server = new McpServer({ name: "t", version: "0" });
    server.registerResource("raw", "memory://raw", { mimeType: "text/plain" }, async () => ({ contents: [] }));
    expect(() => assertEveryCapabilityDeclared(server)).toThrow(
      /resource memory:\/\/raw registered without an access declaration/,
    );
  });

  it("a tool with a malformed declaration is refused at registration", () => {
    const server = new McpServer({ name: "t", version: "0" });
    expect(() =>
      defineTool(server, deps, "bad", { description: "b" }, undefined as never, async () => ({ content: [] })),
    ).toThrow(/without an access declaration/);
  });
});
