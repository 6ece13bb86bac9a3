/**
 * @module
 * Counting Postgres backends: a sampler over `pg_stat_activity` (peak and every distinct backend seen, by
 * `application_name` prefix), and `pg_stat_database.sessions`, which counts every session a database ever had,
 * including ones too short-lived for any sampler to see.
 */
import type pg from "pg";

export type BackendSample = {
  peak: number;
  /** Peak per application_name. */
  peakByApp: Map<string, number>;
  /** Distinct backends seen, as `pid@backend_start`. */
  seen: Set<string>;
  samples: number;
};

/** Samples every `everyMs` until stopped; at most `maxMs` as a safety bound. */
export function sampleBackends(admin: pg.Client, appPrefix: string, everyMs = 10, maxMs = 20 * 60_000) {
  const sample: BackendSample = { peak: 0, peakByApp: new Map(), seen: new Set(), samples: 0 };
  let running = true;
  const until = Date.now() + maxMs;
  const loop = (async () => {
    while (running && Date.now() < until) {
      const { rows } = await admin.query<{ pid: number; started: string; app: string }>(
        `select pid, backend_start::text as started, application_name as app
           from pg_stat_activity where application_name like $1 || '%'`,
        [appPrefix],
      );
      sample.samples++;
      sample.peak = Math.max(sample.peak, rows.length);
      const byApp = new Map<string, number>();
      for (const r of rows) {
        sample.seen.add(`${r.pid}@${r.started}`);
        byApp.set(r.app, (byApp.get(r.app) ?? 0) + 1);
      }
      for (const [app, n] of byApp) sample.peakByApp.set(app, Math.max(sample.peakByApp.get(app) ?? 0, n));
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  // A lost admin connection ends sampling; stop() then reports it instead of an unhandled rejection.
  const done = loop.then(
    () => undefined,
    (err: unknown) => err as Error,
  );
  return {
    current: () => sample,
    stop: async () => {
      running = false;
      const error = await done;
      if (error) throw new Error(`backend sampler failed: ${error.message}`);
      return sample;
    },
  };
}

/** Sessions ever established to `database` (Postgres 14+). Backends report it asynchronously: settle first. */
export async function sessionsOf(admin: pg.Client, database: string): Promise<number> {
  await admin.query("select pg_stat_clear_snapshot()");
  const { rows } = await admin.query<{ sessions: string }>(
    "select sessions::text from pg_stat_database where datname = $1",
    [database],
  );
  return Number(rows[0]?.sessions ?? 0);
}

export const settle = (ms = 1_500) => new Promise((r) => setTimeout(r, ms));
