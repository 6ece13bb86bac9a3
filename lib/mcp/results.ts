/**
 * @module
 * Tool results. Each carries the memory API's own JSON as `structuredContent`
 * (the same shape the HTTP route answers), a text block a model can read, and
 * one `resource_link` per cited document, so a client can open the source
 * (`memory://{index}/{documentId}`, see `resources.ts`).
 *
 * Errors become `isError` results, mapped like the HTTP and SSE edges map
 * them: an AppError's message is for the caller (it names the field); a
 * misconfiguration or anything unexpected is logged and reported without internals.
 */
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { DatabaseUnavailable } from "../db/index.js";
import { AppError } from "../errors.js";
import { log } from "../log/logger.js";
import type { Citation } from "../memory/types.js";

export function documentUri(index: string, documentId: string): string {
  return `memory://${encodeURIComponent(index)}/${encodeURIComponent(documentId)}`;
}

export function jsonResult(value: object, text?: string, citations: readonly Citation[] = []): CallToolResult {
  const seen = new Set<string>();
  const links: CallToolResult["content"] = [];
  for (const c of citations) {
    const uri = documentUri(c.index, c.documentId);
    if (seen.has(uri)) continue;
    seen.add(uri);
    links.push({ type: "resource_link", uri, name: c.sourceName, mimeType: "text/plain" });
  }
  return {
    content: [{ type: "text", text: text ?? JSON.stringify(value, null, 2) }, ...links],
    structuredContent: value as Record<string, unknown>,
  };
}

export function errorResult(error: unknown, tool: string, requestId: string): CallToolResult {
  let text: string;
  if (error instanceof AppError && error.kind === "unavailable") {
    const seconds = error instanceof DatabaseUnavailable ? error.retryAfterSeconds : 1;
    text = `The database is temporarily unavailable; retry in ${seconds} s.`;
  } else if (error instanceof AppError && error.kind !== "misconfigured") {
    // AppErrors are written for the caller (providers' messages are scrubbed of credentials).
    text = error.message;
  } else {
    const err = error as Error;
    log.error("mcp.tool_failed", { requestId, tool, error: err, stack: err?.stack });
    text = `The tool failed unexpectedly; request id ${requestId} identifies it in the logs.`;
  }
  return { content: [{ type: "text", text }], isError: true };
}

/** A readable answer: the text, then its numbered sources. */
export function answerText(answer: string, citations: readonly Citation[]): string {
  if (citations.length === 0) return answer;
  const sources = citations.map((c, i) => `[${i + 1}] ${c.sourceName} — ${documentUri(c.index, c.documentId)}`);
  return `${answer}\n\nSources:\n${sources.join("\n")}`;
}
