/**
 * @module
 * `npm run migrate`: applies pending migrations to the configured database
 * (the same code that runs on first use when AUTO_MIGRATE is on).
 */

import { closeAllHandles } from "../lib/db/index.js";
import { exitCodeFor } from "../lib/errors.js";
import { migrate } from "../lib/migrate/migrate.js";
import { nodeRuntime } from "../lib/runtime/node.js";
import { servicesFor } from "../lib/runtime/services.js";

const { db } = servicesFor(process.env, nodeRuntime());
try {
  const result = await migrate(db);
  console.log(
    `migrations: applied ${result.applied.length} (${result.applied.join(", ") || "none"}), already applied ${result.alreadyApplied.length}`,
  );
} catch (err) {
  console.error(`migrate failed: ${(err as Error).message}`);
  process.exitCode = exitCodeFor(err);
} finally {
  await closeAllHandles();
}
