/**
 * @module
 * `ingest --prune`: server documents whose local files are gone. The ingest
 * manifest is what ties a document to a file on this machine, so only
 * documents this folder uploaded are candidates, and only those under the
 * paths given to this run (ingesting `notes/a` never prunes `notes/b`). A
 * file still on disk but now skipped (hidden, unsupported) is not "gone".
 * Without `--yes` it is a dry run: it lists what it would delete.
 */
import type { MemoryClient } from "./client.js";
import type { FoundFile, SkippedEntry } from "./files.js";
import type { Io } from "./io.js";
import type { Manifest } from "./manifest.js";

export type PruneInput = {
  client: MemoryClient;
  manifest: Manifest;
  index: string | undefined;
  /** The relative paths this run covers: a folder's own name (`notes`) or a file's (`a.md`). */
  roots: string[];
  found: FoundFile[];
  skipped: SkippedEntry[];
  apply: boolean;
};

export async function prune(input: PruneInput, io: Io): Promise<number> {
  const present = new Set([...input.found, ...input.skipped].map((f) => f.relativePath));
  const covered = (p: string) => input.roots.some((root) => p === root || p.startsWith(`${root}/`));
  const gone = input.manifest
    .entries(input.client.url, input.index ?? "")
    .filter(([, entry]) => covered(entry.path) && !present.has(entry.path))
    .sort(([a], [b]) => a.localeCompare(b));
  for (const [documentId, entry] of gone) {
    if (input.apply) {
      await input.client.deleteDocument(input.index, documentId);
      await input.manifest.delete(input.client.url, input.index ?? "", documentId);
    }
    io.print(`${input.apply ? "pruned  " : "would prune"} ${entry.path} → ${documentId}`);
  }
  if (!input.apply) {
    io.print(
      gone.length === 0
        ? "prune: no documents whose files are gone"
        : `prune (dry run): ${gone.length} document${gone.length === 1 ? "" : "s"} would be deleted; run again with --prune --yes to delete`,
    );
  } else {
    io.print(`prune: ${gone.length} document${gone.length === 1 ? "" : "s"} deleted`);
  }
  return gone.length;
}
