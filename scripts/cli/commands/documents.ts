/**
 * @module
 * `documents`: every document of an index, one line each — its id, state, files
 * and last update; a document that is not done says why (from its status).
 */
import { flag, type OptionValues, stringOption, UsageError } from "../args.js";
import type { DocumentSummary, MemoryClient } from "../client.js";
import type { Io } from "../io.js";

export async function documents(client: MemoryClient, args: string[], options: OptionValues, io: Io): Promise<number> {
  if (args.length > 0) throw new UsageError("documents takes no arguments (use --index to pick the index)");
  const index = stringOption(options, "index");
  const all = await listAll(client, index);
  if (flag(options, "json")) {
    io.print(JSON.stringify({ index: all.index, documents: all.documents }, null, 2));
    return 0;
  }
  const where = index === undefined ? "the default index" : `index "${all.index}"`;
  if (all.documents.length === 0) {
    io.print(`no documents in ${where}`);
    return 0;
  }
  for (const doc of all.documents) {
    const state = doc.failed ? "failed" : doc.completed ? "completed" : "processing";
    const files = doc.files.map((f) => f.name).join(", ") || "-";
    io.print(`${doc.documentId}  ${state}  ${files}  (updated ${doc.lastUpdate})`);
    if (!doc.completed || doc.failed) {
      const status = await client.status(doc.index, doc.documentId);
      const why = status?.explanation ?? (status?.error ? `${status.error.step}: ${status.error.message}` : undefined);
      if (why) io.print(`  ${why}`);
    }
  }
  io.print(`${all.documents.length} document${all.documents.length === 1 ? "" : "s"} in ${where}`);
  return 0;
}

/** Walks every page; the server answers at most 100 per page. */
export async function listAll(
  client: MemoryClient,
  index: string | undefined,
): Promise<{ index: string; documents: DocumentSummary[] }> {
  const out: DocumentSummary[] = [];
  let cursor: string | undefined;
  let name = index ?? "default";
  for (;;) {
    const page = await client.documents(index, cursor);
    name = page.index;
    out.push(...page.documents);
    if (!page.nextCursor) return { index: name, documents: out };
    cursor = page.nextCursor;
  }
}
