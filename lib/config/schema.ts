/**
 * @module
 * The one configuration schema: every environment variable the service reads, grouped by concern, each
 * with its validation, default and description. Workers bindings and `process.env` go through the same
 * schema once per instance (`parseConfig`); the README's configuration table is generated from
 * `CONFIG_GROUPS` (`npm run docs:config`, checked by a test).
 */
import { z } from "zod";
import { AI_VARS, aiIssues, RERANK_VARS } from "./ai.js";
import { DATABASE_VARS } from "./database.js";
import { JOB_VARS, SOURCE_VARS } from "./jobs.js";
import { INGESTION_LIMIT_VARS, LOAD_LIMIT_VARS, UPLOAD_BUFFER_DEFAULT } from "./limits.js";
import { SEARCH_VARS } from "./search.js";
import { AUTH_VARS, SERVER_VARS } from "./service.js";

/** The concerns, in the order the README lists them. */
export const CONFIG_GROUPS = [
  { title: "Database", vars: DATABASE_VARS },
  { title: "Ingestion limits", vars: INGESTION_LIMIT_VARS },
  { title: "Load shedding", vars: LOAD_LIMIT_VARS },
  { title: "Search and ranking", vars: SEARCH_VARS },
  { title: "AI providers", vars: AI_VARS },
  { title: "Reranker", vars: RERANK_VARS },
  { title: "Auth", vars: AUTH_VARS },
  { title: "Server", vars: SERVER_VARS },
  { title: "Jobs", vars: JOB_VARS },
  { title: "Sources", vars: SOURCE_VARS },
] as const;

const VARIABLES = z.object({
  ...DATABASE_VARS,
  ...INGESTION_LIMIT_VARS,
  ...LOAD_LIMIT_VARS,
  ...SEARCH_VARS,
  ...AI_VARS,
  ...RERANK_VARS,
  ...AUTH_VARS,
  ...SERVER_VARS,
  ...JOB_VARS,
  ...SOURCE_VARS,
});

/** Whether this configuration runs on the embedded database (no server, `pglite` by choice or by default). */
export function usesEmbeddedDatabase(v: { DATABASE_URL?: string; DB_TRANSPORT?: string }): boolean {
  return !v.DATABASE_URL && (v.DB_TRANSPORT ?? "pglite") === "pglite";
}

export const EnvSchema = VARIABLES.superRefine(
  (v, ctx) => {
    for (const [name, message] of aiIssues(v)) ctx.addIssue({ code: "custom", path: [name], message });
  },
  // Also when another variable is bad, so one error names everything to fix.
  { when: (payload) => typeof payload.value === "object" && payload.value !== null },
).transform((v) => ({
  ...v,
  // The one default that depends on another variable (documented on UPLOAD_BUFFER_BYTES): one upload at a time
  // on the embedded database.
  UPLOAD_BUFFER_BYTES: v.UPLOAD_BUFFER_BYTES ?? (usesEmbeddedDatabase(v) ? v.MAX_UPLOAD_BYTES : UPLOAD_BUFFER_DEFAULT),
}));

export type Config = z.infer<typeof EnvSchema>;
