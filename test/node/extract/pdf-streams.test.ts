/**
 * Issue #9, the expanding PDF stream, for every filter pdf.js decodes: LZW, RunLength and chains (Flate inside
 * ASCII85) are measured before pdf.js decodes them, just as plain Flate was, and fail with MAX_DECOMPRESSED_BYTES.
 * Work is counted (bytes decoded stop just past the budget), never timed. Honest streams in each filter still
 * measure exactly what pdf.js decodes, and their text is still read.
 */
import { deflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { extract } from "../../../lib/extract/index.js";
import { DEFAULT_LIMITS } from "../../../lib/extract/limits.js";
import { measureFilters } from "../../../lib/extract/pdf-filters.js";
import { checkPdfStreams } from "../../../lib/extract/pdf-streams.js";
import { lzwBomb, lzwEncode, pdfWithContentStream, runLengthBomb } from "../../helpers/attack-files.js";

const MB = 1024 * 1024;
const LZW = [{ name: "LZWDecode", earlyChange: 1 }];
const limits8 = { ...DEFAULT_LIMITS, maxDecompressedBytes: 8 * MB };
const content = (text: string) => new TextEncoder().encode(`BT /F1 12 Tf 72 720 Td (${text}) Tj ET`);

/** ASCII85 of `data`, as a PDF writer would emit it (with the `~>` end marker). */
function ascii85(data: Uint8Array): Uint8Array {
  let out = "";
  for (let i = 0; i < data.length; i += 4) {
    const group = [0, 1, 2, 3].map((k) => data[i + k] ?? 0);
    const n = Math.min(4, data.length - i);
    let value = ((group[0]! << 24) | (group[1]! << 16) | (group[2]! << 8) | group[3]!) >>> 0;
    if (value === 0 && n === 4) {
      out += "z";
      continue;
    }
    const chars: string[] = [];
    for (let k = 0; k < 5; k++) {
      chars.unshift(String.fromCharCode(33 + (value % 85)));
      value = Math.floor(value / 85);
    }
    out += chars.slice(0, n + 1).join("");
  }
  return new TextEncoder().encode(`${out}~>`);
}

describe("PDF streams are measured through every filter pdf.js decodes", () => {
  it("LZW: a 68 KB stream that decodes to 160 MB fails at MAX_DECOMPRESSED_BYTES, decoding stops just past the cap", async () => {
    const bomb = lzwBomb(160 * MB);
    expect(bomb.length).toBeLessThan(70 * 1024);
    await expect(extract({ bytes: pdfWithContentStream("/LZWDecode", bomb), fileName: "b.pdf" })).rejects.toThrow(
      /the PDF's compressed streams expand to more bytes than allowed; the limit is 67108864 \(MAX_DECOMPRESSED_BYTES\)/,
    );
    // pdf.js skips to the next line break after the keyword, a lone CR included: so does the scan.
    const crOnly = pdfWithContentStream("/LZWDecode", bomb);
    const keyword = Buffer.from(crOnly).indexOf(">>\nstream\n") + ">>\nstream".length;
    crOnly[keyword] = 13;
    await expect(checkPdfStreams(crOnly, DEFAULT_LIMITS)).rejects.toThrow(/MAX_DECOMPRESSED_BYTES/);
    const measured = await measureFilters(bomb, LZW, 8 * MB);
    expect(measured.over).toBe(true);
    // Bounded by the budget plus one 64 KiB output slice, not by the 160 MB the stream holds.
    expect(measured.bytes).toBeLessThanOrEqual(8 * MB + 64 * 1024);
  });

  it("LZW: an honest stream measures exactly what pdf.js decodes, and its text is read", async () => {
    const text = "The lighthouse keeper lights the lamp at dusk, and the lamp lights the sea. ".repeat(40);
    const plain = content(text);
    const encoded = lzwEncode(plain);
    expect(await measureFilters(encoded, LZW, 8 * MB)).toEqual({ bytes: plain.length, over: false });
    // /EarlyChange 0 reads the same codes with lengths switched one code later: a different (shorter) decoding.
    const late = await measureFilters(encoded, [{ name: "LZWDecode", earlyChange: 0 }], 8 * MB);
    expect(late.bytes).not.toBe(plain.length);
    const extracted = await extract({ bytes: pdfWithContentStream("/LZWDecode", encoded), fileName: "l.pdf" });
    expect(extracted.sections.map((s) => s.text).join(" ")).toContain("The lighthouse keeper lights the lamp");
  });

  it("chains multiply: Flate inside ASCII85 is measured (no zlib header at the start to spot it by)", async () => {
    const inner = deflateSync(Buffer.alloc(20 * MB, 97), { level: 9 });
    const outer = ascii85(inner);
    const pdf = pdfWithContentStream("[/ASCII85Decode /FlateDecode]", outer);
    await expect(checkPdfStreams(pdf, limits8)).rejects.toThrow(/MAX_DECOMPRESSED_BYTES/);
    // Within the cap the chain measures the ASCII85 output plus the inflated bytes.
    const honest = deflateSync(Buffer.from(content("a small honest page")));
    const measured = await measureFilters(
      ascii85(honest),
      [
        { name: "A85", earlyChange: 1 },
        { name: "Fl", earlyChange: 1 },
      ],
      8 * MB,
    );
    expect(measured).toEqual({ bytes: honest.length + content("a small honest page").length, over: false });
    const text = await extract({ bytes: pdfWithContentStream("[/A85 /Fl]", ascii85(honest)), fileName: "c.pdf" });
    expect(text.sections[0]?.text).toContain("a small honest page");
  });

  it("RunLength: 128 bytes per 2 fails at the cap; a planted endstream cannot end the measure early", async () => {
    await expect(
      checkPdfStreams(pdfWithContentStream("/RunLengthDecode", runLengthBomb(20 * MB)), limits8),
    ).rejects.toThrow(/MAX_DECOMPRESSED_BYTES/);
    // /Length covers the whole data and `endstream` follows it (pdf.js trusts it); a literal run inside the data
    // spells "endstream" after 1 MB of output, and the 15 MB after it must be counted too.
    const planted = Uint8Array.from([8, ...new TextEncoder().encode("endstream")]);
    const first = runLengthBomb(1 * MB);
    const rest = runLengthBomb(15 * MB);
    const data = new Uint8Array(first.length + planted.length + rest.length);
    data.set(first, 0);
    data.set(planted, first.length);
    data.set(rest, first.length + planted.length);
    await expect(checkPdfStreams(pdfWithContentStream("/RL", data), limits8)).rejects.toThrow(/MAX_DECOMPRESSED_BYTES/);
  });

  it("filters named in an object the scan cannot read, or in one that holds no filter name, are refused", async () => {
    const hidden = pdfWithContentStream("99 0 R", lzwBomb(1 * MB));
    await expect(checkPdfStreams(hidden, DEFAULT_LIMITS)).rejects.toThrow(
      /cannot be measured .*\(MAX_DECOMPRESSED_BYTES\)/,
    );
    // Object 4 is the page dictionary, not a filter name: the filter is unreadable, so refused as well.
    await expect(checkPdfStreams(pdfWithContentStream("4 0 R", lzwBomb(MB)), DEFAULT_LIMITS)).rejects.toThrow(
      /cannot be measured/,
    );
    const resolvable = pdfWithContentStream("[3 0 R]", lzwBomb(20 * MB)); // object 3: the font dictionary
    await expect(checkPdfStreams(resolvable, limits8)).rejects.toThrow(/cannot be measured/);
  });

  it("image filters and honest Flate pages pass; the extraction of an honest PDF is unchanged", async () => {
    const jpegLike = new Uint8Array(2 * MB).fill(255);
    await expect(checkPdfStreams(pdfWithContentStream("/DCTDecode", jpegLike), limits8)).resolves.toBeUndefined();
    const page = pdfWithContentStream("/FlateDecode", deflateSync(Buffer.from(content("a Flate page"))));
    await expect(checkPdfStreams(page, limits8)).resolves.toBeUndefined();
    const extracted = await extract({ bytes: page, fileName: "f.pdf" });
    expect(extracted.sections[0]?.text).toContain("a Flate page");
  });
});
