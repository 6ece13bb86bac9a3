/**
 * @module
 * Reads a `text/event-stream` body as it arrives and yields each event's
 * `data` (multi-line data joined with "\n"), stopping at `[DONE]`. Events are
 * separated by a blank line; the service (Hono's streamSSE) writes "\n" line ends.
 */
export async function* sseData(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
      const data = dataOf(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
      if (data === "[DONE]") return;
      if (data !== undefined) yield data;
    }
  }
  const rest = dataOf(buffer + decoder.decode());
  if (rest !== undefined && rest !== "[DONE]") yield rest;
}

function dataOf(event: string): string | undefined {
  const lines = event
    .split("\n")
    .map((line) => line.replace(/\r$/, ""))
    .filter((line) => line.startsWith("data:"))
    .map((line) => line.slice(line.startsWith("data: ") ? 6 : 5));
  return lines.length === 0 ? undefined : lines.join("\n");
}
