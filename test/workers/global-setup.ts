/**
 * Node-side setup for the workerd suites: an isolated database, the local
 * Neon-compatible proxy (the `http` transport) and a private PgBouncer in
 * transaction mode standing in for Hyperdrive's pool (the `hyperdrive`
 * transport's `localConnectionString` points at it), handed to the Worker's
 * bindings through `provide`.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import { startNeonProxy } from "../../scripts/neon-proxy/server.js";
import { startCrawlSite } from "../helpers/crawl-site.js";
import { createTestDatabase, PG_PORT, uniqueAppName } from "../helpers/database.js";
import { startFakeVisionAI } from "../helpers/fake-vision-ai.js";
import { startPgBouncer } from "../helpers/pgbouncer.js";

/** Hyperdrive's pool size in the suites: the bound the backends must stay under. */
const BOUNCER_POOL_SIZE = 10;

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    databaseName: string;
    proxyAddress: string;
    applicationName: string;
    hyperdriveUrl: string;
    postgresPort: number;
    bouncerPort: number;
    bouncerPoolSize: number;
    /** `MAX_UPLOAD_BYTES` as wrangler.toml deploys the API Worker (the projects override it for their own needs). */
    workerUploadLimit: number;
    /** A small website on 127.0.0.1 that crawl sources read (test/helpers/crawl-site.ts). */
    crawlSiteUrl: string;
    /** A local vision model for the Workers AI OCR provider (test/helpers/fake-vision-ai.ts): images and `/run`. */
    visionAiUrl: string;
  }
}

/**
 * Miniflare's local Hyperdrive proxy pipes the Worker's socket to the database socket without an
 * `error` listener, so a connection reset on either side (a backend terminated by the fault suite,
 * a socket workerd drops when an isolate shuts down) is an uncaught exception that ends the whole
 * run. Resets are what the suites provoke on purpose; anything else still ends the run.
 */
function surviveSocketResets(): () => void {
  const onUncaught = (error: NodeJS.ErrnoException) => {
    if (error.code === "ECONNRESET" || error.code === "EPIPE") return;
    console.error(error);
    process.exit(1);
  };
  process.on("uncaughtException", onUncaught);
  return () => process.off("uncaughtException", onUncaught);
}

/** A top-level `[vars]` value of a wrangler config, as a number. */
function wranglerVar(config: string, name: string): number {
  const toml = readFileSync(fileURLToPath(new URL(`../../${config}`, import.meta.url)), "utf8");
  const value = new RegExp(`^${name}\\s*=\\s*"(\\d+)"`, "m").exec(toml)?.[1];
  if (!value) throw new Error(`${config} sets no ${name}`);
  return Number(value);
}

export default async function setup(project: TestProject) {
  // Swagger UI's files for /docs (public/docs/vendor/, not committed): wrangler's [build] command makes them
  // before `wrangler dev`/`deploy`, but the pool reads wrangler.toml without running it.
  execFileSync(process.execPath, [fileURLToPath(new URL("../../scripts/copy-docs-assets.mjs", import.meta.url))]);
  const stopSurviving = surviveSocketResets();
  const database = await createTestDatabase("smworkerd");
  const proxy = await startNeonProxy();
  const bouncer = await startPgBouncer({ poolSize: BOUNCER_POOL_SIZE });
  const crawlSite = await startCrawlSite();
  const visionAi = await startFakeVisionAI();
  project.provide("databaseUrl", database.url);
  project.provide("databaseName", database.name);
  project.provide("proxyAddress", proxy.address);
  project.provide("applicationName", uniqueAppName("workerd"));
  // Miniflare insists on a password; the local cluster trusts loopback and ignores it.
  project.provide(
    "hyperdriveUrl",
    `postgresql://postgres:local@127.0.0.1:${bouncer.port}/${database.name}?sslmode=disable`,
  );
  project.provide("postgresPort", PG_PORT);
  project.provide("bouncerPort", bouncer.port);
  project.provide("bouncerPoolSize", BOUNCER_POOL_SIZE);
  project.provide("workerUploadLimit", wranglerVar("wrangler.toml", "MAX_UPLOAD_BYTES"));
  project.provide("crawlSiteUrl", crawlSite.url);
  project.provide("visionAiUrl", visionAi.url);
  return async () => {
    stopSurviving();
    await visionAi.close();
    await crawlSite.close();
    await bouncer.close();
    await proxy.close();
    await database.drop();
  };
}
