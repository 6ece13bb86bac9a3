import { describe, expect, it } from "vitest";
import {
  detectContentType,
  ExtractionFailed,
  extract,
  MIME,
  SUPPORTED_TYPES,
  UnsupportedContentType,
} from "../../../lib/extract/index.js";
import { buildDocx, buildPlainZip } from "../../fixtures/docx.js";
import { buildPdf } from "../../fixtures/pdf.js";

const utf8 = (s: string) => new TextEncoder().encode(s);
// A GIF header: an image type the service does not read (PNG, JPEG and TIFF go through OCR: images.test.ts).
const GIF = new Uint8Array([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0]);
const twoPagePdf = () =>
  buildPdf([["Invoice 42 for Contoso", "Total due (EUR): 1,250"], ["Second page: payment terms"]]);

describe("detectContentType", () => {
  it("trusts the file-name extension first, as KM's .NET client sends no Content-Type", () => {
    const bytes = utf8("whatever");
    const cases: Array<[string, string]> = [
      ["a.txt", MIME.text],
      ["a.TEXT", MIME.text],
      ["notes.md", MIME.markdown],
      ["notes.markdown", MIME.markdown],
      ["page.html", MIME.html],
      ["page.HTM", MIME.html],
      ["data.json", MIME.json],
      ["rows.csv", MIME.csv],
      ["report.pdf", MIME.pdf],
      ["letter.docx", MIME.docx],
      ["dir/sub\\content.txt", MIME.text],
    ];
    for (const [fileName, expected] of cases) {
      expect(detectContentType({ fileName, bytes }), fileName).toBe(expected);
    }
    // The extension wins over a (wrong) declared type.
    expect(detectContentType({ fileName: "a.csv", contentType: "text/plain", bytes })).toBe(MIME.csv);
  });

  it("uses a specific declared type when the name does not tell, ignoring application/octet-stream", () => {
    expect(detectContentType({ contentType: "text/html; charset=utf-8", bytes: utf8("plain words") })).toBe(MIME.html);
    expect(detectContentType({ fileName: "blob", contentType: "application/json", bytes: utf8("{}") })).toBe(MIME.json);
    expect(detectContentType({ contentType: "application/octet-stream", bytes: utf8("# Title") })).toBe(MIME.text);
  });

  it("sniffs the bytes when neither name nor type helps", async () => {
    expect(detectContentType({ bytes: twoPagePdf() })).toBe(MIME.pdf);
    expect(detectContentType({ bytes: await buildDocx(["hi"]) })).toBe(MIME.docx);
    expect(detectContentType({ bytes: utf8("\n  <!DOCTYPE html><html><body>x</body></html>") })).toBe(MIME.html);
    expect(detectContentType({ bytes: utf8("<html lang=en><p>x</p></html>") })).toBe(MIME.html);
    expect(detectContentType({ bytes: utf8('{"a": [1, 2]}') })).toBe(MIME.json);
    expect(detectContentType({ bytes: utf8("[not json") })).toBe(MIME.text);
    expect(detectContentType({ bytes: utf8("héllo wörld") })).toBe(MIME.text);
    expect(detectContentType({ fileName: "upload", bytes: utf8("") })).toBe(MIME.text);
  });

  it("returns undefined for binary and non-Word zips", async () => {
    expect(detectContentType({ bytes: GIF })).toBeUndefined();
    expect(detectContentType({ fileName: "logo.gif", contentType: "image/gif", bytes: GIF })).toBeUndefined();
    expect(detectContentType({ bytes: await buildPlainZip() })).toBeUndefined();
    expect(detectContentType({ bytes: new Uint8Array([0xff, 0xfe, 0x41, 0x00, 0x42, 0x00]) })).toBeUndefined();
  });

  it("lists every supported type", () => {
    expect([...SUPPORTED_TYPES].sort()).toEqual(Object.values(MIME).sort());
  });
});

describe("extract: text and markdown", () => {
  it("reads KM's text import, a file called content.txt with no Content-Type", async () => {
    const result = await extract({
      bytes: utf8("Kernel Memory stores facts.\r\nSecond line."),
      fileName: "content.txt",
    });
    expect(result).toEqual({
      mimeType: MIME.text,
      sections: [{ text: "Kernel Memory stores facts.\nSecond line.", sectionNumber: 1 }],
    });
  });

  it("replaces invalid UTF-8 with U+FFFD, drops NULs and a BOM, never throws", async () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8("ok "), 0xc3, 0x28, ...utf8(" a\u0000b\r\nc")]);
    const { sections } = await extract({ bytes, fileName: "weird.txt" });
    expect(sections).toEqual([{ text: "ok \uFFFD( ab\nc", sectionNumber: 1 }]);
    expect(sections[0]?.text).not.toContain("\u0000");
  });

  it("keeps markdown as text and takes its first heading as the title", async () => {
    const md = "# Release notes\n\nSome *emphasis* and a [link](https://example.com).\n";
    const result = await extract({ bytes: utf8(md), fileName: "README.md" });
    expect(result.mimeType).toBe(MIME.markdown);
    expect(result.title).toBe("Release notes");
    expect(result.sections[0]?.text).toBe(md.trim());
  });

  it("gives no sections (not an error) for empty or whitespace-only input", async () => {
    expect((await extract({ bytes: utf8(" \n\t \r\n"), fileName: "blank.txt" })).sections).toEqual([]);
    expect((await extract({ bytes: new Uint8Array(), fileName: "empty.txt" })).sections).toEqual([]);
    expect((await extract({ bytes: utf8("<html><script>x()</script></html>"), fileName: "a.html" })).sections).toEqual(
      [],
    );
  });
});

describe("extract: HTML", () => {
  const page = `<!DOCTYPE html>
<html><head><title> Quarterly   report </title>
<style>body { color: red }</style><script>var secret = "do-not-index";</script></head>
<body>
  <nav>Home</nav>
  <h1>Results &amp; outlook</h1>
  <p>Revenue grew
     by 12&nbsp;% in Q3.</p>
  <noscript>Enable JS</noscript><template><p>hidden template</p></template>
  <svg><title>chart</title><text>svg label</text></svg>
  <ul><li>First item</li><li>Second item</li></ul>
  <pre>line 1
line 2</pre>
  <script type="module">import "x";</script>
</body></html>`;

  it("keeps readable text with block structure and drops code, styling and head content", async () => {
    const result = await extract({ bytes: utf8(page), fileName: "report.html" });
    expect(result.title).toBe("Quarterly report");
    const text = result.sections[0]?.text ?? "";
    expect(text).toContain("Results & outlook\n\nRevenue grew by 12 % in Q3.");
    expect(text).toContain("First item\nSecond item");
    expect(text).toContain("line 1\nline 2");
    for (const hidden of [
      "do-not-index",
      "color: red",
      "Enable JS",
      "hidden template",
      "svg label",
      "chart",
      "import",
    ]) {
      expect(text).not.toContain(hidden);
    }
    expect(text).not.toMatch(/\n{3,}/);
    expect(text).not.toMatch(/ {2,}/);
  });

  it("still reads the body of a page that never closes <head>", async () => {
    const result = await extract({
      bytes: utf8("<html><head><title>T</title><body><p>Body text</p>"),
      fileName: "x.htm",
    });
    expect(result.sections[0]?.text).toBe("Body text");
    expect(result.title).toBe("T");
  });
});

describe("extract: JSON and CSV", () => {
  it("flattens JSON into path: value lines keeping every string searchable", async () => {
    const json = {
      name: "Contoso",
      tags: ["alpha", "beta"],
      owner: { email: "a@b.c", active: true, note: null },
      n: 3,
    };
    const { mimeType, sections } = await extract({ bytes: utf8(JSON.stringify(json)), fileName: "data.json" });
    expect(mimeType).toBe(MIME.json);
    expect(sections[0]?.text).toBe(
      [
        "name: Contoso",
        "tags[0]: alpha\ntags[1]: beta",
        "owner.email: a@b.c\nowner.active: true\nowner.note: null",
        "n: 3",
      ].join("\n\n"),
    );
  });

  it("keeps an unparsable .json file as plain text rather than failing", async () => {
    const { sections } = await extract({ bytes: utf8('{"a": 1}\n{"a": 2}\n'), fileName: "lines.json" });
    expect(sections[0]?.text).toBe('{"a": 1}\n{"a": 2}');
  });

  it("survives deeply nested JSON", async () => {
    const deep = `${"[".repeat(5000)}"bottom"${"]".repeat(5000)}`;
    const { sections } = await extract({ bytes: utf8(deep), fileName: "deep.json" });
    expect(sections[0]?.text).toContain("bottom");
  });

  it("turns each CSV row into header: value pairs", async () => {
    const csv = 'name,city,notes\r\nAda,London,"likes ""math"", engines"\r\nLinus,,"multi\nline"\r\n\r\n';
    const { mimeType, sections } = await extract({ bytes: utf8(csv), fileName: "people.csv" });
    expect(mimeType).toBe(MIME.csv);
    expect(sections[0]?.text).toBe(
      'name: Ada; city: London; notes: likes "math", engines\nname: Linus; notes: multi line',
    );
  });
});

describe("extract: PDF", () => {
  it("returns one section per page, numbered from 1, and leaves the caller's bytes intact", async () => {
    const bytes = twoPagePdf();
    const result = await extract({ bytes, fileName: "invoice.pdf" });
    expect(result.mimeType).toBe(MIME.pdf);
    expect(result.sections).toEqual([
      { text: "Invoice 42 for Contoso\nTotal due (EUR): 1,250", sectionNumber: 1 },
      { text: "Second page: payment terms", sectionNumber: 2 },
    ]);
    expect(bytes.byteLength).toBeGreaterThan(0);
    expect(detectContentType({ bytes })).toBe(MIME.pdf);
  });

  it("keeps page numbers when a page has no text", async () => {
    const result = await extract({ bytes: buildPdf([[], ["Only the second page has text"]]), fileName: "scan.pdf" });
    expect(result.sections).toEqual([{ text: "Only the second page has text", sectionNumber: 2 }]);
  });

  it("reports a corrupt or truncated PDF as ExtractionFailed with a readable message", async () => {
    for (const bytes of [utf8("%PDF-1.7\nthis is not really a pdf"), twoPagePdf().slice(0, 120), utf8("plain")]) {
      const error = await extract({ bytes, fileName: "broken.pdf" }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ExtractionFailed);
      expect((error as ExtractionFailed).message).toMatch(
        /^Could not extract text from "broken\.pdf" \(application\/pdf\): /,
      );
      expect((error as ExtractionFailed).message).not.toMatch(/\n\s+at /);
      expect((error as ExtractionFailed).mimeType).toBe(MIME.pdf);
    }
  });
});

describe("extract: DOCX", () => {
  it("reads paragraphs of a real DOCX, detected by name or by content", async () => {
    const bytes = await buildDocx(["Hello from Word", "Fish & chips < 5 EUR"]);
    for (const input of [{ bytes, fileName: "letter.docx" }, { bytes }]) {
      const result = await extract(input);
      expect(result).toEqual({
        mimeType: MIME.docx,
        sections: [{ text: "Hello from Word\n\nFish & chips < 5 EUR", sectionNumber: 1 }],
      });
    }
  });

  it("reports corrupt DOCX files as ExtractionFailed", async () => {
    const docx = await buildDocx(["x"]);
    for (const bytes of [docx.slice(0, 40), utf8("not a zip at all"), await buildPlainZip()]) {
      const error = await extract({ bytes, fileName: "broken.docx" }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ExtractionFailed);
      expect((error as Error).message).toMatch(/broken\.docx.*wordprocessingml.*: the /);
    }
  });
});

describe("extract: unsupported input", () => {
  it("throws UnsupportedContentType for a GIF, non-Word zips and unknown binary", async () => {
    for (const input of [
      { bytes: GIF, fileName: "logo.gif" },
      { bytes: GIF, contentType: "image/gif" },
      { bytes: GIF, fileName: "file0", contentType: "application/octet-stream" },
      { bytes: await buildPlainZip(), fileName: "archive.zip" },
    ]) {
      const error = await extract(input).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnsupportedContentType);
      expect((error as Error).message).toMatch(/not a supported document type/);
    }
  });
});
