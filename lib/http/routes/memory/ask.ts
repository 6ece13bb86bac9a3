/**
 * @module
 * `POST /ask`: an answer with cited sources. With `stream: true` the answer
 * arrives as server-sent events, each `data: <MemoryAnswer JSON>` (streamState
 * reset → append… → last), then `data: [DONE]`. The first event is awaited
 * before the response starts, so a failure that happens before any text
 * (database down, bad filter) is still an ordinary ProblemDetails status; a
 * failure after that becomes a `streamState: "error"` event, then `[DONE]`. An identical question on an
 * unchanged index is answered from the answer cache (`memory/answer/cache.ts`), streamed as one reset and one
 * last; `args.cache: false` bypasses it.
 */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import { askInput } from "../../../contract/inputs.js";
import { indexed } from "../../../keys/access.js";
import { log } from "../../../log/logger.js";
import { askCached, streamCached } from "../../../memory/answer/cache.js";
import type { MemoryAnswer } from "../../../memory/types.js";
import type { HonoEnv } from "../../hono-env.js";
import { memoryContext } from "../../route-helpers/context.js";
import { jsonBodyLimit } from "../../route-helpers/limits.js";
import { grantedIndex, register, valid } from "../../route-helpers/register.js";
import { MemoryAnswerSchema, MemoryQuery, problems } from "../../schemas.js";

const askRoute = createRoute({
  method: "post",
  path: "/ask",
  summary: "Answer a question from the memory, citing sources",
  middleware: [jsonBodyLimit] as const,
  request: { body: { required: true, content: { "application/json": { schema: MemoryQuery } } } },
  responses: {
    200: {
      description: "The answer; with `stream: true`, server-sent events of MemoryAnswer ending with `data: [DONE]`",
      content: {
        "application/json": { schema: MemoryAnswerSchema },
        "text/event-stream": {
          schema: { type: "string" },
          example:
            'data: {"streamState":"reset","question":"When do deploys go out?","noResult":false,"noResultReason":null,"text":"","tokenUsage":[],"relevantSources":[]}\n\ndata: {"streamState":"append","text":"Deploys go out on Tuesdays. [1]"}\n\ndata: {"streamState":"last","text":""}\n\ndata: [DONE]\n\n',
        },
      },
    },
    ...problems(400, 413, 415),
  },
});

export function askRoutes(app: OpenAPIHono<HonoEnv>): void {
  register(app, askRoute, indexed("read", "json.index"), async (c) => {
    const body = valid(c, "json", MemoryQuery);
    const input = { ...askInput(body), index: grantedIndex(c) };
    const wide = c.get("wide");
    Object.assign(wide, { index: input.index, stream: body.stream === true });
    const ctx = await memoryContext(c);
    if (body.stream !== true) return c.json(await askCached(ctx, input));
    return streamAnswerAsSse(c, streamCached(ctx, input), input.question);
  });
}

async function streamAnswerAsSse(
  c: Context<HonoEnv>,
  answers: AsyncIterable<MemoryAnswer>,
  question: string,
): Promise<Response> {
  const iterator = answers[Symbol.asyncIterator]();
  // Throws before any byte is sent, so handleError still picks the status.
  const first = await iterator.next();
  const requestId = c.get("requestId");
  return streamSSE(c, async (stream) => {
    stream.onAbort(() => {
      void iterator.return?.();
    });
    try {
      for (let item = first; !item.done; item = await iterator.next()) {
        if (stream.aborted) return;
        await stream.writeSSE({ data: JSON.stringify(item.value) });
      }
    } catch (error) {
      log.error("ask.stream_failed", { requestId, error });
      if (stream.aborted) return;
      await stream.writeSSE({ data: JSON.stringify(errorAnswer(question)) });
    }
    await stream.writeSSE({ data: "[DONE]" });
  });
}

/** What a client sees when the answer breaks off: no result, and why, without internals. */
function errorAnswer(question: string): MemoryAnswer {
  return {
    streamState: "error",
    question,
    noResult: true,
    noResultReason: "The answer could not be completed; the request id identifies the failure in the logs.",
    text: "",
    tokenUsage: [],
    relevantSources: [],
  };
}
