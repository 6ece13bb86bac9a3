/**
 * @module
 * JSON bodies exactly as Kernel Memory's .NET `MemoryWebClient` sends them: `SearchAsync` and `AskAsync`
 * serialise `SearchQuery` / `MemoryQuery` with `System.Text.Json` defaults — properties in
 * `JsonPropertyOrder` (index 0, query/question 1, minRelevance 2, limit 3, filters 10), `"index": null`
 * when none is given, `"filters": []` when none, a `MemoryFilter` as the dictionary it is
 * (`{"key": ["value"]}`), and strings escaped by the default `JavaScriptEncoder` (non-ASCII, `"`, `&`, `'`,
 * `<`, `>`, `+` and `` ` `` as `\uXXXX`) — in a `StringContent` typed `application/json; charset=utf-8`.
 * No Node imports: the workerd suites use it too.
 */

export const KM_JSON = "application/json; charset=utf-8";

/** `MemoryFilter` on the wire: KM's `TagCollection`, one list of values per key. */
export type KmFilter = Record<string, string[]>;

/** `MemoryFilters.*` as the .NET client builds them (Constants.ReservedDocumentIdTag is `__document_id`). */
export const kmFilters = {
  byDocument: (documentId: string): KmFilter => ({ __document_id: [documentId] }),
  byTag: (name: string, value: string): KmFilter => ({ [name]: [value] }),
};

type Options = { index?: string | null; filters?: KmFilter[]; minRelevance?: number };

/** `MemoryWebClient.SearchAsync(query, index, filter: null, filters, minRelevance = 0, limit = -1)`. */
export function kmSearchBody(query: string, options: Options & { limit?: number } = {}): string {
  return dotnetJson({
    index: options.index ?? null,
    query,
    minRelevance: options.minRelevance ?? 0,
    limit: options.limit ?? -1,
    filters: options.filters ?? [],
  });
}

/** `MemoryWebClient.AskAsync(question, index, filter: null, filters, minRelevance = 0)`. */
export function kmAskBody(question: string, options: Options = {}): string {
  return dotnetJson({
    index: options.index ?? null,
    question,
    minRelevance: options.minRelevance ?? 0,
    filters: options.filters ?? [],
  });
}

/** The request init `PostAsync(endpoint, new StringContent(json, Encoding.UTF8, "application/json"))` amounts to. */
export function kmPost(body: string): RequestInit {
  return { method: "POST", body, headers: { "content-type": KM_JSON } };
}

type Json = null | string | number | Json[] | { [key: string]: Json };

function dotnetJson(value: Json): string {
  if (value === null || typeof value === "number") return JSON.stringify(value);
  if (typeof value === "string") return dotnetString(value);
  if (Array.isArray(value)) return `[${value.map(dotnetJson).join(",")}]`;
  return `{${Object.entries(value)
    .map(([k, v]) => `${dotnetString(k)}:${dotnetJson(v)}`)
    .join(",")}}`;
}

const SHORT: Record<string, string> = { "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\\": "\\\\" };

function dotnetString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const code = s.charCodeAt(i);
    if (SHORT[ch]) out += SHORT[ch];
    else if (code < 0x20 || code > 0x7e || "\"&'<>+`".includes(ch))
      out += `\\u${code.toString(16).toUpperCase().padStart(4, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}
