/**
 * @module
 * `settings`: show an index's ranking settings; `--set key=value` changes one (repeatable; values are JSON, else
 * text), `--reset key` returns it to the service default.
 */
import { flag, listOption, type OptionValues, stringOption, UsageError } from "../args.js";
import type { MemoryClient } from "../client.js";
import type { Io } from "../io.js";

export async function settings(client: MemoryClient, args: string[], options: OptionValues, io: Io): Promise<number> {
  if (args.length > 0) throw new UsageError("settings takes no arguments (use --index, --set, --reset)");
  const index = stringOption(options, "index") ?? "default";
  const patch: Record<string, unknown> = {};
  for (const raw of listOption(options, "set")) {
    const eq = raw.indexOf("=");
    if (eq <= 0) throw new UsageError(`--set takes key=value, not "${raw}"`);
    patch[raw.slice(0, eq)] = jsonOrText(raw.slice(eq + 1));
  }
  for (const key of listOption(options, "reset")) patch[key] = null;
  const current =
    Object.keys(patch).length > 0 ? await client.patchSettings(index, patch) : await client.settings(index);
  if (flag(options, "json")) io.print(JSON.stringify(current, null, 2));
  else if (Object.keys(current).length === 0) io.print(`index ${index}: service defaults (no settings)`);
  else for (const [key, value] of Object.entries(current)) io.print(`${key}=${JSON.stringify(value)}`);
  return 0;
}

function jsonOrText(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
