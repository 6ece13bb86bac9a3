/**
 * @module
 * Configuration: who may call the service and how it serves — keys, browsers, what it keeps, where the
 * Node server listens, what it logs.
 */
import { z } from "zod";
import { flag, int, variable } from "./vars.js";

export const AUTH_VARS = {
  API_KEYS: variable(
    z
      .string()
      .refine((v) => v.split(",").some((k) => k.trim() !== ""), "at least one non-empty key")
      .optional(),
    {
      description:
        "comma-separated admin keys (two may be valid during a rotation); unset = open. Scoped keys live in the database ([Multi-tenant keys](#multi-tenant-keys)).",
      secret: true,
    },
  ),
  CORS_ORIGINS: variable(z.string().max(4096).optional(), {
    description:
      "origins allowed to call the API from a browser (comma-separated, or `*`); unset = no CORS headers; preflights are answered without a key, requests still need one",
  }),
};

export const SERVER_VARS = {
  KEEP_ORIGINAL_FILES: variable(flag(true), {
    description:
      "keep uploaded files after ingestion so `GET /download` (and the playground's download link) can return them, as Kernel Memory does; `false` drops the bytes once the chunks are saved",
  }),
  PORT: variable(int(0, 65_535, 8787), { description: "Node server: the port it listens on (`0` = any free port)" }),
  HOST: variable(z.string().min(1).default("127.0.0.1"), { description: "Node server: the address it listens on" }),
  LOG_LEVEL: variable(z.enum(["debug", "info", "warn", "error"]).default("info"), {
    description: "`debug`, `info`, `warn`, `error`; logs are one JSON line per event, credentials redacted",
  }),
};
