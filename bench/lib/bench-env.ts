/** @module What every benchmark receives from `bench/run.ts`. */
import type pg from "pg";
import type { BenchArgs } from "./args.js";
import type { BenchReport } from "./report.js";

export type BenchEnv = {
  args: BenchArgs;
  /** A superuser connection to the `postgres` database, for sampling and setup. */
  admin: pg.Client;
  /** `host:port` of the local Neon proxy process the service reaches Postgres through. */
  proxy: string;
  log: (message: string) => void;
};

export type Bench = {
  name: string;
  summary: string;
  /**
   * What its figures depend on: its own file, bench/lib and the lib/ folders and functions/ entry points it runs.
   * A change to any of them after the commit a section ran on makes that section stale (test/node/suites/bench-fresh.test.ts).
   */
  measures: readonly string[];
  run(env: BenchEnv): Promise<BenchReport>;
};
