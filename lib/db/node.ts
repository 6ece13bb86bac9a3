/**
 * @module
 * Registers the transports a Node runtime (server, Lambda, Vercel, CLI) can
 * use. Node 20 has no global WebSocket, so the Neon driver gets `ws`.
 */
import { neonConfig } from "@neondatabase/serverless";
import ws from "ws";
import { registerTransport } from "./handle.js";
import { createHttpDb } from "./http.js";
import { createPgliteDb } from "./pglite.js";
import { createPgliteThreadDb } from "./pglite-thread.js";
import { createPoolDb } from "./pool.js";

neonConfig.webSocketConstructor ??= ws as unknown as typeof WebSocket;
registerTransport("pool", createPoolDb);
registerTransport("http", createHttpDb);
registerTransport("pglite", (config) =>
  config.pgliteThread === false ? createPgliteDb(config) : createPgliteThreadDb(config),
);
