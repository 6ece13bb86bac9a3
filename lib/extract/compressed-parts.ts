/**
 * @module
 * Finds the compressed parts of the two container formats we read, so their inflated size can be bounded before
 * a parser inflates them whole: the streams of a PDF and the XML parts of a DOCX zip. Both scans are single
 * linear passes over the bytes.
 */
import { inflatedSize, occurrences } from "./inflate.js";
import { checkLimit, type ExtractLimits, LimitExceeded, limitError } from "./limits.js";

const STREAM = ascii("stream");
const END_STREAM = ascii("endstream");

/** Fails when the PDF's zlib streams together inflate past `maxDecompressedBytes`. */
export async function checkPdfStreams(bytes: Uint8Array, limits: ExtractLimits): Promise<void> {
  let total = 0;
  for (let at = find(bytes, STREAM, 0); at >= 0; ) {
    let start = at + STREAM.length;
    if (bytes[start] === 13) start++;
    if (bytes[start] !== 10) {
      at = find(bytes, STREAM, start);
      continue;
    }
    start++;
    const end = find(bytes, END_STREAM, start);
    const stop = end < 0 ? bytes.length : end;
    if (isZlibHeader(bytes[start], bytes[start + 1])) {
      const budget = limits.maxDecompressedBytes - total;
      const { bytes: n, over } = await inflatedSize(bytes.subarray(start, stop), "deflate", budget);
      total += n;
      if (over)
        throw limitError(
          limits,
          "maxDecompressedBytes",
          "the PDF's compressed streams expand to more bytes than allowed",
        );
    }
    if (end < 0) break;
    at = find(bytes, STREAM, end + END_STREAM.length);
  }
}

/**
 * Fails when the XML parts of a zip (what mammoth parses) inflate past `maxDecompressedBytes` or hold more than
 * `maxXmlElements` elements (each `<`, counted while inflating: mammoth's tree costs per element, not per byte).
 * The sizes are measured, not read from the headers, which an attacker writes. A file that is not a readable zip
 * passes: mammoth then reports it as corrupt.
 */
export async function checkZipParts(bytes: Uint8Array, limits: ExtractLimits): Promise<void> {
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
    if (compressed === 0xffffffff) throw new LimitExceeded("the DOCX uses zip64 parts, which are not accepted");
    if (local + 30 > bytes.length || view.getUint32(local, true) !== 0x04034b50) return;
    const data = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    const part = bytes.subarray(data, Math.min(bytes.length, data + compressed));
    const budget = limits.maxDecompressedBytes - total;
    if (method === 8) {
      const { bytes: n, over, counted } = await inflatedSize(part, "deflate-raw", budget, LT);
      total += n;
      elements += counted;
      if (over)
        throw limitError(limits, "maxDecompressedBytes", "the DOCX's XML parts expand to more bytes than allowed");
    } else {
      total += part.byteLength;
      elements += occurrences(part, LT);
      checkLimit(limits, "maxDecompressedBytes", total, "the DOCX's XML parts hold more bytes than allowed");
    }
    checkLimit(limits, "maxXmlElements", elements, `the DOCX's XML holds ${elements}+ elements`);
  }
}

function findEndOfCentralDirectory(view: DataView): number {
  const lowest = Math.max(0, view.byteLength - 22 - 0xffff);
  for (let i = view.byteLength - 22; i >= lowest; i--) if (view.getUint32(i, true) === 0x06054b50) return i;
  return -1;
}

function isZlibHeader(cmf: number | undefined, flg: number | undefined): boolean {
  return cmf !== undefined && flg !== undefined && (cmf & 0x0f) === 8 && (cmf * 256 + flg) % 31 === 0;
}

function ascii(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

function find(bytes: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0]!;
  const last = bytes.length - needle.length;
  outer: for (let i = bytes.indexOf(first, from); i >= 0 && i <= last; i = bytes.indexOf(first, i + 1)) {
    for (let j = 1; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
