/**
 * @module
 * The CLI's entry (run by `scripts/cli.mjs`): parses the command line, runs
 * one command and sets the exit code — 0 success, 1 the operation failed,
 * 2 usage error. Expected failures print one readable line, never a stack.
 */
import { parseInvocation, UsageError } from "./args.js";
import { createClient, OperationError } from "./client.js";
import { ask } from "./commands/ask.js";
import { deleteDocuments } from "./commands/delete.js";
import { documents } from "./commands/documents.js";
import { evaluate } from "./commands/eval.js";
import { indexes } from "./commands/indexes.js";
import { ingest } from "./commands/ingest.js";
import { keys } from "./commands/keys.js";
import { search } from "./commands/search.js";
import { settings } from "./commands/settings.js";
import { status } from "./commands/status.js";
import { HELP } from "./help.js";
import { type Io, processIo } from "./io.js";

const COMMANDS = {
  ingest,
  search,
  ask,
  status,
  indexes,
  documents,
  delete: deleteDocuments,
  keys,
  eval: evaluate,
  settings,
} as const;

export async function main(argv: string[], env: NodeJS.ProcessEnv, io: Io): Promise<number> {
  try {
    const invocation = parseInvocation(argv, env, io.cwd);
    if (invocation.help) {
      io.write(HELP);
      return 0;
    }
    const client = createClient({ url: invocation.url, key: invocation.key });
    return await COMMANDS[invocation.command](client, invocation.args, invocation.options, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.warn(`serverless-memory: ${err.message}`);
      io.warn("Run `serverless-memory --help` for usage.");
      return 2;
    }
    if (err instanceof OperationError) {
      io.warn(`serverless-memory: ${err.message}`);
      return 1;
    }
    io.warn(`serverless-memory: unexpected error: ${(err as Error)?.stack ?? String(err)}`);
    return 1;
  }
}

// process.exitCode, not process.exit(): stdout may still be flushing into a pipe.
process.exitCode = await main(process.argv.slice(2), process.env, processIo());
