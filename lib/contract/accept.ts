/**
 * @module
 * The one gate a request's JSON passes at every edge, before any schema reads it, and the one way a schema's refusal
 * is worded. The HTTP routes (every JSON body, multipart `args`) and the MCP tools (every JSON-RPC message and a
 * tool's arguments) call these functions, so a check added here holds at both edges; neither edge has its own.
 *
 * The shape rules (nesting depth, keys such as `__proto__`) are `json-shape.ts`'s. Tag rules — user tags
 * may not start with `__`, filters may name Kernel Memory's reserved `__document_id`… — are the memory verbs'
 * (`validate.ts`), which both edges reach through `inputs.ts`.
 *
 * @example
 * const body = parseRequest(SearchQuery, JSON.parse(text), "body"); // ValidationError: "query: must be at most…"
 */
import type { z } from "@hono/zod-openapi";
import { ValidationError } from "../errors.js";
import { checkJsonShape, MAX_JSON_DEPTH } from "./json-shape.js";

export { MAX_JSON_DEPTH };

/** Every JSON value a client sends, whatever the field and the edge: throws a ValidationError naming the path. */
export function acceptJson(value: unknown, where: string, maxDepth = MAX_JSON_DEPTH): void {
  checkJsonShape(value, where, maxDepth);
}

export type Issue = { readonly path: readonly PropertyKey[]; readonly message: string };

/** `field.path: message; …` (at most ten), the detail of a 400 and the text of a refused tool call. */
export function describeIssues(issues: readonly Issue[], where: string, prefix = ""): string {
  return issues
    .slice(0, 10)
    .map((i) => `${prefix}${i.path.map(String).join(".") || where}: ${i.message}`)
    .join("; ");
}

/** `value` through the gate, then `schema`: what the schema accepted, or a ValidationError in the words above. */
export function parseRequest<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  acceptJson(value, where);
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ValidationError(describeIssues(parsed.error.issues, where));
  return parsed.data;
}
