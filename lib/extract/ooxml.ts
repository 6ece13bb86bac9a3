/**
 * @module
 * What XLSX and PPTX share: a zip whose XML parts are measured against the caps before any is read
 * (compressed-parts.ts), parts read one at a time (zip.ts) and streamed through htmlparser2 in XML mode, which
 * builds no tree, so a part costs its text and not an object per element; and the relationship files that map
 * `r:id`s to part names.
 */
import { Parser } from "htmlparser2";
import { checkZipParts } from "./compressed-parts.js";
import { ExtractionFailed } from "./errors.js";
import { checkLimit, type ExtractLimits, limitError } from "./limits.js";
import { readZipText, resolvePart, type ZipEntry, zipEntries } from "./zip.js";

export type XmlHandlers = {
  open?: (name: string, attributes: Record<string, string>) => void;
  text?: (data: string) => void;
  close?: (name: string) => void;
};

/** One OOXML package being read: its entries, and a byte budget shared by every part read from it. */
export type Package = {
  read: (name: string) => Promise<string | undefined>;
  /** Streams a part's XML through `handlers`; malformed XML or nesting past MAX_NESTING_DEPTH fails the file. */
  parse: (part: string, xml: string, handlers: XmlHandlers) => void;
  has: (name: string) => boolean;
  names: () => IterableIterator<string>;
  fail: (reason: string) => ExtractionFailed;
};

export async function openPackage(
  bytes: Uint8Array,
  meta: { mimeType: string; fileName: string | undefined; label: string },
  limits: ExtractLimits,
  /** Which entries are sections (`ppt/slides/slideN.xml`) and what one is called: counted before anything inflates. */
  sections: { pattern: RegExp; what: string },
): Promise<Package> {
  const fail = (reason: string) => new ExtractionFailed({ mimeType: meta.mimeType, fileName: meta.fileName, reason });
  const entries = zipEntries(bytes);
  if (!entries) throw fail(`the file is not a valid ${meta.label} (corrupt or truncated zip)`);
  let count = 0;
  for (const name of entries.keys()) if (sections.pattern.test(name)) count++;
  checkLimit(limits, "maxPages", count, `the ${meta.label} has ${count} ${sections.what}`);
  // Measured, not trusted: every XML part inflated once against MAX_DECOMPRESSED_BYTES and MAX_XML_ELEMENTS.
  await checkZipParts(bytes, limits, meta.label);
  let left = limits.maxDecompressedBytes;
  return {
    fail,
    parse(part, xml, handlers) {
      if (!parseXml(xml, handlers, limits, meta.label)) throw fail(`its XML is malformed (${part})`);
    },
    has: (name) => entries.has(name),
    names: () => entries.keys(),
    async read(name) {
      const entry: ZipEntry | undefined = entries.get(name);
      const over = () =>
        limitError(limits, "maxDecompressedBytes", `the ${meta.label}'s XML parts expand to more bytes than allowed`);
      const text = await readZipText(bytes, entry, left, over);
      if (text !== undefined) left -= text.length;
      return text;
    },
  };
}

/**
 * Streams `xml` through `handlers`; false when it is not well formed as far as a streaming parser can tell (an
 * element left open at the end, text outside the root). Nesting past MAX_NESTING_DEPTH throws `LimitExceeded`.
 */
export function parseXml(xml: string, handlers: XmlHandlers, limits: ExtractLimits, label: string): boolean {
  let depth = 0;
  let wellFormed = true;
  let roots = 0;
  let justOpened = false;
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (depth++ === 0 && ++roots > 1) wellFormed = false;
        checkLimit(limits, "maxDepth", depth, `the ${label}'s XML nests elements more than ${limits.maxDepth} deep`);
        handlers.open?.(name, attributes);
        justOpened = true;
      },
      ontext(data) {
        justOpened = false;
        if (depth === 0 && data.trim() !== "") wellFormed = false;
        handlers.text?.(data);
      },
      onclosetag(name, implied) {
        // An implied close right after its open is `<x/>`; any other was never closed in the XML (a parent's end
        // tag or the end of the input closed it).
        if (ending || (implied && !justOpened)) wellFormed = false;
        justOpened = false;
        depth = Math.max(0, depth - 1);
        handlers.close?.(name);
      },
    },
    { xmlMode: true, decodeEntities: true },
  );
  let ending = false;
  parser.write(xml);
  ending = true;
  parser.end();
  return wellFormed && roots === 1;
}

/** `r:id` → part name, for the relationships of `part` (e.g. `xl/workbook.xml` → `xl/_rels/workbook.xml.rels`). */
export async function relationships(pkg: Package, part: string): Promise<Map<string, string>> {
  const slash = part.lastIndexOf("/");
  const relsName = `${part.slice(0, slash + 1)}_rels/${part.slice(slash + 1)}.rels`;
  const xml = await pkg.read(relsName);
  const out = new Map<string, string>();
  if (xml === undefined) return out;
  pkg.parse(relsName, xml, {
    open(name, a) {
      if (localName(name) !== "Relationship" || !a.Id || !a.Target || a.TargetMode === "External") return;
      out.set(a.Id, resolvePart(part, a.Target));
    },
  });
  return out;
}

/**
 * The package's main part (the workbook, the presentation) and its XML: the part the package's own relationships
 * name whose path matches `pattern`, else `fallback`. Missing, the file fails with `missing`.
 */
export async function mainPart(
  pkg: Package,
  pattern: RegExp,
  fallback: string,
  missing: string,
): Promise<{ part: string; xml: string }> {
  const root = await relationships(pkg, "");
  const part = [...root.values()].find((p) => pattern.test(p)) ?? fallback;
  const xml = await pkg.read(part);
  if (xml === undefined) throw pkg.fail(missing);
  return { part, xml };
}

/** `a:t` → `t`: OOXML writers choose their own namespace prefixes. */
export function localName(name: string): string {
  const colon = name.indexOf(":");
  return colon < 0 ? name : name.slice(colon + 1);
}

/** The namespaced attribute `name` whatever its prefix (`r:id`; a slide's unprefixed `id` is another attribute). */
export function attribute(attributes: Record<string, string>, name: string): string | undefined {
  for (const [key, value] of Object.entries(attributes)) if (key.includes(":") && localName(key) === name) return value;
  return undefined;
}
