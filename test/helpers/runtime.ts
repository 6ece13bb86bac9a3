/**
 * @module
 * The Node runtime parts the tests run on, as `npm start` builds them (files parsed in worker threads), one object
 * for the whole test process (so `servicesFor` hands every test of an environment the same services, as one server
 * process would).
 */
import { nodeRuntime } from "../../lib/runtime/node.js";

export const testRuntime = nodeRuntime({ extractionThreads: true });
