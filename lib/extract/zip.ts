/**
 * @module
 * A minimal reader for the OOXML zips XLSX and PPTX come in: the central directory is read once, and a part is
 * inflated (Web `DecompressionStream`, the same on Workers and Node) only when asked for, within a byte budget.
 * `checkZipParts` (compressed-parts.ts) has already measured every XML part against the caps before this reads
 * any, so a budget here is a second guard, not the first.
 */

export type ZipEntry = { name: string; method: number; compressed: number; local: number };

/** The entries by name; undefined when the bytes are not a readable zip. */
export function zipEntries(bytes: Uint8Array): Map<string, ZipEntry> | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const eocd = endOfCentralDirectory(view);
  if (eocd < 0) return undefined;
  const count = view.getUint16(eocd + 10, true);
  let at = view.getUint32(eocd + 16, true);
  const entries = new Map<string, ZipEntry>();
  const decoder = new TextDecoder();
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== 0x02014b50) return undefined;
    const nameLength = view.getUint16(at + 28, true);
    const name = decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength));
    entries.set(name, {
      name,
      method: view.getUint16(at + 10, true),
      compressed: view.getUint32(at + 20, true),
      local: view.getUint32(at + 42, true),
    });
    at += 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  return entries;
}

/** A part's text (UTF-8), or undefined when it is missing or cannot be inflated; throws `over` past `budget`. */
export async function readZipText(
  bytes: Uint8Array,
  entry: ZipEntry | undefined,
  budget: number,
  over: () => Error,
): Promise<string | undefined> {
  if (!entry) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const local = entry.local;
  if (local + 30 > bytes.length || view.getUint32(local, true) !== 0x04034b50) return undefined;
  const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
  const data = bytes.subarray(start, Math.min(bytes.length, start + entry.compressed));
  if (entry.method === 0) {
    if (data.byteLength > budget) throw over();
    return new TextDecoder().decode(data);
  }
  if (entry.method !== 8) return undefined;
  const reader = new Blob([data as BlobPart]).stream().pipeThrough(new DecompressionStream("deflate-raw")).getReader();
  const decoder = new TextDecoder();
  const parts: string[] = [];
  let size = 0;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > budget) {
        await reader.cancel().catch(() => {});
        throw over();
      }
      parts.push(decoder.decode(value, { stream: true }));
    }
  } catch (error) {
    if (size > budget) throw error;
    return undefined;
  }
  parts.push(decoder.decode());
  return parts.join("");
}

/** Resolves a relationship target against the folder of the part that names it (`xl/`, `ppt/slides/`). */
export function resolvePart(base: string, target: string): string {
  if (target.startsWith("/")) return target.slice(1);
  const parts = base.split("/").slice(0, -1);
  for (const segment of target.split("/")) {
    if (segment === "..") parts.pop();
    else if (segment !== "." && segment !== "") parts.push(segment);
  }
  return parts.join("/");
}

function endOfCentralDirectory(view: DataView): number {
  const lowest = Math.max(0, view.byteLength - 22 - 0xffff);
  for (let i = view.byteLength - 22; i >= lowest; i--) if (view.getUint32(i, true) === 0x06054b50) return i;
  return -1;
}
