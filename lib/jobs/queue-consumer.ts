/**
 * @module
 * The ingestion Worker's Queues consumer. A message only names a job; the job
 * row decides. Each delivery claims the job with the same lease as cron
 * (`claimJob`, `FOR UPDATE SKIP LOCKED`), so a job is never run by two at once
 * and cron stays the safety net for lost messages. Outcomes map onto the
 * queue: settled → ack; waiting for its backoff or held by another run (an
 * earlier delivery that died keeps its lease until it expires) → retry when
 * it is due; the consumer throwing → retry after a lease. Each claim counts
 * one of the job's attempts; a message the queue gives up on lands in the
 * dead-letter queue (a queue whose name ends in `-dlq`), whose consumer fails
 * the job so its status says so instead of it looping forever. The batch's jobs run together through the
 * runner's batch path (`runJobs`: one claim, one read, one embedding call, one write per INGEST_BATCH_SIZE),
 * each settled and acknowledged by its own outcome.
 */

import type { IngestContext } from "../ingest/isolation.js";
import { newOwner, runJobs } from "../ingest/runner.js";
import { log } from "../log/logger.js";
import { type IngestMessage, parseIngestMessage } from "../queue/message.js";
import { ingestContextOf, type Services } from "../runtime/services.js";
import { abandonJob, claimJobs, jobWait } from "../store/job-store.js";
import { markFailed } from "../store/memory-store.js";

export type QueueRunReport = {
  queue: string;
  messages: number;
  /** Settled here or found settled: acknowledged. */
  acked: number;
  retried: number;
  /** Failed because the queue gave up on them (dead-letter queue). */
  abandoned: number;
  /** Bodies that are not ours: acknowledged and dropped. */
  malformed: number;
  durationMs: number;
};

type Delivery = { ack: true } | { retryAfterSeconds: number };

/** Queues refuses a delay above 12 hours. */
const MAX_DELAY_SECONDS = 43_200;

export async function consumeIngestBatch(
  services: Services,
  batch: MessageBatch<unknown>,
  waitUntil: (promise: Promise<unknown>) => void,
): Promise<QueueRunReport> {
  const started = Date.now();
  await services.ready();
  const ctx = ingestContextOf(services, waitUntil);
  const deadLetter = batch.queue.endsWith("-dlq");
  const report: QueueRunReport = {
    queue: batch.queue,
    messages: batch.messages.length,
    acked: 0,
    retried: 0,
    abandoned: 0,
    malformed: 0,
    durationMs: 0,
  };
  const due: Array<{ message: Message<unknown>; body: IngestMessage }> = [];
  for (const message of batch.messages) {
    const body = parseIngestMessage(message.body);
    if (!body) {
      report.malformed++;
      log.warn("queue.malformed_message", { queue: batch.queue, id: message.id });
      message.ack();
      continue;
    }
    if (deadLetter) {
      if (await abandon(ctx, body, message.attempts)) report.abandoned++;
      message.ack();
      report.acked++;
      continue;
    }
    due.push({ message, body });
  }
  // The delivered jobs run through the runner's batch path, INGEST_BATCH_SIZE at a time.
  const size = services.config.INGEST_BATCH_SIZE;
  for (let i = 0; i < due.length; i += size) {
    const part = due.slice(i, i + size);
    // A batch started is a batch this invocation has time for: past the budget, the rest come back at once.
    if (Date.now() - started >= services.config.JOBS_BUDGET_MS) {
      for (const { message } of part) message.retry({ delaySeconds: 0 });
      report.retried += part.length;
      continue;
    }
    let deliveries: Delivery[];
    try {
      deliveries = await deliver(
        ctx,
        part.map((d) => d.body),
      );
    } catch (error) {
      // The jobs may still be leased to this run: they can be claimed again once the lease expires.
      log.error("queue.delivery_failed", { jobs: part.map((d) => d.body.jobId), error });
      deliveries = part.map(() => ({ retryAfterSeconds: services.config.JOB_LEASE_SECONDS }));
    }
    for (const [j, { message }] of part.entries()) {
      const delivery = deliveries[j]!;
      if ("ack" in delivery) {
        message.ack();
        report.acked++;
      } else {
        message.retry({ delaySeconds: Math.min(MAX_DELAY_SECONDS, delivery.retryAfterSeconds) });
        report.retried++;
      }
    }
  }
  report.durationMs = Date.now() - started;
  log.info("queue.run", report);
  return report;
}

async function deliver(ctx: IngestContext, messages: readonly IngestMessage[]): Promise<Delivery[]> {
  const owner = newOwner("queue");
  const ids = [...new Set(messages.map((m) => m.jobId))];
  // Jobs never tried run together; one tried before (its run may have killed the isolate) runs alone.
  const lease = ctx.config.JOB_LEASE_SECONDS;
  const jobs = await claimJobs(ctx.db, ids, owner, lease, { fresh: ids.length > 1 });
  const results = jobs.length ? await runJobs(ctx, jobs, owner) : [];
  for (const id of ids.length > 1 ? ids.filter((i) => !jobs.some((j) => j.id === i)) : []) {
    const [tried] = await claimJobs(ctx.db, [id], owner, lease);
    if (!tried) continue;
    jobs.push(tried);
    results.push(...(await runJobs(ctx, [tried], owner)));
  }
  const finished = new Set(jobs.filter((_, i) => results[i] !== "retry").map((j) => j.id));
  const waits = new Map<string, Delivery>();
  for (const id of ids) {
    if (finished.has(id)) {
      waits.set(id, { ack: true });
      continue;
    }
    const wait = await jobWait(ctx.db, id);
    // Not due yet (backoff) or held by a live lease: come back when that ends; the claim then decides again.
    waits.set(
      id,
      !wait || wait.state === "done" || wait.state === "failed"
        ? { ack: true }
        : { retryAfterSeconds: wait.waitSeconds + 1 },
    );
  }
  return messages.map((m) => waits.get(m.jobId)!);
}

async function abandon(ctx: IngestContext, message: IngestMessage, deliveries: number): Promise<boolean> {
  const reason = `ingestion gave up: the queue delivered this job ${deliveries} times without finishing it`;
  const job = await abandonJob(ctx.db, message.jobId, reason);
  if (!job) return false;
  await markFailed(ctx.db, job.index, job.documentId, job.generation, { step: "queue", message: reason });
  log.warn("job.abandoned", { ...message, attempts: job.attempts, error: reason });
  return true;
}
