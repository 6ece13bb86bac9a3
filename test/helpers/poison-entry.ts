/**
 * @module
 * `npm start`'s process (lib/node-host/process.ts on the runtime functions/node.ts builds), plus one poison: a file
 * containing POISON_MARKER kills the process (SIGKILL, as an out-of-memory kill or a native crash would) when its
 * job reaches extraction. It stands in for any input that takes the process down, to prove such a job ends failed
 * instead of crash-looping.
 */
import { runNodeProcess } from "../../lib/node-host/process.js";
import { nodeRuntime } from "../../lib/runtime/node.js";
import { POISON_MARKER } from "./attack-files.js";

const marker = Buffer.from(POISON_MARKER);

await runNodeProcess(
  nodeRuntime({
    extractionThreads: true,
    wrapPrepare: (real) => (input) => {
      if (Buffer.from(input.bytes).includes(marker)) process.kill(process.pid, "SIGKILL");
      return real(input);
    },
  }),
);
