/**
 * @module
 * Command-line flags shared by every benchmark. Defaults are SMALL, so `npm run bench` finishes in minutes on two
 * cores; full sizes are opt-in (`--requests 10000 --concurrency 500`, `--vectors 1000000`).
 */
import { parseArgs } from "node:util";
import { HNSW_OPTIONS } from "../../lib/store/embedding-space.js";

export const DEFAULTS = {
  requests: 3000,
  concurrency: 300,
  poolMax: 10,
  baselineRoleLimit: 60,
  instances: 3,
  instancePoolMax: 4,
  instanceRequests: 1500,
  instanceConcurrency: 150,
  queries: 200,
  corpusMb: 2,
  vectors: 50_000,
  vectorQueries: 100,
  // The service's own index shape (lib/store/embedding-space.ts); other values are for choosing it.
  hnswM: HNSW_OPTIONS.m,
  hnswEfConstruction: HNSW_OPTIONS.efConstruction,
  hnswBits: 16,
  coldRuns: 5,
  queueJobs: 200,
  scaleChunks: 10_000,
} as const;

export type BenchArgs = { only?: string[] } & { -readonly [K in keyof typeof DEFAULTS]: number };

const FLAGS: Record<keyof typeof DEFAULTS, string> = {
  requests: "requests",
  concurrency: "concurrency",
  poolMax: "pool-max",
  baselineRoleLimit: "role-limit",
  instances: "instances",
  instancePoolMax: "instance-pool-max",
  instanceRequests: "instance-requests",
  instanceConcurrency: "instance-concurrency",
  queries: "queries",
  corpusMb: "corpus-mb",
  vectors: "vectors",
  vectorQueries: "vector-queries",
  hnswM: "hnsw-m",
  hnswEfConstruction: "hnsw-ef-construction",
  hnswBits: "hnsw-bits",
  coldRuns: "cold-runs",
  queueJobs: "queue-jobs",
  scaleChunks: "scale-chunks",
};

export function parseBenchArgs(argv: string[]): BenchArgs {
  const options = Object.fromEntries(Object.values(FLAGS).map((flag) => [flag, { type: "string" as const }]));
  const { values } = parseArgs({ args: argv, options: { ...options, only: { type: "string" } }, strict: true });
  const args = { ...DEFAULTS } as BenchArgs;
  for (const [key, flag] of Object.entries(FLAGS) as Array<[keyof typeof DEFAULTS, string]>) {
    const raw = (values as Record<string, string | undefined>)[flag];
    if (raw === undefined) continue;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${flag} needs a positive number, got ${raw}`);
    args[key] = n;
  }
  if (typeof values.only === "string")
    args.only = values.only
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
  return args;
}

/** The flags of `keys` that differ from their defaults, e.g. `10000req-500c`; empty when all are defaults. */
export function sizeTag(args: BenchArgs, keys: Array<keyof typeof DEFAULTS>): string {
  return keys
    .filter((k) => args[k] !== DEFAULTS[k])
    .map((k) => `${FLAGS[k]}=${args[k]}`)
    .join(",");
}
