/**
 * @module
 * Token-aware partitioning of extracted text into embedding-sized chunks. Framework-free; runs on Workers and Node.
 */

export { InvalidPartitionOptions } from "./errors.js";
export {
  DEFAULT_PARTITION,
  KM_ARGS,
  MAX_TOKENS_CEILING,
  type PartitionOptions,
  partitionOptionsFromArgs,
  resolvePartitionOptions,
} from "./options.js";
export { type Chunk, partition } from "./partition.js";
export { countTokens } from "./tokenizer.js";
