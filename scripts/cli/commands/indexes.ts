/** @module `indexes`: the index names, one per line (easy to pipe). */
import { flag, type OptionValues, UsageError } from "../args.js";
import type { MemoryClient } from "../client.js";
import type { Io } from "../io.js";

export async function indexes(client: MemoryClient, args: string[], options: OptionValues, io: Io): Promise<number> {
  if (args.length > 0) throw new UsageError("indexes takes no arguments");
  const list = await client.indexes();
  if (flag(options, "json")) io.print(JSON.stringify(list, null, 2));
  else if (list.results.length === 0) io.warn("no indexes yet (the first upload creates one)");
  else for (const { name } of list.results) io.print(name);
  return 0;
}
