/**
 * The client's event-stream reader: events split anywhere across chunks (even between "\r" and "\n"), "\r\n" line
 * ends, multi-line data, comments, and `[DONE]` ending the stream; a reader stopped early cancels the body.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sseData } from "../../../lib/sdk/client/sse.js";

function streamOf(chunks: string[], onCancel?: () => void): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    pull(controller) {
      const next = chunks.shift();
      if (next === undefined) controller.close();
      else controller.enqueue(encoder.encode(next));
    },
    cancel: () => onCancel?.(),
  });
}

async function collect(body: ReadableStream<Uint8Array>): Promise<string[]> {
  const out: string[] = [];
  for await (const data of sseData(body)) out.push(data);
  return out;
}

const WIRE =
  ': keep-alive\r\n\r\ndata: {"a":1}\r\n\r\ndata: line one\r\ndata: line two\r\n\r\nevent: x\ndata:{"b":"é"}\n\ndata: [DONE]\n\ndata: after\n\n';
const EXPECTED = ['{"a":1}', "line one\nline two", '{"b":"é"}'];

describe("sseData", () => {
  it("reads the same events however the bytes are split", async () => {
    const bytes = new TextEncoder().encode(WIRE);
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 12 }),
        async (cuts) => {
          const points = [0, ...cuts.sort((a, b) => a - b), bytes.length];
          const parts = points.slice(1).map((end, i) => bytes.slice(points[i], end));
          const body = new ReadableStream<Uint8Array>({
            pull(controller) {
              const next = parts.shift();
              if (next === undefined) controller.close();
              else controller.enqueue(next);
            },
          });
          expect(await collect(body)).toEqual(EXPECTED);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("yields a last event without a trailing blank line, and cancels the body when the loop stops early", async () => {
    expect(await collect(streamOf(["data: one\n\n", "data: two"]))).toEqual(["one", "two"]);
    let cancelled = false;
    for await (const data of sseData(
      streamOf(["data: one\n\n", "data: two\n\n", "data: three\n\n"], () => (cancelled = true)),
    )) {
      expect(data).toBe("one");
      break;
    }
    expect(cancelled).toBe(true);
  });
});
