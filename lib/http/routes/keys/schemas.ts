/** @module Request and response schemas of the admin key routes (`/keys`). */
import { z } from "@hono/zod-openapi";
import { SCOPES } from "../../../keys/types.js";

export const KeyCreate = z
  .object({
    name: z.string().min(1, "must not be empty").max(200),
    scope: z.enum(SCOPES).openapi({ description: "`read` < `write` < `admin`; each includes the ones before it." }),
    indexes: z
      .array(z.string().max(128))
      .min(1, "needs at least one pattern")
      .max(50)
      .openapi({
        description: 'Index names or patterns with `*` (`acme-*`); `["*"]` is every index (required for admin).',
        example: ["acme-*"],
      }),
  })
  .openapi("KeyCreate");

export const ApiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().openapi({ description: "The key's first characters, to tell keys apart." }),
    scope: z.enum(SCOPES),
    indexes: z.array(z.string()),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable().openapi({ description: "Updated at most once a minute per instance." }),
    revokedAt: z.string().nullable(),
  })
  .openapi("ApiKey");

export const CreatedKey = ApiKeySchema.extend({
  key: z.string().openapi({ description: "The key itself. Shown this once; only its SHA-256 digest is stored." }),
}).openapi("CreatedApiKey");

export const KeyList = z.object({ results: z.array(ApiKeySchema) }).openapi("ApiKeyList");

export const KeyParams = z.object({
  id: z
    .string()
    .max(64)
    .openapi({ param: { name: "id", in: "path" } }),
});
