/**
 * @module
 * Registers the only transport that is safe in workerd: `http`. A socket pool
 * at module scope hangs there (I/O may not cross requests), so `pool` is not
 * offered at all rather than failing later under load.
 */
import { registerTransport } from "./handle.js";
import { createHttpDb } from "./http.js";

registerTransport("http", createHttpDb);
