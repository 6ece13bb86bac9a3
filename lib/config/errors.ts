/**
 * @module
 * The error a configuration that cannot work raises (kind `misconfigured`): HTTP answers it with one 500
 * ProblemDetails (`BAD_ENVIRONMENT`), the Node server and CLIs exit with code 2 and the message.
 */
import { AppError } from "../errors.js";

export class ConfigError extends AppError {
  override readonly name: string = "ConfigError";
  constructor(message: string) {
    super("misconfigured", message);
  }
}
