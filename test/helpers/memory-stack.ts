/**
 * @module
 * The setup the database-backed memory tests share, registered as their beforeAll/afterAll: a fresh test database
 * behind the local Neon proxy and, with `useMemoryStack`, a MemoryContext over it on the pool transport. Afterwards
 * every handle is closed, the proxy stopped and the database dropped. The returned object is filled in beforeAll:
 * read it in hooks and tests, not at module level.
 */
import { afterAll, beforeAll } from "vitest";
import { closeAllHandles } from "../../lib/db/index.js";
import { type NeonProxy, startNeonProxy } from "../../scripts/neon-proxy/server.js";
import { createTestDatabase, type TestDatabase } from "./database.js";
import { memoryContext } from "./memory.js";

export type DatabaseStack = { database: TestDatabase; proxy: NeonProxy };

/** A test database named after `prefix`, and the local Neon proxy. */
export function useTestDatabase(prefix: string): DatabaseStack {
  const fx = {} as DatabaseStack;
  beforeAll(async () => {
    fx.database = await createTestDatabase(prefix);
    fx.proxy = await startNeonProxy();
  });
  afterAll(async () => {
    await closeAllHandles();
    await fx.proxy?.close();
    await fx.database?.drop();
  });
  return fx;
}

/** What connects an instance to the stack's database: through the proxy, on the pool transport. */
export const poolEnv = (stack: DatabaseStack) => ({
  DATABASE_URL: stack.database.url,
  DB_TRANSPORT: "pool",
  NEON_LOCAL_PROXY: stack.proxy.address,
});

export type MemoryStack = DatabaseStack &
  Awaited<ReturnType<typeof memoryContext>> & {
    /** The environment the context was built from (for another instance of the same configuration). */
    env: Record<string, string>;
  };

/** `useTestDatabase`, and a MemoryContext over it: `env` (DB_APPLICATION_NAME at least) on top of the database's. */
export function useMemoryStack(
  prefix: string,
  env: Record<string, string> & { DB_APPLICATION_NAME: string },
): MemoryStack {
  const fx = useTestDatabase(prefix) as MemoryStack;
  beforeAll(async () => {
    fx.env = { ...poolEnv(fx), ...env };
    Object.assign(fx, await memoryContext(fx.env));
  });
  return fx;
}
