/**
 * @module
 * The shape every JSON value a client sends must have, whatever the field: no deeper than `MAX_JSON_DEPTH`
 * (a 5,000-deep `args` overflowed the stack in `JSON.stringify` and answered 500) and no key that means
 * something to JavaScript objects (`__proto__` silently vanished from tags instead of being refused).
 *
 * @example
 * checkJsonShape({ args: { a: { b: 1 } } }, "body") // ok
 * checkJsonShape({ tags: { __proto__: ["x"] } }, "body") // ValidationError: body.tags: the key '__proto__' is reserved
 */
import { ValidationError } from "../errors.js";

export const MAX_JSON_DEPTH = 32;
export const RESERVED_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/** Walks iteratively (no recursion to overflow) and stops at the first problem, naming its path. */
export function checkJsonShape(value: unknown, path: string, maxDepth = MAX_JSON_DEPTH): void {
  const stack: Array<[unknown, string, number]> = [[value, path, 0]];
  while (stack.length > 0) {
    const [node, at, depth] = stack.pop()!;
    if (node === null || typeof node !== "object") continue;
    if (depth >= maxDepth) throw new ValidationError(`${at}: nested more than ${maxDepth} levels deep`);
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push([node[i], `${at}[${i}]`, depth + 1]);
      continue;
    }
    for (const key of Object.keys(node)) {
      if (RESERVED_KEYS.has(key)) throw new ValidationError(`${at}: the key '${key}' is reserved`);
      stack.push([(node as Record<string, unknown>)[key], `${at}.${key}`, depth + 1]);
    }
  }
}
