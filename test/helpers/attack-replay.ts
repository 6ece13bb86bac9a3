/**
 * @module
 * The attack suite's documents and requests (test/node/suites/attacks.test.ts): every attack file with the cap
 * its failure must name, bodies that must be refused with 400, and waits (bounded) for documents and sources to
 * settle.
 */
import {
  docxBomb,
  docxWithText,
  lzwBomb,
  nestedHtml,
  nestedJson,
  pdfExpandingStream,
  pdfPageBomb,
  pdfWithContentStream,
  quadraticMarkdown,
} from "./attack-files.js";

/** `expect`: the cap its failure must name, or "completed"; `orCompleted`: finishing within every cap also passes. */
export type Attack = {
  documentId: string;
  fileName: string;
  bytes: Uint8Array;
  expect: RegExp | "completed";
  orCompleted?: boolean;
};

export async function attackDocuments(): Promise<Attack[]> {
  return [
    { documentId: "page-bomb", fileName: "bomb.pdf", bytes: pdfPageBomb(30_000), expect: /MAX_PDF_PAGES/ },
    {
      documentId: "expanding-pdf",
      fileName: "expanding.pdf",
      bytes: pdfExpandingStream(60_000_000),
      // 60 MB is under MAX_DECOMPRESSED_BYTES; pdf.js then either yields its text within the caps, or crosses the
      // character cap, the thread's heap or its deadline, depending on how fast this machine parses it.
      expect: /MAX_EXTRACTED_CHARS|MAX_DECOMPRESSED_BYTES|EXTRACT_MEMORY_MB|EXTRACT_TIMEOUT_MS/,
      orCompleted: true,
    },
    // A 68 KB LZW stream that decodes to 160 MB: measured through its filter before pdf.js decodes it.
    {
      documentId: "lzw-pdf",
      fileName: "lzw.pdf",
      bytes: pdfWithContentStream("/LZWDecode", lzwBomb(160 * 1024 * 1024)),
      expect: /MAX_DECOMPRESSED_BYTES/,
    },
    {
      documentId: "docx-bomb",
      fileName: "bomb.docx",
      bytes: docxBomb(400 * 1024 * 1024),
      expect: /MAX_DECOMPRESSED_BYTES/,
    },
    {
      documentId: "docx-text",
      fileName: "long.docx",
      bytes: await docxWithText("lorem ipsum dolor sit amet ".repeat(20), 12_000),
      expect: /MAX_EXTRACTED_CHARS/,
    },
    { documentId: "quadratic-md", fileName: "title.md", bytes: quadraticMarkdown(1_000_000), expect: "completed" },
    { documentId: "nested-html", fileName: "nested.html", bytes: nestedHtml(250_000), expect: /MAX_NESTING_DEPTH/ },
    {
      documentId: "normal",
      fileName: "normal.txt",
      bytes: new TextEncoder().encode("The lighthouse keeper lights the lamp at dusk."),
      expect: "completed",
    },
  ];
}

export function upload(
  url: string,
  documentId: string,
  fileName: string,
  bytes: Uint8Array,
  extra: [string, string][] = [],
) {
  const form = new FormData();
  form.append("documentId", documentId);
  for (const [k, v] of extra) form.append(k, v);
  form.append("files", new Blob([bytes as BlobPart]), fileName);
  return fetch(`${url}/upload`, { method: "POST", body: form });
}

export const postJson = (url: string, route: string, body: string) =>
  fetch(`${url}${route}`, { method: "POST", headers: { "content-type": "application/json" }, body });

export type Status = { completed?: boolean; failed?: boolean; error?: { step: string; message: string } | null };

export async function waitSettled(url: string, ids: string[], timeoutMs: number): Promise<Map<string, Status>> {
  const settled = new Map<string, Status>();
  const deadline = Date.now() + timeoutMs;
  while (settled.size < ids.length && Date.now() < deadline) {
    for (const id of ids) {
      if (settled.has(id)) continue;
      // A server that died mid-wait (the poison test) is noticed by the caller; keep polling until then.
      const status = (await fetch(`${url}/upload-status?documentId=${id}`).then(
        (res) => res.json(),
        () => ({}),
      )) as Status;
      if (status.completed || status.failed) settled.set(id, status);
    }
    if (settled.size < ids.length) await new Promise((r) => setTimeout(r, 250));
  }
  return settled;
}

/** Requests that must be refused with 400 ProblemDetails and change nothing. */
export function refusedBodies(url: string): Array<[string, () => Promise<Response>]> {
  const deepArgs = `{"text":"x","documentId":"nested-args","args":${nestedJson(5_000)}}`;
  return [
    ["JSON upload with args 5,000 deep", () => postJson(url, "/upload", deepArgs)],
    [
      "multipart upload with args 20,000 deep",
      () => upload(url, "nested-multipart", "a.txt", new TextEncoder().encode("x"), [["args", nestedJson(20_000)]]),
    ],
    [
      "tags with __proto__",
      () => postJson(url, "/upload", '{"text":"x","documentId":"proto-tags","tags":{"__proto__":["x"]}}'),
    ],
    ["search filter with __proto__", () => postJson(url, "/search", '{"query":"x","filters":[{"__proto__":["x"]}]}')],
    ["search args 5,000 deep", () => postJson(url, "/search", `{"query":"x","args":${nestedJson(5_000)}}`)],
    ["ask args with constructor", () => postJson(url, "/ask", '{"question":"x","args":{"constructor":{"a":1}}}')],
  ];
}

export async function waitSourceError(url: string, id: string): Promise<{ lastError?: string }> {
  for (let i = 0; i < 600; i++) {
    const source = (await (await fetch(`${url}/sources/${id}`)).json()) as { lastError?: string; status?: string };
    if (source.lastError) return source;
    await new Promise((r) => setTimeout(r, 200));
  }
  return {};
}
