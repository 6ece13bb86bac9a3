/**
 * @module
 * `functions/node.ts` exactly as `npm start` runs it, plus one poison: a file containing POISON_MARKER kills the
 * process (SIGKILL, as an out-of-memory kill or a native crash would) when its job reaches extraction. It stands
 * in for any input that takes the process down, to prove such a job ends failed instead of crash-looping.
 */
import { currentPrepareRunner, usePrepareRunner } from "../../lib/ingest/isolation.js";

import { POISON_MARKER } from "./attack-files.js";

await import("../../functions/node.js");

const marker = Buffer.from(POISON_MARKER);
const real = currentPrepareRunner();
usePrepareRunner((input) => {
  if (Buffer.from(input.bytes).includes(marker)) process.kill(process.pid, "SIGKILL");
  return real(input);
});
