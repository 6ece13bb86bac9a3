/** @module The facts every result is recorded with: cores, memory, Node, PostgreSQL and pgvector versions. */
import os from "node:os";
import type pg from "pg";

export type MachineFacts = {
  cores: number;
  cpu: string;
  memoryGiB: number;
  node: string;
  postgres: string;
  pgvector: string;
};

export async function machineFacts(admin: pg.Client): Promise<MachineFacts> {
  const [{ rows: v }, { rows: ext }] = await Promise.all([
    admin.query<{ v: string }>("select current_setting('server_version') as v"),
    admin.query<{ v: string }>("select default_version as v from pg_available_extensions where name = 'vector'"),
  ]);
  return {
    cores: os.availableParallelism?.() ?? os.cpus().length,
    cpu: os.cpus()[0]?.model.trim() ?? "unknown",
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    postgres: v[0]?.v ?? "?",
    pgvector: ext[0]?.v ?? "?",
  };
}

export function describeMachine(m: MachineFacts): string {
  return `${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB, Node ${m.node}, PostgreSQL ${m.postgres}, pgvector ${m.pgvector}`;
}
