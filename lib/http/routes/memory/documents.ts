/**
 * @module
 * `GET /documents` (one page of an index's documents, keyset-paginated by
 * `nextCursor`) and `DELETE /documents?index=&documentId=` (202, also when
 * the document does not exist, as Kernel Memory answers).
 */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { validateDocumentId } from "../../../contract/validate.js";
import { indexed } from "../../../keys/access.js";
import { listDocuments } from "../../../memory/documents.js";
import { deleteDocumentById } from "../../../store/document-delete.js";
import type { HonoEnv } from "../../hono-env.js";
import { memoryContext } from "../../route-helpers/context.js";
import { grantedIndex, register, valid } from "../../route-helpers/register.js";
import { DeleteAccepted, DocumentList, DocumentQuery, ListDocumentsQuery, problems } from "../../schemas.js";

const listRoute = createRoute({
  method: "get",
  path: "/documents",
  summary: "List the documents of an index",
  request: { query: ListDocumentsQuery },
  responses: {
    200: { description: "One page of documents", content: { "application/json": { schema: DocumentList } } },
    ...problems(400),
  },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/documents",
  summary: "Delete a document",
  request: { query: DocumentQuery },
  responses: {
    202: { description: "Deleted (or did not exist)", content: { "application/json": { schema: DeleteAccepted } } },
    ...problems(400),
  },
});

export function documentRoutes(app: OpenAPIHono<HonoEnv>): void {
  register(app, listRoute, indexed("read", "query.index"), async (c) => {
    const query = valid(c, "query", ListDocumentsQuery);
    const index = grantedIndex(c);
    // The cursor is the last document id of the previous page, so it obeys the same rule.
    const cursor = query.cursor ? validateDocumentId(query.cursor) : undefined;
    const page = await listDocuments(await memoryContext(c), index, {
      ...(cursor ? { cursor } : {}),
      limit: query.limit,
    });
    return c.json({ index, documents: page.documents, nextCursor: page.nextCursor });
  });
  register(app, deleteRoute, indexed("write", "query.index"), async (c) => {
    const query = valid(c, "query", DocumentQuery);
    const index = grantedIndex(c);
    const documentId = validateDocumentId(query.documentId);
    await deleteDocumentById((await memoryContext(c)).db, index, documentId);
    return c.json({ index, documentId, message: "Document deleted" }, 202);
  });
}
