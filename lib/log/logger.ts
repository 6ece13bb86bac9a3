/**
 * @module
 * One JSON line per event on stdout/stderr, the shape Workers Logs and
 * CloudWatch index. Values that look like credentials are masked before they
 * are written, so a connection string or key passed by mistake never lands in
 * a log.
 */

export type LogFields = Record<string, unknown>;
type Level = "debug" | "info" | "warn" | "error";

const SECRET_KEY = /pass(word)?|secret|token|api[-_]?key|authorization|connection[-_]?string|database[-_]?url/i;
const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#\s]+:)[^@/\s]+@/gi;

export function redact(value: unknown, key = "", depth = 0): unknown {
  if (key && SECRET_KEY.test(key)) return value == null ? value : "[redacted]";
  if (typeof value === "string") return value.replace(URL_CREDENTIALS, "$1[redacted]@");
  if (value instanceof Error) return { name: value.name, message: redact(value.message) };
  if (depth > 4 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, "", depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, k, depth + 1)]));
}

let minLevel: Level = "info";
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function setLogLevel(level: Level): void {
  minLevel = level;
}

function write(level: Level, event: string, fields: LogFields = {}): void {
  if (order[level] < order[minLevel]) return;
  const line = JSON.stringify({
    level,
    event,
    time: new Date().toISOString(),
    ...(redact(fields) as LogFields),
  });
  if (level === "error" || level === "warn") console.error(line);
  else console.log(line);
}

export const log = {
  debug: (event: string, fields?: LogFields) => write("debug", event, fields),
  info: (event: string, fields?: LogFields) => write("info", event, fields),
  warn: (event: string, fields?: LogFields) => write("warn", event, fields),
  error: (event: string, fields?: LogFields) => write("error", event, fields),
};
