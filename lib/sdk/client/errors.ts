/**
 * @module
 * What the client throws. A non-2xx answer becomes a `ProblemError` carrying the server's RFC 7807 body
 * (`type`, `title`, `status`, `detail`, and `errors` when the server names the bad fields or lines) and the
 * `Retry-After` header in seconds, so a caller can back off exactly as long as the server asked.
 */
import type { ProblemBody } from "./types.js";

export class ProblemError extends Error {
  override readonly name = "ProblemError";
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail: string | undefined;
  /** Per-field or per-line problems, when the server lists them (e.g. the bad lines of a bulk upload). */
  readonly errors: unknown;
  /** Seconds to wait before retrying, from `Retry-After` (delta-seconds or an HTTP date); undefined when absent. */
  readonly retryAfter: number | undefined;
  readonly requestId: string | undefined;
  /** The whole body as received (a proxy's non-JSON error page becomes `{ detail: <start of the text> }`). */
  readonly problem: ProblemBody;

  constructor(problem: ProblemBody, retryAfter?: number) {
    super(`${problem.status} ${problem.title}${problem.detail ? `: ${problem.detail}` : ""}`);
    this.problem = problem;
    this.status = problem.status;
    this.type = problem.type;
    this.title = problem.title;
    this.detail = problem.detail;
    this.errors = problem.errors;
    this.retryAfter = retryAfter;
    this.requestId = problem.requestId;
  }
}

/** `waitForDocument` ran out of time; `status` is the last one seen (undefined: the server had none). */
export class WaitTimeoutError extends Error {
  override readonly name = "WaitTimeoutError";
  constructor(
    message: string,
    readonly status: unknown,
  ) {
    super(message);
  }
}

/** Builds the error for a failed response; reads the body once. */
export async function problemFrom(res: Response): Promise<ProblemError> {
  const text = await res.text().catch(() => "");
  let body: Partial<ProblemBody> = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) body = parsed as ProblemBody;
  } catch {
    body = text.trim() === "" ? {} : { detail: text.trim().slice(0, 500) };
  }
  const problem: ProblemBody = {
    ...body,
    type: typeof body.type === "string" ? body.type : "about:blank",
    title: typeof body.title === "string" ? body.title : res.statusText || `HTTP ${res.status}`,
    status: typeof body.status === "number" ? body.status : res.status,
  };
  return new ProblemError(problem, retryAfterSeconds(res.headers.get("retry-after")));
}

export function retryAfterSeconds(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now) / 1000));
}
