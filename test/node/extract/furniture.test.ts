/**
 * Page furniture never reaches the chunks: HTML navigation, page header and
 * footer, sidebars, "Prev Up Home Next" link bars, tables of contents, PDF
 * dot-leader contents pages and Markdown contents link lists are stripped at
 * extraction (lib/extract/furniture.ts); and extractive answers quote
 * statements before contents lines and link lists that share the question's words.
 */
import { describe, expect, it } from "vitest";
import { extract, stripFurnitureLines } from "../../../lib/extract/index.js";
import { DEFAULT_FACT_TEMPLATE } from "../../../lib/memory/answer/args.js";
import { extractiveAnswer } from "../../../lib/memory/answer/extractive.js";
import { packFacts } from "../../../lib/memory/answer/facts.js";
import type { Citation } from "../../../lib/memory/types.js";
import { countTokens } from "../../../lib/partition/index.js";
import { buildPdf } from "../../fixtures/pdf.js";

const bytes = (s: string) => new TextEncoder().encode(s);
const textOf = async (fileName: string, body: string | Uint8Array) =>
  (await extract({ bytes: typeof body === "string" ? bytes(body) : body, fileName })).sections
    .map((s) => s.text)
    .join("\n\n");

// The shape of a PostgreSQL manual page (DocBook): link tables above and below the content.
const DOCBOOK_PAGE = `<!doctype html><html><head><title>11.2. Index Types</title></head><body>
<div class="navheader"><table width="100%"><tr><th colspan="5">11.2. Index Types</th></tr>
<tr><td><a href="indexes-intro.html">Prev</a></td><td><a href="indexes.html">Up</a></td>
<th>Chapter 11. Indexes</th><td><a href="index.html">Home</a></td><td><a href="indexes-multicolumn.html">Next</a></td></tr></table><hr></div>
<div class="sect1"><h2>11.2. Index Types</h2>
<p>PostgreSQL provides several index types: B-tree, Hash, GiST, SP-GiST, GIN, BRIN.</p>
<div class="toc"><dl><dt>11.2.1. B-Tree</dt><dt>11.2.2. Hash</dt></dl></div>
<p>B-trees can handle equality and range queries on data that can be sorted into some ordering.</p></div>
<div class="navfooter"><hr><table><tr><td><a href="indexes-intro.html">Prev</a></td><td><a href="indexes.html">Up</a></td>
<td><a href="indexes-multicolumn.html">Next</a></td></tr><tr><td>11.1. Introduction</td><td><a href="index.html">Home</a></td>
<td>11.3. Multicolumn Indexes</td></tr></table></div></body></html>`;

describe("HTML furniture", () => {
  it("drops DocBook link tables and contents, keeps the content", async () => {
    const text = await textOf("indexes-types.html", DOCBOOK_PAGE);
    expect(text).toContain("PostgreSQL provides several index types");
    expect(text).toContain("B-trees can handle equality and range queries");
    for (const furniture of ["Prev", "Home", "Next", "Chapter 11. Indexes", "11.2.1. B-Tree", "Multicolumn"]) {
      expect(text).not.toContain(furniture);
    }
  });

  it("drops nav, aside, the page's header and footer and ARIA landmarks, but keeps an article's own header", async () => {
    const html = `<html><body>
      <header><a href="/">Acme Docs</a> <a href="/blog">Blog</a></header>
      <nav><ul><li><a href="/a">Getting started</a></li><li><a href="/b">Reference</a></li></ul></nav>
      <div role="navigation">Skip to content</div>
      <main><article><header><h1>Rotating keys</h1><p>By the platform team</p></header>
        <p>Rotate API keys by listing both keys in API_KEYS until every client uses the new one.</p>
        <div class="sidebar"><p>Related: Pricing</p></div>
        <footer><p>Last reviewed in November.</p></footer></article></main>
      <aside>Subscribe to our newsletter</aside>
      <footer>© 2026 Acme · Privacy · Terms</footer>
      <div class="related">previous | next | modules | index</div>
    </body></html>`;
    const text = await textOf("keys.html", html);
    expect(text).toContain("Rotating keys");
    expect(text).toContain("By the platform team");
    expect(text).toContain("Rotate API keys by listing both keys");
    expect(text).toContain("Last reviewed in November.");
    for (const furniture of [
      "Acme Docs",
      "Getting started",
      "Skip to content",
      "Related: Pricing",
      "newsletter",
      "Privacy",
      "modules",
    ]) {
      expect(text).not.toContain(furniture);
    }
  });

  it("a nested element of the same tag inside furniture does not end the skipping early", async () => {
    const html = `<body><div class="navheader"><div><a>Prev</a></div><div><a>Next</a> <a>Up</a></div></div><div><p>Real content here.</p></div></body>`;
    expect(await textOf("nested.html", html)).toBe("Real content here.");
  });
});

describe("text furniture", () => {
  it("drops a PDF contents page with dot leaders and its heading", async () => {
    const pdf = buildPdf([
      ["Contents", "1 Introduction ........ 3", "2 Installing . . . . . . 7", "3 Configuring ......12"],
      ["Installing", "Run the installer and accept the default data directory."],
    ]);
    const text = await textOf("manual.pdf", pdf);
    expect(text).toContain("Run the installer and accept the default data directory.");
    expect(text).not.toMatch(/\.{4}|Contents|Configuring/);
  });

  it("drops Markdown contents link lists, keeps other lists and prose", () => {
    const md = [
      "# Guide",
      "",
      "## Table of contents",
      "",
      "- [Install](#install)",
      "- [Configure](#configure)",
      "  - [Keys](#keys)",
      "- [Deploy](#deploy)",
      "",
      "## Install",
      "",
      "Run npm ci, then npm start.",
      "",
      "- fast to start",
      "- [one link](https://example.com) in a list of prose",
      "- no account needed",
    ].join("\n");
    const text = stripFurnitureLines(md);
    expect(text).not.toMatch(/Table of contents|\(#install\)|\(#keys\)/);
    expect(text).toContain("Run npm ci, then npm start.");
    expect(text).toContain("- fast to start");
    expect(text).toContain("- [one link](https://example.com) in a list of prose");
  });

  it("drops link bars but keeps sentences that mention next or home", () => {
    const text = stripFurnitureLines(
      [
        "Prev  Up  Chapter 11. Indexes  Home  Next",
        "« Previous | Contents | Next »",
        "Next, restart the server so the new home directory is used.",
        "Up to five keys may be configured.",
        "Appendix B. Limits…………212",
      ].join("\n"),
    );
    expect(text).toBe(
      "Next, restart the server so the new home directory is used.\nUp to five keys may be configured.",
    );
  });
});

describe("extractive answers prefer statements over furniture", () => {
  it("quotes the sentence that states the fact, not the contents line or link list with the same words", () => {
    const partition = (text: string, relevance: number) => ({
      text,
      relevance,
      partitionNumber: 0,
      sectionNumber: 1,
      lastUpdate: "2026-11-30T00:00:00.000Z",
      tags: {},
    });
    const cite = (documentId: string, text: string, relevance: number): Citation => ({
      link: `default/${documentId}/a/0`,
      index: "default",
      documentId,
      fileId: "a",
      sourceContentType: "text/plain",
      sourceName: `${documentId}.txt`,
      sourceUrl: null,
      partitions: [partition(text, relevance)],
    });
    const results = [
      // Already stored before furniture stripping existed: contents lines and links that match every word.
      cite(
        "toc",
        "Chapter 11. Indexes Multicolumn Indexes\n\n11.3. Multicolumn Indexes\n\n- [Multicolumn indexes](indexes-multicolumn.html) [GIN indexes](gin.html) [BRIN indexes](brin.html)",
        0.9,
      ),
      cite(
        "fact",
        "A multicolumn index can be used with conditions that involve any subset of the index's columns.",
        0.5,
      ),
    ];
    const packed = packFacts(results, {
      budget: 4000,
      template: DEFAULT_FACT_TEMPLATE,
      includeDuplicates: false,
      count: countTokens,
    });
    const answer = extractiveAnswer("What are multicolumn indexes?", packed.facts, { maxSentences: 1 });
    expect(answer.text).toContain("A multicolumn index can be used with conditions");
    expect(answer.sources.map((s) => s.documentId)).toEqual(["fact"]);
  });
});
