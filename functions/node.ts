/**
 * @module
 * Node server entrypoint (`npm start`), the composition root of this runtime: the Node transports, jobs run in
 * this process's background, files parsed in worker threads, the exact tokenizer and the MCP SDK loaded on first
 * use (lib/runtime/node.ts, lib/node-host/node-app.ts). The process itself (server, scheduler, signals) is
 * lib/node-host/process.ts.
 */
import { runNodeProcess } from "../lib/node-host/process.js";
import { nodeRuntime } from "../lib/runtime/node.js";

await runNodeProcess(nodeRuntime({ extractionThreads: true }));
