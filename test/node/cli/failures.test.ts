/**
 * The CLI's failures as a user meets them (a child process against the real Node server): a rejected key, a server
 * that is down, usage errors (exit 2 with a pointer to --help), and --help itself.
 */
import { describe, expect, it } from "vitest";
import { cliIn, closedPort, useCliStack } from "../../helpers/cli-run.js";

const fx = useCliStack();
const { cli } = cliIn(fx);

describe("failures", () => {
  it("a rejected or missing API key exits 1 with a hint, and never prints the key", async () => {
    const wrong = "wrong-key-do-not-print";
    const run = await cli(["indexes", "--url", fx.api.url, "--key", wrong]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/GET \/indexes answered 401: .*--key/);
    expect(run.stdout + run.stderr).not.toContain(wrong);
    const missing = await cli(["indexes", "--url", fx.api.url], { SERVERLESS_MEMORY_API_KEY: "" });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("401");
  });

  it("a server that is down exits 1 with a readable message", async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const run = await cli(["ingest", "notes", "--url", url]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`cannot reach the server at ${url} (ECONNREFUSED). Is it running?`);
    expect(run.stderr).not.toContain("    at ");
  });

  it.each([
    [[], "a command is required"],
    [["teleport"], 'unknown command "teleport"'],
    [["ingest"], "ingest needs at least one file or folder"],
    [["ingest", "no-such-folder"], "no such file or folder: no-such-folder"],
    [["ingest", "notes", "--document-id-from", "random"], "--document-id-from takes path or hash"],
    [["search"], "search needs a query"],
    [["search", "q", "--limit", "many"], "--limit must be a whole number"],
    [["search", "q", "--stream"], '--stream is not an option of "search"'],
    [["ask", "q", "--filter", "novalue"], "--filter takes key:value"],
    [["indexes", "--bogus"], "Unknown option '--bogus'"],
    [["indexes", "--url", "not a url"], "--url is not a URL"],
  ])("usage error %j exits 2", async (args, message) => {
    const run = await cli(args as string[]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain("--help");
  });

  it("--help prints the usage and exits 0", async () => {
    const run = await cli(["--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage:/m);
    for (const command of ["ingest", "search", "ask", "status", "indexes", "documents", "delete", "--prune"]) {
      expect(run.stdout).toContain(command);
    }
  });
});
