/**
 * @module
 * Runs the local Neon-compatible proxy until SIGINT/SIGTERM: `tsx scripts/neon-proxy.ts [--port N] [--host H]`.
 * Point the driver at it with `NEON_LOCAL_PROXY=127.0.0.1:PORT` (see lib/db/local-proxy.ts).
 */
import { parseArgs } from "node:util";
import { startNeonProxy } from "./neon-proxy/server";

const { values } = parseArgs({
  options: { port: { type: "string", default: "4444" }, host: { type: "string" } },
});
const proxy = await startNeonProxy({ port: Number(values.port), host: values.host });
console.log(`neon-proxy listening on ${proxy.address}`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void proxy.close().then(() => process.exit(0));
  });
}
