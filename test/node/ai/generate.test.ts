import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  createOpenAICompatibleGenerator,
  createWorkersAIGenerator,
  GenerationFailed,
  type TextGenerator,
} from "../../../lib/ai/index";
import { type FakeOpenAI, startFakeOpenAI } from "../../helpers/fake-openai";
import {
  CAPACITY_EXCEEDED,
  createFakeAiBinding,
  type FakeWorkersAI,
  INTERNAL_ERROR,
  startFakeWorkersAI,
} from "../../helpers/fake-workers-ai";

const API_KEY = "sk-test-generate-0123456789SECRET";
const SYSTEM = "Answer only from the sources.";
const PROMPT = "Why does the pool never fan out?";
const ANSWER = `Echo: ${PROMPT}`;

async function collect(stream: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const delta of stream) out.push(delta);
  return out;
}

describe("OpenAI-compatible generator", () => {
  let fake: FakeOpenAI;
  let generator: TextGenerator;
  beforeAll(async () => {
    fake = await startFakeOpenAI({ apiKey: API_KEY });
    generator = createOpenAICompatibleGenerator({
      baseURL: fake.baseURL,
      apiKey: API_KEY,
      model: "gpt-4o-mini",
    });
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  it("generates with system and user messages and reports usage", async () => {
    expect(generator).toMatchObject({ id: "openai:gpt-4o-mini", maxInputTokens: 8000 });
    const result = await generator.generate({ system: SYSTEM, prompt: PROMPT, maxOutputTokens: 64 });
    expect(result).toEqual({ text: ANSWER, usage: { inputTokens: 12, outputTokens: 8 } });
    const [request] = fake.chatRequests();
    expect(request!.authorization).toBe(`Bearer ${API_KEY}`);
    expect(request!.body).toMatchObject({
      model: "gpt-4o-mini",
      max_tokens: 64,
      messages: [
        { role: "system", content: SYSTEM },
        { role: "user", content: PROMPT },
      ],
    });
  });

  it("streams deltas, then settles usage", async () => {
    const stream = generator.stream({ system: SYSTEM, prompt: PROMPT });
    expect(fake.chatRequests()).toHaveLength(0);
    const deltas = await collect(stream);
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join("")).toBe(ANSWER);
    expect(await stream.usage).toEqual({ inputTokens: 12, outputTokens: 8 });
    expect(fake.chatRequests()[0]!.body).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it("retries a 429 before the stream starts", async () => {
    fake.failNext(1, { status: 429, retryAfter: "0" });
    expect((await collect(generator.stream({ system: SYSTEM, prompt: PROMPT }))).join("")).toBe(ANSWER);
    expect(fake.chatRequests()).toHaveLength(2);
  });

  it("turns provider failures into GenerationFailed without the key", async () => {
    const wrongKey = "sk-wrong-generate-key-42424242";
    const bad = createOpenAICompatibleGenerator({
      baseURL: fake.baseURL,
      apiKey: wrongKey,
      model: "gpt-4o-mini",
    });
    const error = await bad.generate({ system: SYSTEM, prompt: PROMPT }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GenerationFailed);
    expect((error as Error).message).toMatch(/openai:gpt-4o-mini failed: provider answered 401/);
    expect((error as Error).message).not.toContain(wrongKey);

    const stream = bad.stream({ system: SYSTEM, prompt: PROMPT });
    await expect(collect(stream)).rejects.toBeInstanceOf(GenerationFailed);
    await expect(stream.usage).rejects.toBeInstanceOf(GenerationFailed);
  });

  it("gives up after its retries", async () => {
    fake.failNext(10, { status: 500, retryAfterMs: "0" });
    const error = await generator.generate({ system: SYSTEM, prompt: PROMPT }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GenerationFailed);
    expect(error).toMatchObject({ attempts: 3 });
    expect(fake.chatRequests()).toHaveLength(3);
  });

  it("reports an error event in the middle of a stream as GenerationFailed", async () => {
    fake.breakNextStream("The model crashed mid-answer");
    const stream = generator.stream({ system: SYSTEM, prompt: PROMPT });
    const seen: string[] = [];
    const error = await (async () => {
      for await (const delta of stream) seen.push(delta);
    })().catch((e: unknown) => e);
    expect(seen).toEqual(["Echo: "]);
    expect(error).toBeInstanceOf(GenerationFailed);
    expect((error as Error).message).toMatch(/The model crashed mid-answer/);
  });

  it("lets an abort surface as an abort, not as GenerationFailed", async () => {
    const controller = new AbortController();
    const stream = generator.stream({ system: SYSTEM, prompt: PROMPT, signal: controller.signal });
    const error = await (async () => {
      for await (const _ of stream) controller.abort();
    })().catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(GenerationFailed);
    expect((error as Error).name).toBe("AbortError");

    const aborted = AbortSignal.abort();
    const generateError = await generator
      .generate({ system: SYSTEM, prompt: PROMPT, signal: aborted })
      .catch((e: unknown) => e);
    expect((generateError as Error).name).toBe("AbortError");
  });

  it("resolves usage to what is known when the consumer stops early", async () => {
    const stream = generator.stream({ system: SYSTEM, prompt: PROMPT });
    for await (const _ of stream) break;
    expect(await stream.usage).toEqual({});
  });
});

describe("Workers AI generator (binding)", () => {
  let fake: FakeWorkersAI;
  beforeAll(async () => {
    fake = await startFakeWorkersAI();
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  const generator = () =>
    createWorkersAIGenerator({
      binding: createFakeAiBinding(fake),
      retry: { initialDelayMs: 1, maxDelayMs: 5 },
    });

  it("generates through run(model, { messages })", async () => {
    expect(generator()).toMatchObject({
      id: "workers-ai:@cf/meta/llama-3.1-8b-instruct",
      maxInputTokens: 6000,
    });
    const result = await generator().generate({ system: SYSTEM, prompt: PROMPT, maxOutputTokens: 100 });
    expect(result).toEqual({ text: ANSWER, usage: { inputTokens: 12, outputTokens: 8 } });
    expect(fake.runs[0]).toMatchObject({
      model: "@cf/meta/llama-3.1-8b-instruct",
      inputs: {
        max_tokens: 100,
        messages: [
          { role: "system", content: SYSTEM },
          { role: "user", content: PROMPT },
        ],
      },
    });
  });

  it("streams the binding's SSE ReadableStream and its usage", async () => {
    const stream = generator().stream({ system: SYSTEM, prompt: PROMPT });
    const deltas = await collect(stream);
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join("")).toBe(ANSWER);
    expect(await stream.usage).toEqual({ inputTokens: 12, outputTokens: 8 });
    expect(fake.runs[0]!.inputs.stream).toBe(true);
  });

  it("retries transient binding errors, for whole answers and streams", async () => {
    fake.failNext(1, CAPACITY_EXCEEDED);
    fake.failNext(1, INTERNAL_ERROR);
    expect((await generator().generate({ system: SYSTEM, prompt: PROMPT })).text).toBe(ANSWER);
    expect(fake.runs).toHaveLength(3);

    fake.failNext(1, CAPACITY_EXCEEDED);
    expect((await collect(generator().stream({ system: SYSTEM, prompt: PROMPT }))).join("")).toBe(ANSWER);
    expect(fake.runs).toHaveLength(5);
  });

  it("turns binding errors into GenerationFailed", async () => {
    fake.failNext(1, { status: 400, code: 5007, message: "No such model @cf/nope or task" });
    const error = await generator()
      .generate({ system: SYSTEM, prompt: PROMPT })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GenerationFailed);
    expect((error as Error).message).toMatch(/5007: No such model/);
    expect(fake.runs).toHaveLength(1);

    fake.failNext(10, CAPACITY_EXCEEDED);
    const stream = generator().stream({ system: SYSTEM, prompt: PROMPT });
    const streamError = await collect(stream).catch((e: unknown) => e);
    expect(streamError).toBeInstanceOf(GenerationFailed);
    expect(streamError).toMatchObject({ attempts: 5 });
  });
});
