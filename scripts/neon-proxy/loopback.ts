/**
 * @module
 * The proxy only ever reaches Postgres on this machine: relaying to any host a client names would turn a dev tool
 * into an open relay.
 */
import { isIP } from "node:net";

/** True for `localhost`, 127.0.0.0/8 and ::1 (bracketed or bare, IPv4-mapped included). */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  if (h === "localhost") return true;
  if (isIP(h) === 4) return h.startsWith("127.");
  if (isIP(h) === 6) return /^(0{0,4}:){2,7}0{0,3}1$/.test(h) || /^::ffff:127\./.test(h);
  return false;
}

/** Splits the driver's `host:port` (the host may be a bare IPv6 address); undefined when malformed. */
export function parseAddress(address: string): { host: string; port: number } | undefined {
  const colon = address.lastIndexOf(":");
  const host = address.slice(0, colon).replace(/^\[(.*)\]$/, "$1");
  const port = Number(address.slice(colon + 1));
  if (colon <= 0 || host === "" || !Number.isInteger(port) || port < 1 || port > 65535) return undefined;
  return { host, port };
}
