/**
 * @module
 * The workerd runtime parts the Workers suites build services with (files parsed in the isolate's own thread, as
 * the ingestion Worker does), one object per test isolate.
 */
import { prepareInThread } from "../../lib/ingest/isolation.js";
import { workersRuntime } from "../../lib/runtime/workers.js";

export const workerdRuntime = workersRuntime(() => prepareInThread);
