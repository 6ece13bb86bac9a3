/**
 * `GET /download?index=&documentId=&filename=` (Kernel Memory's route): the
 * original bytes of a stored file, behind the API key, as an attachment that
 * cannot run script on this origin; clear 404s otherwise.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPdf } from "../../fixtures/pdf.js";
import { type ApiServer, expectProblem, startApiServer, uploadKm, waitForIngestion } from "../../helpers/api.js";
import { withAdmin } from "../../helpers/database.js";

const KEY = "download-key-1c9e";
let api: ApiServer;
let dropping: ApiServer;
const BYTES = buildPdf([["Deploy windows are on Tuesdays."]]);
// Stored in 1 MiB parts (lib/store/file-content.ts): the first in memory_files, three in memory_file_parts.
const LARGE = buildPdf([["Release trains leave on Thursdays."]], { padding: 3 * 1024 * 1024 + 999 });

/** Rows of memory_file_parts the server's database holds for `documentId`. */
function partsOf(server: ApiServer, documentId: string): Promise<number> {
  const database = new URL(server.databaseUrl).pathname.slice(1);
  return withAdmin(async (c) => {
    const { rows } = await c.query("select count(*)::int as n from memory_file_parts where document_id = $1", [
      documentId,
    ]);
    return rows[0].n as number;
  }, database);
}

beforeAll(async () => {
  api = await startApiServer({ API_KEYS: KEY }, KEY);
  dropping = await startApiServer({ KEEP_ORIGINAL_FILES: "false" });
});

afterAll(async () => {
  await api?.close();
  await dropping?.close();
});

describe("GET /download", () => {
  it("returns each stored file's exact bytes after ingestion, by name or by the only file", async () => {
    const res = await uploadKm(api, {
      index: "dl",
      documentId: "two-files",
      files: [
        { name: "notes ü.txt", bytes: "Deploys go out on Tuesdays." },
        { name: "deploys.pdf", bytes: BYTES },
      ],
    });
    expect(res.status).toBe(202);
    await waitForIngestion(api, "dl", "two-files");
    const text = await api.call(
      `/download?index=dl&documentId=two-files&filename=${encodeURIComponent("notes ü.txt")}`,
    );
    expect(text.status).toBe(200);
    expect(await text.text()).toBe("Deploys go out on Tuesdays.");
    expect(text.headers.get("content-disposition")).toBe(
      `attachment; filename="notes _.txt"; filename*=UTF-8''${encodeURIComponent("notes ü.txt")}`,
    );
    expect(text.headers.get("content-security-policy")).toContain("sandbox");
    expect(text.headers.get("x-content-type-options")).toBe("nosniff");
    const bin = await api.call("/download?index=dl&documentId=two-files&filename=deploys.pdf");
    expect(new Uint8Array(await bin.arrayBuffer())).toEqual(BYTES);
    // Two files: which one must be said.
    await expectProblem(await api.call("/download?index=dl&documentId=two-files"), 404);
  });

  it("returns a file stored in several parts byte for byte", async () => {
    const res = await uploadKm(api, { index: "dl", documentId: "large", files: [{ name: "large.pdf", bytes: LARGE }] });
    expect(res.status).toBe(202);
    await waitForIngestion(api, "dl", "large");
    expect(await partsOf(api, "large")).toBe(3);
    const bin = await api.call("/download?index=dl&documentId=large&filename=large.pdf");
    expect(bin.status).toBe(200);
    expect(Buffer.from(await bin.arrayBuffer()).equals(Buffer.from(LARGE))).toBe(true);
  });

  it("answers 404 for unknown documents and files, 400 for bad input, 401 without the key", async () => {
    await expectProblem(await api.call("/download?index=dl&documentId=nope&filename=a.txt"), 404);
    await expectProblem(await api.call("/download?index=dl&documentId=two-files&filename=other.txt"), 404);
    await expectProblem(await api.call("/download?index=dl"), 400);
    await expectProblem(await api.call("/download?index=dl&documentId=bad%2Fid"), 400);
    await expectProblem(await fetch(`${api.url}/download?index=dl&documentId=two-files&filename=deploys.pdf`), 401);
  });

  it("with KEEP_ORIGINAL_FILES=false the bytes are dropped after ingestion and download says 404", async () => {
    await uploadKm(dropping, { index: "dl", documentId: "gone", files: [{ name: "a.txt", bytes: "Short lived." }] });
    await waitForIngestion(dropping, "dl", "gone");
    const problem = await expectProblem(await dropping.call("/download?index=dl&documentId=gone&filename=a.txt"), 404);
    expect(problem.detail).toContain("a.txt");
    // A file in several parts: every part goes with the bytes.
    await uploadKm(dropping, { index: "dl", documentId: "gone-large", files: [{ name: "l.pdf", bytes: LARGE }] });
    await waitForIngestion(dropping, "dl", "gone-large");
    await expectProblem(await dropping.call("/download?index=dl&documentId=gone-large&filename=l.pdf"), 404);
    expect(await partsOf(dropping, "gone-large")).toBe(0);
  });
});
