/** @module `search <query>`: matching documents, most relevant first, each with its best passage. */
import { flag, intOption, numberOption, type OptionValues, pairs, stringOption, tagMap, UsageError } from "../args.js";
import type { MemoryClient } from "../client.js";
import { filtersFrom, formatCitations } from "../format.js";
import type { Io } from "../io.js";

export async function search(client: MemoryClient, args: string[], options: OptionValues, io: Io): Promise<number> {
  const query = args.join(" ").trim();
  if (query === "") throw new UsageError("search needs a query");
  const minRelevance = numberOption(options, "min-relevance", 0, 1);
  // -n counts documents: the server's limit counts passages, so ask for its maximum and keep the first n documents.
  const documents = intOption(options, "limit", Number.POSITIVE_INFINITY, 1, 10_000);
  const found = await client.search({
    index: stringOption(options, "index") ?? null,
    query,
    filters: filtersFrom(tagMap(pairs(options, "filter"))),
    // -1: the server's configured maximum, as Kernel Memory's client sends it.
    limit: -1,
    ...(minRelevance !== undefined ? { minRelevance } : {}),
  });
  const result = { ...found, results: found.results.slice(0, documents) };
  if (flag(options, "json")) {
    io.print(JSON.stringify(result, null, 2));
    return 0;
  }
  if (result.noResult || result.results.length === 0) {
    io.print("no results");
    return 0;
  }
  for (const line of formatCitations(result.results, true)) io.print(line);
  return 0;
}
