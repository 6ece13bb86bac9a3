/**
 * `POST /upload` and `GET /upload-status` through the real Node server, with
 * bodies shaped like Kernel Memory's .NET client sends them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ApiServer,
  expectProblem,
  kmMultipart,
  startApiServer,
  uploadKm,
  waitForIngestion,
} from "../../helpers/api.js";

const MAX_UPLOAD = 64 * 1024;
let api: ApiServer;

beforeAll(async () => {
  api = await startApiServer({ MAX_UPLOAD_BYTES: String(MAX_UPLOAD) });
});

afterAll(async () => {
  await api?.close();
});

const status = (index: string, documentId: string) =>
  api.call(`/upload-status?index=${encodeURIComponent(index)}&documentId=${encodeURIComponent(documentId)}`);

describe("happy path", () => {
  it("accepts the .NET client's multipart body and ingests it", async () => {
    const res = await uploadKm(api, {
      index: "",
      documentId: "km-doc-1",
      tags: ["user:ann", "user:bob", "type:news"],
      files: [{ name: "résumé.txt", bytes: "Kernel Memory ingests documents into Postgres with pgvector." }],
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({
      index: "default",
      documentId: "km-doc-1",
      message: "Document upload completed, ingestion pipeline started",
    });

    const done = await waitForIngestion(api, "default", "km-doc-1");
    expect(done).toMatchObject({ completed: true, failed: false, empty: false, index: "default" });
    expect(done.document_id).toBe("km-doc-1");
    expect(done.tags).toMatchObject({ user: ["ann", "bob"], type: ["news"] });
    // The keys KM's client deserialises, case-sensitively.
    for (const key of ["creation", "last_update", "steps", "remaining_steps", "completed_steps"]) {
      expect(done, key).toHaveProperty(key);
    }
    expect(done.remaining_steps).toEqual([]);
  });

  it("picks a documentId like the .NET client when none is given", async () => {
    const res = await uploadKm(api, { index: "generated", files: [{ name: "a.md", bytes: "# Title\n\nBody text." }] });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { documentId: string };
    expect(body.documentId).toMatch(/^[0-9a-f]{32}\d{14}$/);
    await waitForIngestion(api, "generated", body.documentId);
  });

  it("takes several files under any part names, steps and args", async () => {
    const { body, contentType } = kmMultipart({
      index: "Multi Files",
      documentId: "multi",
      steps: ["extract", "partition", "gen_embeddings", "save_records"],
      args: '{"custom_partitioning_max_tokens_per_paragraph_int": 200}',
      files: [
        { name: "one.txt", bytes: "First file about apples." },
        {
          name: "two.html",
          bytes: "<html><body><p>Second file about pears.</p></body></html>",
          contentType: "text/html",
        },
      ],
    });
    const res = await api.call("/upload", { method: "POST", body, headers: { "content-type": contentType } });
    expect(res.status).toBe(202);
    expect(((await res.json()) as { index: string }).index).toBe("multi-files");
    const done = await waitForIngestion(api, "multi-files", "multi");
    expect(done.completed).toBe(true);
  });

  it("accepts a browser FormData body with a `files` part", async () => {
    const form = new FormData();
    form.append("index", "browser");
    form.append("documentId", "from-browser");
    form.append("tags", "source:web");
    form.append("files", new Blob(["Plain text from a browser form."], { type: "text/plain" }), "note.txt");
    const res = await api.call("/upload", { method: "POST", body: form });
    expect(res.status).toBe(202);
    await waitForIngestion(api, "browser", "from-browser");
  });

  it("accepts JSON text as a content.txt file", async () => {
    const res = await api.postJson("/upload", {
      index: "My Texts",
      documentId: "json-1",
      text: "Inline text uploaded as JSON.",
      tags: { user: ["ann"], lang: "en" },
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ index: "my-texts", documentId: "json-1" });
    const done = await waitForIngestion(api, "my-texts", "json-1");
    expect(done.tags).toMatchObject({ user: ["ann"], lang: ["en"] });
    const list = (await (await api.call("/documents?index=my-texts")).json()) as {
      documents: Array<{ files: Array<{ name: string }> }>;
    };
    expect(list.documents[0]!.files.map((f) => f.name)).toEqual(["content.txt"]);
  });
});

describe("errors", () => {
  it("404 ProblemDetails for an unknown document's status; 400 without documentId", async () => {
    await expectProblem(await status("default", "never-uploaded"), 404);
    const missing = await expectProblem(await api.call("/upload-status?index=default"), 400);
    expect(missing.detail).toContain("documentId");
    await expectProblem(await status("default", "bad/id"), 400);
  });

  it("400 when no file is uploaded", async () => {
    const res = await uploadKm(api, { index: "x", documentId: "nofile", files: [] });
    expect((await expectProblem(res, 400)).detail).toMatch(/No file was uploaded/);
  });

  it("400 for a malformed multipart body", async () => {
    const res = await api.call("/upload", {
      method: "POST",
      body: "this is not multipart",
      headers: { "content-type": "multipart/form-data; boundary=abc" },
    });
    await expectProblem(res, 400);
    const noBoundary = await api.call("/upload", {
      method: "POST",
      body: "x",
      headers: { "content-type": "multipart/form-data" },
    });
    await expectProblem(noBoundary, 400);
  });

  it("400 for bad fields, naming them", async () => {
    const file = [{ name: "a.txt", bytes: "x" }];
    const cases: Array<[Parameters<typeof kmMultipart>[0], RegExp]> = [
      [{ index: "a;drop", files: file }, /index name/],
      [{ documentId: "a/b", files: file }, /documentId/],
      [{ tags: ["__document_id:x"], files: file }, /reserved/],
      [{ tags: ["k:a\u0000b"], files: file }, /NUL/],
      [{ steps: ["teleport"], files: file }, /unknown step/],
      [{ steps: ["summarize"], files: file }, /summarize/],
      [{ args: "{not json", files: file }, /args/],
      [{ args: "[1,2]", files: file }, /args/],
    ];
    for (const [form, detail] of cases) {
      const problem = await expectProblem(await uploadKm(api, form), 400);
      expect(problem.detail, JSON.stringify(form)).toMatch(detail);
    }
    // A second index part, spliced in before the closing boundary.
    const { body, contentType } = kmMultipart({ index: "a", files: file });
    const text = new TextDecoder().decode(body);
    const boundary = /boundary="([^"]+)"/.exec(contentType)![1]!;
    const doubled = text.replace(
      `--${boundary}--`,
      `--${boundary}\r\nContent-Disposition: form-data; name=index\r\n\r\nb\r\n--${boundary}--`,
    );
    const res = await api.call("/upload", { method: "POST", body: doubled, headers: { "content-type": contentType } });
    expect((await expectProblem(res, 400)).detail).toMatch(/single value/);
  });

  it("415 for an unsupported file type, before anything is stored", async () => {
    const gif = new Uint8Array([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0]);
    const res = await uploadKm(api, {
      index: "images",
      documentId: "pic",
      files: [
        { name: "ok.txt", bytes: "fine" },
        { name: "pic.gif", bytes: gif },
      ],
    });
    expect((await expectProblem(res, 415)).detail).toContain("pic.gif");
    await expectProblem(await status("images", "pic"), 404);
    const indexes = (await (await api.call("/indexes")).json()) as { results: Array<{ name: string }> };
    expect(indexes.results.map((r) => r.name)).not.toContain("images");
  });

  it("415 for a body that is neither multipart nor JSON", async () => {
    const res = await api.call("/upload", { method: "POST", body: "hello", headers: { "content-type": "text/plain" } });
    await expectProblem(res, 415);
  });

  it("400 for JSON uploads without text or url, with both, or not JSON at all", async () => {
    expect((await expectProblem(await api.postJson("/upload", { index: "x" }), 400)).detail).toMatch(/text or url/);
    const both = await expectProblem(await api.postJson("/upload", { text: "a", url: "https://example.com" }), 400);
    expect(both.detail).toMatch(/exactly one/);
    const broken = await api.call("/upload", {
      method: "POST",
      body: "{ nope",
      headers: { "content-type": "application/json" },
    });
    await expectProblem(broken, 400);
    await expectProblem(await api.postJson("/upload", { text: 42 }), 400);
  });

  it("413 when Content-Length is over MAX_UPLOAD_BYTES", async () => {
    const res = await uploadKm(api, {
      index: "big",
      documentId: "big",
      files: [{ name: "big.txt", bytes: "x".repeat(MAX_UPLOAD + 1) }],
    });
    expect((await expectProblem(res, 413)).detail).toContain(String(MAX_UPLOAD));
    await expectProblem(await status("big", "big"), 404);
  });

  it("413 when a chunked body (no Content-Length) grows over the limit", async () => {
    const { body, contentType } = kmMultipart({
      index: "big",
      documentId: "chunked",
      files: [{ name: "big.txt", bytes: "y".repeat(MAX_UPLOAD * 2) }],
    });
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < body.length; at += 8192) controller.enqueue(body.slice(at, at + 8192));
        controller.close();
      },
    });
    const res = await api.call("/upload", {
      method: "POST",
      body: stream,
      headers: { "content-type": contentType },
      duplex: "half",
    } as RequestInit);
    await expectProblem(res, 413);
  });
});

describe("security", () => {
  it("keeps only the base name of a file name with a path in it", async () => {
    const res = await uploadKm(api, {
      index: "paths",
      documentId: "traversal",
      files: [{ name: "../../etc/passwd.txt", bytes: "root:x:0:0" }],
    });
    expect(res.status).toBe(202);
    await waitForIngestion(api, "paths", "traversal");
    const list = (await (await api.call("/documents?index=paths")).json()) as {
      documents: Array<{ files: Array<{ name: string; fileId: string }> }>;
    };
    const [file] = list.documents[0]!.files;
    expect(file!.name).toBe("passwd.txt");
    expect(file!.fileId).not.toContain("/");
  });

  it("replaces control characters in file names (Postgres text cannot hold NUL)", async () => {
    const res = await uploadKm(api, {
      index: "paths",
      documentId: "nul-name",
      files: [{ name: "a\u0000b\u0007.txt", bytes: "text" }],
    });
    expect(res.status).toBe(202);
    await waitForIngestion(api, "paths", "nul-name");
    const list = (await (await api.call("/documents?index=paths")).json()) as {
      documents: Array<{ documentId: string; files: Array<{ name: string }> }>;
    };
    const doc = list.documents.find((d) => d.documentId === "nul-name")!;
    expect(doc.files[0]!.name).toBe("a_b_.txt");
  });

  it("400 for a text field that is not UTF-8", async () => {
    const boundary = "U";
    const enc = new TextEncoder();
    const body = new Uint8Array([
      ...enc.encode(`--${boundary}\r\nContent-Disposition: form-data; name=tags\r\n\r\nk:`),
      0xc3,
      0x28,
      ...enc.encode(
        `\r\n--${boundary}\r\nContent-Disposition: form-data; name=f; filename=a.txt\r\n\r\nx\r\n--${boundary}--\r\n`,
      ),
    ]);
    const res = await api.call("/upload", {
      method: "POST",
      body,
      headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
    });
    expect((await expectProblem(res, 400)).detail).toMatch(/UTF-8/);
  });

  it("rejects a body with thousands of parts without falling over", async () => {
    const boundary = "B";
    const part = `--${boundary}\r\nContent-Disposition: form-data; name=t\r\n\r\nk\r\n`;
    const body = `${part.repeat(1100)}--${boundary}--\r\n`;
    expect(body.length).toBeLessThan(MAX_UPLOAD);
    const res = await api.call("/upload", {
      method: "POST",
      body,
      headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
    });
    await expectProblem(res, 400);
  });
});
