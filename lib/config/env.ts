/**
 * @module
 * Reads the configuration from whatever the runtime holds (Workers bindings or `process.env`) through the
 * one schema (./schema.ts). A bad environment fails with one `ConfigError` naming every offending variable,
 * not deep inside a handler.
 */
import { ConfigError } from "./errors.js";
import { type Config, EnvSchema } from "./schema.js";

export { ConfigError } from "./errors.js";
export { type Config, EnvSchema } from "./schema.js";

/** Empty values count as unset (a blank line in `.dev.vars`, `VAR=` in a shell). */
export function parseConfig(raw: Record<string, unknown>): Config {
  const env = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== "" && v !== undefined));
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => {
      const name = i.path.join(".");
      // Messages written for one variable already name it.
      return i.message.startsWith(name) ? i.message : `${name}: ${i.message}`;
    });
    throw new ConfigError(`invalid configuration: ${issues.join("; ")}`);
  }
  return parsed.data;
}
