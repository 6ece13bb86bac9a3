/**
 * @module
 * Measures what compressed data inflates to without keeping the output, and stops as soon as a budget is spent:
 * a 400 KB deflate stream can hold 400 MB. Web `DecompressionStream` runs the same on Workers and Node.
 */

export type Inflated = { bytes: number; over: boolean };

/**
 * Inflates `data` and counts the output, giving up once more than `budget` bytes came out. Data that is not
 * valid deflate counts what came out before the error: the parser that reads it later fails on its own terms.
 */
export async function inflatedSize(
  data: Uint8Array,
  format: "deflate" | "deflate-raw",
  budget: number,
): Promise<Inflated> {
  const stream = new Blob([data as BlobPart]).stream().pipeThrough(new DecompressionStream(format));
  const reader = stream.getReader();
  let bytes = 0;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return { bytes, over: false };
      bytes += value.byteLength;
      if (bytes > budget) {
        await reader.cancel().catch(() => {});
        return { bytes, over: true };
      }
    }
  } catch {
    return { bytes, over: false };
  }
}
