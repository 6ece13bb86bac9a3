/**
 * Inside workerd, the Workers AI clients load the AI SDK on their first call (lib/ai/sdk-workers-ai.ts, imported
 * dynamically) and then embed and generate through it. The binding is a stand-in for `env.AI` with the answer
 * shapes workers-ai-provider reads (Workers AI is a paid remote API).
 */
import { describe, expect, it } from "vitest";
import { createWorkersAIEmbedder, createWorkersAIGenerator, type WorkersAIBinding } from "../../../lib/ai/index.js";

const calls: Array<{ model: string; inputs: Record<string, unknown> }> = [];
const binding: WorkersAIBinding = {
  async run(model, inputs) {
    calls.push({ model, inputs });
    if (Array.isArray(inputs.text)) {
      const texts = inputs.text as string[];
      return { shape: [texts.length, 384], data: texts.map((_, i) => Array.from({ length: 384 }, () => i + 1)) };
    }
    return { response: "from the binding", usage: { prompt_tokens: 7, completion_tokens: 3 } };
  },
};

describe("Workers AI clients in workerd", () => {
  it("embed after loading the SDK on first use", async () => {
    const embedder = createWorkersAIEmbedder({ binding });
    expect(calls).toHaveLength(0);
    const vectors = await embedder.embed(["a", "b"]);
    expect(vectors.map((v) => [v.length, v[0]])).toEqual([
      [384, 1],
      [384, 2],
    ]);
    expect(calls.at(-1)).toMatchObject({ model: "@cf/baai/bge-small-en-v1.5", inputs: { text: ["a", "b"] } });
  });

  it("generate after loading the SDK on first use", async () => {
    const generator = createWorkersAIGenerator({ binding });
    const answer = await generator.generate({ system: "s", prompt: "p" });
    expect(answer).toEqual({ text: "from the binding", usage: { inputTokens: 7, outputTokens: 3 } });
    expect(calls.at(-1)?.model).toBe("@cf/meta/llama-3.1-8b-instruct");
  });
});
