/**
 * @module
 * Waits for an uploaded document's pipeline to finish, polling
 * `/upload-status` with a growing delay (250 ms → 2 s) within a deadline, so
 * small files are reported quickly and long ones do not flood the server.
 */
import type { MemoryClient } from "./client.js";

export type PipelineOutcome = { completed: boolean; failed: boolean; empty: boolean; reason: string };

const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 2_000;

export async function waitForPipeline(
  client: MemoryClient,
  index: string | undefined,
  documentId: string,
  timeoutMs: number,
): Promise<PipelineOutcome> {
  const deadline = Date.now() + timeoutMs;
  let delay = FIRST_DELAY_MS;
  for (;;) {
    const status = await client.status(index, documentId);
    if (status?.failed) {
      const reason = status.error ? `${status.error.step}: ${status.error.message}` : "the pipeline failed";
      return { completed: false, failed: true, empty: status.empty, reason };
    }
    if (status?.completed) return { completed: true, failed: false, empty: status.empty, reason: "" };
    if (Date.now() + delay > deadline) {
      const where = status ? `still processing (remaining: ${status.remaining_steps.join(", ") || "?"})` : "no status";
      return {
        completed: false,
        failed: false,
        empty: false,
        reason: `${where} after ${Math.round(timeoutMs / 1000)} s; check later with \`serverless-memory status ${documentId}\``,
      };
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(MAX_DELAY_MS, Math.round(delay * 1.5));
  }
}
