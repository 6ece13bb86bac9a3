/**
 * @module
 * `ingest <files or folders...>`: each file becomes one document with an id
 * from its relative path, uploaded and then awaited on `/upload-status` until
 * the pipeline completes or fails. Files the manifest knows as unchanged — and
 * that the server still holds as completed — are not uploaded again.
 *
 * A failure that would repeat for every file (server unreachable, key
 * rejected, database down) stops the run; any other failure is counted and the
 * run goes on. Exit code 1 when any file failed.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { flag, intOption, type OptionValues, pairs, stringOption, UsageError } from "../args.js";
import { ingestTextFiles } from "../bulk-ingest.js";
import { type MemoryClient, OperationError } from "../client.js";
import { type DocumentIdMode, documentIdFor } from "../document-id.js";
import { type FoundFile, findFiles } from "../files.js";
import type { Io } from "../io.js";
import { Manifest, sameContent } from "../manifest.js";
import { createProgress, type FileResult, type Outcome } from "../progress.js";
import { prune } from "../prune.js";
import { waitForPipeline } from "../wait.js";

type Plan = FoundFile & { documentId: string };

export async function ingest(client: MemoryClient, args: string[], options: OptionValues, io: Io): Promise<number> {
  if (args.length === 0) throw new UsageError("ingest needs at least one file or folder");
  const index = stringOption(options, "index");
  const tags = pairs(options, "tag");
  const mode = documentIdMode(stringOption(options, "document-id-from"));
  const force = flag(options, "force");
  const concurrency = intOption(options, "concurrency", 4, 1, 32);
  const timeoutMs = intOption(options, "timeout", 300, 1, 86_400) * 1000;
  const pruning = flag(options, "prune");
  if (flag(options, "yes") && !pruning) throw new UsageError("--yes only confirms --prune");

  const { files, skipped } = await findFiles(args);
  for (const entry of skipped) io.print(`skipped   ${entry.relativePath}: ${entry.reason}`);

  const results: FileResult[] = [];
  const plans: Plan[] = [];
  const owners = new Map<string, string>();
  for (const file of files) {
    const documentId = documentIdFor(file.relativePath, mode);
    const owner = owners.get(documentId);
    if (owner === undefined) {
      owners.set(documentId, file.relativePath);
      plans.push({ ...file, documentId });
    } else {
      const note = `same document id as ${owner} (${documentId}); use --document-id-from hash`;
      results.push({ relativePath: file.relativePath, documentId, outcome: "failed", note });
    }
  }

  const manifest = await Manifest.load(io.cwd, io.warn);
  if (plans.length > 0) {
    // Fails fast, before any bar is drawn, on a wrong URL or key.
    await client.indexes();
    const progress = createProgress(io.terminal, io.print);
    progress.start(plans.length + results.length);
    for (const result of results) progress.done(result);
    const ingestOne = (plan: Plan) =>
      ingestFile(client, manifest, plan, { index, tags, force, timeoutMs }).then((result) => {
        results.push(result);
        progress.done(result);
      });
    const record = (result: FileResult) => {
      results.push(result);
      progress.done(result);
    };
    try {
      // Opt-in: a bulk line is a text upload (stored as content.txt), so the file's own name is not kept.
      const rest = flag(options, "bulk")
        ? await ingestTextFiles(client, manifest, plans, { index, tags, force, timeoutMs }, record)
        : plans;
      await inBatches(rest, concurrency, ingestOne);
    } finally {
      progress.stop();
    }
  }

  io.print(summary(results, skipped.length, index));
  if (pruning) {
    const roots = args.map((arg) => path.basename(path.resolve(arg)).normalize("NFC") || "root");
    await prune({ client, manifest, index, roots, found: files, skipped, apply: flag(options, "yes") }, io);
  }
  return results.some((r) => r.outcome === "failed") ? 1 : 0;
}

type FileOptions = { index: string | undefined; tags: Array<[string, string]>; force: boolean; timeoutMs: number };

async function ingestFile(
  client: MemoryClient,
  manifest: Manifest,
  plan: Plan,
  options: FileOptions,
): Promise<FileResult> {
  const { relativePath, documentId } = plan;
  const failed = (note: string): FileResult => ({ relativePath, documentId, outcome: "failed", note });
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = await readFile(plan.absolutePath);
  } catch (err) {
    return failed(`cannot read the file: ${(err as Error).message}`);
  }
  const fingerprint = {
    path: relativePath,
    fileName: plan.name,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    tags: options.tags.map(([k, v]) => `${k}:${v}`).sort(),
  };
  const indexKey = options.index ?? "";
  const known = manifest.get(client.url, indexKey, documentId);

  try {
    let outcome: Outcome = known ? "updated" : "new";
    if (!options.force && sameContent(known, fingerprint)) {
      // The manifest is only this machine's memory: trust it only while the server still has the document.
      const status = await client.status(options.index, documentId);
      if (status?.completed && !status.failed) return { relativePath, documentId, outcome: "unchanged" };
      if (!status) outcome = "new";
    }
    await client.upload({ index: options.index, documentId, tags: options.tags, file: { name: plan.name, bytes } });
    const status = await waitForPipeline(client, options.index, documentId, options.timeoutMs);
    if (status.failed || !status.completed) return failed(status.reason);
    await manifest.set(client.url, indexKey, documentId, { ...fingerprint, uploadedAt: new Date().toISOString() });
    return { relativePath, documentId, outcome, ...(status.empty ? { note: "no text found in it" } : {}) };
  } catch (err) {
    if (err instanceof OperationError && !err.fatal) return failed(err.message);
    throw err;
  }
}

/** Runs `work` over `items`, `limit` at a time; the first thrown error stops new work and is rethrown. */
async function inBatches<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let stopped = false;
  const worker = async () => {
    while (!stopped && next < items.length) {
      const item = items[next++]!;
      try {
        await work(item);
      } catch (err) {
        stopped = true;
        throw err;
      }
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker));
  const failure = settled.find((s) => s.status === "rejected");
  if (failure) throw failure.reason;
}

function summary(results: FileResult[], skipped: number, index: string | undefined): string {
  const count = (outcome: Outcome) => results.filter((r) => r.outcome === outcome).length;
  const where = index === undefined ? "the default index" : `index "${index}"`;
  const files = `${results.length} file${results.length === 1 ? "" : "s"}`;
  const counts = `${count("new")} new, ${count("updated")} updated, ${count("unchanged")} unchanged, ${count("failed")} failed`;
  return `done: ${files} in ${where} — ${counts} (${skipped} skipped)`;
}

function documentIdMode(raw: string | undefined): DocumentIdMode {
  if (raw === undefined || raw === "path" || raw === "hash") return raw ?? "path";
  throw new UsageError(`--document-id-from takes path or hash, not "${raw}"`);
}
