/**
 * @module
 * Finds the compressed XML parts of an OOXML zip (DOCX, XLSX, PPTX), so their inflated size can be bounded before
 * a parser inflates them, in one linear pass over the central directory. (A PDF's streams: `pdf-streams.ts`.)
 */
import { inflatedSize, occurrences } from "./inflate.js";
import { checkLimit, type ExtractLimits, LimitExceeded, limitError } from "./limits.js";

/**
 * Fails when the XML parts of a zip (what mammoth parses) inflate past `maxDecompressedBytes` or hold more than
 * `maxXmlElements` elements (each `<`, counted while inflating: mammoth's tree costs per element, not per byte).
 * The sizes are measured, not read from the headers, which an attacker writes. A file that is not a readable zip
 * passes: mammoth then reports it as corrupt.
 */
export async function checkZipParts(bytes: Uint8Array, limits: ExtractLimits, label = "DOCX"): Promise<void> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const eocd = findEndOfCentralDirectory(view);
  if (eocd < 0) return;
  const entries = view.getUint16(eocd + 10, true);
  let at = view.getUint32(eocd + 16, true);
  let total = 0;
  let elements = 0;
  const LT = 0x3c;
  for (let i = 0; i < entries; i++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== 0x02014b50) return;
    const method = view.getUint16(at + 10, true);
    const compressed = view.getUint32(at + 20, true);
    const nameLength = view.getUint16(at + 28, true);
    const skip = nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    const local = view.getUint32(at + 42, true);
    const name = new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength));
    at += 46 + skip;
    if (!/\.(xml|rels)$/i.test(name)) continue;
    if (compressed === 0xffffffff) throw new LimitExceeded(`the ${label} uses zip64 parts, which are not accepted`);
    if (local + 30 > bytes.length || view.getUint32(local, true) !== 0x04034b50) return;
    const data = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    const part = bytes.subarray(data, Math.min(bytes.length, data + compressed));
    const budget = limits.maxDecompressedBytes - total;
    if (method === 8) {
      const { bytes: n, over, counted } = await inflatedSize(part, "deflate-raw", budget, LT);
      total += n;
      elements += counted;
      if (over)
        throw limitError(limits, "maxDecompressedBytes", `the ${label}'s XML parts expand to more bytes than allowed`);
    } else {
      total += part.byteLength;
      elements += occurrences(part, LT);
      checkLimit(limits, "maxDecompressedBytes", total, `the ${label}'s XML parts hold more bytes than allowed`);
    }
    checkLimit(limits, "maxXmlElements", elements, `the ${label}'s XML holds ${elements}+ elements`);
  }
}

function findEndOfCentralDirectory(view: DataView): number {
  const lowest = Math.max(0, view.byteLength - 22 - 0xffff);
  for (let i = view.byteLength - 22; i >= lowest; i--) if (view.getUint32(i, true) === 0x06054b50) return i;
  return -1;
}
