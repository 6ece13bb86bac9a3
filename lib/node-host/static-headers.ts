/**
 * @module
 * Reads a Cloudflare `_headers` file (a URL pattern on its own line, then
 * indented `Name: value` lines; `*` matches any run of characters; `#` starts
 * a comment) and answers which headers a path gets, so the Node server sends
 * what Workers Static Assets send from the same file.
 *
 * @example
 * headersFor(parseHeadersFile(text), "/playground"); // [["Content-Security-Policy", "…"], …]
 */

export type HeaderRule = { pattern: RegExp; headers: Array<[string, string]> };

export function parseHeadersFile(text: string): HeaderRule[] {
  const rules: HeaderRule[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === "" || line.trim().startsWith("#")) continue;
    if (!/^\s/.test(line)) {
      const source = line
        .trim()
        .replace(/[.+?^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*");
      rules.push({ pattern: new RegExp(`^${source}$`), headers: [] });
      continue;
    }
    const colon = line.indexOf(":");
    const rule = rules[rules.length - 1];
    if (!rule || colon < 0) throw new Error(`_headers: cannot read line "${line.trim()}"`);
    rule.headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return rules;
}

export function headersFor(rules: HeaderRule[], path: string): Array<[string, string]> {
  return rules.filter((rule) => rule.pattern.test(path)).flatMap((rule) => rule.headers);
}
