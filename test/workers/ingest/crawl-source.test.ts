/**
 * A crawl source inside workerd, against the small site the global setup
 * serves on 127.0.0.1 (reached through workerd's own fetch, the guard's
 * private-address allowance on for this loopback site only): robots.txt,
 * canonical links, the cycle and the depth limit hold as on Node, and a
 * re-crawl of the unchanged site ingests nothing.
 */
import { env } from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";
import { validateNewSource } from "../../../lib/contract/source-input.js";
import { memoryContextOf, servicesFor } from "../../../lib/runtime/services.js";
import { createSource, getSource, syncSource } from "../../../lib/sources/index.js";
import { CRAWLED_PATHS } from "../../helpers/crawl-site.js";
import { workerdRuntime } from "../runtime.js";

describe("workerd: a crawl source", () => {
  it("crawls the site's allowed, canonical pages within the depth limit, then skips them unchanged", async () => {
    const services = servicesFor(env as unknown as Record<string, unknown>, workerdRuntime);
    await services.ready();
    const base = memoryContextOf(services, () => {});
    const ctx = { ...base, config: { ...base.config, SOURCE_ALLOW_PRIVATE: true } };
    const site = inject("crawlSiteUrl");
    // The first sync starts in the background, as through POST /sources.
    const pending: Array<Promise<unknown>> = [];
    const created = await createSource(
      { ...ctx, waitUntil: (p) => void pending.push(p) },
      validateNewSource({ url: `${site}/`, kind: "crawl", index: "workerd-crawl", crawl: { maxDepth: 2 } }, true),
    );
    await Promise.all(pending);
    expect(await getSource(ctx, created.id)).toMatchObject({ lastStatus: "updated", lastError: null });
    const items = await services.db.query<{ url: string; content_hash: string | null }>(
      "select url, content_hash from memory_source_items where source_id = $1 order by url",
      [created.id],
    );
    const ingested = items.filter((i) => i.content_hash !== null).map((i) => new URL(i.url).pathname);
    expect(ingested.sort()).toEqual([...CRAWLED_PATHS].sort());
    expect(items.map((i) => new URL(i.url).pathname)).not.toContain("/private/secret");

    const again = await syncSource(ctx, created.id);
    expect(again).toMatchObject({ status: "unchanged", updated: 0, removed: 0, failed: 0 });
    expect((await getSource(ctx, created.id)).lastError).toBeNull();
  });
});
