/**
 * @module
 * Hostile images for the attack suite, built in memory: headers that promise 30,000 × 30,000 pixels (PNG, JPEG,
 * TIFF) in a few hundred bytes, a complete PNG that inflates to 256 M pixels (a decompression bomb), a truncated
 * PNG, and PDFs of image-only pages (more than MAX_PDF_PAGES; more than MAX_OCR_PAGES). Every image here is a
 * well-formed header: only the size it promises, or the bytes that are missing, make it hostile.
 */
import { deflateSync } from "node:zlib";
import { encode } from "fast-png";
import { pdfOf } from "./attack-files.js";
import { crc32 } from "./crc32.js";

function pngChunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A PNG of `width` × `height` 1-bit gray pixels, all black: `width/8 × height` bytes of zeros, deflated. */
function blackPng(width: number, height: number, idat: Uint8Array): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // grayscale
  return new Uint8Array(
    Buffer.concat([PNG_SIGNATURE, pngChunk("IHDR", ihdr), pngChunk("IDAT", idat), pngChunk("IEND", new Uint8Array())]),
  );
}

/** The header of a 30,000 × 30,000 PNG and a few bytes of data: nothing near what the header promises. */
export function hugePngHeader(): Uint8Array {
  return blackPng(30_000, 30_000, deflateSync(Buffer.alloc(64)));
}

/**
 * A complete, valid PNG of 16,000 × 16,000 pixels (256 M) whose data (32 MB of rows) deflates to ~32 KB: decoded
 * to 8-bit it would take 256 MB, to RGBA 1 GB.
 */
export function pngBomb(): Uint8Array {
  const side = 16_000;
  const rows = Buffer.alloc((side / 8 + 1) * side); // filter byte 0 + packed row, all zero
  return blackPng(side, side, deflateSync(rows, { level: 9 }));
}

/** A JPEG whose SOF0 frame header says 30,000 × 30,000, three components; no scan follows. */
export function hugeJpegHeader(): Uint8Array {
  const sof = Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, 0, 0, 0, 0, 0x03, 1, 0x11, 0, 2, 0x11, 1, 3, 0x11, 1]);
  sof.writeUInt16BE(30_000, 5);
  sof.writeUInt16BE(30_000, 7);
  const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  return new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof, Buffer.from([0xff, 0xd9])]));
}

/** A little-endian TIFF whose one IFD says 30,000 × 30,000 8-bit gray, uncompressed; 16 bytes of strip data. */
export function hugeTiffHeader(): Uint8Array {
  const entries: Array<[number, number, number]> = [
    [256, 4, 30_000], // ImageWidth (LONG)
    [257, 4, 30_000], // ImageLength
    [258, 3, 8], // BitsPerSample
    [259, 3, 1], // Compression: none
    [262, 3, 1], // Photometric: black is zero
    [273, 4, 8 + 2 + 9 * 12 + 4], // StripOffsets: right after the IFD
    [277, 3, 1], // SamplesPerPixel
    [278, 4, 30_000], // RowsPerStrip
    [279, 4, 900_000_000], // StripByteCounts: what the header promises
  ];
  const out = Buffer.alloc(8 + 2 + entries.length * 12 + 4 + 16);
  out.write("II", 0, "latin1");
  out.writeUInt16LE(42, 2);
  out.writeUInt32LE(8, 4);
  out.writeUInt16LE(entries.length, 8);
  entries.forEach(([tag, type, value], i) => {
    const at = 10 + i * 12;
    out.writeUInt16LE(tag, at);
    out.writeUInt16LE(type, at + 2);
    out.writeUInt32LE(1, at + 4);
    if (type === 3) out.writeUInt16LE(value, at + 8);
    else out.writeUInt32LE(value, at + 8);
  });
  return new Uint8Array(out);
}

/** A real 400 × 300 PNG (a gray gradient, so it does not compress to nothing) cut after 40% of its bytes. */
export function truncatedPng(): Uint8Array {
  const width = 400;
  const height = 300;
  const data = new Uint8Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7 + (i >> 5)) & 0xff;
  const png = encode({ width, height, data, channels: 1, depth: 8 });
  return png.subarray(0, Math.floor(png.length * 0.4));
}

/**
 * A PDF of `pages` pages that all paint one shared 64 × 64 gray image and carry no text: a scan, as far as
 * extraction can tell. The pages share one content stream and one image, so 10,000 pages cost ~1 MB.
 */
export function imageOnlyPdf(pages: number): Uint8Array {
  const pixels = Buffer.alloc(64 * 64);
  for (let i = 0; i < pixels.length; i++) pixels[i] = i % 64 < 32 ? 40 : 220;
  const content = "q 300 0 0 300 150 400 cm /Im1 Do Q";
  const objects: Array<Buffer | string> = [];
  objects[1] = "<< /Type /Catalog /Pages 2 0 R >>";
  objects[3] = Buffer.concat([
    Buffer.from(
      `<< /Type /XObject /Subtype /Image /Width 64 /Height 64 /ColorSpace /DeviceGray /BitsPerComponent 8 /Length ${pixels.length} >>\nstream\n`,
    ),
    pixels,
    Buffer.from("\nendstream"),
  ]);
  objects[4] = `<< /Length ${content.length} >>\nstream\n${content}\nendstream`;
  const kids: string[] = [];
  for (let i = 0; i < pages; i++) {
    kids.push(`${5 + i} 0 R`);
    objects[5 + i] =
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /XObject << /Im1 3 0 R >> >> /Contents 4 0 R >>";
  }
  objects[2] = `<< /Type /Pages /Kids [${kids.join(" ")}] /Count ${pages} >>`;
  return pdfOf(objects);
}
