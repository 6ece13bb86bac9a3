/**
 * @module
 * The client's index, source and key groups: `indexes` (list, delete, settings, evaluate), `sources` (pages,
 * sitemaps and feeds kept in sync) and `keys` (admin: scoped API keys).
 */
import type { CallOptions, Transport } from "./transport.js";
import { withQuery } from "./transport.js";
import type {
  ApiKey,
  ApiKeyInput,
  CreatedApiKey,
  DeleteAccepted,
  EvaluateBody,
  EvaluationReport,
  IndexList,
  IndexSettings,
  IndexSettingsPatch,
  Source,
  SourceInput,
  SourcePage,
  SourceSyncAccepted,
} from "./types.js";

const at = (prefix: string, id: string, suffix = "") => `${prefix}/${encodeURIComponent(id)}${suffix}`;

export function adminGroups(http: Transport) {
  return {
    indexes: {
      /** `GET /indexes`: the names the key may read. */
      list: (call?: CallOptions) => http.json<IndexList>("GET", "indexes", undefined, call),
      /** `DELETE /indexes?index=`: 202 also when it does not exist. */
      delete: (index: string, call?: CallOptions) =>
        http.json<DeleteAccepted>("DELETE", withQuery("indexes", { index }), undefined, call),
      settings: (index: string, call?: CallOptions) =>
        http.json<IndexSettings>("GET", at("indexes", index, "/settings"), undefined, call),
      /** `null` resets a setting to the service default. */
      patchSettings: (index: string, patch: IndexSettingsPatch, call?: CallOptions) =>
        http.json<IndexSettings>("PATCH", at("indexes", index, "/settings"), patch, call),
      /** Judged queries in, nDCG/recall out (and, with `tune`, the best ranking settings). */
      evaluate: (index: string, body: EvaluateBody, call?: CallOptions) =>
        http.json<EvaluationReport>("POST", at("indexes", index, "/evaluate"), body, call),
    },

    sources: {
      create: (input: SourceInput, call?: CallOptions) => http.json<Source>("POST", "sources", input, call),
      list: (query: { index?: string; cursor?: string; limit?: number } = {}, call?: CallOptions) =>
        http.json<SourcePage>("GET", withQuery("sources", query), undefined, call),
      get: (id: string, call?: CallOptions) => http.json<Source>("GET", at("sources", id), undefined, call),
      delete: (id: string, call?: CallOptions) =>
        http.send("DELETE", at("sources", id), {}, call).then(() => undefined),
      /** Starts a sync now; the documents it finds are ingested in the background. */
      sync: (id: string, call?: CallOptions) =>
        http.json<SourceSyncAccepted>("POST", at("sources", id, "/sync"), undefined, call),
    },

    keys: {
      /** The created record carries the key itself, shown this once. */
      create: (input: ApiKeyInput, call?: CallOptions) => http.json<CreatedApiKey>("POST", "keys", input, call),
      list: (call?: CallOptions) => http.json<{ results: ApiKey[] }>("GET", "keys", undefined, call),
      revoke: (id: string, call?: CallOptions) => http.json<ApiKey>("DELETE", at("keys", id), undefined, call),
    },
  };
}
