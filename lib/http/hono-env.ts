/** @module Typed Hono context: per-request state goes through `c.set` / `c.get`. */
import type { Grant } from "../keys/access.js";
import type { Principal } from "../keys/types.js";
import type { LogFields } from "../log/logger.js";
import type { Services } from "../runtime/services.js";

export type AppVariables = {
  requestId: string;
  services: Services;
  /** Who is calling and which indexes they may touch (set by the auth middleware). */
  principal: Principal;
  /** What `authorize` decided for this operation: the index it may touch, the key's view of the others. */
  grant: Grant;
  /** A hand-parsed request's input (an upload), set before authorization reads its declared index from it. */
  input: unknown;
  /** The request's one wide log event; handlers add fields to it. */
  wide: LogFields;
};

export type HonoEnv = { Bindings: Record<string, unknown>; Variables: AppVariables };
