/** @module Every benchmark, in the order `npm run bench` runs them (bench/run.ts; the freshness guard reads it). */
import { coldstart } from "./coldstart.js";
import { embedded } from "./embedded.js";
import { fanout } from "./fanout.js";
import { hybridScale } from "./hybrid-scale.js";
import { ingest } from "./ingest.js";
import { instances } from "./instances.js";
import type { Bench } from "./lib/bench-env.js";
import { pooler } from "./pooler.js";
import { queue } from "./queue.js";
import { replica } from "./replica.js";
import { retrieval } from "./retrieval.js";
import { search } from "./search.js";
import { vectors } from "./vectors.js";
import { workers } from "./workers.js";
import { workersMemory } from "./workers-memory.js";

export const BENCHES: readonly Bench[] = [
  fanout,
  instances,
  pooler,
  replica,
  search,
  ingest,
  queue,
  vectors,
  coldstart,
  retrieval,
  hybridScale,
  workers,
  workersMemory,
  embedded,
];
