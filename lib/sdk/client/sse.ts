/**
 * @module
 * Reads a `text/event-stream` body as it arrives and yields each event's `data` (multi-line data joined with
 * "\n"), stopping at `[DONE]`. Events are separated by a blank line; the service (Hono's streamSSE) writes "\n"
 * line ends, and "\r\n" (what proxies and other servers may write) is read the same. It reads through
 * `getReader()`, not `for await` over the stream, which not every browser supports.
 */
export async function* sseData(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      // A "\r" at the end may be the first half of "\r\n": keep it until the next chunk says.
      const safe = buffer.endsWith("\r") ? buffer.length - 1 : buffer.length;
      buffer = buffer.slice(0, safe).replace(/\r\n?/g, "\n") + buffer.slice(safe);
      for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
        const data = dataOf(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        if (data === "[DONE]") return;
        if (data !== undefined) yield data;
      }
    }
    const rest = dataOf((buffer + decoder.decode()).replace(/\r\n?/g, "\n"));
    if (rest !== undefined && rest !== "[DONE]") yield rest;
  } finally {
    // Stopping early (a `break` in the caller's loop) cancels the request instead of leaving it open.
    await reader.cancel().catch(() => undefined);
  }
}

function dataOf(event: string): string | undefined {
  const lines = event
    .split("\n")
    .filter((line) => line.startsWith("data:"))
    .map((line) => line.slice(line.startsWith("data: ") ? 6 : 5));
  return lines.length === 0 ? undefined : lines.join("\n");
}
