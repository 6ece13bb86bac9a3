/**
 * @module
 * Request and response schemas of `/sources`: they validate shapes at the edge
 * and document the routes at `GET /openapi.json`. Deeper rules (URL policy,
 * index names, tags, interval bounds) live in `lib/sources/validate.ts`.
 */
import { z } from "@hono/zod-openapi";
import { pageLimit } from "../../../contract/requests.js";
import { SOURCE_KINDS } from "../../../sources/index.js";
import { TagsSchema } from "../../schemas.js";

const KINDS = SOURCE_KINDS;

export const SourceCreate = z
  .object({
    url: z.string({ error: "is required" }).max(2048).openapi({
      description:
        "http(s) URL of the page, sitemap, feed or crawl root; for a `bucket`, the path-style S3 URL `https://endpoint/bucket/prefix` or `r2://BINDING/prefix` (an R2 binding of the ingestion Worker). Private and loopback addresses are refused.",
      example: "https://example.com/sitemap.xml",
    }),
    kind: z.enum(KINDS, { error: `must be one of ${KINDS.join(", ")}` }).openapi({
      description:
        "`page`: one document. `sitemap`: every `<loc>` (one `<sitemapindex>` level) is a document (an HTML page is refused: crawl it instead). `feed`: every RSS `<item>` / Atom `<entry>` is a document; entries carrying full content are ingested from the feed itself. `bucket`: every object under a prefix of an S3-compatible or R2 bucket, by ETag; deleted objects delete their documents. `crawl`: the pages of one host reached by links from `url` (robots.txt, canonical links, depth and page limits).",
    }),
    bucket: z.record(z.string(), z.unknown()).nullish().openapi({
      description:
        'For an S3 `bucket`: `{"region":"us-east-1","accessKeyId":"…","secretAccessKey":"…"}` (requests signed with SigV4; the credentials are sealed with SOURCE_SECRET_KEY and never shown again; none for a public bucket). Not for `r2://` URLs.',
    }),
    crawl: z.record(z.string(), z.unknown()).nullish().openapi({
      description: "For `crawl`: `{ maxDepth (0-10, default 3), maxPages (1-10000, default 100) }`.",
    }),
    index: z.string().max(256).nullish().openapi({ description: "Index name; empty or missing means `default`." }),
    tags: z.record(z.string(), z.unknown()).nullish().openapi({
      description: 'Tags for every document the source creates, `{ "key": ["values"] }`; `source: [id]` is added.',
    }),
    intervalSeconds: z
      .number({ error: "must be a number" })
      .int("must be an integer")
      .nullish()
      .openapi({ description: "Seconds between syncs; at least 60, default 3600." }),
  })
  .openapi("SourceCreate");

export const SourceSchema = z
  .object({
    id: z.string(),
    index: z.string(),
    kind: z.enum(KINDS),
    url: z
      .string()
      .openapi({ description: "A bucket's is derived: `endpoint/bucket/prefix` or `r2://binding/prefix`." }),
    bucket: z
      .object({
        provider: z.enum(["s3", "r2"]),
        endpoint: z.string().optional(),
        bucket: z.string().optional(),
        binding: z.string().optional(),
        prefix: z.string(),
        region: z.string().optional(),
        credentials: z.enum(["stored", "none"]).openapi({ description: "Credentials are never returned." }),
      })
      .optional(),
    crawl: z.object({ maxDepth: z.number().int(), maxPages: z.number().int() }).optional(),
    tags: TagsSchema,
    intervalSeconds: z.number().int(),
    createdAt: z.string(),
    nextDueAt: z.string().openapi({ description: "When the next scheduled sync is due." }),
    lastRunAt: z.string().nullable(),
    lastStatus: z.enum(["unchanged", "updated", "failed", "not_modified"]).nullable().openapi({
      description: "`not_modified`: the server answered 304; `unchanged`: same bytes as last time.",
    }),
    lastError: z.string().nullable(),
    failures: z.number().int().openapi({ description: "Consecutive failed runs; each doubles the retry delay." }),
    itemCount: z.number().int().openapi({ description: "URLs the source tracks (documents it owns)." }),
  })
  .openapi("Source");

export const SourceList = z
  .object({ sources: z.array(SourceSchema), nextCursor: z.string().nullable() })
  .openapi("SourceList");

export const SourceListQuery = z.object({
  index: z.string().max(256).optional().openapi({ description: "Only this index's sources; missing = all indexes." }),
  cursor: z.string().max(64).optional().openapi({ description: "`nextCursor` of the previous page." }),
  limit: pageLimit(50),
});

export const SourceParams = z.object({
  id: z
    .string()
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, example: "src_0123456789abcdef0123" }),
});

export const SyncAccepted = z.object({ id: z.string(), message: z.string() }).openapi("SourceSyncAccepted");
