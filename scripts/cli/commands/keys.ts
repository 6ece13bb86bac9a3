/**
 * @module
 * `keys create <name> --scope <s> --pattern <p>…`, `keys list`, `keys revoke <id>`:
 * scoped API keys through the admin routes. The created key is printed once,
 * alone on stdout (`… | pbcopy` takes just the key); everything else goes to stderr.
 */
import { flag, listOption, type OptionValues, stringOption, UsageError } from "../args.js";
import type { ApiKey, MemoryClient } from "../client.js";
import type { Io } from "../io.js";

const SCOPES = ["read", "write", "admin"];

export async function keys(client: MemoryClient, args: string[], options: OptionValues, io: Io): Promise<number> {
  const [action, ...rest] = args;
  const json = flag(options, "json");
  if (action === "create") {
    if (rest.length !== 1) throw new UsageError('keys create takes exactly one name (quote it: "acme app")');
    const scope = stringOption(options, "scope");
    if (scope === undefined || !SCOPES.includes(scope)) throw new UsageError("--scope must be read, write or admin");
    const patterns = listOption(options, "pattern");
    const created = await client.createKey({ name: rest[0]!, scope, indexes: patterns.length ? patterns : ["*"] });
    if (json) io.print(JSON.stringify(created, null, 2));
    else {
      io.print(created.key);
      io.warn(`created ${created.id} (${describe(created)}). The key above is shown only now: store it safely.`);
    }
    return 0;
  }
  if (options.scope !== undefined || options.pattern !== undefined) {
    throw new UsageError("--scope and --pattern belong to keys create");
  }
  if (action === "list") {
    if (rest.length > 0) throw new UsageError("keys list takes no arguments");
    const { results } = await client.listKeys();
    if (json) io.print(JSON.stringify({ results }, null, 2));
    else if (results.length === 0) io.warn("no stored keys yet (API_KEYS from the environment are not listed)");
    else for (const key of results) io.print(`${key.id}  ${key.prefix}…  ${describe(key)}`);
    return 0;
  }
  if (action === "revoke") {
    if (rest.length !== 1) throw new UsageError("keys revoke takes exactly one key id (see keys list)");
    const revoked = await client.revokeKey(rest[0]!);
    if (json) io.print(JSON.stringify(revoked, null, 2));
    else io.print(`revoked ${revoked.id} (${revoked.name}) at ${revoked.revokedAt}`);
    return 0;
  }
  throw new UsageError("keys needs an action: create, list or revoke");
}

function describe(key: ApiKey): string {
  const state = key.revokedAt ? `revoked ${key.revokedAt}` : `last used ${key.lastUsedAt ?? "never"}`;
  return `"${key.name}", ${key.scope} on ${key.indexes.join(" ")}, ${state}`;
}
