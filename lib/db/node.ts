/**
 * @module
 * The transports a Node runtime (server, Lambda, Vercel, CLI) can use, for its composition root to hand to
 * the services. Node 20 has no global WebSocket, so the Neon driver gets `ws`.
 */
import { neonConfig } from "@neondatabase/serverless";
import ws from "ws";
import type { Transports } from "./handle.js";
import { createHttpDb } from "./http.js";
import { createPgliteDb } from "./pglite.js";
import { createPgliteThreadDb } from "./pglite-thread.js";
import { createPoolDb, type PoolHook } from "./pool.js";

/**
 * `ws` with a zero masking key, which `ws` sends without masking the payload (a valid frame: the mask bit is
 * set, the key is 0). Masking exists so a browser's script cannot smuggle bytes that an HTTP intermediary might
 * misread (RFC 6455 §10.3); this client is no browser, and towards Neon it runs inside TLS. Masked, every
 * uploaded file was XORed byte by byte in JavaScript (about 250 ms of blocked event loop for 25 MiB) into a copy
 * of itself.
 */
class DriverWebSocket extends ws {
  constructor(address: string | URL, protocols?: string | string[]) {
    super(address, protocols, { generateMask: (mask: Buffer) => mask.fill(0) });
  }
}

/** `onPool` sees every pool created (hosts that suspend instances, e.g. Vercel's `attachDatabasePool`). */
export function nodeTransports(options: { onPool?: PoolHook } = {}): Transports {
  neonConfig.webSocketConstructor ??= DriverWebSocket as unknown as typeof WebSocket;
  return {
    pool: (config) => createPoolDb(config, options.onPool),
    http: createHttpDb,
    pglite: (config) => (config.pgliteThread === false ? createPgliteDb(config) : createPgliteThreadDb(config)),
  };
}
