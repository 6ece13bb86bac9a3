/**
 * @module
 * The cl100k token counter, loaded on first use. Its tables cost ~30 MB of memory; a Node server partitions in
 * its extraction thread, so its own thread needs them only once it answers a question.
 *
 * @example
 * const countTokens = await loadTokenCounter();
 * countTokens("hello world"); // 2
 */

export type TokenCounter = (text: string) => number;

let counter: Promise<TokenCounter> | undefined;

export function loadTokenCounter(): Promise<TokenCounter> {
  counter ??= import("./tokenizer.js").then((m) => m.countTokens);
  return counter;
}
