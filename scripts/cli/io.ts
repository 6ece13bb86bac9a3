/**
 * @module
 * Where the CLI writes. Results go to stdout and diagnostics to stderr, so
 * `serverless-memory indexes | …` pipes only results. Passed to the commands
 * rather than reached for globally, which keeps them readable in isolation.
 */
export type Io = {
  /** The working folder (the ingest manifest lives under it). */
  cwd: string;
  /** stderr is a terminal: draw a progress bar instead of one line per file. */
  terminal: boolean;
  print(line: string): void;
  write(text: string): void;
  warn(line: string): void;
};

export function processIo(): Io {
  // `… | head` closes the pipe early; that is the reader being done, not an error worth a stack trace.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw err;
  });
  return {
    cwd: process.cwd(),
    terminal: process.stderr.isTTY === true,
    print: (line) => process.stdout.write(`${line}\n`),
    write: (text) => process.stdout.write(text),
    warn: (line) => process.stderr.write(`${line}\n`),
  };
}
