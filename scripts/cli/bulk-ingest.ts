/**
 * @module
 * `ingest`'s fast path for plain-text files: they go to the server many per request (`POST /upload/bulk`) instead
 * of one upload each, then are awaited like any upload. Only `.txt` files up to `MAX_BULK_FILE_BYTES` that are
 * valid UTF-8 take it: a bulk line is a text upload, stored as `content.txt`, so a file whose name or type matters
 * (Markdown, HTML, PDF…) keeps the one-file upload. The manifest and the unchanged check work as for one file.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { BulkItem } from "../../lib/sdk/client/index.js";
import { type MemoryClient, OperationError } from "./client.js";
import type { FoundFile } from "./files.js";
import type { Manifest, ManifestEntry } from "./manifest.js";
import { sameContent } from "./manifest.js";
import type { FileResult, Outcome } from "./progress.js";
import { waitForPipeline } from "./wait.js";

const MAX_BULK_FILE_BYTES = 256 * 1024;
const LINES_PER_REQUEST = 500;

type Plan = FoundFile & { documentId: string };
type Options = { index: string | undefined; tags: Array<[string, string]>; force: boolean; timeoutMs: number };
type Ready = { plan: Plan; text: string; outcome: Outcome; fingerprint: Omit<ManifestEntry, "uploadedAt"> };

/** Ingests the plans that fit a bulk upload (`done` gets each result); returns the plans left for one-file uploads. */
export async function ingestTextFiles(
  client: MemoryClient,
  manifest: Manifest,
  plans: readonly Plan[],
  options: Options,
  done: (result: FileResult) => void,
): Promise<Plan[]> {
  const rest: Plan[] = [];
  const ready: Ready[] = [];
  const indexKey = options.index ?? "";
  for (const plan of plans) {
    const text = plan.name.toLowerCase().endsWith(".txt") ? await readText(plan.absolutePath) : undefined;
    if (text === undefined) {
      rest.push(plan);
      continue;
    }
    const fingerprint = {
      path: plan.relativePath,
      fileName: plan.name,
      sha256: createHash("sha256").update(text).digest("hex"),
      tags: options.tags.map(([k, v]) => `${k}:${v}`).sort(),
    };
    const known = manifest.get(client.url, indexKey, plan.documentId);
    let outcome: Outcome = known ? "updated" : "new";
    if (!options.force && sameContent(known, fingerprint)) {
      const status = await client.status(options.index, plan.documentId);
      if (status?.completed && !status.failed) {
        done({ relativePath: plan.relativePath, documentId: plan.documentId, outcome: "unchanged" });
        continue;
      }
      if (!status) outcome = "new";
    }
    ready.push({ plan, text, outcome, fingerprint });
  }
  const tags: Record<string, string[]> = {};
  for (const [k, v] of options.tags) tags[k] = [...(tags[k] ?? []), v];
  for (let i = 0; i < ready.length; i += LINES_PER_REQUEST) {
    const part = ready.slice(i, i + LINES_PER_REQUEST);
    const lines: BulkItem[] = part.map((r) => ({ documentId: r.plan.documentId, text: r.text, tags }));
    try {
      await client.uploadBulk(options.index, lines);
    } catch (err) {
      // A refused line (or a server without the bulk route) refuses them all: each then goes alone, to fail alone.
      if (!(err instanceof OperationError) || err.fatal) throw err;
      rest.push(...part.map((r) => r.plan));
      continue;
    }
    for (const r of part) {
      const { relativePath, documentId } = r.plan;
      const status = await waitForPipeline(client, options.index, documentId, options.timeoutMs);
      if (status.failed || !status.completed) {
        done({ relativePath, documentId, outcome: "failed", note: status.reason });
        continue;
      }
      await manifest.set(client.url, indexKey, documentId, { ...r.fingerprint, uploadedAt: new Date().toISOString() });
      done({ relativePath, documentId, outcome: r.outcome, ...(status.empty ? { note: "no text found in it" } : {}) });
    }
  }
  return rest;
}

/** The file as text when it is small enough and valid UTF-8 (else it takes the one-file upload). */
async function readText(file: string): Promise<string | undefined> {
  try {
    const bytes = await readFile(file);
    if (bytes.byteLength > MAX_BULK_FILE_BYTES || bytes.byteLength === 0) return undefined;
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
