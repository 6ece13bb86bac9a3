/**
 * @module
 * An `env.AI`-shaped binding for the OCR tests, usable in workerd and in Node: `run(model, inputs, options)` posts
 * the inputs to the fake vision server (`fake-vision-ai.ts`, on 127.0.0.1) and behaves like workerd's binding
 * (cloudflare/workerd `src/cloudflare/internal/ai-api.ts`): it returns the bare result and throws an
 * `InferenceUpstreamError` whose message is `"<code>: <description>"`, with no status or headers. Nothing here
 * reads pixels; the server does, with tesseract.js.
 */
export type FakeVisionBinding = {
  run(model: string, inputs: Record<string, unknown>, options?: Record<string, unknown>): Promise<unknown>;
};

class InferenceUpstreamError extends Error {
  override readonly name = "InferenceUpstreamError";
}

export function fakeVisionBinding(baseUrl: string): FakeVisionBinding {
  return {
    async run(model, inputs, options) {
      const signal = options?.signal instanceof AbortSignal ? options.signal : undefined;
      const res = await fetch(`${baseUrl}/run/${model}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(inputs),
        ...(signal ? { signal } : {}),
      });
      const body = (await res.json()) as { result?: unknown; errors?: Array<{ code: number; message: string }> };
      if (!res.ok) {
        const first = body.errors?.[0];
        throw new InferenceUpstreamError(first ? `${first.code}: ${first.message}` : `HTTP ${res.status}`);
      }
      return body.result;
    },
  };
}

/** What the fake server saw: calls per model, and the last inputs' prompt and image media type. */
export type FakeVisionCalls = { calls: number; lastPrompt?: string; lastImageType?: string };

export async function visionCalls(baseUrl: string): Promise<FakeVisionCalls> {
  return (await (await fetch(`${baseUrl}/calls`)).json()) as FakeVisionCalls;
}

/** The next `count` runs fail with this Workers AI internal code and message. */
export async function failNextVisionRuns(baseUrl: string, count: number, code: number, message: string) {
  await fetch(`${baseUrl}/fail`, { method: "POST", body: JSON.stringify({ count, code, message }) });
}

export async function resetVision(baseUrl: string): Promise<void> {
  await fetch(`${baseUrl}/reset`, { method: "POST" });
}
