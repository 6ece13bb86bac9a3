/**
 * @module
 * `npm run reembed [-- --restart] [--batch 256]`: moves the configured database to the embedder the environment
 * configures now (EMBEDDING_PROVIDER / EMBEDDING_MODEL / EMBEDDING_DIMENSIONS), e.g. from `offline-hash-v1` to
 * the default `offline-hash-v2`. Resumable: run it again after an interruption. Then restart the service with
 * that configuration (an instance still on the old embedder is refused by the database from then on).
 */
import { parseArgs } from "node:util";
import { createEmbedderFromEnv } from "../lib/ai/index.js";
import { closeAllHandles } from "../lib/db/index.js";
import { reembedAll } from "../lib/ingest/reembed.js";
import { migrate } from "../lib/migrate/migrate.js";
import { nodeRuntime } from "../lib/runtime/node.js";
import { servicesFor } from "../lib/runtime/services.js";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: { restart: { type: "boolean" }, batch: { type: "string" } },
});
const env = { ...process.env, EMBEDDING_MODEL: process.env.EMBEDDING_MODEL || undefined };
const { db, config } = servicesFor(env, nodeRuntime());
const target = createEmbedderFromEnv(env);
try {
  await migrate(db);
  const result = await reembedAll(db, target, {
    restart: values.restart ?? false,
    batch: values.batch ? Number(values.batch) : 256,
    buildMemory: config.VECTOR_INDEX_BUILD_MEMORY,
    onBatch: (n) => process.stdout.write(`\r${n} chunks embedded with ${target.id}`),
  });
  console.log(
    result.switched
      ? `\nswitched to ${target.id} (${target.dimensions} dimensions); restart the service with this configuration`
      : result.embedded === 0
        ? `already on ${target.id}: nothing to do`
        : "\nnot switched yet (chunks kept arriving): run it again",
  );
} catch (err) {
  console.error(`reembed failed: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await closeAllHandles();
}
