/**
 * @module
 * `ask <question>`: the answer, then its sources. With `--stream` the text is
 * printed as the server's SSE events arrive (`reset` starts the text over,
 * `append` adds to it, `last` ends it, `error` means it broke off).
 */
import { flag, numberOption, type OptionValues, pairs, stringOption, tagMap, UsageError } from "../args.js";
import { type Citation, type MemoryAnswer, type MemoryClient, OperationError } from "../client.js";
import { filtersFrom, formatCitations } from "../format.js";
import type { Io } from "../io.js";

export async function ask(client: MemoryClient, args: string[], options: OptionValues, io: Io): Promise<number> {
  const question = args.join(" ").trim();
  if (question === "") throw new UsageError("ask needs a question");
  const minRelevance = numberOption(options, "min-relevance", 0, 1);
  const query = {
    index: stringOption(options, "index") ?? null,
    question,
    filters: filtersFrom(tagMap(pairs(options, "filter"))),
    ...(minRelevance !== undefined ? { minRelevance } : {}),
  };
  const json = flag(options, "json");
  if (flag(options, "stream")) return streamed(client.askStream(query), json, io);

  const answer = await client.ask(query);
  if (json) io.print(JSON.stringify(answer, null, 2));
  else printAnswer(answer.text, answer, io);
  return 0;
}

async function streamed(events: AsyncIterable<MemoryAnswer>, json: boolean, io: Io): Promise<number> {
  let text = "";
  let sources: Citation[] = [];
  let final: MemoryAnswer | undefined;
  for await (const event of events) {
    if (json) io.print(JSON.stringify(event));
    if (event.relevantSources.length > 0) sources = event.relevantSources;
    if (event.streamState === "reset") {
      // The server started the text over; what was printed cannot be taken back, so start a new line.
      if (!json && text !== "") io.write("\n");
      text = event.text;
      if (!json) io.write(event.text);
    } else if (event.streamState === "append") {
      text += event.text;
      if (!json) io.write(event.text);
    }
    if (event.streamState === "last" || event.streamState === "error" || event.streamState === undefined) {
      final = event;
    }
  }
  if (!json && text !== "") io.write("\n");
  if (final === undefined) throw new OperationError("the answer stream ended before the answer was complete");
  if (final.streamState === "error") {
    throw new OperationError(`the answer broke off: ${final.noResultReason ?? "unknown error"}`);
  }
  if (!json) printAnswer(undefined, { ...final, text, relevantSources: sources }, io);
  return 0;
}

/** `text` undefined: it was already streamed to the terminal. */
function printAnswer(text: string | undefined, answer: MemoryAnswer, io: Io): void {
  if (text !== undefined) io.print(text);
  if (answer.noResult) {
    if (answer.noResultReason) io.warn(`no answer: ${answer.noResultReason}`);
    return;
  }
  if (answer.relevantSources.length === 0) return;
  io.print("");
  io.print("Cited documents:");
  for (const line of formatCitations(answer.relevantSources, false)) io.print(line);
}
