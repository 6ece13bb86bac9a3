/**
 * @module
 * AWS Lambda entrypoint (API Gateway / Function URL), the composition root of
 * this runtime: the Node parts, files parsed in the invocation's own thread.
 * The handle lives outside the handler, so warm invocations of this execution
 * environment reuse it.
 */
import { handle } from "hono/aws-lambda";
import { createApp } from "../lib/http/app.js";
import { runScheduled } from "../lib/jobs/scheduled.js";
import { nodeApp } from "../lib/node-host/node-app.js";
import { nodeRuntime } from "../lib/runtime/node.js";

const runtime = nodeRuntime();

export const handler = handle(createApp({ env: () => process.env, ...nodeApp(runtime) }));

/** EventBridge schedule target: one cron tick on the same per-environment handle. */
export async function scheduled(event?: { cron?: string }) {
  return runScheduled({ env: process.env, runtime, cron: event?.cron ?? "eventbridge" });
}
