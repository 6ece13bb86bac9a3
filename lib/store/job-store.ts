/**
 * @module
 * Every SQL statement of the ingestion job queue. A job is claimed by one
 * statement (`FOR UPDATE SKIP LOCKED` + a lease), so overlapping runs never
 * take the same job, and a job whose run died is taken over when its lease
 * expires.
 */
import type { Db, Statement } from "../db/index.js";
import { DEFERRED_INDEX_SETTING } from "./embedding-space.js";

export type Job = {
  id: string;
  index: string;
  documentId: string;
  generation: number;
  attempts: number;
  maxAttempts: number;
};

type JobRow = {
  id: string;
  index_name: string;
  document_id: string;
  generation: string | number;
  attempts: number;
  max_attempts: number;
};

const toJob = (r: JobRow): Job => ({
  id: r.id,
  index: r.index_name,
  documentId: r.document_id,
  generation: Number(r.generation),
  attempts: r.attempts,
  maxAttempts: r.max_attempts,
});

/**
 * Enqueues a document's job for its current generation, for the caller's batch (the upload's, so
 * an accepted upload is never without its job). Older generations' jobs are moot: their writes are
 * generation-guarded and would change nothing. The last statement returns the job's id and generation.
 */
export function enqueueJobStatements(index: string, documentId: string, maxAttempts: number): Statement[] {
  return [
    {
      text: `update memory_jobs set state = 'done', last_error = 'superseded by a newer upload', updated_at = now()
              where index_name = $1 and document_id = $2 and state in ('queued', 'running')`,
      params: [index, documentId],
    },
    {
      text: `insert into memory_jobs (index_name, document_id, generation, max_attempts)
             select $1, $2, generation, $3 from memory_documents where index_name = $1 and document_id = $2
             returning id::text as id, generation`,
      params: [index, documentId, maxAttempts],
    },
  ];
}

const CLAIMED = "returning id::text as id, index_name, document_id, generation, attempts, max_attempts";

/**
 * Claims up to `limit` due jobs: queued and due, or running with an expired lease. The claim itself counts as
 * an attempt, before any work starts, so a run that kills the process still used one; a job with no attempts
 * left is never claimed (`failExhaustedJobs` ends it).
 */
export async function claimDueJobs(
  db: Db,
  owner: string,
  limit: number,
  leaseSeconds: number,
  options: { fresh?: boolean } = {},
): Promise<Job[]> {
  const rows = await db.query<JobRow>(
    `update memory_jobs j
        set state = 'running', attempts = j.attempts + 1, lease_owner = $1,
            lease_until = now() + make_interval(secs => $3), updated_at = now()
      where j.id in (select id from memory_jobs
                      where ((state = 'queued' and run_after <= now()) or (state = 'running' and lease_until < now()))
                        and attempts < max_attempts and ($4::boolean is not true or attempts = 0)
                      order by run_after, id
                      limit $2
                      for update skip locked)
      ${CLAIMED}`,
    [owner, limit, leaseSeconds, options.fresh === true],
  );
  return rows.map(toJob);
}

/** Claims one specific job if nobody holds it (the upload's own background run). */
export async function claimJob(db: Db, id: string, owner: string, leaseSeconds: number): Promise<Job | undefined> {
  return (await claimJobs(db, [id], owner, leaseSeconds))[0];
}

/**
 * Claims those of the given jobs nobody holds (a bulk upload's own run, a queue batch). `fresh`: only jobs never
 * tried, so a job whose earlier run may have killed its process is never claimed beside others.
 */
export async function claimJobs(
  db: Db,
  ids: readonly string[],
  owner: string,
  leaseSeconds: number,
  options: { fresh?: boolean } = {},
): Promise<Job[]> {
  const rows = await db.query<JobRow>(
    `update memory_jobs j
        set state = 'running', attempts = j.attempts + 1, lease_owner = $2,
            lease_until = now() + make_interval(secs => $3), updated_at = now()
      where j.id in (select id from memory_jobs
                      where id = any($1::bigint[])
                        and ((state = 'queued' and run_after <= now()) or (state = 'running' and lease_until < now()))
                        and attempts < max_attempts and ($4::boolean is not true or attempts = 0)
                      for update skip locked)
      ${CLAIMED}`,
    [ids, owner, leaseSeconds, options.fresh === true],
  );
  return rows.map(toJob);
}

/**
 * Fails the jobs whose every attempt ended with the process gone (the run never recorded an outcome) and whose
 * last lease expired, with the step it was in, so one poisoned upload cannot crash-loop every instance. One
 * statement: the document shows the failure in the same commit that ends the job.
 */
export async function failExhaustedJobs(db: Db): Promise<number> {
  const rows = await db.query(
    `with dead as (
       select j.id, j.index_name, j.document_id, j.generation, j.attempts,
              coalesce(d.remaining_steps[1], 'extract') as step,
              (select string_agg(f.name, ', ' order by f.file_id) from memory_files f
                where f.index_name = j.index_name and f.document_id = j.document_id) as files
         from memory_jobs j
         join memory_documents d on d.index_name = j.index_name and d.document_id = j.document_id
        where ((j.state = 'queued' and j.run_after <= now()) or (j.state = 'running' and j.lease_until < now()))
          and j.attempts >= j.max_attempts
        for update of j skip locked
     ), described as (
       select dead.*, 'the ingestion process stopped while ' ||
              case step when 'extract' then 'extracting' when 'partition' then 'partitioning'
                        when 'gen_embeddings' then 'generating embeddings for' else 'saving' end ||
              coalesce(' ' || left(files, 300), ' the document') || ' in each of its ' || attempts ||
              ' attempts; attempts exhausted' as message
         from dead
     ), ended as (
       update memory_jobs j set state = 'failed', lease_until = null, last_error = described.message, updated_at = now()
         from described where j.id = described.id
       returning j.id
     )
     update memory_documents d
        set failed = true, error = jsonb_build_object('step', described.step, 'message', described.message),
            last_update = now()
       from described
      where d.index_name = described.index_name and d.document_id = described.document_id
        and d.generation = described.generation
     returning 1`,
  );
  return rows.length;
}

/** Only the lease holder may settle a job: a run that lost its lease changes nothing. */
const HELD = "id = $1::bigint and lease_owner = $2 and state = 'running'";

/**
 * Marks the jobs done (each with its note). `drained`: these were the last ingestion jobs running or due.
 * `buildIndex`: drained, and a first-time bulk load deferred the vector index (embedding-space.ts), so the caller
 * should build it now.
 */
export async function completeJobs(
  db: Db,
  jobs: ReadonlyArray<{ job: Job; note?: string }>,
  owner: string,
): Promise<{ buildIndex: boolean; drained: boolean }> {
  if (!jobs.length) return { buildIndex: false, drained: false };
  const rows = await db.query<{ deferred: boolean; drained: boolean }>(
    `update memory_jobs j set state = 'done', lease_until = null, last_error = u.note, updated_at = now()
       from unnest($1::bigint[], $3::text[]) as u(id, note)
      where j.id = u.id and j.lease_owner = $2 and j.state = 'running'
     returning exists (select 1 from memory_settings where key = '${DEFERRED_INDEX_SETTING}') as deferred,
               not exists (select 1 from memory_jobs o
                            where o.id <> all($1::bigint[])
                              and (o.state = 'running' or (o.state = 'queued' and o.run_after <= now())))
               as drained`,
    [jobs.map((j) => j.job.id), owner, jobs.map((j) => j.note ?? null)],
  );
  const drained = rows.some((r) => r.drained === true);
  return { buildIndex: drained && rows.some((r) => r.deferred === true), drained };
}

export async function retryJobLater(db: Db, job: Job, owner: string, error: string, delaySeconds: number) {
  await db.query(
    `update memory_jobs set state = 'queued', lease_until = null, last_error = $3,
            run_after = now() + make_interval(secs => $4), updated_at = now()
      where ${HELD}`,
    [job.id, owner, error, delaySeconds],
  );
}

export async function failJob(db: Db, job: Job, owner: string, error: string): Promise<void> {
  await db.query(
    `update memory_jobs set state = 'failed', lease_until = null, last_error = $3, updated_at = now() where ${HELD}`,
    [job.id, owner, error],
  );
}

export type JobCounts = Record<"queued" | "running" | "done" | "failed", number>;

export async function countJobs(db: Db): Promise<JobCounts> {
  const rows = await db.query<{ state: keyof JobCounts; n: number }>(
    "select state, count(*)::int as n from memory_jobs group by state",
  );
  const counts: JobCounts = { queued: 0, running: 0, done: 0, failed: 0 };
  for (const r of rows) counts[r.state] = r.n;
  return counts;
}

/** Finished jobs older than `days` are history nobody reads; failed ones stay visible. */
export async function pruneFinishedJobs(db: Db, days: number): Promise<number> {
  const rows = await db.query(
    "delete from memory_jobs where state = 'done' and updated_at < now() - make_interval(days => $1) returning 1",
    [days],
  );
  return rows.length;
}

/** The newest job of a document, as the queue sees it now (timestamps compared with the database's clock). */
export type JobProgress = {
  state: "queued" | "running" | "done" | "failed";
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  runAfter: Date;
  leaseUntil: Date | null;
  now: Date;
};

export async function latestJobOf(db: Db, index: string, documentId: string): Promise<JobProgress | undefined> {
  const [row] = await db.query<{
    state: JobProgress["state"];
    attempts: number;
    max_attempts: number;
    last_error: string | null;
    run_after: string | Date;
    lease_until: string | Date | null;
    now: string | Date;
  }>(
    `select state, attempts, max_attempts, last_error, run_after, lease_until, now() as now
       from memory_jobs where index_name = $1 and document_id = $2
      order by generation desc, id desc limit 1`,
    [index, documentId],
  );
  if (!row) return undefined;
  return {
    state: row.state,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    lastError: row.last_error,
    runAfter: new Date(row.run_after),
    leaseUntil: row.lease_until === null ? null : new Date(row.lease_until),
    now: new Date(row.now),
  };
}

/** Where a job stands for a queue message that could not claim it: settled, waiting, or held (seconds to wait). */
export type JobWait = { state: "done" | "failed" | "queued" | "running"; waitSeconds: number };

export async function jobWait(db: Db, id: string): Promise<JobWait | undefined> {
  const [row] = await db.query<{ state: JobWait["state"]; wait: number }>(
    `select state,
            greatest(0, ceil(extract(epoch from (case when state = 'running' then lease_until else run_after end) - now())))::int as wait
       from memory_jobs where id = $1::bigint`,
    [id],
  );
  return row && { state: row.state, waitSeconds: row.wait ?? 0 };
}

/**
 * The queue gave up on a job (its message reached the dead-letter queue): fail it, unless it finished or a live
 * lease says someone is running it right now. Returns the job when it was failed here.
 */
export async function abandonJob(db: Db, id: string, error: string): Promise<Job | undefined> {
  const rows = await db.query<JobRow>(
    `update memory_jobs set state = 'failed', lease_until = null, last_error = $2, updated_at = now()
      where id = $1::bigint
        and (state = 'queued' or (state = 'running' and lease_until < now()))
      ${CLAIMED}`,
    [id, error],
  );
  return rows[0] && toJob(rows[0]);
}
