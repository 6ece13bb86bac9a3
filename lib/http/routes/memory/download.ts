/**
 * @module
 * `GET /download?index=&documentId=&filename=`: a stored file's original bytes,
 * Kernel Memory's route and parameter names. Sent as an attachment with a
 * sandboxing CSP, so an uploaded HTML file opened from here cannot run script
 * on this origin.
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { validateDocumentId } from "../../../contract/validate.js";
import { indexed } from "../../../keys/access.js";
import { readDocumentFile } from "../../../memory/download.js";
import type { HonoEnv } from "../../hono-env.js";
import { memoryContext } from "../../route-helpers/context.js";
import { grantedIndex, register, valid } from "../../route-helpers/register.js";
import { DocumentQuery, problems } from "../../schemas.js";

const DownloadQuery = DocumentQuery.extend({
  filename: z.string().max(512).optional().openapi({
    description: "The file's name (or fileId); may be omitted when the document has one file.",
    example: "handbook.pdf",
  }),
});

const downloadRoute = createRoute({
  method: "get",
  path: "/download",
  summary: "Download a stored file of a document, as uploaded",
  request: { query: DownloadQuery },
  responses: {
    200: {
      description: "The file's bytes, with its stored content type",
      content: { "application/octet-stream": { schema: z.string().openapi({ format: "binary" }) } },
    },
    ...problems(400, 404),
  },
});

export function downloadRoutes(app: OpenAPIHono<HonoEnv>): void {
  register(app, downloadRoute, indexed("read", "query.index"), async (c) => {
    const query = valid(c, "query", DownloadQuery);
    const index = grantedIndex(c);
    const documentId = validateDocumentId(query.documentId);
    const file = await readDocumentFile(await memoryContext(c), index, documentId, query.filename);
    const ascii = file.name.replace(/[^\x20-\x7e]|["\\]/g, "_");
    return new Response(file.bytes as Uint8Array<ArrayBuffer>, {
      headers: {
        "content-type": file.contentType || "application/octet-stream",
        "content-length": String(file.bytes.byteLength),
        "content-disposition": `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.name)}`,
        "content-security-policy": "sandbox; default-src 'none'",
        "x-content-type-options": "nosniff",
        "cache-control": "private, no-store",
      },
    });
  });
}
