/**
 * Kernel Memory's system tags in filters inside workerd (issue #20 item 2):
 * the same scenario as the Node and embedded runs (test/node/suites/km-filters.test.ts),
 * uploads through the API Worker, ingestion by the queue consumer, then the
 * exact search and ask bodies KM's .NET client sends.
 */
import { describe, it } from "vitest";
import { checkKmFilters, seedKmFilterDocs } from "../../helpers/km-filter-scenario.js";
import { apiModule } from "../worker-api.js";

const call = (path: string, init?: RequestInit) => apiModule(path, init);

describe("workerd: KM system tags in filters", () => {
  it("filters by KM's system tags as KM does", async () => {
    await seedKmFilterDocs(call);
    await checkKmFilters(call);
  }, 120_000);
});
