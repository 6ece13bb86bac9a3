/**
 * Edge parity: MCP is not a second, laxer door. The HTTP bad-input cases (generated per route family,
 * test/helpers/suite-arbitraries.ts) and the attack suite's refused bodies (test/helpers/attack-bodies.ts) are
 * replayed through the tools the MCP server lists, each one also over HTTP: both edges refuse it (HTTP 4xx
 * ProblemDetails; MCP a tool error, a JSON-RPC error or a 4xx), and the database is byte-for-byte unchanged. A
 * JSON-RPC batch is refused whole, whatever it holds. Seeds are fixed, so a failure replays exactly.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attackFields, refusedAttackBodies } from "../../helpers/attack-bodies.js";
import {
  type ListedTool,
  outcomeOf,
  postMcp,
  ROUTE_OF_TOOL,
  toolCall,
  toolCases,
  toToolCall,
} from "../../helpers/edge-parity.js";
import { connectMcp } from "../../helpers/mcp-client.js";
import { badInputFamilies, badRequestInit } from "../../helpers/suite-bad-input.js";
import { checkProblem } from "../../helpers/suite-checks.js";
import { type Stack, type SuiteServer, settledUploads, startStack } from "../../helpers/suite-stack.js";

const RUNS = 100;
const MAX_BODY = 1024 * 1024;
/** Families whose every defect lies in framing no tool shares, or whose route no tool stands for. */
const HTTP_ONLY: Record<string, string> = {
  "upload multipart": "multipart framing (its fields' defects are the JSON upload family's)",
  "indexes delete": "no tool deletes an index",
  sources: "no tool manages sources",
  settings: "no tool changes an index's settings",
  document: "no tool reads a document's chunks or changes its tags (the document resource reads its text)",
};

let stack: Stack;
let server: SuiteServer;
let tools: ListedTool[] = [];

beforeAll(async () => {
  stack = await startStack("smparity");
  server = await stack.serve({ MAX_UPLOAD_BYTES: String(MAX_BODY), LOG_LEVEL: "error" });
  for (const [index, documentId] of [
    ["seeded", "doc-seed"],
    ["default", "doc-default"],
  ]) {
    const res = await server.postJson("/upload", { index, documentId, text: "Tides and trade.", tags: { u: ["a"] } });
    expect(res.status).toBe(202);
  }
  expect(await settledUploads(stack, 2)).toBe(2);
  const client = await connectMcp(`${server.url}/mcp`);
  tools = (await client.listTools()).tools as ListedTool[];
  await client.close();
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

const measured: string[] = [];

/** The HTTP request's refusal and the MCP call's, for the same defect. */
async function bothRefuse(what: string, http: () => Promise<Response>, mcp: () => Promise<Response>): Promise<boolean> {
  const problem = await checkProblem(await http());
  expect(problem.ok && problem.status >= 400 && problem.status < 500, `${what} over HTTP: ${problem.body}`).toBe(true);
  const outcome = await outcomeOf(await mcp());
  expect(outcome.refused, `${what} through MCP: ${outcome.how} ${outcome.text.slice(0, 300)}`).toBe(true);
  const detail = problem.ok ? ((JSON.parse(problem.body) as { detail?: string }).detail ?? "") : "";
  // The same words up to how each edge names where a field sits (`query index` / `index`, `body` / `arguments`).
  const words = (text: string) => text.replace(/^query /, "").replace(/^(body|arguments)(?=[:.])/, "input");
  return words(outcome.text) === words(detail);
}

describe("edge parity: every tool refuses what its HTTP route refuses, and changes nothing", () => {
  it("knows the HTTP route of every tool the MCP server lists", () => {
    expect(tools.length).toBeGreaterThan(0);
    for (const tool of tools) expect(ROUTE_OF_TOOL, tool.name).toHaveProperty(tool.name);
  });

  for (const family of badInputFamilies(3000)) {
    it(`${family.title}: the same cases as tool calls`, async (ctx) => {
      if (family.name in HTTP_ONLY) ctx.skip();
      const { cases, drawn } = toolCases(family, tools, MAX_BODY, RUNS);
      // Most of a family's cases are tool-shaped; framing defects (content types, broken JSON) are not.
      expect(cases.length).toBeGreaterThanOrEqual(drawn / 3);
      const before = await stack.digest();
      let sameWords = 0;
      for (const c of cases) {
        const what = `${c.req.label}: ${c.route} → ${c.tool}`;
        const same = await bothRefuse(
          what,
          () => fetch(`${server.url}${c.req.path}`, { ...badRequestInit(c.req), signal: AbortSignal.timeout(30_000) }),
          () => postMcp(server.url, toolCall(c.tool, c.args)),
        );
        if (same) sameWords++;
      }
      expect(await stack.digest()).toBe(before);
      measured.push(`${family.name}: ${cases.length}/${drawn} as tool calls, ${sameWords} in the same words`);
    }, 120_000);
  }

  it("refuses the attack suite's bodies through the tools, alone and inside a batch", async () => {
    const before = await stack.digest();
    const attacks = refusedAttackBodies();
    expect(attacks.length).toBeGreaterThan(0);
    for (const attack of attacks) {
      const req = {
        label: attack.what,
        method: "POST",
        path: attack.path,
        headers: { "content-type": "application/json" },
      };
      const mapped = toToolCall({ ...req, body: new TextEncoder().encode(attack.body) }, tools, MAX_BODY);
      expect(mapped, attack.what).toBeDefined();
      // Sent as text: a 20,000-deep value cannot go through JSON.stringify (nor through an MCP client).
      const message = (id: number) =>
        `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":"${mapped!.tool}","arguments":${attack.body}}}`;
      await bothRefuse(
        attack.what,
        () => fetch(`${server.url}${attack.path}`, { method: "POST", headers: req.headers, body: attack.body }),
        () => postMcp(server.url, message(1)),
      );
      const batch = await postMcp(server.url, `[${JSON.stringify(toolCall("list_indexes", {}))},${message(2)}]`);
      expect(batch.status, attack.what).toBe(400);
      expect(attackFields(attack)).toBeTypeOf("object");
    }
    expect(await stack.digest()).toBe(before);
  }, 120_000);

  it("refuses a JSON-RPC batch whole: 5,000 searches, or one valid call, run nothing", async () => {
    const searches = Array.from({ length: 5_000 }, () => toolCall("search", { query: "tides", index: "seeded" }));
    for (const batch of [searches, [toolCall("upload_text", { index: "batch", documentId: "b", text: "hello" })]]) {
      const res = await postMcp(server.url, batch);
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error?: { code: number; message: string } };
      expect(body.error?.code).toBe(-32600);
      expect(body.error?.message).toMatch(/batch/);
    }
    const status = await server.call("/upload-status?index=batch&documentId=b");
    expect(status.status).toBe(404);
    console.log(`[measured] edge parity (${RUNS} drawn per family): ${measured.join("; ")}`);
  }, 60_000);
});
