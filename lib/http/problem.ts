/**
 * @module
 * RFC 7807 ProblemDetails, the error body Kernel Memory's clients expect.
 */
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export type Problem = {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  requestId?: string;
  [extension: string]: unknown;
};

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  413: "Payload Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
};

export function problemResponse(
  c: Context,
  status: ContentfulStatusCode,
  detail: string,
  extra: Partial<Problem> = {},
  headers: Record<string, string> = {},
): Response {
  const body: Problem = {
    type: `https://httpstatuses.io/${status}`,
    title: TITLES[status] ?? "Error",
    status,
    detail,
    instance: new URL(c.req.url).pathname,
    requestId: c.get("requestId"),
    ...extra,
  };
  return c.newResponse(JSON.stringify(body), status, {
    "content-type": "application/problem+json; charset=utf-8",
    ...headers,
  });
}
