/**
 * @module
 * Kernel Memory's web-page import: its clients' `ImportWebPageAsync` uploads a
 * file called `content.url` whose content is the page's URL, and the pipeline
 * fetches the page. Here the URL is checked when the upload arrives (a refused
 * target is a 400 before anything is stored) and fetched by the extract step
 * through the same guard as sources (no private targets, size and time limits,
 * content-type allow-list), so a KM client's web import works unchanged.
 */

import type { Config } from "../config/env.js";
import { ValidationError } from "../errors.js";
import type { UploadFile } from "../memory/types.js";
import { checkUrl, FetchRefused, guardedFetch } from "../net/index.js";

/** Stored content type of a URL file; never sent by clients, only set here. */
export const WEB_PAGE_TYPE = "text/x-uri";

/** The URL a `*.url` file points at: KM writes just the URL; Windows shortcuts use `URL=` lines. */
export function webPageUrl(file: UploadFile): string | undefined {
  if (!/\.url$/i.test(file.name)) return undefined;
  const text = new TextDecoder().decode(file.bytes).trim();
  const shortcut = /^URL=(.+)$/im.exec(text);
  return (shortcut ? shortcut[1]! : text.split(/\r?\n/, 1)[0]!).trim();
}

/** Refuses, as a validation error, a URL the fetch guard would never fetch. */
export function checkWebPageUrl(ctx: { config: Pick<Config, "SOURCE_ALLOW_PRIVATE"> }, url: string): string {
  try {
    return checkUrl(url, ctx.config.SOURCE_ALLOW_PRIVATE).href;
  } catch (error) {
    if (error instanceof FetchRefused) throw new ValidationError(`${error.reason}: ${error.url}`);
    throw error;
  }
}

export async function fetchWebPage(
  ctx: { config: Pick<Config, "SOURCE_MAX_BYTES" | "SOURCE_FETCH_TIMEOUT_MS" | "SOURCE_ALLOW_PRIVATE"> },
  url: string,
): Promise<{ bytes: Uint8Array; contentType: string; url: string }> {
  const got = await guardedFetch(url, {
    accept: "document",
    maxBytes: ctx.config.SOURCE_MAX_BYTES,
    timeoutMs: ctx.config.SOURCE_FETCH_TIMEOUT_MS,
    allowPrivate: ctx.config.SOURCE_ALLOW_PRIVATE,
  });
  if (got.status !== 200) throw new Error(`unexpected ${got.status} for an unconditional request`);
  return { bytes: got.bytes, contentType: got.contentType, url: got.url };
}
