/**
 * @module
 * AWS Lambda entrypoint (API Gateway / Function URL). The handle lives outside
 * the handler, so warm invocations of this execution environment reuse it.
 */
import "../lib/db/node.js";
import { handle } from "hono/aws-lambda";
import { createApp } from "../lib/http/app.js";
import { runScheduled } from "../lib/jobs/scheduled.js";

export const handler = handle(createApp({ env: () => process.env }));

/** EventBridge schedule target: one cron tick on the same per-environment handle. */
export async function scheduled(event?: { cron?: string }) {
  return runScheduled({ env: process.env, cron: event?.cron ?? "eventbridge" });
}
