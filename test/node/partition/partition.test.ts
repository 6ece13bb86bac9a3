import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Chunk,
  countTokens,
  DEFAULT_PARTITION,
  InvalidPartitionOptions,
  KM_ARGS,
  partition,
  partitionOptionsFromArgs,
} from "../../../lib/partition/index.js";
import { anyText, prose, randomText, section, sharedText } from "../../helpers/partition-text.js";

describe("countTokens", () => {
  it("counts cl100k_base tokens and treats special-token text as plain text", () => {
    expect(countTokens("")).toBe(0);
    expect(countTokens("hello world")).toBe(2);
    expect(countTokens("<|endoftext|>")).toBeGreaterThan(1);
  });
});

describe("partition: bounds and shape", () => {
  it("uses Kernel Memory's defaults", () => {
    expect(DEFAULT_PARTITION).toEqual({ maxTokensPerChunk: 1000, overlapTokens: 100 });
  });

  it("never exceeds the token limit, never emits blank chunks, numbers chunks 0.. and reports real counts", () => {
    fc.assert(
      fc.property(
        fc.array(anyText, { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 8, max: 120 }),
        fc.integer({ min: 0, max: 100 }),
        fc.option(fc.integer({ min: 8, max: 200 }), { nil: undefined }),
        fc.option(fc.constantFrom("Title", "doc: 42\n", "見出し "), { nil: undefined }),
        (texts, max, overlapPercent, embedderLimit, chunkHeader) => {
          const overlapTokens = Math.floor(((max - 1) * overlapPercent) / 100);
          const limit = Math.min(max, embedderLimit ?? max);
          let chunks: Chunk[];
          try {
            chunks = partition(
              texts.map((t, i) => section(t, i + 1)),
              { maxTokensPerChunk: max, overlapTokens, chunkHeader },
              { maxTokens: embedderLimit },
            );
          } catch (error) {
            // Only a header too large for a tiny limit may be refused.
            expect(error).toBeInstanceOf(InvalidPartitionOptions);
            expect(countTokens(`${chunkHeader}\n`) + 4).toBeGreaterThan(limit);
            return;
          }
          chunks.forEach((chunk, i) => {
            expect(chunk.partitionNumber).toBe(i);
            expect(chunk.tokenCount).toBe(countTokens(chunk.text));
            expect(chunk.tokenCount).toBeLessThanOrEqual(limit);
            expect(chunk.text.trim()).not.toBe("");
            if (chunkHeader) expect(chunk.text.startsWith(chunkHeader)).toBe(true);
          });
          // Sections stay in order and every section with text yields at least one chunk.
          const numbers = chunks.map((c) => c.sectionNumber);
          expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
          texts.forEach((t, i) => {
            if (t.replaceAll("\u0000", "").trim() !== "") expect(numbers).toContain(i + 1);
          });
        },
      ),
      { numRuns: 300, seed: 20260501 },
    );
  });

  it("loses no words: every word of the input appears in some chunk", () => {
    fc.assert(
      fc.property(randomText, fc.integer({ min: 8, max: 60 }), (text, max) => {
        const chunks = partition([section(text)], { maxTokensPerChunk: max, overlapTokens: Math.floor(max / 5) });
        const joined = chunks.map((c) => c.text).join("\n");
        for (const word of text.split(/\s+/).filter((w) => w !== "")) {
          // A word is only kept whole if it fits a chunk together with its leading space.
          if (countTokens(` ${word}`) < max) expect(joined).toContain(word);
        }
      }),
      { numRuns: 200, seed: 7 },
    );
  });

  it("carries section numbers and numbers partitions across the whole document", () => {
    const chunks = partition([section(prose(40), 1), section(prose(40, "p"), 2)], {
      maxTokensPerChunk: 100,
      overlapTokens: 10,
    });
    expect(chunks.map((c) => c.partitionNumber)).toEqual(chunks.map((_, i) => i));
    const first2 = chunks.findIndex((c) => c.sectionNumber === 2);
    expect(first2).toBeGreaterThan(0);
    expect(chunks.slice(first2).every((c) => c.sectionNumber === 2)).toBe(true);
    expect(chunks[first2]?.text.startsWith("p0 ")).toBe(true); // no overlap across sections
  });

  it("keeps a short text as one chunk and gives nothing for blank sections", () => {
    expect(partition([section("  Hello, memory.  ")])).toEqual([
      { text: "Hello, memory.", partitionNumber: 0, sectionNumber: 1, tokenCount: countTokens("Hello, memory.") },
    ]);
    expect(partition([section(" \n\n \t "), section("")])).toEqual([]);
    expect(partition([])).toEqual([]);
  });

  it("is deterministic", () => {
    fc.assert(
      fc.property(randomText, (text) => {
        const opts = { maxTokensPerChunk: 40, overlapTokens: 8 };
        expect(partition([section(text)], opts)).toEqual(partition([section(text)], opts));
      }),
      { numRuns: 50, seed: 3 },
    );
  });
});

describe("partition: where it cuts", () => {
  it("overlaps consecutive chunks of a section by about overlapTokens tokens", () => {
    const chunks = partition([section(prose(120))], { maxTokensPerChunk: 120, overlapTokens: 30 });
    expect(chunks.length).toBeGreaterThan(5);
    for (let i = 1; i < chunks.length; i++) {
      const shared = sharedText(chunks[i - 1]!.text, chunks[i]!.text, 5);
      expect(shared, `chunks ${i - 1}/${i}`).not.toBe("");
      const tokens = countTokens(shared);
      expect(tokens).toBeGreaterThanOrEqual(15);
      expect(tokens).toBeLessThanOrEqual(31);
    }
  });

  it("has no overlap when overlapTokens is 0", () => {
    const chunks = partition([section(prose(60))], { maxTokensPerChunk: 80, overlapTokens: 0 });
    const total = chunks.reduce((n, c) => n + c.tokenCount, 0);
    expect(total).toBeLessThanOrEqual(countTokens(prose(60)) + chunks.length);
    expect(chunks.map((c) => c.text).join(" ")).toBe(prose(60));
  });

  it("prefers paragraph boundaries, then sentence boundaries, and never cuts inside a word", () => {
    const paragraphs = Array.from({ length: 12 }, (_, i) => prose(4, `para${i}-`)); // ~40 tokens each
    const chunks = partition([section(paragraphs.join("\n\n"))], { maxTokensPerChunk: 100, overlapTokens: 0 });
    for (const chunk of chunks) {
      // Every chunk is a run of whole paragraphs.
      for (const part of chunk.text.split("\n\n")) expect(paragraphs).toContain(part);
    }

    const long = prose(50);
    const sentenceChunks = partition([section(long)], { maxTokensPerChunk: 64, overlapTokens: 0 });
    for (const chunk of sentenceChunks) expect(chunk.text).toMatch(/^s\d+ .*memory\.$/);
  });

  it("cuts inside a word only when the word alone exceeds the limit", () => {
    const blob = "Q".repeat(5000);
    const chunks = partition([section(`intro words here ${blob} outro`)], { maxTokensPerChunk: 50, overlapTokens: 5 });
    expect(chunks.every((c) => c.tokenCount <= 50)).toBe(true);
    expect(
      chunks
        .map((c) => c.text)
        .join("")
        .replace(/[^Q]/g, "").length,
    ).toBeGreaterThanOrEqual(5000);
    expect(chunks[0]?.text).toBe("intro words here");
    expect(chunks.at(-1)?.text.endsWith(" outro")).toBe(true);
  });

  it("counts the header inside the limit and puts it on its own line", () => {
    const chunks = partition([section(prose(60))], {
      maxTokensPerChunk: 50,
      overlapTokens: 5,
      chunkHeader: "Doc: manual",
    });
    for (const chunk of chunks) {
      expect(chunk.text).toMatch(/^Doc: manual\n\S/);
      expect(chunk.tokenCount).toBe(countTokens(chunk.text));
      expect(chunk.tokenCount).toBeLessThanOrEqual(50);
    }
  });

  it("respects the embedder's token limit when it is smaller than maxTokensPerChunk", () => {
    const chunks = partition([section(prose(200))], DEFAULT_PARTITION, { maxTokens: 64 });
    expect(chunks.length).toBeGreaterThan(10);
    expect(Math.max(...chunks.map((c) => c.tokenCount))).toBeLessThanOrEqual(64);
  });

  it("strips NUL and lone surrogates so chunks are storable", () => {
    const [chunk] = partition([section("a\u0000b \uD800 c")]);
    expect(chunk?.text).toBe("ab \uFFFD c");
  });

  it("partitions a megabyte of text in well under a few seconds", () => {
    const text = Array.from({ length: 2200 }, (_, i) => prose(12, `p${i}-`)).join("\n\n");
    expect(text.length).toBeGreaterThan(1_000_000);
    const started = performance.now();
    const chunks = partition([section(text)]);
    const elapsed = performance.now() - started;
    expect(chunks.length).toBeGreaterThan(200);
    expect(Math.max(...chunks.map((c) => c.tokenCount))).toBeLessThanOrEqual(1000);
    // A generous bound that only catches quadratic behaviour (measured: ~0.1 s).
    expect(elapsed).toBeLessThan(5000);
  });

  it("refuses options that cannot work", () => {
    expect(() => partition([section("x")], { maxTokensPerChunk: 100, overlapTokens: 100 })).toThrow(
      InvalidPartitionOptions,
    );
    expect(() => partition([section("x")], { maxTokensPerChunk: 0 })).toThrow(/max tokens per chunk/);
    expect(() => partition([section("x")], { maxTokensPerChunk: 10, chunkHeader: "a long header ".repeat(5) })).toThrow(
      /header/,
    );
    expect(() => partition([section("x")], {}, { maxTokens: 0 })).toThrow(/embedder/);
    // A default overlap larger than a small max is scaled down rather than refused.
    expect(partition([section(prose(20))], { maxTokensPerChunk: 50 }).length).toBeGreaterThan(1);
  });
});

describe("partitionOptionsFromArgs", () => {
  it("uses Kernel Memory's exact keys", () => {
    expect(KM_ARGS).toEqual({
      maxTokensPerChunk: "custom_partitioning_max_tokens_per_paragraph_int",
      overlapTokens: "custom_partitioning_overlapping_tokens_int",
      chunkHeader: "custom_partitioning_chunk_header_str",
    });
  });

  it("reads numbers, numeric strings and the header", () => {
    expect(
      partitionOptionsFromArgs({
        custom_partitioning_max_tokens_per_paragraph_int: 200,
        custom_partitioning_overlapping_tokens_int: "20",
        custom_partitioning_chunk_header_str: "Title",
        unrelated: true,
      }),
    ).toEqual({ options: { maxTokensPerChunk: 200, overlapTokens: 20, chunkHeader: "Title" } });
    expect(partitionOptionsFromArgs({ custom_partitioning_max_tokens_per_paragraph: " 300 " })).toEqual({
      options: { maxTokensPerChunk: 300 },
    });
    expect(partitionOptionsFromArgs(undefined)).toEqual({ options: {} });
    expect(partitionOptionsFromArgs({})).toEqual({ options: {} });
    expect(partitionOptionsFromArgs({ custom_partitioning_overlapping_tokens_int: 0 })).toEqual({
      options: { overlapTokens: 0 },
    });
    // Only max given, below the default overlap: fine, the overlap is scaled when partitioning.
    expect(partitionOptionsFromArgs({ custom_partitioning_max_tokens_per_paragraph_int: 50 })).toEqual({
      options: { maxTokensPerChunk: 50 },
    });
  });

  it("rejects invalid values with a readable message", () => {
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ custom_partitioning_max_tokens_per_paragraph_int: "abc" }, /whole number.*"abc"/],
      [{ custom_partitioning_max_tokens_per_paragraph_int: 0 }, /at least/],
      [{ custom_partitioning_max_tokens_per_paragraph_int: -5 }, /at least/],
      [{ custom_partitioning_max_tokens_per_paragraph_int: 12.5 }, /whole number/],
      [{ custom_partitioning_max_tokens_per_paragraph_int: 100_000 }, /at most 8192/],
      [{ custom_partitioning_overlapping_tokens_int: -1 }, /at least 0/],
      [{ custom_partitioning_overlapping_tokens_int: true }, /whole number/],
      [
        { custom_partitioning_max_tokens_per_paragraph_int: 100, custom_partitioning_overlapping_tokens_int: 100 },
        /overlapping tokens \(100\) must be smaller than max tokens per chunk \(100\)/,
      ],
      [{ custom_partitioning_overlapping_tokens_int: 1000 }, /smaller than max/],
      [{ custom_partitioning_chunk_header_str: 42 }, /must be a string/],
      [
        { custom_partitioning_max_tokens_per_paragraph_int: 8, custom_partitioning_chunk_header_str: "a b c d e f g" },
        /header/,
      ],
    ];
    for (const [args, message] of bad) {
      const result = partitionOptionsFromArgs(args);
      expect(result, JSON.stringify(args)).toHaveProperty("error");
      expect((result as { error: string }).error).toMatch(message);
    }
  });
});
