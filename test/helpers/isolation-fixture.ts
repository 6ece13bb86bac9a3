/**
 * @module
 * The isolation suite's two tenants, shared by the Node and workerd suites (no Node imports): tenant `ta`
 * (the scoped keys' own) and tenant `tb`, seeded through the API with a document whose file, text, tags,
 * source and key each carry a marker that no request of the suite sends, so any of them in an answer to a
 * `ta` key is a leak. `snapshot` is everything of `tb` an admin can read, to prove a request changed nothing.
 */

export type Send = (path: string, init?: RequestInit) => Promise<Response>;

export const TA = "ta-isolation";
export const TB = "tb-isolation";
export const TB_DOC = "tb-doc-1";
/** The text a search for QUERY finds in tb; SECRET never appears in a request. */
export const SECRET = "zanzibarquokka7781";
export const QUERY = "vault combination ledger";
export const QUESTION = "What is the vault combination in the ledger?";
const TB_TEXT = `Tenant B keeps its vault combination in the ledger: ${SECRET}. Nobody else may read it.`;
export const TB_FILE = "tb-ledger-5521.txt";
export const TB_TAG = "tbtagvalue9931";
export const TB_SOURCE_MARK = "tb-source-page-4410";
export const TB_KEY_NAME = "tb-owner-key-3391";
/** Never reached: the sources' first sync fails at once (connection refused), changing no document. */
export const UNREACHABLE = "http://127.0.0.1:9";

/** Everything of tb that must not reach a ta key, unless the request itself carried it (then it is an echo). */
export const MARKERS = [SECRET, TB_FILE, TB_TAG, TB_SOURCE_MARK, TB_KEY_NAME, TB, TB_DOC];

export type KeyKind = "env-admin" | "stored-admin" | "write" | "read" | "revoked" | "unknown" | "none";
export const KEY_KINDS: readonly KeyKind[] = [
  "env-admin",
  "stored-admin",
  "write",
  "read",
  "revoked",
  "unknown",
  "none",
];
export type Keys = Record<KeyKind, string | undefined>;

/** Ids of the current seed, which requests aimed at a record of tb (`/sources/{id}`, `/keys/{id}`) use. */
export type Seeded = { round: number; ids: Record<string, string> };

async function ok(send: Send, path: string, init: RequestInit, admin: string): Promise<Record<string, unknown>> {
  const headers = new Headers(init.headers);
  headers.set("authorization", admin);
  const res = await send(path, { ...init, headers });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`seed ${init.method ?? "GET"} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

const json = (method: string, body: unknown): RequestInit => ({
  method,
  body: JSON.stringify(body),
  headers: { "content-type": "application/json" },
});

/** Keys of every kind, created through the API with the env admin key. */
export async function createKeys(send: Send, envAdmin: string): Promise<Keys> {
  const mint = async (scope: string, indexes: string[]) =>
    ok(send, "/keys", json("POST", { name: `isolation ${scope}`, scope, indexes }), envAdmin);
  const revoked = await mint("admin", ["*"]);
  await ok(send, `/keys/${revoked.id}`, { method: "DELETE" }, envAdmin);
  return {
    "env-admin": envAdmin,
    "stored-admin": (await mint("admin", ["*"])).key as string,
    write: (await mint("write", ["ta-*"])).key as string,
    read: (await mint("read", ["ta-*"])).key as string,
    revoked: revoked.key as string,
    // Shaped like a stored key, so it is looked up, and found nowhere.
    unknown: `smk_${"Q".repeat(43)}`,
    none: undefined,
  };
}

/** (Re)creates tb's document, source and key, and a document in ta; waits until tb's document is searchable. */
export async function seed(send: Send, admin: string, round: number): Promise<Seeded> {
  const form = new FormData();
  form.append("index", TB);
  form.append("documentId", TB_DOC);
  form.append("tags", `owner:${TB_TAG}`);
  form.append("files", new Blob([TB_TEXT], { type: "text/plain" }), TB_FILE);
  await ok(send, "/upload", { method: "POST", body: form }, admin);
  await ok(send, "/upload", json("POST", { index: TA, documentId: "ta-doc", text: "Tenant A's own notes." }), admin);
  const source = await ok(
    send,
    "/sources",
    json("POST", { url: `${UNREACHABLE}/${TB_SOURCE_MARK}-${round}`, kind: "page", index: TB }),
    admin,
  );
  const key = await ok(send, "/keys", json("POST", { name: TB_KEY_NAME, scope: "write", indexes: ["tb-*"] }), admin);
  await waitUntilSearchable(send, admin);
  // `/indexes/{index}/…` operations aim at tb's index by name.
  return { round, ids: { sources: source.id as string, keys: key.id as string, indexes: TB, documents: TB_DOC } };
}

async function waitUntilSearchable(send: Send, admin: string): Promise<void> {
  let last = "";
  for (let i = 0; i < 150; i++) {
    const status = await ok(send, `/upload-status?index=${TB}&documentId=${TB_DOC}`, {}, admin);
    last = JSON.stringify(status);
    if (status.failed) throw new Error(`seed: tb's document failed: ${last}`);
    if (status.completed) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`seed: tb's document not ingested after 15 s: ${last}`);
}

/** What an admin reads of tb (and the key list, through which tb could be reached), without volatile fields. */
export async function snapshot(send: Send, admin: string): Promise<string> {
  const read = async (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    headers.set("authorization", admin);
    const res = await send(path, { ...init, headers });
    return `${res.status} ${await res.text()}`;
  };
  const sources = await read(`/sources?index=${TB}&limit=100`);
  const keys = await read("/keys");
  return [
    await read(`/documents?index=${TB}&limit=100`),
    await read(`/upload-status?index=${TB}&documentId=${TB_DOC}`),
    await read(`/download?index=${TB}&documentId=${TB_DOC}`),
    await read("/search", json("POST", { index: TB, query: QUERY })),
    await read("/indexes"),
    stable(sources, ["id", "url", "index", "kind"]),
    stable(keys, ["id", "name", "scope", "indexes", "revokedAt"]),
  ].join("\n");
}

/** A listing reduced to the fields that only a change (not time) alters. */
function stable(answer: string, fields: string[]): string {
  const [status, ...rest] = answer.split(" ");
  const body = JSON.parse(rest.join(" ")) as Record<string, unknown>;
  const list = (body.sources ?? body.results ?? []) as Array<Record<string, unknown>>;
  return `${status} ${JSON.stringify(list.map((item) => fields.map((f) => item[f])))}`;
}
