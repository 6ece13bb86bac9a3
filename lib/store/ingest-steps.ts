/**
 * @module
 * The memory store's SQL for a pipeline run's progress, shaped to save round trips: recording finished steps
 * rides along with the statement the run needs next anyway (the embedding-cache lookup, the cache write), and the
 * cache lookup returns only hashes, because the chunk write takes the vectors from the cache inside the database
 * instead of shipping them to the client and back.
 */
import type { Db } from "../db/index.js";
import type { PipelineStep } from "./records.js";

export type RunTarget = { index: string; documentId: string; generation: number };

/** memory_documents.completed_steps with the steps of the text[] expression `steps` appended once each, in order. */
export function completedWith(steps: string): string {
  return `array(select s from unnest(completed_steps) with ordinality as c(s, i) where s <> all(${steps}) order by i)
          || ${steps}`;
}

/** An UPDATE's SET list recording the steps of the text[] expression `param` as completed and no longer remaining. */
function recordSteps(param: string): string {
  return `completed_steps = ${completedWith(param)},
          remaining_steps = array(select s from unnest(remaining_steps) with ordinality as r(s, i)
                                    where s <> all(${param}) order by i),
          last_update = now()`;
}

const THIS_RUN = "index_name = $1 and document_id = $2 and generation = $3";

/** Records `steps` done and answers which of `hashes` already have an embedding in the index: one round trip. */
export async function recordStepsAndFindCached(
  db: Db,
  run: RunTarget,
  steps: readonly PipelineStep[],
  hashes: readonly string[],
): Promise<Set<string>> {
  const rows = await db.query<{ content_hash: string }>(
    `with recorded as (update memory_documents set ${recordSteps("$4::text[]")} where ${THIS_RUN})
     select content_hash from memory_embeddings where index_name = $1 and content_hash = any($5::text[])`,
    [run.index, run.documentId, run.generation, steps, hashes],
  );
  return new Set(rows.map((r) => r.content_hash));
}

const CACHE_SLICE = 200;

/**
 * Keeps freshly computed embeddings (so no crash or retry pays for them twice) and records `step` done with the
 * last slice.
 */
export async function cacheEmbeddings(
  db: Db,
  run: RunTarget,
  entries: ReadonlyArray<[hash: string, embedding: string]>,
  step: PipelineStep,
): Promise<void> {
  for (let i = 0; i < entries.length; i += CACHE_SLICE) {
    const slice = entries.slice(i, i + CACHE_SLICE);
    const hashes = slice.map(([h]) => h);
    const vectors = slice.map(([, e]) => e);
    const insert = (h: string, e: string) => `insert into memory_embeddings (index_name, content_hash, embedding)
      select $1, h, e::vector from unnest(${h}::text[], ${e}::text[]) as u(h, e)
      on conflict (index_name, content_hash) do nothing`;
    if (i + CACHE_SLICE < entries.length) await db.query(insert("$2", "$3"), [run.index, hashes, vectors]);
    else {
      await db.query(
        `with cached as (${insert("$4", "$5")})
         update memory_documents set ${recordSteps("array[$6]::text[]")} where ${THIS_RUN}`,
        [run.index, run.documentId, run.generation, hashes, vectors, step],
      );
    }
  }
}
