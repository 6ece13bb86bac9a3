/** @module Typed Hono context: per-request state goes through `c.set` / `c.get`. */
import type { Principal } from "../keys/types.js";
import type { LogFields } from "../log/logger.js";
import type { Services } from "../runtime/services.js";

export type AppVariables = {
  requestId: string;
  services: Services;
  /** Who is calling and which indexes they may touch (set by the auth middleware). */
  principal: Principal;
  /** The request's one wide log event; handlers add fields to it. */
  wide: LogFields;
};

export type HonoEnv = { Bindings: Record<string, unknown>; Variables: AppVariables };
