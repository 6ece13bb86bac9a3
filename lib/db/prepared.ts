/**
 * @module
 * Named prepared statements for the `pool` transport (`DB_PREPARED_STATEMENTS`, off by default). A long
 * parameterised statement — the hybrid search is ~25 kB — costs more to parse, analyse and plan than much of what
 * it then reads: with a named statement each connection parses it once, and after five executions PostgreSQL may
 * keep one generic plan (`plan_cache_mode = auto`, as for every JDBC client). The same results, faster: the
 * hybrid-scale bench's `prepared` columns (BENCHMARKS.md; docs/adr/0006-ranking-that-generalises.md).
 *
 * Off by default because a named statement is session state: a transaction-mode pooler that does not track them
 * (PgBouncer before 1.21, or 1.21+ with `max_prepared_statements = 0`) hands the server connection it lives on to
 * other clients. Names are the statement's own hash, so a statement found under a name is always that text; and
 * when the pooler shows it loses them (26000, the name is missing on the connection it picked; 42P05, another
 * client prepared it there first) the instance stops naming statements and runs that one unnamed: nothing fails.
 */
import { createHash } from "node:crypto";
import { sqlStateOf } from "./transient.js";

/** Statements shorter than this are cheap to prepare each time; only the long ones are named. */
const MIN_CHARS = 2048;
/**
 * Distinct statements one instance names at most: each holds ~3 MB of plan cache on every server connection it
 * ran on (the hybrid search's, measured in `pg_backend_memory_contexts`); past them, statements run unnamed.
 */
const MAX_STATEMENTS = 8;

export type Preparer = {
  /** The name to prepare `text` under, or undefined to run it unnamed. */
  nameFor(text: string, params: readonly unknown[] | undefined): string | undefined;
  /** Whether `err` says this connection's pooler loses named statements; if so, none are named from now on. */
  lost(err: unknown): boolean;
  readonly active: boolean;
};

export function createPreparer(enabled: boolean): Preparer {
  let active = enabled;
  const names = new Map<string, string>();
  return {
    nameFor(text, params) {
      // Without parameters the driver sends a simple query, which may hold several statements: never named.
      if (!active || !params?.length || text.length < MIN_CHARS) return undefined;
      const known = names.get(text);
      if (known || names.size >= MAX_STATEMENTS) return known;
      const name = `sm_${createHash("sha256").update(text).digest("hex").slice(0, 32)}`;
      names.set(text, name);
      return name;
    },
    lost(err) {
      const code = sqlStateOf(err);
      if (code !== "26000" && code !== "42P05") return false;
      active = false;
      return true;
    },
    get active() {
      return active;
    },
  };
}
