/**
 * @module
 * Which pipeline step a failure of `prepareFile` belongs to. Apart from `prepare.ts` so the pipeline can read it
 * without loading the extractors and the tokenizer, which on Node run in the extraction thread only.
 */

/** The pipeline step a failure belongs to: chunking errors are the partition step's, the rest extraction's. */
export type PrepareStage = "extract" | "partition";

/** Marks which step an error belongs to (it survives the trip back from a worker thread). */
export function atStage(error: unknown, stage: PrepareStage): unknown {
  if (error instanceof Error) Object.assign(error, { stage });
  return error;
}

export function stageOf(error: unknown): PrepareStage {
  return (error as { stage?: unknown } | null)?.stage === "partition" ? "partition" : "extract";
}
