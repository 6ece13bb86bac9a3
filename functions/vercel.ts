/**
 * @module
 * Vercel (Node runtime, Fluid compute) entrypoint, the composition root of this
 * runtime: the Node parts, files parsed in the invocation's own thread. Same
 * app, same one handle per instance. `attachDatabasePool` lets Vercel close idle pooled connections
 * before it suspends the instance, so a resumed instance never finds a socket
 * the database already dropped; pair it with DB_IDLE_TIMEOUT_MS=5000.
 */
import { attachDatabasePool } from "@vercel/functions";
import { handle } from "hono/vercel";
import type { PoolHook } from "../lib/db/pool.js";
import { createApp } from "../lib/http/app.js";
import { nodeApp } from "../lib/node-host/node-app.js";
import { nodeRuntime } from "../lib/runtime/node.js";

/** Every pool this instance creates is handed to Vercel (exported so a test can watch it). */
export const poolsSeen: unknown[] = [];
const onPool: PoolHook = (pool) => {
  poolsSeen.push(pool);
  attachDatabasePool(pool as unknown as Parameters<typeof attachDatabasePool>[0]);
};

const handler = handle(createApp({ env: () => process.env, ...nodeApp(nodeRuntime({ onPool })) }));
export const GET = handler;
export const POST = handler;
export const DELETE = handler;
