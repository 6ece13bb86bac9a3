/**
 * @module
 * Measures what a PDF stream's filter chain decodes to, stopping as soon as a byte budget is spent: every filter
 * pdf.js decodes while reading text (Flate, LZW, RunLength, ASCIIHex, ASCII85), in the order the stream names
 * them. LZW turns 12 bits into up to ~4 KB (a 100 KB stream can hold 250 MB), RunLength 2 bytes into 128, and
 * chains multiply (Flate inside ASCII85, LZW inside Flate). Image codecs (DCT, JPX, JBIG2, CCITTFax), Crypt and
 * unknown names end the chain: pdf.js does not decode images to read text, and passes unknown filters through.
 *
 * Only the last decoding step's output is counted and dropped; an earlier step's output is kept to feed the next,
 * and counts against the same budget, so the memory held is bounded by the budget too.
 */
import type { Inflated } from "./inflate.js";

export type FilterStep = { name: string; earlyChange: number };

type Kind = "flate" | "lzw" | "runlength" | "asciihex" | "ascii85";

const KINDS: Record<string, Kind> = {
  FlateDecode: "flate",
  Fl: "flate",
  LZWDecode: "lzw",
  LZW: "lzw",
  RunLengthDecode: "runlength",
  RL: "runlength",
  ASCIIHexDecode: "asciihex",
  AHx: "asciihex",
  ASCII85Decode: "ascii85",
  A85: "ascii85",
};

/** Whether pdf.js decodes this filter when it reads a page's text (and so whether it can expand). */
export function isDecoded(name: string): boolean {
  return name in KINDS;
}

const OVER = Symbol("over budget");

/** Counts (and, when it feeds another step, keeps) one step's output; throws `OVER` past its budget. */
class Sink {
  count = 0;
  private readonly chunks: Uint8Array[] = [];
  constructor(
    private readonly keep: boolean,
    private readonly budget: number,
  ) {}

  /** `chunk` may be a scratch buffer the decoder reuses: it is copied when kept. */
  push(chunk: Uint8Array): void {
    this.count += chunk.byteLength;
    if (this.count > this.budget) throw OVER;
    if (this.keep) this.chunks.push(chunk.slice());
  }

  bytes(): Uint8Array {
    const all = new Uint8Array(this.count);
    let at = 0;
    for (const chunk of this.chunks.splice(0)) {
      all.set(chunk, at);
      at += chunk.byteLength;
    }
    return all;
  }
}

/**
 * The bytes `data` decodes to through `steps` (each step's output counted), or `over` once that passes `budget`.
 * Malformed data ends its step where it breaks, and what came out so far goes on to the next step.
 */
export async function measureFilters(
  data: Uint8Array,
  steps: readonly FilterStep[],
  budget: number,
): Promise<Omit<Inflated, "counted">> {
  let input = data;
  let total = 0;
  for (let i = 0; i < steps.length; i++) {
    const kind = KINDS[steps[i]!.name];
    if (!kind) break;
    const next = steps[i + 1];
    const sink = new Sink(next !== undefined && isDecoded(next.name), budget - total);
    try {
      await decode(kind, input, steps[i]!, sink);
    } catch (error) {
      if (error === OVER) return { bytes: total + sink.count, over: true };
    }
    total += sink.count;
    input = sink.bytes();
    if (input.byteLength === 0) break;
  }
  return { bytes: total, over: false };
}

async function decode(kind: Kind, data: Uint8Array, step: FilterStep, sink: Sink): Promise<void> {
  if (kind === "flate") return inflate(data, sink);
  if (kind === "lzw") return lzw(data, step.earlyChange, sink);
  if (kind === "runlength") return runLength(data, sink);
  if (kind === "asciihex") return asciiHex(data, sink);
  return ascii85(data, sink);
}

/** zlib-wrapped deflate, as pdf.js reads it (it refuses a stream without the zlib header). */
async function inflate(data: Uint8Array, sink: Sink): Promise<void> {
  const reader = new Blob([data as BlobPart]).stream().pipeThrough(new DecompressionStream("deflate")).getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      sink.push(value);
    }
  } catch (error) {
    await reader.cancel().catch(() => {});
    if (error === OVER) throw error;
  }
}

/** Output is gathered in a scratch buffer and handed to the sink 64 KiB at a time. */
class Out {
  private readonly buffer = new Uint8Array(64 * 1024);
  private length = 0;
  constructor(private readonly sink: Sink) {}
  byte(b: number): void {
    this.buffer[this.length++] = b;
    if (this.length === this.buffer.length) this.flush();
  }
  flush(): void {
    if (this.length > 0) this.sink.push(this.buffer.subarray(0, this.length));
    this.length = 0;
  }
}

/**
 * LZW as pdf.js decodes it: codes of 9 to 12 bits, 256 clears the table, 257 ends the data, the code length
 * grows one code early unless `/EarlyChange 0`; the table holds 4096 entries and stops growing when full.
 */
function lzw(data: Uint8Array, earlyChange: number, sink: Sink): void {
  const SIZE = 4096;
  const prefix = new Uint16Array(SIZE);
  const suffix = new Uint8Array(SIZE);
  const lengths = new Uint16Array(SIZE);
  for (let i = 0; i < 256; i++) {
    suffix[i] = i;
    lengths[i] = 1;
  }
  const sequence = new Uint8Array(SIZE + 1);
  const out = new Out(sink);
  let length = 0;
  let previous = 0;
  let nextCode = 258;
  let codeLength = 9;
  let bits = 0;
  let buffer = 0;
  let pos = 0;
  codes: for (;;) {
    while (bits < codeLength) {
      if (pos >= data.length) break codes;
      buffer = ((buffer << 8) | data[pos++]!) & 0xffffff;
      bits += 8;
    }
    bits -= codeLength;
    const code = (buffer >>> bits) & ((1 << codeLength) - 1);
    const hadPrevious = length > 0;
    if (code < 256) {
      sequence[0] = code;
      length = 1;
    } else if (code === 256) {
      codeLength = 9;
      nextCode = 258;
      length = 0;
      continue;
    } else if (code === 257) {
      break;
    } else if (code < nextCode) {
      length = lengths[code]!;
      for (let j = length - 1, q = code; j >= 0; j--) {
        sequence[j] = suffix[q]!;
        q = prefix[q]!;
      }
    } else if (length < SIZE) {
      // Not in the table yet: the previous sequence and its own first byte (right after a clear, pdf.js repeats
      // a stale byte and goes on decoding; so do we, so nothing it reads escapes the measure).
      sequence[length++] = sequence[0]!;
    } else {
      break;
    }
    if (hadPrevious) {
      if (nextCode < SIZE) {
        prefix[nextCode] = previous;
        lengths[nextCode] = lengths[previous]! + 1;
        suffix[nextCode] = sequence[0]!;
      }
      nextCode++;
      const n = nextCode + earlyChange;
      if ((n & (n - 1)) === 0) codeLength = Math.min(Math.log2(n) + 1, 12);
    }
    previous = code;
    for (let j = 0; j < length; j++) out.byte(sequence[j]!);
  }
  out.flush();
}

/** A length byte L: L < 128 copies L + 1 bytes, L > 128 repeats the next byte 257 − L times, 128 ends. */
function runLength(data: Uint8Array, sink: Sink): void {
  const out = new Out(sink);
  for (let pos = 0; pos < data.length; ) {
    const n = data[pos++]!;
    if (n === 128) break;
    if (n < 128) {
      for (let end = Math.min(data.length, pos + n + 1); pos < end; pos++) out.byte(data[pos]!);
    } else if (pos < data.length) {
      const b = data[pos++]!;
      for (let k = 0; k < 257 - n; k++) out.byte(b);
    }
  }
  out.flush();
}

function hexValue(b: number): number {
  if (b >= 48 && b <= 57) return b - 48;
  if (b >= 65 && b <= 70) return b - 55;
  if (b >= 97 && b <= 102) return b - 87;
  return -1;
}

/** Pairs of hex digits; anything else is skipped; `>` ends; an odd last digit is followed by 0. */
function asciiHex(data: Uint8Array, sink: Sink): void {
  const out = new Out(sink);
  let high = -1;
  for (const b of data) {
    if (b === 62) break;
    const v = hexValue(b);
    if (v < 0) continue;
    if (high < 0) high = v;
    else {
      out.byte(high * 16 + v);
      high = -1;
    }
  }
  if (high >= 0) out.byte(high * 16);
  out.flush();
}

/** Groups of five characters `!`…`u` make four bytes, `z` four zeros, `~` ends; a short last group makes fewer. */
function ascii85(data: Uint8Array, sink: Sink): void {
  const out = new Out(sink);
  const group: number[] = [];
  const emit = (count: number) => {
    let value = 0;
    for (let i = 0; i < 5; i++) value = value * 85 + (group[i] ?? 84);
    for (let i = 0; i < count; i++) out.byte(Math.floor(value / 256 ** (3 - i)) % 256);
    group.length = 0;
  };
  for (const b of data) {
    if (b === 126) break;
    if (b === 122 && group.length === 0) {
      for (let i = 0; i < 4; i++) out.byte(0);
    } else if (b >= 33 && b <= 117) {
      group.push(b - 33);
      if (group.length === 5) emit(4);
    }
  }
  if (group.length > 1) emit(group.length - 1);
  out.flush();
}
