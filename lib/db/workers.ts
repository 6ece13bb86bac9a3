/**
 * @module
 * The transports that are safe in workerd: `http` (no socket) and
 * `hyperdrive` (a socket per invocation, lib/db/hyperdrive.ts). A socket pool
 * at module scope hangs there (I/O may not cross requests), so `pool` is not
 * offered at all rather than failing later under load.
 */
import type { Transports } from "./handle.js";
import { createHttpDb } from "./http.js";
import { createHyperdriveDb } from "./hyperdrive.js";

export const workersTransports: Transports = { http: createHttpDb, hyperdrive: createHyperdriveDb };
