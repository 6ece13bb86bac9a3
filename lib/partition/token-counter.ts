/**
 * @module
 * The token counter of answers, loaded on first use: on Node the cl100k counter, whose tables cost ~30 MB of
 * memory (a Node server partitions in its extraction thread, so its own thread needs them only once it answers a
 * question); in workerd (`#count-tokens`, package.json `imports`) the estimate that keeps the tokenizer out of the
 * API Worker's bundle.
 *
 * @example
 * const countTokens = await loadTokenCounter();
 * countTokens("hello world"); // 2
 */

export type TokenCounter = (text: string) => number;

let counter: Promise<TokenCounter> | undefined;

export function loadTokenCounter(): Promise<TokenCounter> {
  counter ??= import("#count-tokens").then((m) => m.countTokens);
  return counter;
}
