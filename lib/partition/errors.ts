/**
 * @module
 * Transport-free partitioning error; the HTTP edge maps it to a 400/422 with its message.
 */

export class InvalidPartitionOptions extends Error {
  override readonly name = "InvalidPartitionOptions";
}
