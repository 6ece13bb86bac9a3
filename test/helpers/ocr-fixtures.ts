/**
 * @module
 * Real images of real text for the OCR tests: sentences rendered by Debian's Chromium (scripts/setup-chromium.sh,
 * driven by playwright-core; never a downloaded browser) and screenshotted as PNG and JPEG; the PNG rewritten as
 * an uncompressed baseline TIFF; and PDFs built with pdf-lib that embed the PNG as a page with no text layer.
 */
import { existsSync } from "node:fs";
import { decode } from "fast-png";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { chromium } from "playwright-core";

const CHROMIUM = "/usr/bin/chromium";

export type Rendered = { png: Uint8Array; jpeg: Uint8Array };

/** Each sentence as black text on white, 28 px DejaVu Sans, one line. */
export async function renderSentences(sentences: string[]): Promise<Rendered[]> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: run scripts/setup-chromium.sh (as root) to install Debian's Chromium.`);
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM });
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 90 } });
    const out: Rendered[] = [];
    for (const sentence of sentences) {
      await page.setContent(
        `<body style="margin:24px;background:#fff;color:#000;font:28px 'DejaVu Sans',sans-serif;white-space:nowrap"></body>`,
      );
      await page.evaluate((text) => {
        document.body.textContent = text;
      }, sentence);
      out.push({
        png: new Uint8Array(await page.screenshot({ type: "png" })),
        jpeg: new Uint8Array(await page.screenshot({ type: "jpeg", quality: 90 })),
      });
    }
    return out;
  } finally {
    await browser.close();
  }
}

/** The PNG's pixels as an uncompressed 8-bit RGB TIFF (one strip), the layout every TIFF reader takes. */
export function pngToTiff(png: Uint8Array): Uint8Array {
  const image = decode(png);
  const { width, height } = image;
  const rgb = new Uint8Array(width * height * 3);
  const channels = image.channels;
  for (let i = 0; i < width * height; i++) {
    for (let c = 0; c < 3; c++) rgb[i * 3 + c] = Number(image.data[i * channels + Math.min(c, channels - 1)]);
  }
  const entries: Array<[tag: number, type: number, count: number, value: number]> = [];
  const ifdAt = 8;
  const count = 10;
  const bitsAt = ifdAt + 2 + count * 12 + 4;
  const dataAt = bitsAt + 6;
  entries.push(
    [256, 4, 1, width],
    [257, 4, 1, height],
    [258, 3, 3, bitsAt], // BitsPerSample 8,8,8 (stored outside the entry)
    [259, 3, 1, 1], // no compression
    [262, 3, 1, 2], // RGB
    [273, 4, 1, dataAt],
    [277, 3, 1, 3],
    [278, 4, 1, height],
    [279, 4, 1, rgb.length],
    [284, 3, 1, 1], // chunky
  );
  const out = Buffer.alloc(dataAt + rgb.length);
  out.write("II", 0, "latin1");
  out.writeUInt16LE(42, 2);
  out.writeUInt32LE(ifdAt, 4);
  out.writeUInt16LE(count, ifdAt);
  entries.forEach(([tag, type, n, value], i) => {
    const at = ifdAt + 2 + i * 12;
    out.writeUInt16LE(tag, at);
    out.writeUInt16LE(type, at + 2);
    out.writeUInt32LE(n, at + 4);
    if (type === 3 && n === 1) out.writeUInt16LE(value, at + 8);
    else out.writeUInt32LE(value, at + 8);
  });
  for (let i = 0; i < 3; i++) out.writeUInt16LE(8, bitsAt + i * 2);
  out.set(rgb, dataAt);
  return new Uint8Array(out);
}

/** A PDF whose pages are, in order, text pages (a real text layer) and scans (the PNG drawn over the page). */
export async function pdfOfPages(pages: Array<{ text: string } | { png: Uint8Array }>): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const content of pages) {
    const page = doc.addPage([612, 792]);
    if ("text" in content) page.drawText(content.text, { x: 72, y: 700, size: 14, font });
    else {
      const image = await doc.embedPng(content.png);
      const width = 540;
      page.drawImage(image, { x: 36, y: 600, width, height: (image.height / image.width) * width });
    }
  }
  return doc.save();
}
