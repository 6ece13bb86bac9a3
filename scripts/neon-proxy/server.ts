/**
 * @module
 * A local stand-in for Neon's proxy, so the Neon driver reaches plain Postgres on this machine over both of its
 * transports: WebSocket (`/v2?address=host:port`) and HTTP (`POST /sql`). Dev and test tooling, never product code.
 *
 * @example
 * const proxy = await startNeonProxy();
 * useLocalNeonProxy(proxy.address); // lib/db/local-proxy.ts
 * // ... use neon() / Pool as usual ...
 * await proxy.close();
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { CORS_HEADERS, createSqlEndpoint } from "./sql-endpoint";
import { createWsPassthrough } from "./ws-passthrough";

export interface NeonProxy {
  port: number;
  host: string;
  /** `host:port`, the argument `useLocalNeonProxy` takes. */
  address: string;
  /** Ends relayed sockets, the WebSocket and HTTP servers, and the pg pools. */
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 unless told otherwise; port 0 (the default) picks a free port. */
export async function startNeonProxy(opts: { port?: number; host?: string } = {}): Promise<NeonProxy> {
  const host = opts.host ?? "127.0.0.1";
  const sql = createSqlEndpoint();
  const ws = createWsPassthrough();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://proxy").pathname;
    if (req.method === "OPTIONS") res.writeHead(204, CORS_HEADERS).end();
    else if (req.method === "POST" && path === "/sql") void sql.handle(req, res);
    else res.writeHead(404, CORS_HEADERS).end();
  });
  server.on("upgrade", ws.handleUpgrade);
  server.on("clientError", (_err, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    port,
    host,
    address: `${host}:${port}`,
    async close() {
      ws.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sql.close();
    },
  };
}
