/**
 * @module
 * Why a document is not done yet, in words: a status alone (`completed: false`)
 * cannot tell a queued job from one waiting out a retry backoff or one held by
 * a run that died with the process. The job's attempts, last error, due time and
 * lease answer that; this module turns them into `processing` + `explanation`.
 */
import type { JobProgress } from "../store/job-store.js";
import type { DataPipelineStatus, PipelineProgress } from "./types.js";

export function explainStatus(
  status: DataPipelineStatus,
  job: JobProgress | undefined,
  emptyReason: string | null = null,
): { processing: PipelineProgress | null; explanation: string } {
  const step = status.remaining_steps[0] ?? null;
  const processing: PipelineProgress | null = job
    ? {
        state: job.state,
        current_step: status.completed || status.failed ? null : step,
        attempts: job.attempts,
        max_attempts: job.maxAttempts,
        // A finished job's note ("superseded") is not an error.
        last_error: job.state === "done" ? null : job.lastError,
        next_attempt_at: job.state === "queued" ? job.runAfter.toISOString() : null,
        lease_expires_at: job.state === "running" && job.leaseUntil ? job.leaseUntil.toISOString() : null,
      }
    : null;
  return { processing, explanation: explanation(status, job, step, emptyReason) };
}

function explanation(
  status: DataPipelineStatus,
  job: JobProgress | undefined,
  step: string | null,
  emptyReason: string | null,
): string {
  if (status.failed) {
    const tries = job ? ` after ${plural(job.attempts, "attempt")}` : "";
    return status.error ? `Failed at step ${status.error.step}${tries}: ${status.error.message}` : `Failed${tries}.`;
  }
  if (status.completed && status.empty) {
    const why = emptyReason ? `: ${emptyReason.replace(/\.$/, "")}` : "";
    return `Completed, but no text was found${why}. Nothing in it can be found by search.`;
  }
  if (status.completed) return "Completed: ready to search.";
  const doing = step ? `step ${step}` : "the next step";
  if (!job) return `Waiting for its ingestion job to start ${doing}.`;
  const attempt = `attempt ${job.attempts} of ${job.maxAttempts}`;
  const tick = "the next scheduler run (cron, the Node scheduler or POST /jobs/run) picks it up";
  if (job.state === "running") {
    if (job.leaseUntil && job.leaseUntil > job.now) {
      return (
        `Running ${doing} (${attempt}). If that run stopped (a restart), another takes the job over when its ` +
        `lease expires at ${job.leaseUntil.toISOString()} (in ${secondsUntil(job.leaseUntil, job.now)}).`
      );
    }
    return `The run holding ${doing} (${attempt}) stopped and its lease has expired: ${tick}.`;
  }
  if (job.state === "queued") {
    const due =
      job.runAfter > job.now
        ? `next try at ${job.runAfter.toISOString()} (in ${secondsUntil(job.runAfter, job.now)})`
        : `due now: ${tick}`;
    if (job.attempts === 0) return `Queued to run ${doing}; ${due}.`;
    const why = job.lastError ? `: ${job.lastError}` : "";
    return `Attempt ${job.attempts} of ${job.maxAttempts} failed at ${doing}${why}. Retrying ${doing}; ${due}.`;
  }
  // A finished job for a document still in progress: a newer upload replaced it and its job is not written yet.
  return `Waiting for its ingestion job to start ${doing}.`;
}

function secondsUntil(at: Date, now: Date): string {
  return plural(Math.max(0, Math.ceil((at.getTime() - now.getTime()) / 1000)), "second");
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
