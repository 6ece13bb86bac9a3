/**
 * @module
 * Points the Neon driver at the project's local Neon-compatible proxy
 * (`scripts/neon-proxy.ts`). Development and test configuration only: the pool
 * and http transports apply it when their `DbConfig.localProxy` is set
 * (`NEON_LOCAL_PROXY`), never by default. The driver keeps these settings
 * process-wide, so one process talks to one proxy.
 */
import { neonConfig } from "@neondatabase/serverless";

/** `proxy` is `host:port` of the local proxy, e.g. `127.0.0.1:4444`. */
export function useLocalNeonProxy(proxy: string): void {
  neonConfig.wsProxy = (host, port) => `${proxy}/v2?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = false;
  // scram-sha-256 authentication breaks the driver's pipelined connect.
  neonConfig.pipelineConnect = false;
  neonConfig.pipelineTLS = false;
  neonConfig.fetchEndpoint = () => `http://${proxy}/sql`;
}
