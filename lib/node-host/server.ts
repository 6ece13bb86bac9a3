/**
 * @module
 * Serves the app on Node's HTTP server. Shared by `functions/node.ts` and the
 * tests, so what the tests load is exactly what `npm start` runs.
 */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { closeAllHandles } from "../db/index.js";
import { type AppOptions, createApp } from "../http/app.js";
import { drainBackground } from "../runtime/background.js";
import type { RuntimeParts } from "../runtime/parts.js";
import { nodeApp } from "./node-app.js";
import { nodeStaticAssets } from "./static.js";

export type NodeServer = { port: number; url: string; close(): Promise<void> };

export async function startNodeServer(
  options: Partial<AppOptions> & { runtime: RuntimeParts; port?: number; hostname?: string },
): Promise<NodeServer> {
  const app = createApp({
    env: () => process.env,
    assets: nodeStaticAssets(),
    ...nodeApp(options.runtime),
    ...options,
  });
  const hostname = options.hostname ?? "127.0.0.1";
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: options.port ?? 8787, hostname }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://${hostname}:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      // Let background ingestion that requests started finish on the pool before it closes.
      await drainBackground(10_000);
      await closeAllHandles();
    },
  };
}
