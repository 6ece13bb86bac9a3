/**
 * @module
 * Contextual chunk headers: a chunk is embedded and indexed together with what it belongs to — the document's
 * title, else its file name — so a passage that never repeats its subject ("It runs every night") is still found
 * by it. The header is stored beside the chunk, not inside its text: clients get the passage itself.
 */

/** File names that say nothing about their content (KM text imports arrive as `content.txt`, pages as `index`). */
const GENERIC = new Set(["content", "index", "file", "document", "untitled", "page", "default"]);
const MAX_CHARS = 200;

/** The header for every chunk of one file; empty when neither title nor file name says anything. */
export function chunkContext(file: { name: string; title?: string }): string {
  const title = file.title?.replace(/\s+/g, " ").trim();
  if (title) return title.slice(0, MAX_CHARS);
  const stem = file.name
    .replace(/^.*[\\/]/, "")
    .replace(/\.[A-Za-z0-9]{1,8}$/, "")
    .replace(/[-_.+]+/g, " ")
    .trim();
  return GENERIC.has(stem.toLowerCase()) ? "" : stem.slice(0, MAX_CHARS);
}

/** What the embedder sees for a chunk: its header, a blank line, its text. */
export function embeddingText(context: string, text: string): string {
  return context ? `${context}\n\n${text}` : text;
}
