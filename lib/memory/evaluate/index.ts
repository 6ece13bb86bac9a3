/**
 * @module
 * Evaluation of an index on judged queries: parsing the judgements, the metrics, and the verb.
 */
export { EVAL_K, type EvaluateInput, type EvaluationReport, evaluateIndex } from "./evaluate.js";
export { describeSettings, TUNE_GRID } from "./grid.js";
export {
  type JudgedQuery,
  judgedFromJsonl,
  judgedFromObjects,
  judgedFromTrec,
  MAX_EVAL_QUERIES,
  MAX_JUDGED_PER_QUERY,
} from "./judgments.js";
