/**
 * @module
 * From a request body its schema accepted to the memory verb's input: the
 * one conversion both edges use, the HTTP routes and the MCP tools, so a
 * search or an upload means the same thing whichever way it arrives.
 */
import type { z } from "@hono/zod-openapi";
import { ValidationError } from "../errors.js";
import type { AskInput, SearchInput, UploadInput } from "../memory/types.js";
import type { MemoryQuery, SearchQuery, TextUpload } from "./requests.js";
import { checkText, normalizeIndexName, parseSteps, validateDocumentId, validateTags } from "./validate.js";
import { validateFilters } from "./validate-filters.js";

/** `limit` -1, 0 or missing means the configured maximum; anything larger is capped to it. */
export function searchInput(body: z.output<typeof SearchQuery>, maxLimit: number): SearchInput {
  const limit =
    body.limit === null || body.limit === undefined || body.limit <= 0 ? maxLimit : Math.min(body.limit, maxLimit);
  return {
    index: normalizeIndexName(body.index),
    query: checkText(body.query ?? "", "query"),
    filters: validateFilters(body.filters),
    minRelevance: body.minRelevance ?? 0,
    limit,
    ...(body.args ? { args: body.args } : {}),
  };
}

export function askInput(body: Omit<z.output<typeof MemoryQuery>, "stream">): AskInput {
  return {
    index: normalizeIndexName(body.index),
    question: body.question,
    filters: validateFilters(body.filters),
    minRelevance: body.minRelevance ?? 0,
    ...(body.args ? { args: body.args } : {}),
  };
}

/** JSON uploads: exactly one of `text` and `url`. */
export function textUploadInput(body: Partial<z.output<typeof TextUpload>>): UploadInput {
  const hasUrl = body.url !== undefined && body.url !== null;
  const hasText = body.text !== undefined && body.text !== null;
  if (hasUrl === hasText) {
    throw new ValidationError("send exactly one of text or url (or send files as multipart/form-data)");
  }
  // Kernel Memory's clients import text as a file called content.txt and a web page as
  // content.url holding the URL; so do we (to keep a page in sync, use POST /sources).
  const file = hasUrl
    ? { name: "content.url", bytes: new TextEncoder().encode(body.url!) }
    : { name: "content.txt", bytes: new TextEncoder().encode(body.text!), contentType: "text/plain" };
  return {
    index: normalizeIndexName(body.index),
    documentId: documentIdOrNew(body.documentId),
    files: [file],
    tags: validateTags(body.tags),
    steps: parseSteps(body.steps ?? []),
    ...(body.args ? { args: body.args } : {}),
  };
}

/** A blank id means "pick one", as in Kernel Memory; ours is 32 hex chars + a UTC timestamp, like its client's. */
export function documentIdOrNew(raw: string | null | undefined): string {
  if (raw === undefined || raw === null || raw.trim() === "") {
    const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
    return `${crypto.randomUUID().replace(/-/g, "")}${stamp}`;
  }
  return validateDocumentId(raw);
}
