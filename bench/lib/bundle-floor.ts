/**
 * @module
 * The Node server's module graph without starting anything: bundled like dist/node.mjs, `node` on it measures
 * the bare start of the bundle (runtime + loading our code), the floor of a cold start.
 */
import "../../lib/node-host/scheduler.js";
import "../../lib/node-host/server.js";
import "../../lib/runtime/services.js";
