/**
 * An AI SDK agent with serverless-memory's `search` tool. The model here is the AI SDK's own mock
 * (`MockLanguageModelV3` from `ai/test`) scripted like a careful agent: it first calls `search` with the user's
 * question, then answers from the passage it got back, citing the document. Nothing paid is called; swap `model`
 * for a real provider (`openai("gpt-4o-mini")`, Workers AI, …) and the same tools work unchanged.
 *
 *   npm start                       # in another terminal
 *   npx tsx examples/ai-sdk-agent.ts "Which fruit is yellow?"
 */
import { generateText, stepCountIs } from "ai";
import { MockLanguageModelV3 } from "ai/test";
import { memoryTools, type SearchHit } from "serverless-memory/ai-sdk";
import { createMemoryClient } from "serverless-memory/client";

const client = createMemoryClient({
  url: process.env.SERVERLESS_MEMORY_URL ?? "http://127.0.0.1:8787",
  apiKey: process.env.SERVERLESS_MEMORY_API_KEY,
});
const index = "example-agent";

// The knowledge the agent will look things up in.
for (const { documentId, text } of [
  { documentId: "fruit", text: "Bananas are a yellow fruit that grows in tropical climates." },
  { documentId: "deploys", text: "Deploys go out every Tuesday after the change review." },
]) {
  await client.waitForDocument(await client.uploadText({ index, documentId, text }));
}

const usage = {
  inputTokens: { total: 10, noCache: 10, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 10, text: 10, reasoning: undefined },
};
const question = process.argv[2] ?? "Which fruit is yellow?";

// Step 1: call the search tool. Step 2: answer from the tool's result, which the AI SDK puts in the prompt.
const model = new MockLanguageModelV3({
  doGenerate: async ({ prompt }) => {
    const toolMessage = prompt.find((m) => m.role === "tool");
    if (!toolMessage) {
      return {
        content: [
          {
            type: "tool-call",
            toolCallId: "call-1",
            toolName: "search",
            input: JSON.stringify({ query: question, limit: 2 }),
          },
        ],
        finishReason: { unified: "tool-calls", raw: undefined },
        usage,
        warnings: [],
      };
    }
    const part = toolMessage.content.find((p) => p.type === "tool-result");
    const hits = (part?.output.type === "json" ? part.output.value : []) as SearchHit[];
    const best = hits[0];
    const text = best ? `${best.text} [source: ${best.documentId}]` : "I could not find that in the memory.";
    return {
      content: [{ type: "text", text }],
      finishReason: { unified: "stop", raw: undefined },
      usage,
      warnings: [],
    };
  },
});

const result = await generateText({
  model,
  tools: memoryTools({ client, index }),
  stopWhen: stepCountIs(3),
  prompt: question,
});
console.log(`tool calls: ${result.steps.flatMap((s) => s.toolCalls.map((c) => c.toolName)).join(", ")}`);
console.log(`answer: ${result.text}`);
