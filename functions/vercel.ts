/**
 * @module
 * Vercel (Node runtime, Fluid compute) entrypoint. Same app, same one handle
 * per instance. `attachDatabasePool` lets Vercel close idle pooled connections
 * before it suspends the instance, so a resumed instance never finds a socket
 * the database already dropped; pair it with DB_IDLE_TIMEOUT_MS=5000.
 */
import "../lib/db/node.js";
import { attachDatabasePool } from "@vercel/functions";
import { handle } from "hono/vercel";
import { onPoolCreated } from "../lib/db/pool.js";
import { createApp } from "../lib/http/app.js";

onPoolCreated((pool) => attachDatabasePool(pool as unknown as Parameters<typeof attachDatabasePool>[0]));

const handler = handle(createApp({ env: () => process.env }));
export const GET = handler;
export const POST = handler;
export const DELETE = handler;
