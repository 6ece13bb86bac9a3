/**
 * @module
 * JSON → `path: value` lines. Every string value stays searchable next to the key path that gives it meaning,
 * which embeds better than raw JSON punctuation. Top-level entries with several lines are separated by blank
 * lines so chunking can keep each record together.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Undefined when the text is not JSON; the caller then keeps it as plain text rather than failing. */
export function jsonToText(text: string): string | undefined {
  let value: Json;
  try {
    value = JSON.parse(text) as Json;
  } catch {
    return undefined;
  }
  if (!isContainer(value)) return scalar(value);

  const blocks = entries(value).map(([key, child]) => flatten(child, key));
  const separator = blocks.some((lines) => lines.length > 1) ? "\n\n" : "\n";
  return blocks.map((lines) => lines.join("\n")).join(separator);
}

// Iterative so a deeply nested document cannot overflow the stack.
function flatten(root: Json, rootPath: string): string[] {
  const lines: string[] = [];
  const stack: Array<[string, Json]> = [[rootPath, root]];
  while (stack.length > 0) {
    const [path, value] = stack.pop()!;
    if (!isContainer(value)) {
      lines.push(`${path}: ${scalar(value)}`);
      continue;
    }
    const children = entries(value);
    if (children.length === 0) {
      lines.push(`${path}: ${Array.isArray(value) ? "[]" : "{}"}`);
      continue;
    }
    for (let i = children.length - 1; i >= 0; i--) {
      const [key, child] = children[i]!;
      stack.push([Array.isArray(value) ? `${path}${key}` : `${path}.${key}`, child]);
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
