/**
 * @module
 * `POST /upload` and `GET /upload-status`, Kernel Memory's ingestion entry.
 *
 * Uploads arrive as multipart (any file-part name: KM's .NET client sends
 * `file0`, `file1`… with no Content-Type) or as JSON `{ text }`. Everything is
 * checked — size, fields, tags, steps, each file's type — before anything is
 * stored, so a bad upload leaves no trace.
 */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context, Next } from "hono";
import { acceptJson, parseRequest } from "../../../contract/accept.js";
import { documentIdOrNew, textUploadInput } from "../../../contract/inputs.js";
import { normalizeIndexName, parseSteps, tagsFromPairs, validateDocumentId } from "../../../contract/validate.js";
import { ValidationError } from "../../../errors.js";
import { uploadDocument } from "../../../ingest/upload.js";
import { indexed } from "../../../keys/access.js";
import { getUploadStatus } from "../../../memory/status.js";
import type { UploadFile, UploadInput } from "../../../memory/types.js";
import { readBody } from "../../body.js";
import type { HonoEnv } from "../../hono-env.js";
import { type MultipartForm, multipartBoundary, parseMultipart } from "../../multipart.js";
import { problemResponse } from "../../problem.js";
import { memoryContext } from "../../route-helpers/context.js";
import { grantedIndex, register, route, valid } from "../../route-helpers/register.js";
import { DataPipelineStatusSchema, DocumentQuery, problems, TextUpload, UploadAccepted } from "../../schemas.js";
import { uploadBudget } from "../../upload-budget.js";

const ACCEPTED_MESSAGE = "Document upload completed, ingestion pipeline started";

const uploadRoute = createRoute({
  method: "post",
  path: "/upload",
  summary: "Upload a document (one or more files) for ingestion",
  description:
    "Multipart form: any number of file parts (any part name), `index`, `documentId`, repeated `tags` (`key:value`), repeated `steps`, optional `args` (JSON). Or JSON `{ index, documentId, text, tags }`. Answers 202 once the files are stored; poll `/upload-status`.",
  request: {
    body: {
      content: {
        "multipart/form-data": {
          schema: {
            type: "object",
            properties: {
              files: { type: "array", items: { type: "string", format: "binary" } },
              index: { type: "string" },
              documentId: { type: "string" },
              tags: { type: "array", items: { type: "string" } },
              steps: { type: "array", items: { type: "string" } },
              args: { type: "string", description: "JSON object" },
            },
          },
        },
        "application/json": { schema: TextUpload },
      },
    },
  },
  responses: {
    202: { description: "Stored; ingestion started", content: { "application/json": { schema: UploadAccepted } } },
    ...problems(400, 413, 415),
  },
});

const statusRoute = createRoute({
  method: "get",
  path: "/upload-status",
  summary: "Ingestion status of a document",
  request: { query: DocumentQuery },
  responses: {
    200: { description: "Pipeline status", content: { "application/json": { schema: DataPipelineStatusSchema } } },
    ...problems(400, 404),
  },
});

export function uploadRoutes(app: OpenAPIHono<HonoEnv>): void {
  // Documented in the OpenAPI registry, but routed by hand: the request body is parsed here, not by the schema.
  app.openAPIRegistry.registerPath(uploadRoute);
  // The byte budget is reserved before the body is read; the body is read once, into one buffer (body.ts).
  // The index is in the body: it is authorized once the body is parsed, before anything is stored.
  route(app, "POST", "/upload", indexed("write", "input.index"), uploadBudget(), parseUpload, storeUpload);
  register(app, statusRoute, indexed("read", "query.index"), async (c) => {
    const query = valid(c, "query", DocumentQuery);
    const index = grantedIndex(c);
    const documentId = validateDocumentId(query.documentId);
    const status = await getUploadStatus(await memoryContext(c), index, documentId);
    return c.json(status);
  });
}

/** Content-Length is checked before reading; a body without one is counted while it streams. */
async function parseUpload(c: Context<HonoEnv>, next: Next): Promise<Response | undefined> {
  const maxSize = c.get("services").config.MAX_UPLOAD_BYTES;
  const contentType = c.req.header("content-type") ?? "";
  const essence = contentType.split(";")[0]!.trim().toLowerCase();
  const isJson = essence === "application/json" || essence.endsWith("+json");
  if (essence !== "multipart/form-data" && !isJson) {
    return problemResponse(c, 415, "POST /upload takes multipart/form-data (files) or application/json ({ text }).");
  }
  if (!isJson && !multipartBoundary(contentType)) {
    throw new ValidationError("multipart/form-data needs a boundary parameter");
  }
  const body = await readBody(c.req.raw, maxSize);
  if (!body) return tooLarge(c, maxSize);
  // File parts stay views into the body: the files are not copied out of it.
  const input: UploadInput = isJson ? fromJson(jsonBody(body)) : fromMultipart(parseMultipart(body, contentType));

  const total = input.files.reduce((n, f) => n + f.bytes.byteLength, 0);
  if (total > maxSize) return tooLarge(c, maxSize);
  Object.assign(c.get("wide"), { index: input.index, documentId: input.documentId, files: input.files.length });
  c.set("input", input);
  await next();
  return undefined;
}

async function storeUpload(c: Context<HonoEnv>): Promise<Response> {
  const input = { ...(c.get("input") as UploadInput), index: grantedIndex(c) };
  const ctx = await memoryContext(c);
  const stored = await uploadDocument(ctx, input);
  return c.json({ index: stored.index, documentId: stored.documentId, message: ACCEPTED_MESSAGE }, 202);
}

function fromMultipart(form: MultipartForm): UploadInput {
  const values = (name: string) => form.fields.filter((f) => f.name === name).map((f) => f.value);
  const single = (name: string): string | undefined => {
    const all = values(name);
    if (all.length > 1) throw new ValidationError(`${name} must be a single value, not a list`);
    return all[0];
  };
  if (form.files.length === 0) throw new ValidationError("No file was uploaded");
  const files: UploadFile[] = form.files.map((f) => ({
    name: f.name,
    bytes: f.bytes,
    ...(f.contentType ? { contentType: f.contentType } : {}),
  }));
  const args = single("args");
  return {
    index: normalizeIndexName(single("index")),
    documentId: documentIdOrNew(single("documentId")),
    files,
    tags: tagsFromPairs(values("tags")),
    steps: parseSteps(values("steps")),
    ...(args !== undefined && args.trim() !== "" ? { args: parseArgs(args) } : {}),
  };
}

function fromJson(raw: unknown): UploadInput {
  return textUploadInput(parseRequest(TextUpload, raw, "body"));
}

function jsonBody(body: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(body));
  } catch {
    throw new ValidationError("the request body is not valid JSON");
  }
}

function parseArgs(text: string): Record<string, unknown> {
  let args: unknown;
  try {
    args = JSON.parse(text);
  } catch {
    throw new ValidationError("args must be a JSON object");
  }
  if (args === null || typeof args !== "object" || Array.isArray(args)) {
    throw new ValidationError("args must be a JSON object");
  }
  acceptJson(args, "args");
  return args as Record<string, unknown>;
}

/**
 * `Connection: close`, because the rest of an oversized body may still be on
 * its way: a client that reused the connection would have its next request
 * cut off when the server drops the unread bytes.
 */
function tooLarge(c: Context<HonoEnv>, maxSize: number): Response {
  return problemResponse(
    c,
    413,
    `The upload is larger than the limit of ${maxSize} bytes (MAX_UPLOAD_BYTES).`,
    {},
    { connection: "close" },
  );
}
