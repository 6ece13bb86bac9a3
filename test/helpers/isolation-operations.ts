/**
 * @module
 * The operations of a running service, listed by the service itself: every method × path of its
 * `/openapi.json`, every MCP tool (`tools/list`), `resources/list` and a read of each resource template
 * (`resources/templates/list`). Each becomes a request aimed at tb: inputs named like an index or a document
 * get tb's, `{id}` gets the id of tb's record of that kind, free text gets words that find tb's secret, other
 * required inputs their documented example. An input the suite cannot fill fails the suite by name, so a
 * new operation is covered (or loudly not) without a test written for it. No Node imports.
 */
import { QUERY, QUESTION, type Seeded, type Send, TB, TB_DOC, UNREACHABLE } from "./isolation-fixture.js";

export type Operation = {
  name: string;
  /** 0 reads, 1 writes, 2–3 deletes: the admin rounds run them in this order, so deletes come last. */
  order: number;
  /** Open to callers without a key (`security: []`). */
  open: boolean;
  /** The HTTP request (MCP operations are POSTs to /mcp), built for the current seed. */
  request(seeded: Seeded): { path: string; init: RequestInit };
  mcp: boolean;
};

type Schema = { $ref?: string; properties?: Record<string, Schema>; required?: string[]; example?: unknown };
type OpenApi = {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, Schema> };
};
type OpenApiOperation = {
  parameters?: Array<{ name: string; in: string; required?: boolean }>;
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  security?: unknown[];
};

/** Inputs every operation gets when it has them: they point it at tb. */
const FILL: Record<string, unknown> = {
  index: TB,
  documentId: TB_DOC,
  query: QUERY,
  question: QUESTION,
  text: "An attempt to overwrite tenant B's document.",
  // Judged queries (evaluate): the secret-finding query, judged against tb's document.
  queries: [{ query: QUERY, relevant: [TB_DOC] }],
};
/** Inputs filled only when required (a text upload takes `text` or `url`, not both); new for each seed. */
const fillRequired = (seeded: Seeded): Record<string, unknown> => ({
  url: `${UNREACHABLE}/tb-new-page-${seeded.round}`,
  // A document's new tags (PATCH /documents/{documentId}).
  tags: { overwritten: [`by-round-${seeded.round}`] },
});

/** Fills an object schema's inputs; throws naming an input it cannot fill. */
function fillObject(
  schema: Schema,
  label: string,
  resolve: (s: Schema) => Schema,
  seeded: Seeded,
): Record<string, unknown> {
  const FILL_REQUIRED = fillRequired(seeded);
  const s = resolve(schema);
  const example = (s.example ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(s.properties ?? {})) {
    if (name in FILL) out[name] = FILL[name];
    else if (s.required?.includes(name)) {
      if (name in FILL_REQUIRED) out[name] = FILL_REQUIRED[name];
      else if (name in example) out[name] = example[name];
      else throw new Error(`${label}: no value for the required input '${name}' (add it to the suite's FILL)`);
    }
  }
  return out;
}

export async function httpOperations(send: Send, admin: string): Promise<Operation[]> {
  const res = await send("/openapi.json", { headers: { authorization: admin } });
  const doc = (await res.json()) as OpenApi;
  const resolve = (s: Schema): Schema =>
    s.$ref ? resolve(doc.components?.schemas?.[s.$ref.split("/").pop() ?? ""] ?? {}) : s;
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!["get", "post", "put", "patch", "delete"].includes(method)) continue;
      const name = `${method.toUpperCase()} ${path}`;
      const query = new URLSearchParams();
      for (const p of op.parameters ?? []) {
        if (p.in !== "query") continue;
        if (p.name in FILL) query.set(p.name, String(FILL[p.name]));
        else if (p.required) throw new Error(`${name}: no value for the required parameter '${p.name}'`);
      }
      const content = op.requestBody?.content ?? {};
      // NDJSON (a bulk upload): one line, the schema's object, filled like a JSON body.
      const ndjson = content["application/x-ndjson"]?.schema;
      const json = content["application/json"]?.schema ?? ndjson;
      const contentType = content["application/json"] ? "application/json" : "application/x-ndjson";
      const body = (seeded: Seeded) => (json ? JSON.stringify(fillObject(json, name, resolve, seeded)) : undefined);
      body({ round: 0, ids: {} }); // fails now, at enumeration, for an input the suite cannot fill
      if (!json && Object.keys(content).length > 0) throw new Error(`${name}: only JSON bodies can be generated`);
      ops.push({
        name,
        mcp: false,
        open: Array.isArray(op.security) && op.security.length === 0,
        // A delete of one record before a delete of a whole collection (which may take the record with it).
        order: method === "delete" ? (path.includes("{") ? 2 : 3) : method === "get" ? 0 : 1,
        request: (seeded) => {
          const filled = path.replace(/\/([^/]+)\/\{[^}]+\}/g, (_m, kind: string) => {
            const id = seeded.ids[kind];
            if (!id) throw new Error(`${name}: no tb record of kind '${kind}' to aim at (add it to the seed)`);
            return `/${kind}/${id}`;
          });
          const qs = query.size > 0 ? `?${query}` : "";
          const init: RequestInit = { method: method.toUpperCase() };
          const filledBody = body(seeded);
          if (filledBody !== undefined) {
            Object.assign(init, { body: filledBody, headers: { "content-type": contentType } });
          }
          return { path: `${filled}${qs}`, init };
        },
      });
    }
  }
  return ops;
}

/** One JSON-RPC call to /mcp (stateless: no session to initialize). */
export function mcpRequest(method: string, params: Record<string, unknown>): { path: string; init: RequestInit } {
  return {
    path: "/mcp",
    init: {
      method: "POST",
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
    },
  };
}

type ToolInfo = {
  name: string;
  inputSchema?: Schema;
  annotations?: { readOnlyHint?: boolean; destructiveHint?: boolean };
};

export async function mcpOperations(send: Send, admin: string): Promise<Operation[]> {
  const list = async (method: string) => {
    const { path, init } = mcpRequest(method, {});
    const res = await send(path, { ...init, headers: { ...init.headers, authorization: admin } });
    const body = (await res.json()) as { result?: Record<string, unknown[]> };
    if (!body.result) throw new Error(`${method}: ${JSON.stringify(body).slice(0, 300)}`);
    return body.result;
  };
  const tools = (await list("tools/list")).tools as ToolInfo[];
  const templates = (await list("resources/templates/list")).resourceTemplates as Array<{ uriTemplate: string }>;
  const ops: Operation[] = tools.map((tool) => {
    const args = (seeded: Seeded) =>
      tool.inputSchema ? fillObject(tool.inputSchema, `tool ${tool.name}`, (s) => s, seeded) : {};
    args({ round: 0, ids: {} }); // fails now, at enumeration, for an input the suite cannot fill
    return {
      name: `tool ${tool.name}`,
      mcp: true,
      open: false,
      order: tool.annotations?.readOnlyHint ? 0 : tool.annotations?.destructiveHint === false ? 1 : 3,
      request: (seeded) => mcpRequest("tools/call", { name: tool.name, arguments: args(seeded) }),
    };
  });
  for (const method of ["resources/list", "resources/templates/list"]) {
    ops.push({ name: method, mcp: true, open: false, order: 0, request: () => mcpRequest(method, {}) });
  }
  for (const { uriTemplate } of templates) {
    const uri = uriTemplate.replace(/\{([^}]+)\}/g, (_m, v: string) => {
      if (!(v in FILL)) throw new Error(`resource ${uriTemplate}: no value for '{${v}}'`);
      return encodeURIComponent(String(FILL[v]));
    });
    ops.push({
      name: `resources/read ${uriTemplate}`,
      mcp: true,
      open: false,
      order: 0,
      request: () => mcpRequest("resources/read", { uri }),
    });
  }
  return ops;
}
