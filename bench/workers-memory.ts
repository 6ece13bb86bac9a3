/**
 * @module
 * workers-memory: the largest upload the API Worker accepts (wrangler.toml's `MAX_UPLOAD_BYTES`), accepted by the
 * API Worker and ingested by the ingestion Worker, each bundle as deployed (`wrangler deploy --dry-run`) in its own
 * workerd process (Miniflare), against the 128 MB an isolate may use. workerd reports no per-isolate heap, so the
 * figure is the workerd process's peak resident memory (Linux `VmHWM`, reset through `/proc/<pid>/clear_refs`
 * after a warm-up) minus its resident memory before the request: an upper bound on what the isolate used, since it
 * also counts workerd's own I/O buffers.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import JSZip from "jszip";
import { Miniflare } from "miniflare";
import { buildPdf } from "../test/fixtures/pdf.js";
import { docxWithText } from "../test/helpers/attack-files.js";
import { createTestDatabase, type TestDatabase } from "../test/helpers/database.js";
import { kmMultipart } from "../test/helpers/km-multipart.js";
import type { Bench, BenchEnv } from "./lib/bench-env.js";
import { generateCorpus } from "./lib/corpus.js";
import { dropWhenIdle, migrated } from "./lib/memory-db.js";
import { createPgDb } from "./lib/pg-db.js";
import { REPO_ROOT } from "./lib/processes.js";
import { num } from "./lib/stats.js";
import { type WorkerBundle, withWorkerBundle } from "./lib/worker-bundle.js";

const ISOLATE_LIMIT_MIB = 128;
const MiB = 1024 * 1024;

/** A top-level `[vars]` number of a wrangler config, as deployed. */
function wranglerVar(config: string, name: string): number {
  const toml = readFileSync(join(REPO_ROOT, config), "utf8");
  const match = new RegExp(`^${name}\\s*=\\s*"(\\d+)"`, "m").exec(toml);
  if (!match) throw new Error(`${config} sets no ${name}`);
  return Number(match[1]);
}

type Limits = { upload: number; chars: number; decompressed: number; pages: number; elements: number };

type Upload = {
  label: string;
  name: string;
  contentType: string;
  bytes: Uint8Array;
  expect: "ready" | "failed" | "either";
};

/** Prose of about `bytes` bytes, in paragraphs. */
const prose = (bytes: number, seed: number) => generateCorpus({ bytes, documents: 1, seed })[0]!.text.slice(0, bytes);
const millions = (n: number) => `${num(n / 1e6, 2)} M`;

/** The largest file of each kind the Workers' limits let through, plus the largest upload, which extraction refuses. */
async function uploads(limits: Limits): Promise<Upload[]> {
  const room = limits.upload - 4096; // the multipart envelope
  const enc = new TextEncoder();
  const most = limits.chars - 50_000;
  // pdf.js: as many pages as MAX_PDF_PAGES allows, lines of 90 characters up to the character limit.
  const perPage = Math.floor(most / limits.pages / 91);
  const lines =
    prose(limits.pages * perPage * 91, 3)
      .replace(/\n+/g, " ")
      .match(/.{1,90}/g) ?? [];
  const pages: string[][] = [];
  for (let i = 0; i < limits.pages; i++) pages.push(lines.slice(i * perPage, (i + 1) * perPage));
  const pdf = buildPdf(pages);
  const paragraph = prose(900, 4);
  // As many 900-character paragraphs (934 bytes of XML each) as both the character and the XML limits allow.
  const docxParagraphs = Math.min(Math.floor(most / 901), Math.floor((limits.decompressed - 8192) / 934));
  // The densest markup: empty paragraphs written `<w:p/>`, one `<` (what MAX_XML_ELEMENTS counts) per element,
  // as many as the cap allows (the parts' own few tags aside).
  const markupParagraphs = limits.elements - 100;
  const all: Upload[] = [
    {
      label: `text filling the upload limit (over MAX_EXTRACTED_CHARS: read, decoded, refused)`,
      name: "limit.txt",
      contentType: "text/plain",
      bytes: enc.encode(prose(room, 1)),
      expect: "failed",
    },
    {
      label: `text of ${millions(most)} characters (MAX_EXTRACTED_CHARS ${millions(limits.chars)})`,
      name: "most.txt",
      contentType: "text/plain",
      bytes: enc.encode(prose(most, 2)),
      expect: "ready",
    },
    {
      label: `PDF of ${num(limits.pages)} pages (MAX_PDF_PAGES), ${millions(limits.pages * perPage * 90)} characters`,
      name: "pages.pdf",
      contentType: "application/pdf",
      bytes: pdf,
      expect: "ready",
    },
    {
      label: `DOCX of ${millions(docxParagraphs * 900)} characters`,
      name: "long.docx",
      contentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      bytes: await docxWithText(paragraph, docxParagraphs),
      expect: "ready",
    },
    {
      label: `DOCX of ${num(markupParagraphs)} empty paragraphs \`<w:p/>\` (MAX_XML_ELEMENTS ${num(limits.elements)})`,
      name: "markup.docx",
      contentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      bytes: await docxOfBody("<w:p/>".repeat(markupParagraphs)),
      // No text: the document may fail for holding none; what matters is that the isolate survives the parse.
      expect: "either",
    },
  ];
  for (const u of all) if (u.bytes.byteLength > room) throw new Error(`${u.name} is larger than the upload limit`);
  return all;
}

/** A minimal DOCX whose body is `body` (WordprocessingML). */
async function docxOfBody(body: string): Promise<Uint8Array> {
  const zip = new JSZip();
  const ns = "http://schemas.openxmlformats.org";
  zip.file(
    "[Content_Types].xml",
    `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="${ns}/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
  );
  zip.file(
    "_rels/.rels",
    `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${ns}/package/2006/relationships"><Relationship Id="rId1" Type="${ns}/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`,
  );
  zip.file(
    "word/document.xml",
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="${ns}/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`,
  );
  return zip.generateAsync({ type: "uint8array", compression: "DEFLATE", compressionOptions: { level: 9 } });
}

function workerdPids(): Set<number> {
  const out = execFileSync("ps", ["-o", "pid=,comm=", "--ppid", String(process.pid)], { encoding: "utf8" });
  return new Set(
    out
      .split("\n")
      .map((l) => l.trim().split(/\s+/))
      .filter(([, comm]) => comm === "workerd")
      .map(([pid]) => Number(pid)),
  );
}

const statusKiB = (pid: number, field: "VmRSS" | "VmHWM") =>
  Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? Number.NaN);

/** A Worker bundle in its own workerd process, with its pid so its memory can be read. */
async function startWorker(bundle: WorkerBundle, name: string, bindings: Record<string, string>) {
  const before = workerdPids();
  const mf = new Miniflare({
    name,
    modules: true,
    modulesRoot: bundle.outdir,
    scriptPath: bundle.main,
    compatibilityDate: "2026-04-20",
    compatibilityFlags: ["nodejs_compat"],
    bindings: { DB_TRANSPORT: "http", DB_APPLICATION_NAME: `smb-${name}`, LOG_LEVEL: "warn", ...bindings },
  });
  await mf.ready;
  const pid = [...workerdPids()].find((p) => !before.has(p));
  if (!pid) throw new Error("cannot find the workerd process Miniflare started");
  return {
    mf,
    /** Runs `work` and returns its peak resident memory above the resident memory before it, in MiB. */
    async peakOf(work: () => Promise<void>): Promise<{ baseMiB: number; peakMiB: number }> {
      const base = statusKiB(pid, "VmRSS");
      writeFileSync(`/proc/${pid}/clear_refs`, "5"); // resets VmHWM to the current RSS
      await work();
      return { baseMiB: base / 1024, peakMiB: (statusKiB(pid, "VmHWM") - base) / 1024 };
    },
  };
}

async function waitForJob(database: TestDatabase, documentId: string): Promise<{ state: string; chunks: number }> {
  const db = createPgDb(database.url, { applicationName: "smb-workers-memory" });
  try {
    for (let i = 0; i < 1200; i++) {
      const [row] = await db.query<{ state: string; chunks: number }>(
        `select j.state, (select count(*)::int from memory_chunks c where c.document_id = $1) as chunks
           from memory_jobs j where j.document_id = $1 order by j.created_at desc limit 1`,
        [documentId],
      );
      if (row && (row.state === "done" || row.state === "failed")) return row;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`job of ${documentId} never finished`);
  } finally {
    await db.close();
  }
}

export const workersMemory: Bench = {
  name: "workers-memory",
  summary: "peak workerd memory while the API Worker accepts and the ingestion Worker ingests the largest upload",
  // Run outside its imports (spawned, bundled or read); its import graph is found by bench/lib/measured.ts.
  measures: ["functions/worker.ts", "functions/ingest-worker.ts", "wrangler.toml", "wrangler.ingest.toml"],
  async run(env: BenchEnv) {
    const limits: Limits = {
      upload: wranglerVar("wrangler.toml", "MAX_UPLOAD_BYTES"),
      chars: wranglerVar("wrangler.ingest.toml", "MAX_EXTRACTED_CHARS"),
      decompressed: wranglerVar("wrangler.ingest.toml", "MAX_DECOMPRESSED_BYTES"),
      pages: wranglerVar("wrangler.ingest.toml", "MAX_PDF_PAGES"),
      elements: wranglerVar("wrangler.ingest.toml", "MAX_XML_ELEMENTS"),
    };
    const limit = limits.upload;
    const files = await uploads(limits);
    env.log(`upload limit ${limit} bytes; building both Workers`);
    const rows: string[][] = [];
    let worst = 0;
    await withWorkerBundle("wrangler.ingest.toml", (ingest) =>
      withWorkerBundle("wrangler.toml", async (api) => {
        for (const file of files) {
          const database = await createTestDatabase("smbwmem");
          const setup = createPgDb(database.url, { applicationName: "smb-workers-memory-setup" });
          await migrated(setup);
          await setup.close();
          const bindings = { DATABASE_URL: database.url, NEON_LOCAL_PROXY: env.proxy };
          const apiWorker = await startWorker(api, "api", { ...bindings, MAX_UPLOAD_BYTES: String(limit) });
          const ingestWorker = await startWorker(ingest, "ingest", {
            ...bindings,
            MAX_EXTRACTED_CHARS: String(limits.chars),
            MAX_DECOMPRESSED_BYTES: String(limits.decompressed),
            MAX_PDF_PAGES: String(limits.pages),
            MAX_XML_ELEMENTS: String(limits.elements),
          });
          try {
            const send = async (documentId: string, f: Pick<Upload, "name" | "bytes" | "contentType">) => {
              const form = kmMultipart({ index: "mem", documentId, files: [f] });
              const res = await apiWorker.mf.dispatchFetch("http://worker.bench/upload", {
                method: "POST",
                headers: { "content-type": form.contentType },
                body: form.body,
              });
              const text = await res.text();
              if (res.status !== 202) throw new Error(`upload ${documentId}: ${res.status} ${text.slice(0, 300)}`);
            };
            const tick = async () => {
              const worker = await ingestWorker.mf.getWorker();
              await worker.scheduled({ cron: "* * * * *" });
            };
            // Warm-up: both isolates load, connect and run one small document end to end.
            await send("warm", {
              name: "warm.txt",
              contentType: "text/plain",
              bytes: new TextEncoder().encode(prose(20_000, 9)),
            });
            await tick();
            await waitForJob(database, "warm");

            const accepted = await apiWorker.peakOf(() => send("big", file));
            let job = { state: "", chunks: 0 };
            const ingested = await ingestWorker.peakOf(async () => {
              await tick();
              job = await waitForJob(database, "big");
            });
            const expected = { ready: ["done"], failed: ["failed"], either: ["done", "failed"] }[file.expect];
            if (!expected.includes(job.state)) throw new Error(`${file.name}: job ${job.state}, expected ${expected}`);
            worst = Math.max(worst, accepted.peakMiB, ingested.peakMiB);
            env.log(`${file.name}: API +${num(accepted.peakMiB, 1)} MiB, ingestion +${num(ingested.peakMiB, 1)} MiB`);
            rows.push([
              file.label,
              `${num(file.bytes.byteLength / MiB, 2)} MiB`,
              `${num(accepted.peakMiB, 1)} MiB`,
              `${num(ingested.peakMiB, 1)} MiB`,
              job.state === "done"
                ? `${job.chunks} chunks`
                : file.expect === "failed"
                  ? "refused (limit), failed"
                  : "failed (no text)",
            ]);
          } finally {
            await apiWorker.mf.dispose();
            await ingestWorker.mf.dispose();
            await dropWhenIdle(database);
          }
        }
      }),
    );
    return {
      id: "workers-memory",
      title: "workers-memory — the largest upload through both Workers, against the isolate's 128 MB",
      headline: `largest upload ${num(limit / MiB, 0)} MiB (wrangler.toml): worst peak above the warm process ${num(worst, 1)} MiB = ${num((100 * worst) / ISOLATE_LIMIT_MIB, 0)}% of an isolate's ${ISOLATE_LIMIT_MIB} MB`,
      tables: [
        {
          headers: ["upload", "size", "API Worker: accept (peak Δ)", "ingestion Worker: ingest (peak Δ)", "outcome"],
          rows,
        },
      ],
      notes: [
        "Each Worker is its `wrangler deploy --dry-run` bundle in its own workerd process (Miniflare), over the `http` transport to a fresh database; the API Worker accepts a Kernel-Memory multipart upload (`POST /upload`), then one cron tick of the ingestion Worker claims and runs the job (extract → partition → embed with the offline embedder → save).",
        "Peak Δ: the workerd process's peak resident set (`VmHWM`, reset by writing 5 to `/proc/<pid>/clear_refs` after a warm-up document) minus its resident set just before the request. workerd exposes no per-isolate heap figure; this bound also counts workerd's own buffers, and V8 collects lazily when memory is plentiful, so it overstates the isolate's need.",
        "mammoth holds a DOCX's XML as a tree of objects, several hundred bytes per element, about 100× the bytes of dense markup: under a 16 MiB byte cap alone, 372,736 two-letter paragraphs peaked at 1,094 MiB, and 1.5 MiB of empty paragraphs at 152 MiB. So the elements are capped (`MAX_XML_ELEMENTS`, counted while the parts inflate, before mammoth parses).",
        `Limits as deployed: the API Worker's \`MAX_UPLOAD_BYTES\` ${num(limits.upload)} (wrangler.toml); the ingestion Worker's \`MAX_EXTRACTED_CHARS\` ${num(limits.chars)}, \`MAX_PDF_PAGES\` ${num(limits.pages)}, \`MAX_DECOMPRESSED_BYTES\` ${num(limits.decompressed)} and \`MAX_XML_ELEMENTS\` ${num(limits.elements)} (wrangler.ingest.toml). Text filling the upload limit is over the character limit: it is read and decoded, then refused with a failed job, as the limit means it to be.`,
      ],
    };
  },
};
