/**
 * How the client reads a failed response: RFC 7807 fields, `errors`, and `Retry-After` in both of its forms
 * (delta-seconds, HTTP date), and a body that is not ProblemDetails (a proxy's page) still gives a usable error.
 */
import { describe, expect, it } from "vitest";
import { problemFrom, retryAfterSeconds } from "../../../lib/sdk/client/errors.js";

const problemJson = { "content-type": "application/problem+json" };

describe("ProblemError from a response", () => {
  it("carries the body's fields, its errors and Retry-After seconds", async () => {
    const body = {
      type: "https://httpstatuses.io/400",
      title: "Bad Request",
      status: 400,
      detail: "line 3: bad",
      errors: [{ line: 3 }],
    };
    const err = await problemFrom(new Response(JSON.stringify(body), { status: 400, headers: problemJson }));
    expect(err).toMatchObject({ status: 400, title: "Bad Request", detail: "line 3: bad", errors: [{ line: 3 }] });
    expect(err.retryAfter).toBeUndefined();
    const busy = await problemFrom(
      new Response(JSON.stringify({ type: "t", title: "Service Unavailable", status: 503 }), {
        status: 503,
        headers: { ...problemJson, "retry-after": "7" },
      }),
    );
    expect(busy.retryAfter).toBe(7);
    expect(busy.message).toBe("503 Service Unavailable");
  });

  it("reads an HTTP-date Retry-After relative to now, never negative, and ignores garbage", () => {
    const now = Date.parse("2026-12-06T12:00:00Z");
    expect(retryAfterSeconds("Sun, 06 Dec 2026 12:00:30 GMT", now)).toBe(30);
    expect(retryAfterSeconds("Sun, 06 Dec 2026 11:00:00 GMT", now)).toBe(0);
    expect(retryAfterSeconds("soon", now)).toBeUndefined();
    expect(retryAfterSeconds(null, now)).toBeUndefined();
  });

  it("turns a non-JSON error page into a problem with the page's start as its detail", async () => {
    const err = await problemFrom(
      new Response("<html>502 Bad Gateway</html>", { status: 502, statusText: "Bad Gateway" }),
    );
    expect(err).toMatchObject({
      status: 502,
      title: "Bad Gateway",
      type: "about:blank",
      detail: "<html>502 Bad Gateway</html>",
    });
  });
});
