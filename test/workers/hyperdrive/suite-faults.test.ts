/**
 * Fault proof inside workerd over `hyperdrive`: while 150 searches run at 50
 * concurrency through the API Worker, every Postgres backend serving them is
 * terminated again and again (`pg_terminate_backend`, as a failover or an
 * admin would). No request may get a 500 or hang: each answers 200 or a 503
 * ProblemDetails with Retry-After; a request whose socket broke drops it and
 * retries on a fresh one, never on another request's. Once the faults stop,
 * every search succeeds again.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { runLoad } from "../../helpers/load.js";
import { checkProblem } from "../../helpers/suite-checks.js";
import { postJson } from "../worker-api.js";
import { SAMPLER, samplerDb, seedIndex } from "./backends.js";

const INDEX = "faults";
/** A search's deadline: PgBouncer's own waits (server_login_retry 15 s) twice over, and more. */
const ANSWER_MS = 60_000;

function answerWithin<T>(ms: number, what: string, answer: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([answer, late]).finally(() => clearTimeout(timer));
}

beforeAll(async () => {
  await seedIndex(INDEX, ["storm surges", "lighthouse keepers", "salt marshes"]);
});

/** Terminates every backend on the test database except the sampler's, every `everyMs`, until stopped. */
function terminator(everyMs: number) {
  let running = true;
  let terminated = 0;
  const loop = (async () => {
    while (running) {
      const rows = await samplerDb().query<{ ok: boolean }>(
        `select pg_terminate_backend(pid) as ok from pg_stat_activity
          where datname = current_database() and backend_type = 'client backend'
            and pid <> pg_backend_pid() and coalesce(application_name, '') <> $1`,
        [SAMPLER],
      );
      terminated += rows.filter((r) => r.ok).length;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return terminated;
    },
  };
}

describe("workerd faults over hyperdrive", () => {
  it("answers every search with 200 or a 503 ProblemDetails while backends are terminated, then recovers", async () => {
    const faults = terminator(250);
    const bad: string[] = [];
    const result = await runLoad(150, 50, async (i) => {
      // A search that never answers fails here, by number, not as the whole test's timeout (STACK_TRACE_ERROR).
      const res = await answerWithin(
        ANSWER_MS,
        `search #${i}`,
        postJson("/search", { index: INDEX, query: ["storm", "lighthouse", "marsh"][i % 3], limit: 3 }),
      );
      if (res.status !== 200) {
        const problem = await checkProblem(res.clone());
        if (res.status !== 503 || !problem.ok || !res.headers.get("retry-after")) {
          bad.push(`${res.status} ${problem.body.slice(0, 200)}`);
        }
      }
      return res;
    });
    const terminated = await answerWithin(ANSWER_MS, "the terminator's last round", faults.stop());
    const statuses = [...result.statuses.entries()].map(([s, n]) => `${s}×${n}`).join(" ");
    console.log(`[measured] workerd faults (hyperdrive): ${statuses}; ${terminated} backends terminated mid-load`);
    expect(terminated).toBeGreaterThan(0);
    expect(result.errors).toEqual([]);
    expect(bad).toEqual([]);
    // Only the searches in flight when their backend is terminated may fail (docs/adr/0005-overload.md): seven runs
    // answered 150/150; 80% keeps the margin for a busier machine.
    expect((result.statuses.get(200) ?? 0) / 150).toBeGreaterThanOrEqual(0.8);

    const after = await Promise.all(
      Array.from({ length: 30 }, () => postJson("/search", { index: INDEX, query: "storm", limit: 3 })),
    );
    expect(after.map((r) => r.status)).toEqual(after.map(() => 200));
  });
});
