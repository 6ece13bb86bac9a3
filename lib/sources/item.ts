/**
 * @module
 * Checks one URL of a source and ingests it when it changed, through the same
 * `uploadDocument` every upload uses. Three ways to learn nothing changed,
 * cheapest first: the server's 304 to our validators, then the sha256 of the
 * body. A changed body is uploaded again under the same document id, and the
 * pipeline's content-hash cache re-embeds only the chunks whose text changed.
 */

import { sha256Hex } from "../ingest/hashing.js";
import { uploadDocument } from "../ingest/upload.js";
import type { MemoryContext } from "../memory/types.js";
import { type GuardOptions, guardedFetch } from "../net/index.js";
import { deleteDocumentById } from "../store/document-delete.js";
import { recordItem, type SourceItem, type SourceRecord } from "../store/source-store.js";
import { fileNameFor } from "./naming.js";

export type ItemState = "not_modified" | "unchanged" | "updated";

/** Full text a feed entry carries, ingested as is instead of fetching the entry's link. */
export type InlineContent = { body: string; type: "html" | "text" };

/** The source was deleted while this run was working: stop, and leave nothing behind. */
export class SourceGone extends Error {
  override readonly name = "SourceGone";
}

export async function checkItem(
  ctx: MemoryContext,
  source: SourceRecord,
  item: SourceItem,
  guard: Omit<GuardOptions, "accept" | "validators">,
  inline?: InlineContent,
): Promise<{ state: ItemState; etag: string | null; lastModified: string | null; contentHash: string }> {
  let bytes: Uint8Array;
  let contentType: string;
  let etag: string | null = null;
  let lastModified: string | null = null;
  if (inline) {
    bytes = new TextEncoder().encode(inline.body);
    contentType = inline.type === "html" ? "text/html" : "text/plain";
  } else {
    // Validators only count when we also hold the content they describe.
    const validators = item.contentHash ? { etag: item.etag, lastModified: item.lastModified } : undefined;
    const got = await guardedFetch(item.url, { ...guard, accept: "document", ...(validators ? { validators } : {}) });
    if (got.status === 304) {
      await settle(ctx, source, item, {
        etag: item.etag,
        lastModified: item.lastModified,
        contentHash: item.contentHash,
      });
      return {
        state: "not_modified",
        etag: item.etag,
        lastModified: item.lastModified,
        contentHash: item.contentHash!,
      };
    }
    ({ bytes, contentType, etag, lastModified } = got);
  }
  const contentHash = await sha256Hex(bytes);
  const found = { etag, lastModified, contentHash };
  if (contentHash === item.contentHash) {
    await settle(ctx, source, item, found);
    return { state: "unchanged", ...found };
  }
  await uploadDocument(ctx, {
    index: source.index,
    documentId: item.documentId,
    files: [{ name: fileNameFor(item.url, contentType), bytes, contentType, sourceUrl: item.url }],
    // "source" marks the owner, so search can filter by it; it overrides a user tag of that name.
    tags: { ...source.tags, source: [source.id] },
    steps: [],
  });
  await settle(ctx, source, item, found, true);
  return { state: "updated", ...found };
}

/** Stores what was found. If the item row is gone the source was deleted meanwhile: undo our upload. */
async function settle(
  ctx: MemoryContext,
  source: SourceRecord,
  item: SourceItem,
  found: { etag: string | null; lastModified: string | null; contentHash: string | null },
  uploaded = false,
): Promise<void> {
  const kept = await recordItem(ctx.db, source.id, item.url, found.contentHash === null ? {} : found);
  if (kept) return;
  if (uploaded) await deleteDocumentById(ctx.db, source.index, item.documentId);
  throw new SourceGone(`source ${source.id} was deleted during its run`);
}
