/**
 * @module
 * The building blocks of the configuration schema: how a variable is read (integers, flags, optional text) and
 * where its documentation lives. Every variable is declared once with `variable(schema, doc)`, so its
 * description and default travel with its validation and the README's table is generated from them
 * (`npm run docs:config`).
 */
import { z } from "zod";

export type VariableDoc = {
  /** One sentence or a few: what the variable does, for the README's table. */
  description: string;
  /** The default as a reader should see it, when the parsed default alone would mislead (e.g. "by runtime"). */
  default?: string;
  /** Credentials: never logged, marked as a secret in the table. */
  secret?: boolean;
};

/** Holds each variable's documentation next to its schema (zod's own registry mechanism). */
export const variableDocs = z.registry<VariableDoc>();

/** Declares one variable: its schema, registered with its documentation. */
export function variable<S extends z.ZodType>(schema: S, doc: VariableDoc): S {
  variableDocs.add(schema as z.ZodType, doc);
  return schema;
}

export const int = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

export const optionalInt = (min: number, max: number, message?: string) =>
  z.coerce
    .number(message ? { error: message } : undefined)
    .int(message ? { error: message } : undefined)
    .min(min, message ? { error: message } : undefined)
    .max(max, message ? { error: message } : undefined)
    .optional();

export const fraction = (fallback: number) => z.coerce.number().min(0).max(1).default(fallback);

/** Free text; surrounding blanks are dropped and a blank value counts as unset. */
export const text = () =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

/** `true`/`false` and the usual spellings (1/0, yes/no, on/off), as strings from env or booleans from bindings. */
export const flag = (fallback: boolean) =>
  z
    .union([z.string(), z.boolean()])
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || typeof v === "boolean") return v ?? fallback;
      const s = v.toLowerCase();
      if (["1", "true", "yes", "on"].includes(s)) return true;
      if (["0", "false", "no", "off"].includes(s)) return false;
      ctx.addIssue({ code: "custom", message: "expected true or false" });
      return z.NEVER;
    });

/** One of `values`, with a message that names the choices and what was given. */
export const oneOf = <const T extends readonly [string, ...string[]]>(name: string, values: T, fallback: T[number]) =>
  z
    .enum(values, { error: (issue) => `${name} must be one of ${values.join(", ")}; got "${String(issue.input)}"` })
    .default(fallback as never);
