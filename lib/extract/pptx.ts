/**
 * @module
 * PPTX → one section per slide (sectionNumber = the slide's position in the deck, 1-based, as Kernel Memory
 * numbers slides), its speaker notes included. A slide's text comes in reading order: the title first, then the
 * other shapes top to bottom and left to right when every one of them has a position on the slide (shapes that
 * inherit theirs from the layout keep the order the file lists them in). Table cells are joined with " | " per row.
 */
import { checkLimit, type ExtractLimits } from "./limits.js";
import { attribute, localName, mainPart, openPackage, type Package, relationships } from "./ooxml.js";
import { cleanText } from "./text.js";
import { type Extracted, type ExtractedSection, MIME } from "./types.js";

const LABEL = "PPTX";
const SHAPES = new Set(["sp", "graphicFrame", "grpSp", "cxnSp"]);

export async function extractPptx(
  bytes: Uint8Array,
  fileName: string | undefined,
  limits: ExtractLimits,
): Promise<Extracted> {
  const pkg = await openPackage(bytes, { mimeType: MIME.pptx, fileName, label: LABEL }, limits, {
    pattern: /^ppt\/slides\/[^/]+\.xml$/i,
    what: "slides",
  });
  const presentation = await mainPart(
    pkg,
    /presentation\.xml$/i,
    "ppt/presentation.xml",
    "the zip has no PowerPoint presentation inside",
  );

  const ids: string[] = [];
  pkg.parse(presentation.part, presentation.xml, {
    open(name, a) {
      const id = attribute(a, "id");
      if (localName(name) === "sldId" && id) ids.push(id);
    },
  });
  checkLimit(limits, "maxPages", ids.length, `the PPTX lists ${ids.length} slides`);
  const rels = await relationships(pkg, presentation.part);

  const sections: ExtractedSection[] = [];
  let chars = 0;
  for (const [i, id] of ids.entries()) {
    const part = rels.get(id);
    const xml = part ? await pkg.read(part) : undefined;
    if (!part || xml === undefined) continue;
    const slide = slideText(pkg, part, xml, false);
    const slideRels = await relationships(pkg, part);
    const notesPart = [...slideRels.values()].find((p) => /notesSlides\/[^/]+\.xml$/i.test(p));
    const notesXml = notesPart ? await pkg.read(notesPart) : undefined;
    const notes = notesXml === undefined ? "" : slideText(pkg, notesPart!, notesXml, true);
    const text = cleanText(notes ? `${slide}\n\nNotes:\n${notes}` : slide).trim();
    chars += text.length;
    checkLimit(limits, "maxChars", chars, `the PPTX holds ${chars}+ characters of text`);
    if (text !== "") sections.push({ text, sectionNumber: i + 1 });
  }
  return { mimeType: MIME.pptx, sections };
}

type Shape = { title: boolean; notesBody: boolean; x?: number; y?: number; lines: string[] };

/** The text of one slide (or, with `notes`, of the notes page's body placeholder: its other shapes are furniture). */
function slideText(pkg: Package, part: string, xml: string, notes: boolean): string {
  const shapes: Shape[] = [];
  let shape: Shape | undefined;
  let shapeDepth = 0; // shapes nested in the current top-level one (groups)
  let runs: string[] = [];
  let cells: string[] | undefined;
  let cell: string[] | undefined;
  let inText = false;
  pkg.parse(part, xml, {
    open(name, a) {
      const local = localName(name);
      if (SHAPES.has(local)) {
        if (shapeDepth++ === 0) {
          shape = { title: false, notesBody: false, lines: [] };
          shapes.push(shape);
        }
      } else if (!shape) return;
      else if (local === "ph") {
        shape.title ||= a.type === "title" || a.type === "ctrTitle";
        shape.notesBody ||= a.type === "body";
      } else if (local === "off" && shape.y === undefined && shapeDepth === 1) {
        shape.x = Number(a.x);
        shape.y = Number(a.y);
      } else if (local === "t") inText = true;
      else if (local === "br") runs.push("\n");
      else if (local === "tr") cells = [];
      else if (local === "tc") cell = [];
    },
    text(data) {
      if (inText) runs.push(data);
    },
    close(name) {
      const local = localName(name);
      if (local === "t") inText = false;
      else if (local === "p" && shape) {
        const line = runs
          .join("")
          .replace(/[^\S\n]+/g, " ")
          .trim();
        runs = [];
        if (line === "") return;
        if (cell) cell.push(line);
        else shape.lines.push(line);
      } else if (local === "tc" && cell) {
        cells?.push(cell.join(" "));
        cell = undefined;
      } else if (local === "tr" && cells && shape) {
        if (cells.some((c) => c !== "")) shape.lines.push(cells.join(" | "));
        cells = undefined;
      } else if (SHAPES.has(local)) {
        shapeDepth = Math.max(0, shapeDepth - 1);
        if (shapeDepth === 0) shape = undefined;
      }
    },
  });
  const kept = notes ? shapes.filter((s) => s.notesBody) : shapes;
  return readingOrder(kept)
    .map((s) => s.lines.join("\n"))
    .filter((t) => t !== "")
    .join("\n\n");
}

function readingOrder(shapes: Shape[]): Shape[] {
  const titles = shapes.filter((s) => s.title);
  const rest = shapes.filter((s) => !s.title);
  const placed = rest.every((s) => Number.isFinite(s.x) && Number.isFinite(s.y));
  if (placed) rest.sort((a, b) => a.y! - b.y! || a.x! - b.x!);
  return [...titles, ...rest];
}
