/**
 * @module
 * Command-line parsing: `serverless-memory <command> [arguments] [options]`.
 * Options may come before or after the command; an option that does not belong
 * to the command is a usage error rather than silently ignored.
 */
import { parseArgs } from "node:util";
import { readLastServer } from "../../lib/node-host/last-server.js";

/** Wrong arguments: exit code 2, with the message and a pointer to `--help`. */
export class UsageError extends Error {}

export const COMMANDS = [
  "ingest",
  "search",
  "ask",
  "status",
  "indexes",
  "documents",
  "delete",
  "keys",
  "eval",
  "settings",
] as const;
export type CommandName = (typeof COMMANDS)[number];

type OptionSpec = { type: "string" | "boolean"; multiple?: boolean; short?: string };

const GLOBAL_OPTIONS = {
  url: { type: "string" },
  key: { type: "string" },
  help: { type: "boolean", short: "h" },
} satisfies Record<string, OptionSpec>;

const index = { type: "string", short: "i" } satisfies OptionSpec;
const filter = { type: "string", short: "f", multiple: true } satisfies OptionSpec;
const minRelevance = { type: "string" } satisfies OptionSpec;
const json = { type: "boolean" } satisfies OptionSpec;

const COMMAND_OPTIONS: Record<CommandName, Record<string, OptionSpec>> = {
  ingest: {
    index,
    tag: { type: "string", short: "t", multiple: true },
    "document-id-from": { type: "string" },
    force: { type: "boolean" },
    bulk: { type: "boolean" },
    concurrency: { type: "string" },
    timeout: { type: "string" },
    prune: { type: "boolean" },
    yes: { type: "boolean", short: "y" },
  },
  search: { index, filter, limit: { type: "string", short: "n" }, "min-relevance": minRelevance, json },
  ask: { index, filter, stream: { type: "boolean" }, "min-relevance": minRelevance, json },
  status: { index, json },
  indexes: { json },
  documents: { index, json },
  delete: { index },
  keys: { scope: { type: "string" }, pattern: { type: "string", short: "p", multiple: true }, json },
  eval: {
    index,
    qrels: { type: "string" },
    topics: { type: "string" },
    tune: { type: "boolean" },
    apply: { type: "boolean" },
    json,
  },
  settings: { index, set: { type: "string", multiple: true }, reset: { type: "string", multiple: true }, json },
};

const ALL_OPTIONS: Record<string, OptionSpec> = Object.assign({}, GLOBAL_OPTIONS, ...Object.values(COMMAND_OPTIONS));

export type OptionValues = Record<string, string | boolean | string[] | undefined>;

export type Invocation =
  | { help: true }
  | {
      help: false;
      command: CommandName;
      /** Positional arguments after the command name. */
      args: string[];
      options: OptionValues;
      url: string;
      key: string | undefined;
    };

export const DEFAULT_URL = "http://127.0.0.1:8787";

/** What `npm start` last printed (while it runs), else the port it would pick: `PORT`, else 8787. */
export function defaultUrl(env: NodeJS.ProcessEnv, cwd: string): string {
  const port = nonEmpty(env.PORT);
  return readLastServer(cwd) ?? (port && /^\d{1,5}$/.test(port) ? `http://127.0.0.1:${port}` : DEFAULT_URL);
}

export function parseInvocation(argv: string[], env: NodeJS.ProcessEnv, cwd: string = process.cwd()): Invocation {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof ALL_OPTIONS; allowPositionals: true; tokens: true }>>;
  try {
    parsed = parseArgs({ args: argv, options: ALL_OPTIONS, allowPositionals: true, strict: true, tokens: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const values = parsed.values as OptionValues;
  if (values.help === true) return { help: true };
  const [name, ...args] = parsed.positionals;
  if (name === undefined) throw new UsageError("a command is required");
  if (!(COMMANDS as readonly string[]).includes(name)) {
    throw new UsageError(`unknown command "${name}" (commands: ${COMMANDS.join(", ")})`);
  }
  const command = name as CommandName;
  for (const token of parsed.tokens) {
    if (token.kind !== "option") continue;
    if (!(token.name in GLOBAL_OPTIONS) && !(token.name in COMMAND_OPTIONS[command])) {
      throw new UsageError(`${token.rawName} is not an option of "${command}"`);
    }
  }
  const url = stringOption(values, "url") ?? nonEmpty(env.SERVERLESS_MEMORY_URL) ?? defaultUrl(env, cwd);
  const key = stringOption(values, "key") ?? nonEmpty(env.SERVERLESS_MEMORY_API_KEY);
  return { help: false, command, args, options: values, url, key };
}

export function stringOption(options: OptionValues, name: string): string | undefined {
  const value = options[name];
  return typeof value === "string" ? value : undefined;
}

export function listOption(options: OptionValues, name: string): string[] {
  const value = options[name];
  return Array.isArray(value) ? value : [];
}

export function flag(options: OptionValues, name: string): boolean {
  return options[name] === true;
}

/** An integer option within bounds, or the default when absent. */
export function intOption(options: OptionValues, name: string, fallback: number, min: number, max: number): number {
  const raw = stringOption(options, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, not "${raw}"`);
  }
  return value;
}

export function numberOption(options: OptionValues, name: string, min: number, max: number): number | undefined {
  const raw = stringOption(options, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be a number from ${min} to ${max}, not "${raw}"`);
  }
  return value;
}

/**
 * `key:value` pairs (`--tag`, `--filter`); the value may itself contain `:`.
 * A bare key is refused: on the command line it is almost always a typo.
 */
export function pairs(options: OptionValues, name: string): Array<[string, string]> {
  return listOption(options, name).map((raw) => {
    const colon = raw.indexOf(":");
    if (colon <= 0) throw new UsageError(`--${name} takes key:value, not "${raw}"`);
    return [raw.slice(0, colon), raw.slice(colon + 1)];
  });
}

/** Collects `key:value` pairs into Kernel Memory's `{ key: [values] }`. */
export function tagMap(entries: Array<[string, string]>): Record<string, string[]> {
  const map: Record<string, string[]> = {};
  for (const [key, value] of entries) {
    const values = map[key] ?? [];
    map[key] = values;
    if (!values.includes(value)) values.push(value);
  }
  return map;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}
