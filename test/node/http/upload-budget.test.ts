/**
 * The byte budget for upload bodies (UPLOAD_BUFFER_BYTES, issue #9's ten concurrent maximum-size uploads): an
 * upload that would take an instance past it is answered 503 + Retry-After before its body is held, stores
 * nothing, and is accepted once the budget is free again; a body is read into one buffer of its declared size.
 */
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../../lib/config/env.js";
import { readBody } from "../../../lib/http/body.js";
import { reservedUploadBytes } from "../../../lib/http/upload-budget.js";
import type { NodeServer } from "../../../lib/node-host/server.js";
import { type NeonProxy, startNeonProxy } from "../../../scripts/neon-proxy/server.js";
import { startServer } from "../../helpers/app-server.js";
import { createTestDatabase, type TestDatabase } from "../../helpers/database.js";

const KB = 1024;
const BOUNDARY = "budget-boundary";

function multipart(documentId: string, size: number): { head: string; content: string; tail: string } {
  return {
    head:
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="documentId"\r\n\r\n${documentId}\r\n` +
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="${documentId}.txt"\r\n\r\n`,
    content: "A line of plain text for the upload budget.\n".repeat(Math.ceil(size / 44)).slice(0, size),
    tail: `\r\n--${BOUNDARY}--\r\n`,
  };
}

/** An upload whose body stops halfway until `finish()` sends the rest. */
function heldUpload(url: string, documentId: string, size: number) {
  const { head, content, tail } = multipart(documentId, size);
  const half = Math.floor(content.length / 2);
  const req = request(`${url}/upload`, {
    method: "POST",
    headers: {
      "content-type": `multipart/form-data; boundary=${BOUNDARY}`,
      "content-length": Buffer.byteLength(head + content + tail),
    },
  });
  const response = new Promise<number>((resolve, reject) => {
    req.on("response", (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
  });
  req.write(head + content.slice(0, half));
  return {
    finish: () => {
      req.end(content.slice(half) + tail);
      return response;
    },
  };
}

function upload(url: string, documentId: string, size: number): Promise<Response> {
  const { head, content, tail } = multipart(documentId, size);
  return fetch(`${url}/upload`, {
    method: "POST",
    headers: { "content-type": `multipart/form-data; boundary=${BOUNDARY}` },
    body: head + content + tail,
  });
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 20));
  expect(condition()).toBe(true);
}

describe("upload bodies an instance holds at once are bounded by UPLOAD_BUFFER_BYTES", () => {
  let database: TestDatabase;
  let proxy: NeonProxy;
  let server: NodeServer;

  beforeAll(async () => {
    database = await createTestDatabase("smbudget");
    proxy = await startNeonProxy();
    server = await startServer({
      DATABASE_URL: database.url,
      DB_TRANSPORT: "pool",
      NEON_LOCAL_PROXY: proxy.address,
      LOG_LEVEL: "error",
      UPLOAD_BUFFER_BYTES: String(1024 * KB),
      MAX_UPLOAD_BYTES: String(4096 * KB),
    });
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await proxy?.close();
    await database?.drop();
  });

  it("past the budget an upload is shed with 503 + Retry-After, stores nothing, and is accepted once it is free", async () => {
    const held = heldUpload(server.url, "held", 800 * KB);
    await until(() => reservedUploadBytes() >= 800 * KB);

    const shed = await upload(server.url, "shed", 600 * KB);
    expect(shed.status).toBe(503);
    expect(Number(shed.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(shed.headers.get("content-type")).toContain("application/problem+json");
    expect(((await shed.json()) as { detail: string }).detail).toMatch(/UPLOAD_BUFFER_BYTES/);
    expect((await fetch(`${server.url}/upload-status?documentId=shed`)).status).toBe(404);

    expect(await held.finish()).toBe(202);
    await until(() => reservedUploadBytes() === 0);
    expect((await upload(server.url, "shed", 600 * KB)).status).toBe(202);
    expect((await fetch(`${server.url}/upload-status?documentId=shed`)).status).toBe(200);
  });

  it("one upload larger than the budget (within MAX_UPLOAD_BYTES) is admitted when none is in flight", async () => {
    await until(() => reservedUploadBytes() === 0);
    expect((await upload(server.url, "alone", 2048 * KB)).status).toBe(202);
    expect((await upload(server.url, "too-large", 5000 * KB)).status).toBe(413);
    expect(reservedUploadBytes()).toBe(0);
  });
});

describe("readBody holds a body once", () => {
  const chunks = () => [new Uint8Array(300).fill(1), new Uint8Array(500).fill(2), new Uint8Array(200).fill(3)];
  const streamOf = (parts: Uint8Array[], pulled: { count: number }) =>
    new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled.count++;
        const next = parts.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    });
  const requestWith = (body: ReadableStream<Uint8Array>, length?: number) =>
    new Request("http://x/upload", {
      method: "POST",
      body,
      headers: length === undefined ? {} : { "content-length": String(length) },
      duplex: "half",
    } as RequestInit);

  it("with a Content-Length: one buffer of exactly that size, each chunk copied in", async () => {
    const bytes = await readBody(requestWith(streamOf(chunks(), { count: 0 }), 1000), 4096);
    expect(bytes?.byteLength).toBe(1000);
    expect(bytes?.buffer.byteLength).toBe(1000);
    expect([bytes?.[0], bytes?.[299], bytes?.[300], bytes?.[799], bytes?.[800], bytes?.[999]]).toEqual([
      1, 1, 2, 2, 3, 3,
    ]);
  });

  it("without one: counted while streaming; past the limit, undefined; a declared size past it is not read", async () => {
    expect((await readBody(requestWith(streamOf(chunks(), { count: 0 })), 4096))?.byteLength).toBe(1000);
    expect(await readBody(requestWith(streamOf(chunks(), { count: 0 })), 600)).toBeUndefined();
    const pulled = { count: 0 };
    expect(await readBody(requestWith(streamOf(chunks(), pulled), 1000), 999)).toBeUndefined();
    expect(pulled.count).toBeLessThanOrEqual(1); // a stream may pull once ahead of any reader; nothing is read
  });
});

describe("the default budget follows the database", () => {
  it("is 64 MiB with a database server, one maximum upload on the embedded default, and what is set when set", () => {
    const server = parseConfig({ DATABASE_URL: "postgres://u@127.0.0.1/db" });
    expect(server.UPLOAD_BUFFER_BYTES).toBe(64 * 1024 * 1024);
    const embedded = parseConfig({ MAX_UPLOAD_BYTES: "1048576" });
    expect(embedded.UPLOAD_BUFFER_BYTES).toBe(1048576);
    expect(parseConfig({}).UPLOAD_BUFFER_BYTES).toBe(parseConfig({}).MAX_UPLOAD_BYTES);
    expect(parseConfig({ UPLOAD_BUFFER_BYTES: "5000000" }).UPLOAD_BUFFER_BYTES).toBe(5000000);
    expect(parseConfig({ DB_TRANSPORT: "http", DATABASE_URL: "postgres://u@h/db" }).UPLOAD_BUFFER_BYTES).toBe(
      64 * 1024 * 1024,
    );
  });
});
