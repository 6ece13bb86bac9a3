/**
 * @module
 * The checks the proof suites share, free of Node imports so the workerd
 * suites run the very same ones: the digest of every stored row, the RFC 7807
 * ProblemDetails check, status tallies and the load corpus.
 */

const DIGESTED: Array<[table: string, row: string]> = [
  ["memory_settings", "key, value"],
  ["memory_indexes", "name, created_at"],
  [
    "memory_documents",
    "index_name, document_id, tags, steps, completed_steps, remaining_steps, failed, error, args, generation, creation, last_update",
  ],
  ["memory_files", "index_name, document_id, file_id, name, content_type, size, sha256, source_url"],
  ["memory_chunks", "id, index_name, document_id, partition_number, content_hash, last_update"],
  ["memory_jobs", "id, index_name, document_id, generation, state, attempts, run_after, last_error, updated_at"],
  ["memory_embeddings", "index_name, content_hash"],
  ["memory_sources", "id, index_name, kind, url, tags, interval_seconds, updated_at"],
  ["memory_source_items", "source_id, url, document_id, content_hash, checked_at"],
];

/** md5 over every row the service stores (file contents excluded), through any way of running SQL. */
export async function digestWith(query: (sql: string) => Promise<Array<Record<string, unknown>>>): Promise<string> {
  const present = new Set(
    (await query("select table_name as name from information_schema.tables where table_schema = 'public'")).map(
      (r) => r.name as string,
    ),
  );
  const parts: string[] = [];
  for (const [table, row] of DIGESTED) {
    if (!present.has(table)) continue;
    const [r] = await query(
      `select count(*)::int as n, md5(coalesce(string_agg(r::text, '|' order by r::text), '')) as md5
         from (select ${row} from ${table}) r`,
    );
    parts.push(`${table}:${r!.n}:${r!.md5}`);
  }
  return parts.join(" ");
}

export type ProblemCheck = { ok: true; status: number } | { ok: false; reason: string };

/**
 * Reads the response and says whether it is an RFC 7807 ProblemDetails with the response's status
 * (`type`, `title`, `status`, `detail`, content type application/problem+json).
 */
export async function checkProblem(res: Response): Promise<ProblemCheck & { body: string }> {
  const body = await res.text();
  const type = res.headers.get("content-type") ?? "";
  const fail = (reason: string) => ({
    ok: false as const,
    reason: `${res.status} ${reason}: ${body.slice(0, 300)}`,
    body,
  });
  if (!type.startsWith("application/problem+json")) return fail(`content-type ${type}`);
  let problem: Record<string, unknown>;
  try {
    problem = JSON.parse(body) as Record<string, unknown>;
  } catch {
    return fail("body is not JSON");
  }
  for (const key of ["type", "title", "detail"]) {
    if (typeof problem[key] !== "string" || problem[key] === "") return fail(`no ${key}`);
  }
  if (problem.status !== res.status) return fail(`problem.status ${String(problem.status)}`);
  return { ok: true, status: res.status, body };
}

/** A document of several ~1000-token partitions, distinct per `seed`, the same length for every seed. */
export function corpusText(seed: number, paragraphs = 3): string {
  const words = ["harbour", "lantern", "orchard", "granite", "meadow", "falcon", "copper", "willow"];
  return Array.from({ length: paragraphs }, (_, p) => {
    const topic = `${words[seed % words.length]}-${String(seed).padStart(4, "0")}`;
    return `Section ${p} about ${topic}. ${`The ${topic} report covers tides, trade and weather in detail. `.repeat(90)}`;
  }).join("\n\n");
}

/** Counts statuses and keeps the bodies of the ones a test wants to inspect. */
export function tally(): {
  add(status: number): void;
  counts: Map<number, number>;
  get(status: number): number;
  toString(): string;
} {
  const counts = new Map<number, number>();
  return {
    counts,
    add: (status) => counts.set(status, (counts.get(status) ?? 0) + 1),
    get: (status) => counts.get(status) ?? 0,
    toString: () =>
      [...counts.entries()]
        .sort(([a], [b]) => a - b)
        .map(([s, n]) => `${s}×${n}`)
        .join(" "),
  };
}
