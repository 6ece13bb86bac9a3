/**
 * @module
 * A free TCP port on 127.0.0.1, for the tests and benches that start servers of their own (PgBouncer, the Node
 * server as a child process, bench services): the kernel picks one, the probe socket closes, the caller binds it.
 */
import { createServer } from "node:net";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
