/**
 * @module
 * Just enough of PDF's object syntax (ISO 32000-1 §7.3) to read a stream's dictionary the way pdf.js does:
 * names, numbers, strings (literal with nested parentheses and escapes, hex), arrays, dictionaries, comments
 * and indirect references `N G R`, which are resolved by finding `N G obj` in the file. The stream measure
 * (`pdf-streams.ts`) reads `/Filter`, `/DecodeParms` and `/Length` with it. Every loop advances through the bytes,
 * and nesting is bounded, so a hostile file costs no more than a pass over its own bytes.
 */

export type PdfValue =
  | { type: "name"; value: string }
  | { type: "number"; value: number }
  | { type: "ref"; num: number; gen: number }
  | { type: "array"; items: PdfValue[] }
  | { type: "dict"; entries: Map<string, PdfValue> }
  | { type: "other" };

const MAX_NESTING = 64;
const OTHER: PdfValue = { type: "other" };

function isWhite(b: number | undefined): boolean {
  return b === 0 || b === 9 || b === 10 || b === 12 || b === 13 || b === 32;
}

function isDelimiter(b: number | undefined): boolean {
  // ( ) < > [ ] { } / %
  return (
    b === 40 ||
    b === 41 ||
    b === 60 ||
    b === 62 ||
    b === 91 ||
    b === 93 ||
    b === 123 ||
    b === 125 ||
    b === 47 ||
    b === 37
  );
}

function isDigit(b: number | undefined): boolean {
  return b !== undefined && b >= 48 && b <= 57;
}

/** A cursor over the file's bytes; `parse` reads one object and leaves `pos` after it, or returns undefined. */
export class PdfReader {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}

  skipSpace(): void {
    const { bytes } = this;
    for (;;) {
      while (isWhite(bytes[this.pos])) this.pos++;
      if (bytes[this.pos] !== 37) return; // %: a comment runs to the end of the line
      while (this.pos < bytes.length && bytes[this.pos] !== 10 && bytes[this.pos] !== 13) this.pos++;
    }
  }

  /** The next object, or undefined when the bytes are not a well-formed object here. */
  parse(depth = 0): PdfValue | undefined {
    if (depth > MAX_NESTING) return undefined;
    this.skipSpace();
    const { bytes } = this;
    const b = bytes[this.pos];
    if (b === undefined) return undefined;
    if (b === 60 && bytes[this.pos + 1] === 60) return this.dict(depth);
    if (b === 60) return this.skipPast(62) ? OTHER : undefined; // <hex string>
    if (b === 40) return this.literalString() ? OTHER : undefined;
    if (b === 91) return this.array(depth);
    if (b === 47) return { type: "name", value: this.name() };
    if (isDigit(b) || b === 43 || b === 45 || b === 46) return this.numberOrRef();
    if (isDelimiter(b)) return undefined; // a stray ) > ] } here is no object
    this.word();
    return OTHER; // true, false, null or another keyword
  }

  /** The keyword at `pos` (letters up to the next delimiter or white space), consumed. */
  word(): string {
    const start = this.pos;
    while (this.pos < this.bytes.length && !isWhite(this.bytes[this.pos]) && !isDelimiter(this.bytes[this.pos])) {
      this.pos++;
    }
    return String.fromCharCode(...this.bytes.subarray(start, Math.min(this.pos, start + 64)));
  }

  private dict(depth: number): PdfValue | undefined {
    this.pos += 2;
    const entries = new Map<string, PdfValue>();
    for (;;) {
      this.skipSpace();
      if (this.bytes[this.pos] === 62 && this.bytes[this.pos + 1] === 62) {
        this.pos += 2;
        return { type: "dict", entries };
      }
      if (this.bytes[this.pos] !== 47) return undefined;
      const key = this.name();
      const value = this.parse(depth + 1);
      if (value === undefined) return undefined;
      entries.set(key, value);
    }
  }

  private array(depth: number): PdfValue | undefined {
    this.pos++;
    const items: PdfValue[] = [];
    for (;;) {
      this.skipSpace();
      if (this.bytes[this.pos] === 93) {
        this.pos++;
        return { type: "array", items };
      }
      const item = this.parse(depth + 1);
      if (item === undefined) return undefined;
      items.push(item);
    }
  }

  /** `/Name`, with `#xx` escapes decoded; `pos` is on the slash. */
  private name(): string {
    this.pos++;
    const word = this.word();
    return word.includes("#")
      ? word.replace(/#([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
      : word;
  }

  /** A number, or `N G R` (two unsigned integers and the keyword R). */
  private numberOrRef(): PdfValue {
    const first = this.word();
    const value = Number(first);
    if (!/^\d+$/.test(first)) return Number.isFinite(value) ? { type: "number", value } : OTHER;
    const save = this.pos;
    this.skipSpace();
    if (isDigit(this.bytes[this.pos])) {
      const gen = this.word();
      this.skipSpace();
      if (/^\d+$/.test(gen) && this.bytes[this.pos] === 82 && this.endsWord(this.pos + 1)) {
        this.pos++;
        return { type: "ref", num: value, gen: Number(gen) };
      }
    }
    this.pos = save;
    return { type: "number", value };
  }

  private endsWord(at: number): boolean {
    return at >= this.bytes.length || isWhite(this.bytes[at]) || isDelimiter(this.bytes[at]);
  }

  private literalString(): boolean {
    const { bytes } = this;
    let depth = 0;
    for (; this.pos < bytes.length; this.pos++) {
      const b = bytes[this.pos];
      if (b === 92)
        this.pos++; // backslash: the next byte is escaped
      else if (b === 40) depth++;
      else if (b === 41 && --depth === 0) {
        this.pos++;
        return true;
      }
    }
    return false;
  }

  private skipPast(byte: number): boolean {
    const at = this.bytes.indexOf(byte, this.pos);
    if (at < 0) return false;
    this.pos = at + 1;
    return true;
  }
}

/**
 * The objects written out in the file, indexed in one pass over it (`N G obj` headers, in file order). Resolves
 * indirect references (the last definition wins, as with incremental updates) and finds the dictionary of the
 * stream whose `stream` keyword sits at a given offset. An object that is not written out in the file (one inside a
 * compressed object stream) is not found: `resolve` then answers undefined and the caller decides how cautious to
 * be.
 */
export class PdfObjects {
  /** Offset just after each `obj` keyword, in file order. */
  private readonly starts: number[] = [];
  private readonly byKey = new Map<string, number>();

  constructor(private readonly bytes: Uint8Array) {
    const OBJ = new TextEncoder().encode("obj");
    for (let at = indexOfBytes(bytes, OBJ, 0); at >= 0; at = indexOfBytes(bytes, OBJ, at + 3)) {
      const key = objectKeyBefore(bytes, at);
      if (key === undefined || !(at + 3 >= bytes.length || isWhite(bytes[at + 3]) || isDelimiter(bytes[at + 3]))) {
        continue;
      }
      this.starts.push(at + 3);
      this.byKey.set(key, at + 3);
    }
  }

  resolve(value: PdfValue | undefined, hops = 0): PdfValue | undefined {
    if (value?.type !== "ref") return value;
    if (hops > 8) return undefined;
    const at = this.byKey.get(`${value.num} ${value.gen}`);
    return at === undefined ? undefined : this.resolve(this.objectAt(at).value, hops + 1);
  }

  /**
   * The dictionary that ends right before the `stream` keyword at `streamAt`, read from the nearest object header
   * before it (or one of the few before that, when a string inside the dictionary looked like a header).
   */
  dictBefore(streamAt: number): Map<string, PdfValue> | undefined {
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid]! < streamAt) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo - 1; i >= Math.max(0, lo - 4); i--) {
      const { value, end } = this.objectAt(this.starts[i]!);
      if (value?.type === "dict" && end === streamAt) return value.entries;
    }
    return undefined;
  }

  // Parsed once per header: many `stream` keywords after one large dictionary must not parse it again each time.
  private readonly parsed = new Map<number, { value: PdfValue | undefined; end: number }>();

  private objectAt(start: number): { value: PdfValue | undefined; end: number } {
    let entry = this.parsed.get(start);
    if (!entry) {
      const reader = new PdfReader(this.bytes);
      reader.pos = start;
      const value = reader.parse();
      reader.skipSpace();
      entry = { value, end: reader.pos };
      this.parsed.set(start, entry);
    }
    return entry;
  }
}

/** `N G` before an `obj` keyword at `at` (white space between), as "N G"; undefined when it is not a header. */
function objectKeyBefore(bytes: Uint8Array, at: number): string | undefined {
  let i = at - 1;
  if (!isWhite(bytes[i])) return undefined;
  while (i >= 0 && isWhite(bytes[i])) i--;
  const genEnd = i + 1;
  while (i >= 0 && isDigit(bytes[i])) i--;
  const genStart = i + 1;
  if (genStart === genEnd || genEnd - genStart > 5 || !isWhite(bytes[i])) return undefined;
  while (i >= 0 && isWhite(bytes[i])) i--;
  const numEnd = i + 1;
  while (i >= 0 && isDigit(bytes[i])) i--;
  const numStart = i + 1;
  if (numStart === numEnd || numEnd - numStart > 10 || (i >= 0 && !isWhite(bytes[i]) && !isDelimiter(bytes[i]))) {
    return undefined;
  }
  const text = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  return `${Number(text(numStart, numEnd))} ${Number(text(genStart, genEnd))}`;
}

export function indexOfBytes(bytes: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0]!;
  const last = bytes.length - needle.length;
  outer: for (let i = bytes.indexOf(first, from); i >= 0 && i <= last; i = bytes.indexOf(first, i + 1)) {
    for (let j = 1; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
