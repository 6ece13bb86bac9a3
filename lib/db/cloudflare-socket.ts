/**
 * @module
 * pg's Workers socket (`pg-cloudflare`, over `cloudflare:sockets`) with one
 * repair: it reports some closes as an `error` event whose value is
 * `undefined` (a closed promise rejected without a reason), and pg's handler
 * reads `error.code` from it, throwing a TypeError nobody can catch — seen when
 * a backend is terminated mid-request. Here every `error` carries an Error.
 */
import * as pgCloudflare from "pg-cloudflare";

type Emitter = { emit(event: string | symbol, ...args: unknown[]): boolean };

// Typed by hand: the package's types follow its `workerd` export condition, which Node's type check does not use.
const CloudflareSocket = (pgCloudflare as unknown as { CloudflareSocket: new (ssl: boolean) => Emitter })
  .CloudflareSocket;

export class WorkersSocket extends CloudflareSocket {
  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event === "error" && !(args[0] instanceof Error)) {
      return super.emit(event, new Error(`connection closed: ${String(args[0] ?? "socket closed")}`));
    }
    return super.emit(event, ...args);
  }
}
