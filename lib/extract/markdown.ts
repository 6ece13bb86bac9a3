/**
 * @module
 * The title of a Markdown document: its first ATX heading of level 1 (`# Title`, closing hashes dropped).
 */

/**
 * Line by line with plain string scans. The regular expression it replaces (`/^#[ \t]+(.+?)[ \t#]*$/m`) was
 * quadratic: on `# a` + 150,000 × `#` + `b` its lazy group retried the trailing run from every position (24 s).
 */
export function markdownTitle(text: string): string | undefined {
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    const title = headingText(text, start, end);
    if (title !== undefined) return title;
    start = end + 1;
  }
  return undefined;
}

function headingText(text: string, start: number, end: number): string | undefined {
  if (text[start] !== "#") return undefined;
  let from = start + 1;
  if (text[from] !== " " && text[from] !== "\t") return undefined;
  while (from < end && (text[from] === " " || text[from] === "\t")) from++;
  let to = end;
  while (to > from && (text[to - 1] === " " || text[to - 1] === "\t" || text[to - 1] === "#")) to--;
  return to > from ? text.slice(from, to) : undefined;
}
