/** Which failures are retried, and how the budget ends. */
import { describe, expect, it } from "vitest";
import { DatabaseError, DatabaseUnavailable } from "../../../lib/db/errors.js";
import { withRetry } from "../../../lib/db/retry.js";
import { isTransient } from "../../../lib/db/transient.js";

const pgError = (code: string) => Object.assign(new Error(`pg ${code}`), { code });
const policy = { budgetMs: 200, baseDelayMs: 5, maxDelayMs: 40 };

describe("transient classification", () => {
  it.each(["53300", "53400", "57P01", "57P03", "08006", "08001"])("retries SQLSTATE %s", (code) => {
    expect(isTransient(pgError(code))).toBe(true);
  });
  it.each(["23505", "42P01", "22P02", "40001", "XX000"])("never retries SQLSTATE %s", (code) => {
    expect(isTransient(pgError(code))).toBe(false);
  });
  it("retries socket resets and connect failures, including wrapped ones", () => {
    expect(isTransient(Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }))).toBe(true);
    expect(isTransient(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(isTransient({ type: "error", error: Object.assign(new Error("x"), { code: "ECONNREFUSED" }) })).toBe(true);
    expect(isTransient(new Error("wrapper", { cause: pgError("53300") }))).toBe(true);
    expect(isTransient(new Error("syntax error at or near"))).toBe(false);
  });
});

describe("withRetry", () => {
  it("does not retry a non-transient error and wraps it with its code", async () => {
    let calls = 0;
    const err = await withRetry(async () => {
      calls++;
      throw pgError("23505");
    }, policy).catch((e: unknown) => e);
    expect(calls).toBe(1);
    expect(err).toBeInstanceOf(DatabaseError);
    expect((err as DatabaseError).code).toBe("23505");
  });

  it("retries transient errors until success", async () => {
    let calls = 0;
    const value = await withRetry(async () => {
      if (++calls < 3) throw pgError("57P01");
      return "ok";
    }, policy);
    expect(value).toBe("ok");
    expect(calls).toBe(3);
  });

  it("gives up with DatabaseUnavailable (with a Retry-After hint) when the budget is spent", async () => {
    let calls = 0;
    const err = await withRetry(async () => {
      calls++;
      throw pgError("53300");
    }, policy).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatabaseUnavailable);
    expect((err as DatabaseUnavailable).code).toBe("53300");
    expect((err as DatabaseUnavailable).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(calls).toBeGreaterThan(1);
  });

  it("with a zero budget, fails on the first transient error", async () => {
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw pgError("08006");
        },
        { ...policy, budgetMs: 0 },
      ),
    ).rejects.toBeInstanceOf(DatabaseUnavailable);
    expect(calls).toBe(1);
  });
});
