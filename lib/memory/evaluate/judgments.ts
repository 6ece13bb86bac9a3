/**
 * @module
 * Judged queries for evaluation, from the formats users have: JSON objects (or JSONL lines)
 * `{ id?, query, relevant }` where `relevant` lists document ids (grade 1) or maps them to grades, or TREC qrels
 * (`qid iter docno rel`) with a topics file (TSV `qid<TAB>query`, or TREC `<top>` blocks: `<num>` and `<title>`).
 * Bad input is a ValidationError naming the line; queries with no document graded above 0 cannot be scored:
 * a JSONL line without one is refused, a topic without one in the qrels is left out (TREC's convention).
 */
import { ValidationError } from "../../errors.js";

export type JudgedQuery = { id: string; query: string; gains: Map<string, number> };

/** Per request: each query runs once per mode and per grid point, so this bounds a request's searches. */
export const MAX_EVAL_QUERIES = 250;
export const MAX_JUDGED_PER_QUERY = 1000;
const MAX_QUERY_CHARS = 10_000;
const MAX_ID_CHARS = 256;

export function judgedFromObjects(items: readonly unknown[], where = (i: number) => `queries[${i}]`): JudgedQuery[] {
  bound(items.length);
  const out = items.map((item, i) => judgedObject(item, where(i), String(i + 1)));
  return unique(out, where);
}

/** One JSON object per line; blank lines are skipped. */
export function judgedFromJsonl(text: string): JudgedQuery[] {
  const lines = text.split(/\r?\n/);
  const items: Array<{ value: unknown; line: number }> = [];
  lines.forEach((raw, i) => {
    if (raw.trim() === "") return;
    try {
      items.push({ value: JSON.parse(raw), line: i + 1 });
    } catch {
      throw new ValidationError(`jsonl line ${i + 1}: not valid JSON`);
    }
  });
  if (items.length === 0) throw new ValidationError("jsonl: no judged queries");
  return judgedFromObjects(
    items.map((x) => x.value),
    (i) => `jsonl line ${items[i]!.line}`,
  );
}

export function judgedFromTrec(qrels: string, topics: string): JudgedQuery[] {
  const texts = parseTopics(topics);
  const gains = new Map<string, Map<string, number>>();
  qrels.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === "") return;
    const cols = raw.trim().split(/\s+/);
    const rel = Number(cols[3]);
    if (cols.length !== 4 || !Number.isFinite(rel)) {
      throw new ValidationError(`qrels line ${i + 1}: expected "query-id iteration document-id relevance"`);
    }
    const [qid, , doc] = cols as [string, string, string];
    if (!texts.has(qid)) return;
    const judged = gains.get(qid) ?? new Map<string, number>();
    gains.set(qid, judged);
    judged.set(checkId(doc, `qrels line ${i + 1}`), Math.max(0, rel));
  });
  const out: JudgedQuery[] = [];
  for (const [id, query] of texts) {
    const judged = gains.get(id);
    if (judged && [...judged.values()].some((g) => g > 0)) out.push({ id, query, gains: judged });
  }
  if (out.length === 0) throw new ValidationError("qrels: no topic has a document judged relevant (rel > 0)");
  bound(out.length);
  return out;
}

function parseTopics(text: string): Map<string, string> {
  const topics = new Map<string, string>();
  if (/<top>/i.test(text)) {
    for (const block of text.split(/<\/top>/i)) {
      const num = /<num>\s*(?:Number:)?\s*(\S+)/i.exec(block)?.[1];
      const title = /<title>\s*(?:Topic:)?([\s\S]*?)(?=<\/?[a-z]+>|$)/i.exec(block)?.[1]?.trim();
      if (num && title) topics.set(num, checkQuery(title, `topic ${num}`));
      else if (num) throw new ValidationError(`topic ${num}: no <title>`);
    }
  } else {
    text.split(/\r?\n/).forEach((raw, i) => {
      if (raw.trim() === "") return;
      const tab = raw.indexOf("\t");
      if (tab <= 0) throw new ValidationError(`topics line ${i + 1}: expected "query-id<TAB>query"`);
      topics.set(
        checkId(raw.slice(0, tab).trim(), `topics line ${i + 1}`),
        checkQuery(raw.slice(tab + 1), `topics line ${i + 1}`),
      );
    });
  }
  if (topics.size === 0) throw new ValidationError("topics: no topics found");
  return topics;
}

function judgedObject(item: unknown, where: string, fallbackId: string): JudgedQuery {
  if (item === null || typeof item !== "object" || Array.isArray(item)) {
    throw new ValidationError(`${where}: expected an object {query, relevant}`);
  }
  const { id, query, relevant } = item as Record<string, unknown>;
  if (typeof query !== "string") throw new ValidationError(`${where}: query must be a string`);
  const gains = new Map<string, number>();
  if (Array.isArray(relevant)) {
    for (const doc of relevant) {
      if (typeof doc !== "string") throw new ValidationError(`${where}: relevant must list document ids (strings)`);
      gains.set(checkId(doc, where), 1);
    }
  } else if (relevant !== null && typeof relevant === "object") {
    for (const [doc, grade] of Object.entries(relevant)) {
      if (typeof grade !== "number" || !Number.isFinite(grade) || grade < 0) {
        throw new ValidationError(`${where}: relevant.${doc} must be a grade, a number ≥ 0`);
      }
      gains.set(checkId(doc, where), grade);
    }
  } else {
    throw new ValidationError(`${where}: relevant must be a list of document ids or {documentId: grade}`);
  }
  if (gains.size > MAX_JUDGED_PER_QUERY) {
    throw new ValidationError(`${where}: at most ${MAX_JUDGED_PER_QUERY} judged documents per query`);
  }
  if (![...gains.values()].some((g) => g > 0)) {
    throw new ValidationError(`${where}: relevant must name at least one document with a grade above 0`);
  }
  const name = id === undefined || id === null ? fallbackId : typeof id === "number" ? String(id) : id;
  if (typeof name !== "string") throw new ValidationError(`${where}: id must be a string or a number`);
  return { id: checkId(name, where), query: checkQuery(query, where), gains };
}

function checkQuery(query: string, where: string): string {
  const trimmed = query.trim();
  if (trimmed === "") throw new ValidationError(`${where}: query must not be empty`);
  if (trimmed.length > MAX_QUERY_CHARS) throw new ValidationError(`${where}: query is longer than ${MAX_QUERY_CHARS}`);
  if (trimmed.includes("\u0000")) throw new ValidationError(`${where}: query must not contain NUL characters`);
  return trimmed;
}

function checkId(id: string, where: string): string {
  if (id === "" || id.length > MAX_ID_CHARS || id.includes("\u0000")) {
    throw new ValidationError(`${where}: ids must be 1 to ${MAX_ID_CHARS} characters without NUL`);
  }
  return id;
}

function bound(count: number): void {
  if (count === 0) throw new ValidationError("no judged queries");
  if (count > MAX_EVAL_QUERIES) {
    throw new ValidationError(`${count} judged queries; at most ${MAX_EVAL_QUERIES} per request (split the set)`);
  }
}

function unique(queries: JudgedQuery[], where: (i: number) => string): JudgedQuery[] {
  const seen = new Set<string>();
  queries.forEach((q, i) => {
    if (seen.has(q.id)) throw new ValidationError(`${where(i)}: id '${q.id}' appears twice`);
    seen.add(q.id);
  });
  return queries;
}
