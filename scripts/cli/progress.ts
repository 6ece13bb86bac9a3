/**
 * @module
 * Progress of an `ingest` run. On a terminal: one bar on stderr (cli-progress),
 * with failures listed once it stops, since lines printed under a redrawn bar
 * get overwritten. Anywhere else (CI logs, pipes, tests): one plain line per
 * file on stdout, which reads well in a log and can be grepped.
 */
import cliProgress from "cli-progress";

export type Outcome = "new" | "updated" | "unchanged" | "failed";
export type FileResult = {
  relativePath: string;
  documentId: string;
  outcome: Outcome;
  /** Why it failed, or a note worth showing (e.g. no text could be extracted). */
  note?: string;
};

export type Progress = {
  start(total: number): void;
  done(result: FileResult): void;
  stop(): void;
};

export function createProgress(terminal: boolean, print: (line: string) => void): Progress {
  return terminal ? barProgress(print) : lineProgress(print);
}

export function describe(result: FileResult): string {
  const head = `${result.outcome.padEnd(9)} ${result.relativePath}`;
  if (result.outcome === "failed") return `${head}: ${result.note ?? "failed"}`;
  return `${head} → ${result.documentId}${result.note ? ` (${result.note})` : ""}`;
}

function lineProgress(print: (line: string) => void): Progress {
  let total = 0;
  let count = 0;
  return {
    start: (n) => {
      total = n;
    },
    done: (result) => {
      count++;
      print(`[${String(count).padStart(String(total).length)}/${total}] ${describe(result)}`);
    },
    stop: () => {},
  };
}

function barProgress(print: (line: string) => void): Progress {
  const bar = new cliProgress.SingleBar(
    { format: "ingest [{bar}] {value}/{total} {file}", hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  const noteworthy: FileResult[] = [];
  return {
    start: (total) => bar.start(total, 0, { file: "" }),
    done: (result) => {
      if (result.outcome === "failed" || result.note) noteworthy.push(result);
      bar.increment({ file: result.relativePath });
    },
    stop: () => {
      bar.stop();
      for (const result of noteworthy) print(describe(result));
    },
  };
}
