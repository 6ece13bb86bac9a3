/**
 * @module
 * `status <documentId>`: where a document's ingestion stands. Exit code 0
 * whenever the status was read (a failed pipeline is shown, not an exit code),
 * 1 when the server has no such document.
 */
import { flag, type OptionValues, stringOption, UsageError } from "../args.js";
import { type MemoryClient, OperationError } from "../client.js";
import type { Io } from "../io.js";

export async function status(client: MemoryClient, args: string[], options: OptionValues, io: Io): Promise<number> {
  const [documentId, ...extra] = args;
  if (documentId === undefined || extra.length > 0) throw new UsageError("status takes exactly one document id");
  const index = stringOption(options, "index");
  const found = await client.status(index, documentId);
  if (!found) {
    const where = index === undefined ? "the default index" : `index "${index}"`;
    throw new OperationError(`no document "${documentId}" in ${where}`);
  }
  if (flag(options, "json")) {
    io.print(JSON.stringify(found, null, 2));
    return 0;
  }
  const state = found.failed
    ? "failed"
    : found.completed
      ? found.empty
        ? "completed (no text found)"
        : "completed"
      : "processing";
  const tags = Object.entries(found.tags).flatMap(([key, values]) =>
    values.length === 0 ? [key] : values.map((v) => `${key}:${v}`),
  );
  io.print(`${found.document_id} in index ${found.index}: ${state}`);
  if (found.failed && found.error) io.print(`  error:     ${found.error.step}: ${found.error.message}`);
  io.print(
    `  steps:     ${found.completed_steps.join(", ") || "-"} done; ${found.remaining_steps.join(", ") || "none"} left`,
  );
  if (tags.length > 0) io.print(`  tags:      ${tags.join(", ")}`);
  io.print(`  created:   ${found.creation}`);
  io.print(`  updated:   ${found.last_update}`);
  return 0;
}
