/**
 * @module
 * Small generators for the hostile inputs of the reliability suite (issue #9), built in memory so no attack file
 * lives in git: a PDF page bomb, a PDF whose one stream expands to tens of megabytes, a DOCX whose XML inflates
 * far past its size, deeply nested HTML, sitemap and JSON, and the quadratic-regex Markdown.
 */
import { constants, deflateRawSync, deflateSync } from "node:zlib";
import JSZip from "jszip";

const encoder = new TextEncoder();

/** A PDF from numbered object bodies, with an exact xref table (pdf.js then never falls back to a repair scan). */
export function pdfOf(objects: Array<string | Uint8Array>): Uint8Array {
  const parts: Uint8Array[] = [encoder.encode("%PDF-1.4\n")];
  let length = parts[0]!.length;
  const offsets: number[] = [];
  const push = (part: string | Uint8Array) => {
    const bytes = typeof part === "string" ? encoder.encode(part) : part;
    parts.push(bytes);
    length += bytes.length;
  };
  for (let id = 1; id < objects.length; id++) {
    offsets[id] = length;
    push(`${id} 0 obj\n`);
    push(objects[id]!);
    push("\nendobj\n");
  }
  const xref = length;
  const rows = [`xref\n0 ${objects.length}\n0000000000 65535 f \n`];
  for (let id = 1; id < objects.length; id++) rows.push(`${String(offsets[id]).padStart(10, "0")} 00000 n \n`);
  push(rows.join(""));
  push(`trailer\n<< /Size ${objects.length} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const FONT = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>";

/** `pages` page objects that all share one small content stream (the 4.8 MB, 30,000-page bomb). */
export function pdfPageBomb(pages: number): Uint8Array {
  const content = "BT /F1 12 Tf 72 720 Td (every page says the same) Tj ET";
  const objects: string[] = [];
  objects[1] = "<< /Type /Catalog /Pages 2 0 R >>";
  objects[3] = FONT;
  objects[4] = `<< /Length ${content.length} >>\nstream\n${content}\nendstream`;
  const kids: string[] = [];
  for (let i = 0; i < pages; i++) {
    const id = 5 + i;
    kids.push(`${id} 0 R`);
    objects[id] =
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>";
  }
  objects[2] = `<< /Type /Pages /Kids [${kids.join(" ")}] /Count ${pages} >>`;
  return pdfOf(objects);
}

/** One page whose Flate content stream inflates to about `expandedBytes` of text-showing operators. */
export function pdfExpandingStream(expandedBytes: number): Uint8Array {
  const op = "(aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa) Tj\n";
  const body = `BT /F1 12 Tf 72 720 Td\n${op.repeat(Math.ceil(expandedBytes / op.length))}ET`;
  return pdfWithContentStream("/FlateDecode", deflateSync(Buffer.from(body), { level: 9 }));
}

/**
 * A DOCX whose word/document.xml holds `paragraphs` paragraphs of `paragraph` (deflated, so megabytes of
 * repeated text cost kilobytes), built with the headers an honest zip writer would give it.
 */
export async function docxWithText(paragraph: string, paragraphs: number): Promise<Uint8Array> {
  const p = `<w:p><w:r><w:t>${paragraph}</w:t></w:r></w:p>`;
  const xml =
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${p.repeat(paragraphs)}</w:body></w:document>`;
  const zip = new JSZip();
  zip.file(
    "[Content_Types].xml",
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
      '<Default Extension="xml" ContentType="application/xml"/>' +
      '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
  );
  zip.file(
    "_rels/.rels",
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
  );
  zip.file("word/document.xml", xml);
  return zip.generateAsync({ type: "uint8array", compression: "DEFLATE", compressionOptions: { level: 9 } });
}

/**
 * A zip bomb shaped as a DOCX: word/document.xml inflates to `inflatedBytes` of one repeated byte, while its
 * headers claim a small size (a lying writer: the service must measure, not trust them).
 */
export function docxBomb(inflatedBytes: number): Uint8Array {
  // One raw deflate stream made of identical non-final blocks (each 1 MiB of "a", sync-flushed so they join
  // at byte boundaries) and a final empty block: 400 MB of output for ~400 KB, computed from one 1 MiB block.
  const block = deflateRawSync(Buffer.alloc(1024 * 1024, 0x61), { level: 9, finishFlush: constants.Z_SYNC_FLUSH });
  const blocks = Math.ceil(inflatedBytes / (1024 * 1024));
  const data = Buffer.concat([...Array.from({ length: blocks }, () => block), Buffer.from([0x03, 0x00])]);
  const name = Buffer.from("word/document.xml");
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(1000, 22); // the lie: "1000 bytes uncompressed"
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(1000, 24);
  central.writeUInt16LE(name.length, 28);
  central.writeUInt32LE(0, 42);
  const cdOffset = local.length + name.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + name.length, 12);
  end.writeUInt32LE(cdOffset, 16);
  return new Uint8Array(Buffer.concat([local, name, data, central, name, end]));
}

/** `depth` nested `<b>` elements around one word. */
export function nestedHtml(depth: number): Uint8Array {
  return encoder.encode(`<html><body>${"<b>".repeat(depth)}deep${"</b>".repeat(depth)}</body></html>`);
}

/** A sitemap whose single `<url>` sits under `depth` nested elements. */
export function nestedSitemap(depth: number): string {
  return `<?xml version="1.0"?><urlset>${"<x>".repeat(depth)}<url><loc>/a</loc></url>${"</x>".repeat(depth)}</urlset>`;
}

/** The quadratic-title Markdown: `# a` + `#` × n + `b`. */
export function quadraticMarkdown(n: number): Uint8Array {
  return encoder.encode(`# a${"#".repeat(n)}b\n\nbody text`);
}

/** `{"a":{"a":…{}}}` nested `depth` deep. */
export function nestedJson(depth: number): string {
  return `${'{"a":'.repeat(depth)}{}${"}".repeat(depth)}`;
}

/** A file containing this kills the process that extracts it, under `test/helpers/poison-entry.ts` only. */
export const POISON_MARKER = "KILL-THE-PROCESS";

/** A one-page PDF whose content stream is `data` under `/Filter filter` (a name or an array, as PDF writes it). */
export function pdfWithContentStream(filter: string, data: Uint8Array, extraDict = ""): Uint8Array {
  const objects: Array<string | Uint8Array> = [];
  objects[1] = "<< /Type /Catalog /Pages 2 0 R >>";
  objects[2] = "<< /Type /Pages /Kids [4 0 R] /Count 1 >>";
  objects[3] = FONT;
  objects[4] =
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>";
  const head = encoder.encode(`<< /Length ${data.length} /Filter ${filter}${extraDict} >>\nstream\n`);
  const tail = encoder.encode("\nendstream");
  const stream = new Uint8Array(head.length + data.length + tail.length);
  stream.set(head, 0);
  stream.set(data, head.length);
  stream.set(tail, head.length + data.length);
  objects[5] = stream;
  return pdfOf(objects);
}

/** Writes codes MSB first with the code length a PDF LZW decoder (EarlyChange 1) expects at each point. */
class LzwWriter {
  private readonly out: number[] = [];
  private acc = 0;
  private bits = 0;
  private codeLength = 9;
  private nextCode = 258;
  private codes = 0;

  write(code: number): void {
    this.acc = (this.acc << this.codeLength) | code;
    this.bits += this.codeLength;
    while (this.bits >= 8) {
      this.bits -= 8;
      this.out.push((this.acc >>> this.bits) & 0xff);
    }
    this.acc &= (1 << this.bits) - 1;
    if (code === 256) {
      this.codeLength = 9;
      this.nextCode = 258;
      this.codes = 0;
      return;
    }
    if (this.codes++ > 0) {
      this.nextCode++;
      const n = this.nextCode + 1;
      if ((n & (n - 1)) === 0) this.codeLength = Math.min(Math.log2(n) + 1, 12);
    }
  }

  bytes(): Uint8Array {
    if (this.bits > 0) this.out.push((this.acc << (8 - this.bits)) & 0xff);
    return Uint8Array.from(this.out);
  }
}

/** PDF LZW (EarlyChange 1) of `data`; short inputs only (the table is never reset). */
export function lzwEncode(data: Uint8Array): Uint8Array {
  const writer = new LzwWriter();
  writer.write(256);
  const table = new Map<string, number>();
  let next = 258;
  let w = "";
  for (const byte of data) {
    const c = String.fromCharCode(byte);
    if (w === "" || table.has(w + c)) {
      w += c;
      continue;
    }
    writer.write(w.length === 1 ? w.charCodeAt(0) : table.get(w)!);
    if (next < 4096) table.set(w + c, next++);
    w = c;
  }
  if (w !== "") writer.write(w.length === 1 ? w.charCodeAt(0) : table.get(w)!);
  writer.write(257);
  return writer.bytes();
}

/**
 * LZW that decodes to about `expandedBytes` of the letter a from a few KB: each code names the entry the one
 * before it created (a, aa, aaa, …) until the table is full, then the longest entry (3,839 bytes per 12-bit code)
 * again and again: ~2,500 times its size.
 */
export function lzwBomb(expandedBytes: number): Uint8Array {
  const writer = new LzwWriter();
  writer.write(256);
  writer.write(97);
  let produced = 1;
  for (let code = 258; code < 4096 && produced < expandedBytes; code++) {
    writer.write(code);
    produced += code - 256;
  }
  for (; produced < expandedBytes; produced += 3839) writer.write(4095);
  writer.write(257);
  return writer.bytes();
}

/** RunLength that decodes to `expandedBytes` of the letter a: each 2-byte run makes 128 bytes. */
export function runLengthBomb(expandedBytes: number): Uint8Array {
  const runs = Math.ceil(expandedBytes / 128);
  const out = new Uint8Array(runs * 2);
  for (let i = 0; i < runs; i++) out.set([129, 97], i * 2);
  return out;
}
