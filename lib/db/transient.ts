/**
 * @module
 * Which failures are worth retrying. Only conditions that say "the database or
 * the path to it is briefly not there" qualify; a query that is simply wrong is
 * never retried.
 */

const TRANSIENT_SQLSTATES = new Set([
  "53300", // too_many_connections: the slots are full right now
  "53400", // configuration_limit_exceeded
  "57P01", // admin_shutdown: our backend was terminated; a new one will do
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now: starting up or shutting down
]);

const TRANSIENT_NODE_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "ENOTCONN", "EAI_AGAIN"]);

const TRANSIENT_MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /connection (?:was )?closed/i,
  /websocket/i,
  /socket hang up/i,
  /fetch failed/i,
  /error connecting to database/i,
  /server error \(http status 5\d\d\)/i,
  /client has encountered a connection error/i,
  /the database system is (?:starting up|shutting down|in recovery mode)/i,
];

/** The SQLSTATE of a driver error, if it carries one. */
export function sqlStateOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** The next error down: `cause`, or the `error` a WebSocket ErrorEvent wraps. */
function inner(err: unknown): unknown {
  const e = err as { cause?: unknown; error?: unknown };
  return e.cause ?? e.error;
}

/** A readable message for anything a driver may throw (ErrorEvents are not Errors). */
export function messageOf(err: unknown): string {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = inner(e), depth++) {
    const message = (e as { message?: unknown }).message;
    if (typeof message === "string" && message) return message;
  }
  return typeof err === "string" ? err : "unknown database error";
}

export function isTransient(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = inner(e), depth++) {
    const state = sqlStateOf(e);
    if (state) return TRANSIENT_SQLSTATES.has(state) || state.startsWith("08");
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && TRANSIENT_NODE_CODES.has(code)) return true;
    const message = (e as { message?: unknown }).message;
    if (typeof message === "string" && TRANSIENT_MESSAGES.some((re) => re.test(message))) return true;
  }
  return false;
}
