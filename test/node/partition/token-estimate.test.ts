/**
 * The API Worker's token estimate (lib/partition/token-estimate.ts, which lib/runtime/workers.ts hands to answers)
 * against the exact cl100k count it stands in for: never far under (the answer's reserve covers a few percent),
 * never so far over that a prompt budget loses most of its facts.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { countTokens as estimate } from "../../../lib/partition/token-estimate.js";
import { countTokens as exact } from "../../../lib/partition/tokenizer.js";

const repoText = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), "utf8").slice(0, 100_000);
const bytes = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 2654435761) >>> 24));

const SAMPLES: Record<string, string> = {
  "English prose (README)": repoText("README.md"),
  TypeScript: repoText("lib/memory/answer/answer.ts"),
  HTML: repoText("public/docs.html"),
  JSON: repoText("package.json"),
  "Japanese and Chinese": "東京は日本の首都であり、多くの人々が住んでいます。北京是中国的首都，也是政治中心。".repeat(
    40,
  ),
  Cyrillic: "Это тестовый текст на русском языке, чтобы проверить оценку. ".repeat(40),
  emoji: "🙂🚀👍🏽 done 🇫🇷 ".repeat(60),
  hex: bytes(4000).toString("hex"),
  base64: bytes(4000).toString("base64"),
  punctuation: Array.from({ length: 3000 }, (_, i) => String.fromCharCode(33 + ((i * 7919) % 94))).join(""),
};

describe("token estimate (API Worker)", () => {
  for (const [name, text] of Object.entries(SAMPLES)) {
    it(`stays within 0.95× and 3× of cl100k on ${name}`, () => {
      const ratio = estimate(text) / exact(text);
      expect(ratio).toBeGreaterThanOrEqual(0.95);
      expect(ratio).toBeLessThanOrEqual(3);
    });
  }

  it("counts every non-empty string as at least one token, and the empty string as none", () => {
    expect(estimate("")).toBe(0);
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 200, unit: "binary" }), (s) => {
        expect(estimate(s)).toBeGreaterThanOrEqual(1);
      }),
    );
  });

  it("is additive over the tokenizer's pieces, so a prompt's parts can be counted apart", () => {
    const parts = ["Question: what is the boiling point?", "\n\nFacts:\n", "==== [File:a.txt;Relevance:91%]:\nWater."];
    expect(estimate(parts.join(""))).toBeLessThanOrEqual(parts.reduce((n, p) => n + estimate(p), 0));
  });
});
