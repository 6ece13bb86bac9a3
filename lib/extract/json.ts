/**
 * @module
 * JSON → `path: value` lines. Every string value stays searchable next to the key path that gives it meaning,
 * which embeds better than raw JSON punctuation. Top-level entries with several lines are separated by blank
 * lines so chunking can keep each record together.
 */

import { checkLimit, type ExtractLimits } from "./limits.js";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Undefined when the text is not JSON, or nests deeper than `maxDepth` (every line repeats its key path, so
 * flattening deep nesting costs quadratic output); the caller then keeps it as plain text rather than failing.
 */
export function jsonToText(text: string, limits: ExtractLimits): string | undefined {
  let value: Json;
  try {
    value = JSON.parse(text) as Json;
  } catch {
    return undefined;
  }
  if (!isContainer(value)) return scalar(value);

  // Every line repeats its key path, so depth and output are bounded while flattening, not after.
  const budget = { chars: 0 };
  const blocks: string[][] = [];
  for (const [key, child] of entries(value)) {
    const lines = flatten(child, key, limits, budget);
    if (lines === undefined) return undefined;
    blocks.push(lines);
  }
  const separator = blocks.some((lines) => lines.length > 1) ? "\n\n" : "\n";
  return blocks.map((lines) => lines.join("\n")).join(separator);
}

// Iterative so a deeply nested document cannot overflow the stack.
function flatten(root: Json, rootPath: string, limits: ExtractLimits, budget: { chars: number }): string[] | undefined {
  const lines: string[] = [];
  const stack: Array<[string, Json, number]> = [[rootPath, root, 2]];
  const push = (line: string) => {
    budget.chars += line.length + 1;
    checkLimit(limits, "maxChars", budget.chars, `the JSON's key paths and values pass ${budget.chars} characters`);
    lines.push(line);
  };
  while (stack.length > 0) {
    const [path, value, depth] = stack.pop()!;
    if (!isContainer(value)) {
      push(`${path}: ${scalar(value)}`);
      continue;
    }
    if (depth > limits.maxDepth) return undefined;
    const children = entries(value);
    if (children.length === 0) {
      push(`${path}: ${Array.isArray(value) ? "[]" : "{}"}`);
      continue;
    }
    for (let i = children.length - 1; i >= 0; i--) {
      const [key, child] = children[i]!;
      stack.push([Array.isArray(value) ? `${path}${key}` : `${path}.${key}`, child, depth + 1]);
    }
  }
  return lines;
}

function entries(value: Json[] | { [key: string]: Json }): Array<[string, Json]> {
  return Array.isArray(value) ? value.map((v, i) => [`[${i}]`, v]) : Object.entries(value);
}

function isContainer(value: Json): value is Json[] | { [key: string]: Json } {
  return typeof value === "object" && value !== null;
}

function scalar(value: Exclude<Json, Json[] | { [key: string]: Json }>): string {
  return typeof value === "string" ? value : String(value);
}
