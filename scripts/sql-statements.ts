/**
 * @module
 * Splits a migration file into single statements, so each can be sent on its
 * own (Neon's HTTP endpoint runs one statement per query). Understands quoted
 * strings, quoted identifiers, `--` and block comments, and dollar quoting.
 */
export function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let current = "";
  let i = 0;
  const push = () => {
    const text = current.trim();
    if (text && !/^(?:--[^\n]*\n?\s*)*$/.test(text)) out.push(text);
    current = "";
  };
  while (i < sql.length) {
    const rest = sql.slice(i);
    const dollar = /^\$[A-Za-z_]*\$/.exec(rest);
    let token: string;
    if (rest.startsWith("--")) token = through(rest, "\n", 2, false);
    else if (rest.startsWith("/*")) token = through(rest, "*/", 2, true);
    else if (rest[0] === "'" || rest[0] === '"') token = quoted(rest, rest[0]);
    else if (dollar) token = through(rest, dollar[0], dollar[0].length, true);
    else token = rest[0]!;
    if (token === ";") push();
    else current += token;
    i += token.length;
  }
  push();
  return out;
}

/** `rest` up to the next `end` (searched from `from`), with or without it; all of it if absent. */
function through(rest: string, end: string, from: number, inclusive: boolean): string {
  const at = rest.indexOf(end, from);
  return at < 0 ? rest : rest.slice(0, inclusive ? at + end.length : at);
}

function quoted(rest: string, quote: string): string {
  for (let j = 1; j < rest.length; j++) {
    if (rest[j] !== quote) continue;
    if (rest[j + 1] === quote) j++;
    else return rest.slice(0, j + 1);
  }
  return rest;
}
