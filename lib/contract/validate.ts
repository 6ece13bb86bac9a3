/**
 * @module
 * Input rules for the memory service, pure and transport-free. Every function
 * either returns a normalised value or throws a `ValidationError` whose message
 * names the offending field, so the HTTP edge can answer 400 with it as is.
 * The rules follow Kernel Memory's so its clients' values pass unchanged.
 *
 * @example
 * normalizeIndexName(" My.Docs ") // "my-docs"
 * normalizeIndexName(null)        // "default"
 * parseTag("user:ann:smith")      // ["user", "ann:smith"]
 */
import { ValidationError } from "../errors.js";
import { DEFAULT_STEPS, type PipelineStep, type Tags } from "../memory/types.js";
import { RESERVED_KEYS } from "./json-shape.js";

export const DEFAULT_INDEX = "default";
export const MAX_INDEX_NAME = 128;
export const MAX_DOCUMENT_ID = 256;
export const MAX_TAG_KEY = 128;
export const MAX_TAG_VALUE = 1024;
/** Per document: enough for real metadata, small enough that a body cannot explode a row. */
export const MAX_TAGS = 256;

// Every Kernel Memory connector replaces these with "-" (whitespace, _ . : / \ |).
const INDEX_SEPARATORS = /[\s_.:/\\|]/g;
const INDEX_NAME = /^[a-z0-9-]{1,128}$/;
// Kernel Memory: char.IsLetterOrDigit || '.' '_' '-'; letters and digits may be any script.
const DOCUMENT_ID = /^[\p{L}\p{Nd}._-]+$/u;

export function normalizeIndexName(raw: string | null | undefined): string {
  if (raw === null || raw === undefined) return DEFAULT_INDEX;
  if (typeof raw !== "string") throw new ValidationError("index must be a string");
  const trimmed = raw.trim();
  if (trimmed === "") return DEFAULT_INDEX;
  const name = trimmed.toLowerCase().replace(INDEX_SEPARATORS, "-");
  if (!INDEX_NAME.test(name)) {
    throw new ValidationError(
      name.length > MAX_INDEX_NAME
        ? `index name is longer than ${MAX_INDEX_NAME} characters`
        : "index name may contain only letters, digits and - _ . : / \\ | or whitespace (which become -)",
    );
  }
  return name;
}

export function validateDocumentId(raw: unknown): string {
  if (typeof raw !== "string" || raw === "") throw new ValidationError("documentId is required");
  if (raw.length > MAX_DOCUMENT_ID) {
    throw new ValidationError(`documentId is longer than ${MAX_DOCUMENT_ID} characters`);
  }
  if (!DOCUMENT_ID.test(raw)) {
    throw new ValidationError("documentId may contain only letters, digits, '.', '_' and '-'");
  }
  return raw;
}

/**
 * Splits `key:value` on the first `:`; a value may itself contain `:`.
 * A tag without `:` names a key with no value (Kernel Memory's `Add(key, null)`),
 * returned as `null`.
 */
export function parseTag(raw: string): [string, string | null] {
  if (typeof raw !== "string") throw new ValidationError("a tag must be a string 'key:value'");
  const colon = raw.indexOf(":");
  const key = colon < 0 ? raw : raw.slice(0, colon);
  const value = colon < 0 ? null : raw.slice(colon + 1);
  checkTagKey(key, "tags");
  if (value !== null) checkTagValue(value, `tags.${key}`);
  return [key, value];
}

/** Tags from a multipart body: repeated `key:value` strings, collected per key. */
export function tagsFromPairs(pairs: readonly string[]): Tags {
  const tags: Tags = Object.create(null);
  for (const pair of pairs) {
    const [key, value] = parseTag(pair);
    const values = tags[key] ?? [];
    tags[key] = values;
    if (value !== null && !values.includes(value)) values.push(value);
  }
  checkTagCount(tags);
  return { ...tags };
}

/** Tags from a JSON body: `{ key: [values] }`, a single string value, or `null` for "no value". */
export function validateTags(tags: Record<string, unknown> | null | undefined): Tags {
  if (tags === null || tags === undefined) return {};
  if (typeof tags !== "object" || Array.isArray(tags)) {
    throw new ValidationError("tags must be an object of { key: [values] }");
  }
  const out: Tags = {};
  for (const [key, raw] of Object.entries(tags)) {
    checkTagKey(key, "tags");
    const values = raw === null ? [] : typeof raw === "string" ? [raw] : raw;
    if (!Array.isArray(values)) throw new ValidationError(`tags.${key} must be a string or an array of strings`);
    const seen: string[] = [];
    values.forEach((v, i) => {
      if (typeof v !== "string") throw new ValidationError(`tags.${key}[${i}] must be a string`);
      checkTagValue(v, `tags.${key}[${i}]`);
      if (!seen.includes(v)) seen.push(v);
    });
    out[key] = seen;
  }
  checkTagCount(out);
  return out;
}

/**
 * Pipeline steps as Kernel Memory sends them: one part per step, or several in
 * one part separated by space, comma or semicolon. The result is in pipeline
 * order without repeats, because our steps are one fixed pipeline and the list
 * only selects which of them run (KM's `PipelineWithSummary` repeats steps).
 */
export function parseSteps(raw: readonly string[]): PipelineStep[] {
  const requested = new Set<string>();
  for (const part of raw) {
    for (const step of part.split(/[\s,;]+/)) if (step) requested.add(step);
  }
  if (requested.size === 0) return [...DEFAULT_STEPS];
  for (const step of requested) {
    // Kernel Memory's own cleanup step: we keep no generated files, so it is a no-op here.
    if (step === "delete_generated_files") continue;
    if (step === "summarize") throw new ValidationError("steps: 'summarize' is not supported by this service");
    if (!(DEFAULT_STEPS as readonly string[]).includes(step)) {
      throw new ValidationError(`steps: unknown step '${clip(step)}' (supported: ${DEFAULT_STEPS.join(", ")})`);
    }
  }
  const steps = DEFAULT_STEPS.filter((s) => requested.has(s));
  return steps.length > 0 ? steps : [...DEFAULT_STEPS];
}

/** Free text (queries, questions): Postgres text cannot hold NUL. */
export function checkText(value: string, path: string): string {
  if (value.includes("\u0000")) throw new ValidationError(`${path} must not contain NUL characters`);
  return value;
}

/** A user tag key: what uploads may set (no `__` prefix, as in KM); filters add the system tags (validate-filters.ts). */
export function checkTagKey(key: string, path: string): void {
  if (key.length === 0) throw new ValidationError(`${path}: a tag key must not be empty`);
  if (key.length > MAX_TAG_KEY) {
    throw new ValidationError(`${path}: tag key '${clip(key)}' is longer than ${MAX_TAG_KEY} characters`);
  }
  if (key.includes("\u0000")) throw new ValidationError(`${path}: a tag key must not contain NUL characters`);
  // ':' separates key from value in `key:value` tags and in the stored tag list, so a key cannot hold one.
  if (key.includes("=") || key.includes(":")) {
    throw new ValidationError(`${path}: tag key '${clip(key)}' must not contain '=' or ':'`);
  }
  if (RESERVED_KEYS.has(key)) throw new ValidationError(`${path}: tag key '${key}' is reserved`);
  if (key.startsWith("__")) {
    throw new ValidationError(`${path}: tag key '${clip(key)}' uses the prefix '__', reserved for system tags`);
  }
}

export function checkTagValue(value: string, path: string): void {
  if (value.length > MAX_TAG_VALUE) throw new ValidationError(`${path} is longer than ${MAX_TAG_VALUE} characters`);
  if (value.includes("\u0000")) throw new ValidationError(`${path} must not contain NUL characters`);
}

function checkTagCount(tags: Tags): void {
  const n = Object.values(tags).reduce((sum, values) => sum + Math.max(1, values.length), 0);
  if (n > MAX_TAGS) throw new ValidationError(`tags: at most ${MAX_TAGS} tags per document are allowed`);
}

// Messages echo user input; keep them short and printable.
export function clip(s: string): string {
  let printable = "";
  for (const ch of s) printable += ch < " " || ch === "\u007f" ? "?" : ch;
  return printable.length > 40 ? `${printable.slice(0, 40)}…` : printable;
}
