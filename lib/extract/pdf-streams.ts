/**
 * @module
 * Bounds what a PDF's streams decode to before pdf.js decodes any of them: each stream's filter chain (read from
 * its dictionary, indirect values resolved) is run through `measureFilters`, and all streams together may not
 * pass `MAX_DECOMPRESSED_BYTES`. pdf.js holds decoded streams as array buffers, outside the V8 heap that
 * `EXTRACT_MEMORY_MB` limits, so this measure is what keeps an LZW or Flate bomb from taking the process's memory.
 *
 * Streams are found the way pdf.js recovers them: a `stream` keyword after an object's dictionary, ending where
 * `/Length` says when `endstream` follows there, else at the next `endstream`. A stream whose filters are named
 * in an object this scan cannot read (one inside a compressed object stream) fails the document: it could hide
 * any filter.
 */

import { type ExtractLimits, limitError } from "./limits.js";
import { type FilterStep, measureFilters } from "./pdf-filters.js";
import { indexOfBytes, PdfObjects, type PdfValue } from "./pdf-objects.js";

const STREAM = ascii("stream");
const END_STREAM = ascii("endstream");

/** Fails when the PDF's streams together decode to more than `maxDecompressedBytes`. */
export async function checkPdfStreams(bytes: Uint8Array, limits: ExtractLimits): Promise<void> {
  const objects = new PdfObjects(bytes);
  let total = 0;
  for (let at = indexOfBytes(bytes, STREAM, 0); at >= 0; ) {
    const start = dataStart(bytes, at + STREAM.length);
    if (start < 0) {
      at = indexOfBytes(bytes, STREAM, at + STREAM.length);
      continue;
    }
    const scanEnd = indexOfBytes(bytes, END_STREAM, start);
    const stop = scanEnd < 0 ? bytes.length : scanEnd;
    const dict = objects.dictBefore(at);
    const steps = dict ? filterSteps(dict, objects, limits) : guessedSteps(bytes, start);
    const length = dict ? declaredEnd(bytes, start, objects.resolve(dict.get("Length"))) : undefined;
    // A declared length that pdf.js would trust wins; otherwise the larger extent is measured, so an `endstream`
    // planted inside the data cannot cut the measure short.
    const end = length?.confirmed ? length.end : Math.max(stop, length?.end ?? 0);
    if (steps.length > 0) {
      const { bytes: n, over } = await measureFilters(
        bytes.subarray(start, end),
        steps,
        limits.maxDecompressedBytes - total,
      );
      total += n;
      if (over) {
        throw limitError(
          limits,
          "maxDecompressedBytes",
          "the PDF's compressed streams expand to more bytes than allowed",
        );
      }
    }
    if (scanEnd < 0) break;
    const resume = length?.confirmed ? Math.max(length.end, scanEnd) : scanEnd;
    at = indexOfBytes(bytes, STREAM, resume + (resume === scanEnd ? END_STREAM.length : 0));
  }
}

/**
 * Where a stream's data begins after the `stream` keyword ending at `after`, as pdf.js finds it: the keyword must
 * end there (white space or a delimiter follows), then everything up to the next line break (CR, LF or CRLF) is
 * skipped. -1 when this is no `stream` keyword.
 */
function dataStart(bytes: Uint8Array, after: number): number {
  const next = bytes[after];
  const endsKeyword = next === undefined || next <= 32 || "()<>[]{}/%".includes(String.fromCharCode(next));
  if (!endsKeyword) return -1;
  let p = after;
  while (p < bytes.length && bytes[p] !== 13 && bytes[p] !== 10) p++;
  if (bytes[p] === 13) p++;
  if (bytes[p] === 10 && bytes[p - 1] !== 10) p++;
  return p;
}

/** The decoding steps `/Filter` names, each with its `/DecodeParms` `EarlyChange` (LZW's only parameter). */
function filterSteps(dict: Map<string, PdfValue>, objects: PdfObjects, limits: ExtractLimits): FilterStep[] {
  const raw = dict.get("Filter");
  if (raw === undefined) return [];
  const filter = objects.resolve(raw);
  const names = filter?.type === "array" ? filter.items.map((item) => objects.resolve(item)) : [filter];
  const parms = objects.resolve(dict.get("DecodeParms"));
  const steps: FilterStep[] = [];
  for (const [i, name] of names.entries()) {
    if (name?.type !== "name") {
      if (name?.type === "other" || (name?.type === "array" && name.items.length === 0)) continue; // null, []
      throw limitError(
        limits,
        "maxDecompressedBytes",
        "the PDF names a stream's filters where their expansion cannot be measured (an unreadable or compressed object)",
      );
    }
    const parm = objects.resolve(parms?.type === "array" ? parms.items[i] : parms);
    const early = parm?.type === "dict" ? objects.resolve(parm.entries.get("EarlyChange")) : undefined;
    steps.push({ name: name.value, earlyChange: early?.type === "number" && early.value === 0 ? 0 : 1 });
  }
  return steps;
}

/** No readable dictionary before this `stream`: measure the data as what its first bytes say it is. */
function guessedSteps(bytes: Uint8Array, start: number): FilterStep[] {
  const [cmf, flg] = [bytes[start], bytes[start + 1]];
  if (cmf !== undefined && flg !== undefined && (cmf & 0x0f) === 8 && (cmf * 256 + flg) % 31 === 0) {
    return [{ name: "FlateDecode", earlyChange: 1 }];
  }
  // LZW data conventionally opens with a clear-table code (256 in 9 bits: 0x80).
  return bytes[start] === 0x80 ? [{ name: "LZWDecode", earlyChange: 1 }] : [];
}

/** Where `/Length` ends the data, and whether `endstream` follows there (then pdf.js trusts it). */
function declaredEnd(
  bytes: Uint8Array,
  start: number,
  length: PdfValue | undefined,
): { end: number; confirmed: boolean } | undefined {
  if (length?.type !== "number" || !Number.isSafeInteger(length.value) || length.value < 0) return undefined;
  const end = Math.min(bytes.length, start + length.value);
  let after = end;
  while (
    after < bytes.length &&
    after < end + 8 &&
    (bytes[after] === 10 || bytes[after] === 13 || bytes[after] === 32)
  ) {
    after++;
  }
  return { end, confirmed: indexOfBytes(bytes.subarray(after, after + END_STREAM.length), END_STREAM, 0) === 0 };
}

function ascii(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
