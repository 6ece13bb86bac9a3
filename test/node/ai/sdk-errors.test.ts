/**
 * The AI layer tells the AI SDK's errors apart without loading the SDK (lib/ai/sdk-errors.ts). Its checks must give
 * the SDK's own `isInstance` answer on every value: real errors made by the installed package, other SDK errors,
 * and look-alikes that only resemble them by name, shape or an unregistered symbol.
 */
import { AISDKError, APICallError, InvalidArgumentError, NoSuchModelError, RetryError } from "ai";
import { describe, expect, it } from "vitest";
import { describeFailure } from "../../../lib/ai/errors";
import { isApiCallError, isRetryError } from "../../../lib/ai/sdk-errors";
import { isRetryableWorkersAIError } from "../../../lib/ai/workers-ai-binding";

const API_MARKER = Symbol.for("vercel.ai.error.AI_APICallError");
const RETRY_MARKER = Symbol.for("vercel.ai.error.AI_RetryError");

const apiCallError = (statusCode?: number) =>
  new APICallError({
    message: statusCode ? `status ${statusCode}` : "connection refused",
    url: "https://llm.example/v1/embeddings",
    requestBodyValues: {},
    ...(statusCode ? { statusCode } : {}),
  });
const retryError = (errors: unknown[]) =>
  new RetryError({ message: "retries spent", reason: "maxRetriesExceeded", errors });

const markedFunction = Object.assign(() => {}, { [API_MARKER]: true, [RETRY_MARKER]: true });

/** [label, value, is it an APICallError by the SDK's check, is it a RetryError by the SDK's check] */
const cases: Array<[string, unknown, boolean, boolean]> = [
  ["APICallError with a status", apiCallError(503), true, false],
  ["APICallError without a status", apiCallError(), true, false],
  ["RetryError of API call errors", retryError([apiCallError(429), apiCallError(503)]), false, true],
  ["RetryError of nothing", retryError([]), false, true],
  [
    "an AISDKError named like an API call error",
    new AISDKError({ name: "AI_APICallError", message: "m" }),
    false,
    false,
  ],
  ["another SDK error", new NoSuchModelError({ modelId: "m", modelType: "languageModel" }), false, false],
  ["an invalid-argument error", new InvalidArgumentError({ parameter: "p", value: 1, message: "m" }), false, false],
  ["an object inheriting from an APICallError", Object.create(apiCallError(500)), true, false],
  ["a plain object with both markers", { [API_MARKER]: true, [RETRY_MARKER]: true }, true, true],
  ["a marker that is not true", { [API_MARKER]: "true", [RETRY_MARKER]: 1 }, false, false],
  ["an unregistered symbol", { [Symbol("vercel.ai.error.AI_APICallError")]: true }, false, false],
  [
    "an Error shaped like one",
    Object.assign(new Error("x"), { name: "AI_APICallError", statusCode: 500, isRetryable: true }),
    false,
    false,
  ],
  ["a function carrying the markers", markedFunction, false, false],
  ["a plain Error", new Error("boom"), false, false],
  ["a string", "AI_APICallError", false, false],
  ["a number", 503, false, false],
  ["null", null, false, false],
  ["undefined", undefined, false, false],
];

describe("recognising AI SDK errors without the SDK", () => {
  it.each(cases)("agrees with the SDK on %s", (_label, value, api, retry) => {
    expect(APICallError.isInstance(value)).toBe(api);
    expect(RetryError.isInstance(value)).toBe(retry);
    expect(isApiCallError(value)).toBe(api);
    expect(isRetryError(value)).toBe(retry);
  });

  it("describes the SDK's failures by their status and attempts", () => {
    expect(describeFailure(retryError([apiCallError(429), apiCallError(503)]))).toEqual({
      detail: "provider answered 503: status 503",
      attempts: 2,
    });
    expect(describeFailure(apiCallError(401))).toEqual({ detail: "provider answered 401: status 401", attempts: 1 });
    expect(describeFailure(apiCallError())).toEqual({ detail: "connection refused", attempts: 1 });
  });

  it("retries Workers AI calls by the SDK error's own verdict", () => {
    expect(isRetryableWorkersAIError(apiCallError(429))).toBe(true);
    expect(isRetryableWorkersAIError(apiCallError(503))).toBe(true);
    expect(isRetryableWorkersAIError(apiCallError(400))).toBe(false);
    // Without a status the cause decides.
    const wrapped = new APICallError({ message: "m", url: "u", requestBodyValues: {}, cause: new Error("3040: busy") });
    expect(isRetryableWorkersAIError(wrapped)).toBe(true);
  });
});
