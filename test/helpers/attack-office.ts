/**
 * @module
 * Hostile XLSX and PPTX files for the extraction tests and the attack suite, built in memory: a worksheet that
 * inflates to hundreds of megabytes, a deck of 50,000 slides, a shared-strings table of millions of entries, a
 * sheet claiming the whole grid, and malformed XML. Each is a real zip with honest or deliberately lying headers.
 */
import { constants, deflateRawSync } from "node:zlib";
import { crc32 } from "./crc32.js";

const CT =
  '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>';
const REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const rels = (items: Array<[string, string]>) =>
  `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${items
    .map(([id, target]) => `<Relationship Id="${id}" Type="${REL}/x" Target="${target}"/>`)
    .join("")}</Relationships>`;

type Part = { name: string; data: Buffer; size: number; crc: number; method: 0 | 8 };

/** A zip of `parts`; a part given as a Buffer of raw deflate is stored as method 8 with the claimed size. */
export function zipOf(parts: Array<[string, string | Part]>): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of parts) {
    const part: Part = typeof content === "string" ? deflated(name, Buffer.from(content)) : { ...content, name };
    const nameBytes = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(part.method, 8);
    local.writeUInt32LE(part.crc, 14);
    local.writeUInt32LE(part.data.length, 18);
    local.writeUInt32LE(part.size, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(part.method, 10);
    central.writeUInt32LE(part.crc, 16);
    central.writeUInt32LE(part.data.length, 20);
    central.writeUInt32LE(part.size, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, part.data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + part.data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, directory, end]));
}

// Small parts are stored: deflating 50,000 slides one by one would take seconds, and costs the reader nothing.
function deflated(name: string, data: Buffer): Part {
  if (data.length < 4096) return { name, data, size: data.length, crc: crc32(data), method: 0 };
  return { name, data: deflateRawSync(data, { level: 9 }), size: data.length, crc: crc32(data), method: 8 };
}

/** A part that inflates to `bytes` of "a" from ~1/1000 of that, whose headers claim 1,000 bytes (a lying writer). */
export function bombPart(bytes: number): Part {
  const block = deflateRawSync(Buffer.alloc(1024 * 1024, 0x61), { level: 9, finishFlush: constants.Z_SYNC_FLUSH });
  const blocks = Math.ceil(bytes / (1024 * 1024));
  const data = Buffer.concat([...Array.from({ length: blocks }, () => block), Buffer.from([0x03, 0x00])]);
  return { name: "", data, size: 1000, crc: 0, method: 8 };
}

const workbook = (sheets: string[]) =>
  `<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="${REL}"><sheets>${sheets
    .map((name, i) => `<sheet name="${name}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`)
    .join("")}</sheets></workbook>`;

/** An XLSX with one sheet whose XML is `sheetXml` (or a bomb part), and an optional shared-strings table. */
export function xlsxOf(sheet: string | Part, sharedStrings?: string | Part): Uint8Array {
  const parts: Array<[string, string | Part]> = [
    ["[Content_Types].xml", CT],
    ["_rels/.rels", rels([["rId1", "xl/workbook.xml"]])],
    ["xl/workbook.xml", workbook(["Data"])],
    ["xl/_rels/workbook.xml.rels", rels([["rId1", "worksheets/sheet1.xml"]])],
    ["xl/worksheets/sheet1.xml", sheet],
  ];
  if (sharedStrings !== undefined) parts.push(["xl/sharedStrings.xml", sharedStrings]);
  return zipOf(parts);
}

/** A worksheet whose one row is `cells` (`<c>` elements). */
export const sheetXml = (cells: string, dimension = "A1:B2") =>
  `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="${dimension}"/><sheetData><row r="1">${cells}</row></sheetData></worksheet>`;

/** A shared-strings table of `count` one-letter strings: a few KB deflated, `count` × 3 elements inflated. */
export function sharedStringsXml(count: number): string {
  return `<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${count}">${"<si><t>x</t></si>".repeat(count)}</sst>`;
}

/** An XLSX that claims the whole grid (A1:XFD1048576) and has one cell at its far corner. */
export function xlsxWholeGrid(): Uint8Array {
  return xlsxOf(
    sheetXml(
      '<c r="A1" t="inlineStr"><is><t>corner</t></is></c><c r="XFD1048576" t="inlineStr"><is><t>far away</t></is></c>',
      "A1:XFD1048576",
    ),
  );
}

const slide = (text: string) =>
  `<?xml version="1.0"?><p:sld xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"><p:cSld><p:spTree><p:sp><p:txBody><a:p><a:r><a:t>${text}</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:sld>`;

/** A PPTX of `count` slides (each its own part, listed in the presentation) — `slideXml` overrides the first. */
export function pptxOf(count: number, first?: string | Part): Uint8Array {
  const ids = Array.from({ length: count }, (_, i) => `<p:sldId id="${256 + i}" r:id="rId${i + 1}"/>`).join("");
  const parts: Array<[string, string | Part]> = [
    ["[Content_Types].xml", CT],
    ["_rels/.rels", rels([["rId1", "ppt/presentation.xml"]])],
    [
      "ppt/presentation.xml",
      `<?xml version="1.0"?><p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" xmlns:r="${REL}"><p:sldIdLst>${ids}</p:sldIdLst></p:presentation>`,
    ],
    [
      "ppt/_rels/presentation.xml.rels",
      rels(Array.from({ length: count }, (_, i): [string, string] => [`rId${i + 1}`, `slides/slide${i + 1}.xml`])),
    ],
  ];
  for (let i = 0; i < count; i++) {
    // Past the tenth, slides are empty elements: 50,000 of them make a 7 MB file instead of 21 MB.
    const xml = i < 10 ? slide(`slide ${i + 1}`) : "<p:sld/>";
    parts.push([`ppt/slides/slide${i + 1}.xml`, i === 0 && first !== undefined ? first : xml]);
  }
  return zipOf(parts);
}

/** A slide whose XML stops mid-element (a truncated or hand-broken file). */
export const malformedSlide = `<?xml version="1.0"?><p:sld xmlns:p="p"><p:cSld><p:spTree><p:sp><a:t>cut off`;
