/** @module Typed Hono context: per-request state goes through `c.set` / `c.get`. */
import type { LogFields } from "../log/logger.js";
import type { Services } from "../runtime/services.js";

export type AppVariables = {
  requestId: string;
  services: Services;
  /** The request's one wide log event; handlers add fields to it. */
  wide: LogFields;
};

export type HonoEnv = { Bindings: Record<string, unknown>; Variables: AppVariables };
