/**
 * @module
 * `delete <documentId...>`: removes documents from the service (their chunks
 * stop matching at once) and forgets them in the ingest manifest, so a later
 * `ingest` uploads their files again. Deleting a document that does not exist
 * succeeds, as on the server.
 */
import { type OptionValues, stringOption, UsageError } from "../args.js";
import type { MemoryClient } from "../client.js";
import type { Io } from "../io.js";
import { Manifest } from "../manifest.js";

export async function deleteDocuments(
  client: MemoryClient,
  args: string[],
  options: OptionValues,
  io: Io,
): Promise<number> {
  if (args.length === 0) throw new UsageError("delete needs at least one document id");
  const index = stringOption(options, "index");
  const manifest = await Manifest.load(io.cwd, io.warn);
  for (const documentId of args) {
    await client.deleteDocument(index, documentId);
    await manifest.delete(client.url, index ?? "", documentId);
    io.print(`deleted   ${documentId}`);
  }
  const where = index === undefined ? "the default index" : `index "${index}"`;
  io.print(`done: ${args.length} document${args.length === 1 ? "" : "s"} deleted from ${where}`);
  return 0;
}
