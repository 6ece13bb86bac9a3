/**
 * @module
 * Measures what compressed data inflates to without keeping the output, and stops as soon as a budget is spent:
 * a 400 KB deflate stream can hold 400 MB. Web `DecompressionStream` runs the same on Workers and Node.
 */

export type Inflated = {
  bytes: number;
  over: boolean /** Occurrences of `countByte` in the output, when asked. */;
  counted: number;
};

/**
 * Inflates `data` and counts the output, giving up once more than `budget` bytes came out. Data that is not
 * valid deflate counts what came out before the error: the parser that reads it later fails on its own terms.
 * With `countByte`, also counts that byte in the output (a DOCX's `<`: its elements).
 */
export async function inflatedSize(
  data: Uint8Array,
  format: "deflate" | "deflate-raw",
  budget: number,
  countByte?: number,
): Promise<Inflated> {
  const stream = new Blob([data as BlobPart]).stream().pipeThrough(new DecompressionStream(format));
  const reader = stream.getReader();
  let bytes = 0;
  let counted = 0;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return { bytes, over: false, counted };
      bytes += value.byteLength;
      if (countByte !== undefined) counted += occurrences(value, countByte);
      if (bytes > budget) {
        await reader.cancel().catch(() => {});
        return { bytes, over: true, counted };
      }
    }
  } catch {
    return { bytes, over: false, counted };
  }
}

/** How often `byte` occurs in `data`. */
export function occurrences(data: Uint8Array, byte: number): number {
  let n = 0;
  for (let at = data.indexOf(byte); at >= 0; at = data.indexOf(byte, at + 1)) n++;
  return n;
}
