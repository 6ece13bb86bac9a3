/**
 * @module
 * Transport-free partitioning error: options the caller gave that cannot work.
 */
import { AppError } from "../errors.js";

export class InvalidPartitionOptions extends AppError {
  override readonly name = "InvalidPartitionOptions";
  constructor(message: string) {
    super("invalid", message);
  }
}
