/**
 * @module
 * Builds `Db` handles of each network transport against a test database,
 * through the local Neon proxy, exactly as the service would.
 */
import type { DbConfig } from "../../lib/db/config.js";
import { nodeTransports } from "../../lib/db/node.js";
import type { Db, Transport } from "../../lib/db/types.js";

// The Node runtime's transports, as its composition root builds them (the pool's WebSocket included).
const transports = nodeTransports();

export function dbConfig(url: string, overrides: Partial<DbConfig> = {}): DbConfig {
  return {
    transport: "pool",
    url,
    poolMax: 5,
    idleTimeoutMs: 10_000,
    connectTimeoutMs: 10_000,
    applicationName: "sm-test",
    retry: { budgetMs: 500, baseDelayMs: 20, maxDelayMs: 200 },
    ...overrides,
  };
}

export function networkDb(transport: Exclude<Transport, "pglite">, proxyAddress: string, config: DbConfig): Db {
  const local = { ...config, transport, localProxy: proxyAddress };
  return transport === "pool" ? transports.pool!(local) : transports.http!(local);
}
