/**
 * @module
 * `GET /documents` (one page of an index's documents, keyset-paginated by
 * `nextCursor`) and `DELETE /documents?index=&documentId=` (202, also when
 * the document does not exist, as Kernel Memory answers); `GET /documents/{documentId}?index=` (the document's
 * status, tags, files and a page of its extracted chunks, `nextOffset` for the next) and
 * `PATCH /documents/{documentId}?index=` `{tags}` (replaces its user tags without ingesting it again; searches
 * filter by the new tags at once).
 */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { validateDocumentId, validateTags } from "../../../contract/validate.js";
import { indexed } from "../../../keys/access.js";
import { getDocument, listDocuments, updateDocumentTags } from "../../../memory/documents.js";
import { deleteDocumentById } from "../../../store/document-delete.js";
import type { HonoEnv } from "../../hono-env.js";
import { memoryContext } from "../../route-helpers/context.js";
import { jsonBodyLimit } from "../../route-helpers/limits.js";
import { grantedIndex, register, valid } from "../../route-helpers/register.js";
import {
  DeleteAccepted,
  DocumentDetailQuery,
  DocumentDetailSchema,
  DocumentList,
  DocumentPath,
  DocumentQuery,
  IndexQuery,
  ListDocumentsQuery,
  problems,
  TagsPatch,
} from "../../schemas.js";

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

const detailRoute = createRoute({
  method: "get",
  path: "/documents/{documentId}",
  summary: "Read a document: status, tags, files and a page of its extracted chunks",
  request: { params: DocumentPath, query: DocumentDetailQuery },
  responses: {
    200: {
      description: "The document, with chunks offset .. offset + limit - 1",
      content: { "application/json": { schema: DocumentDetailSchema } },
    },
    ...problems(400, 404),
  },
});

const tagsRoute = createRoute({
  method: "patch",
  path: "/documents/{documentId}",
  summary: "Replace a document's tags (no re-ingestion; searches filter by the new tags at once)",
  middleware: [jsonBodyLimit] as const,
  request: {
    params: DocumentPath,
    query: IndexQuery,
    body: { required: true, content: { "application/json": { schema: TagsPatch } } },
  },
  responses: {
    200: {
      description: "The document after the change (its first chunks)",
      content: { "application/json": { schema: DocumentDetailSchema } },
    },
    ...problems(400, 403, 404, 413, 415),
  },
});

export function documentRoutes(app: OpenAPIHono<HonoEnv>): void {
  register(app, detailRoute, indexed("read", "query.index"), async (c) => {
    const query = valid(c, "query", DocumentDetailQuery);
    const documentId = validateDocumentId(valid(c, "param", DocumentPath).documentId);
    const page = { offset: query.offset, limit: query.limit };
    return c.json(await getDocument(await memoryContext(c), grantedIndex(c), documentId, page));
  });
  register(app, tagsRoute, indexed("write", "query.index"), async (c) => {
    const documentId = validateDocumentId(valid(c, "param", DocumentPath).documentId);
    const tags = validateTags(valid(c, "json", TagsPatch).tags);
    const ctx = await memoryContext(c);
    await updateDocumentTags(ctx, grantedIndex(c), documentId, tags);
    return c.json(await getDocument(ctx, grantedIndex(c), documentId, { offset: 0, limit: 20 }));
  });
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
