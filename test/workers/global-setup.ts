/**
 * Node-side setup for the workerd suites: an isolated database and the local
 * Neon-compatible proxy, handed to the Worker's bindings through `provide`.
 */
import type { TestProject } from "vitest/node";
import { startNeonProxy } from "../../scripts/neon-proxy/server.js";
import { createTestDatabase, uniqueAppName } from "../helpers/database.js";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    proxyAddress: string;
    applicationName: string;
  }
}

export default async function setup(project: TestProject) {
  const database = await createTestDatabase("smworkerd");
  const proxy = await startNeonProxy();
  project.provide("databaseUrl", database.url);
  project.provide("proxyAddress", proxy.address);
  project.provide("applicationName", uniqueAppName("workerd"));
  return async () => {
    await proxy.close();
    await database.drop();
  };
}
