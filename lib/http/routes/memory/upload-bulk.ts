/**
 * @module
 * `POST /upload/bulk`: many text (or URL) documents of one index in one request, as NDJSON
 * (`application/x-ndjson`), one `BulkUploadLine` per line. The index is the request's `?index=` (missing means
 * `default`), authorized once for write like any upload; a line may repeat it (normalised, it must be equal) or
 * omit it. All or nothing: every line is checked first, and any bad line answers 400 with `errors` naming each
 * bad line, with nothing stored. Limits: `MAX_BULK_LINES` lines and the upload byte budget (`MAX_UPLOAD_BYTES`).
 * Per document it is a text upload: the same documentId replaces the document; its status is its own.
 */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context, Next } from "hono";
import { parseRequest } from "../../../contract/accept.js";
import { textUploadInput } from "../../../contract/inputs.js";
import { normalizeIndexName } from "../../../contract/validate.js";
import { AppError } from "../../../errors.js";
import { type BulkDocument, uploadDocuments } from "../../../ingest/bulk-upload.js";
import { indexed } from "../../../keys/access.js";
import { readBody } from "../../body.js";
import type { HonoEnv } from "../../hono-env.js";
import { problemResponse } from "../../problem.js";
import { memoryContext } from "../../route-helpers/context.js";
import { grantedIndex, route } from "../../route-helpers/register.js";
import { BulkUploadAccepted, BulkUploadLine, IndexQuery, problems } from "../../schemas.js";
import { uploadBudget } from "../../upload-budget.js";

const NDJSON = "application/x-ndjson";

const bulkRoute = createRoute({
  method: "post",
  path: "/upload/bulk",
  summary: "Upload many text or URL documents of one index (NDJSON)",
  description:
    "Body `application/x-ndjson`: one `BulkUploadLine` JSON object per line (blank lines are skipped). The index is the `index` query parameter (empty or missing: `default`); a line's `index` may be omitted or must equal it. All or nothing: any bad line answers 400 whose `errors` list `{ line, detail }` for each bad line (1-based), and nothing is stored. At most `MAX_BULK_LINES` lines and `MAX_UPLOAD_BYTES` bytes. Each document is then a text upload of its own: the same documentId replaces it, and `/upload-status` tells its progress.",
  request: {
    query: IndexQuery,
    body: { content: { [NDJSON]: { schema: BulkUploadLine } }, required: true },
  },
  responses: {
    202: {
      description: "Stored; ingestion started for every document",
      content: { "application/json": { schema: BulkUploadAccepted } },
    },
    ...problems(400, 413, 415),
  },
});

type LineError = { line: number; detail: string };
type Parsed = { documents: BulkDocument[]; lines: number[] };

export function uploadBulkRoutes(app: OpenAPIHono<HonoEnv>): void {
  // Documented in the OpenAPI registry, but routed by hand: the NDJSON body is parsed here, line by line.
  app.openAPIRegistry.registerPath(bulkRoute);
  route(app, "POST", "/upload/bulk", indexed("write", "query.index"), uploadBudget(), parseBulk, storeBulk);
}

async function parseBulk(c: Context<HonoEnv>, next: Next): Promise<Response | undefined> {
  const { MAX_UPLOAD_BYTES: maxSize, MAX_BULK_LINES: maxLines } = c.get("services").config;
  const essence = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (essence !== NDJSON)
    return problemResponse(c, 415, `POST /upload/bulk takes ${NDJSON}: one JSON object per line.`);
  const body = await readBody(c.req.raw, maxSize);
  if (!body) {
    return problemResponse(
      c,
      413,
      `The upload is larger than the limit of ${maxSize} bytes (MAX_UPLOAD_BYTES).`,
      {},
      {
        connection: "close",
      },
    );
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    return problemResponse(c, 400, "the request body is not valid UTF-8");
  }
  const index = normalizeIndexName(c.req.query("index"));
  const raw = text.split("\n").map((l, i) => ({ line: i + 1, text: l.endsWith("\r") ? l.slice(0, -1) : l }));
  const lines = raw.filter((l) => l.text.trim() !== "");
  if (lines.length === 0) return problemResponse(c, 400, "the body holds no document: send one JSON object per line");
  if (lines.length > maxLines) {
    return problemResponse(c, 400, `the body holds ${lines.length} documents; at most ${maxLines} (MAX_BULK_LINES)`);
  }
  const errors: LineError[] = [];
  const parsed: Parsed = { documents: [], lines: [] };
  const seen = new Map<string, number>();
  for (const { line, text: json } of lines) {
    try {
      const doc = parseLine(json, line, index);
      const first = seen.get(doc.documentId);
      if (first !== undefined) throw new Error(`documentId '${doc.documentId}' is also on line ${first}`);
      seen.set(doc.documentId, line);
      parsed.documents.push(doc);
      parsed.lines.push(line);
    } catch (error) {
      errors.push({ line, detail: error instanceof Error ? error.message : String(error) });
    }
  }
  if (errors.length) return invalidLines(c, errors);
  Object.assign(c.get("wide"), { index, documents: parsed.documents.length });
  c.set("input", parsed);
  await next();
  return undefined;
}

function parseLine(json: string, line: number, index: string): BulkDocument {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new Error("not valid JSON");
  }
  const body = parseRequest(BulkUploadLine, value, `line ${line}`);
  if (body.index !== undefined && body.index !== null && normalizeIndexName(body.index) !== index) {
    throw new Error(`index '${body.index}' is not the request's index '${index}' (?index=)`);
  }
  const { index: _index, ...input } = textUploadInput({ ...body, index });
  return input;
}

function invalidLines(c: Context<HonoEnv>, errors: LineError[]): Response {
  const shown = errors.slice(0, 100);
  const lines = shown.map((e) => e.line).join(", ");
  const more = errors.length > shown.length ? ` and ${errors.length - shown.length} more` : "";
  return problemResponse(c, 400, `nothing was stored: bad lines ${lines}${more}`, { errors: shown });
}

async function storeBulk(c: Context<HonoEnv>): Promise<Response> {
  const { documents, lines } = c.get("input") as Parsed;
  const index = grantedIndex(c);
  try {
    const stored = await uploadDocuments(await memoryContext(c), { index, documents });
    return c.json({ index, documents: stored.documents, count: stored.documents.length }, 202);
  } catch (error) {
    // A document the verb refused (its type, its URL) is its line's error; nothing was stored.
    const position = (error as { document?: unknown }).document;
    if (error instanceof AppError && typeof position === "number" && error.kind === "invalid") {
      return invalidLines(c, [{ line: lines[position] ?? position + 1, detail: error.message }]);
    }
    throw error;
  }
}
