/**
 * @module
 * Configuration: background work — ingestion jobs (leases, retries, cron budget, the Node scheduler) and
 * the sources that keep themselves in sync (fetch limits, the private-address guard).
 */
import { z } from "zod";
import { flag, int, text, variable } from "./vars.js";

export const JOB_VARS = {
  JOB_LEASE_SECONDS: variable(int(1, 3600, 120), {
    description: "how long a claimed job is held before another run may take it over",
  }),
  JOB_MAX_ATTEMPTS: variable(int(1, 50, 5), {
    description: "attempts before a job fails; input errors (a corrupt PDF) fail at once",
  }),
  JOB_RETRY_BASE_SECONDS: variable(int(0, 3600, 5), {
    description: "first retry delay; doubles per attempt (capped at 10 minutes)",
  }),
  JOBS_BUDGET_MS: variable(int(100, 15 * 60_000, 25_000), {
    description: "time one cron run spends on jobs and source syncs (Workers cron handlers are time-limited)",
  }),
  ANALYZE_CHANGED_FRACTION: variable(z.coerce.number().min(0).max(10).default(0.1), {
    description:
      "when a job's commit leaves no ingestion job running or due, the runner analyzes (ANALYZE) each table that ingestion changed by more than this fraction of its rows (plus 50) since its last analysis, so search plans never wait for autovacuum (off on many servers, absent in PGlite); while more jobs are due, only tables that have doubled since (one analysis per doubling during a bulk load); `0` = off",
  }),
  JOBS_INTERVAL_MS: variable(int(0, 24 * 3_600_000, 60_000), {
    description:
      "the Node server's own scheduler and `npm run jobs`: run due jobs and source syncs every N ms (`0` = off)",
  }),
};

export const SOURCE_VARS = {
  SOURCE_MAX_BYTES: variable(int(1024, 512 * 1024 * 1024, 10 * 1024 * 1024), {
    description: "largest page, sitemap or feed a source fetch may read (enforced while streaming)",
    default: "10 MiB (ingestion Worker: 6 MiB)",
  }),
  SOURCE_FETCH_TIMEOUT_MS: variable(int(100, 300_000, 15_000), {
    description: "time limit of one source fetch, redirects and body included",
  }),
  SOURCE_ALLOW_PRIVATE: variable(flag(false), {
    description:
      "allow fetching non-public addresses (tests and closed networks only). Off, every address IANA's special-purpose registries mark not globally reachable is refused (private, loopback, link-local, CGNAT, documentation, benchmarking, reserved; IPv6 outside 2000::/3), and IPv4 wrapped in IPv6 (mapped, SIIT, NAT64 64:ff9b::/96, 6to4) is judged by the IPv4 address (lib/net/address.ts)",
  }),
  SOURCE_MAX_ITEMS: variable(int(1, 50_000, 500), {
    description:
      "most URLs one sitemap or feed source tracks, objects one bucket source tracks, and pages one crawl may reach; the rest are ignored (and reported)",
  }),
  SOURCE_LEASE_SECONDS: variable(int(10, 3600, 300), {
    description: "how long a sync holds a claimed source before another run may take it over",
  }),
  SOURCE_SECRET_KEY: variable(text(), {
    description:
      "base64 of 32 random bytes (`openssl rand -base64 32`): the AES-GCM key bucket sources' credentials are sealed with in the database. Without it, a bucket source with credentials is refused (422)",
    secret: true,
  }),
};
