/**
 * @module
 * What the API hands the ingestion Worker through the queue: only the job's
 * identity. The job row is the truth (files, attempts, lease, state); the
 * message only says "this one is waiting", so a lost or duplicated message can
 * delay a job or cost one extra claim attempt, never run it twice at once.
 */

export type IngestMessage = { jobId: string };

/** The part of a Queues producer binding the API uses (`env.INGEST_QUEUE`). */
export type IngestQueue = { send(body: IngestMessage, options?: { contentType?: "json" }): Promise<unknown> };

export function isIngestQueue(binding: unknown): binding is IngestQueue {
  return typeof (binding as { send?: unknown } | null | undefined)?.send === "function";
}

/** A queue body from outside this code's control: anything not shaped like ours is refused. */
export function parseIngestMessage(body: unknown): IngestMessage | undefined {
  const jobId = (body as { jobId?: unknown } | null)?.jobId;
  return typeof jobId === "string" && /^\d{1,19}$/.test(jobId) ? { jobId } : undefined;
}
