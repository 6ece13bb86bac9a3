/**
 * The SSRF block list against IANA's IPv4 and IPv6 Special-Purpose Address
 * Registries (iana.org/assignments/iana-ipv4-special-registry and
 * iana-ipv6-special-registry, transcribed below with their "Globally
 * Reachable" column). Rule under test: the first and last address of every
 * entry not marked globally reachable are blocked, those of every reachable
 * entry are not. The entries that embed an IPv4 address are judged by it,
 * tested with a public and a private one each.
 */
import { describe, expect, it } from "vitest";
import { blockedRange, parseIPv4, parseIPv6 } from "../../../lib/net/address.js";

type Entry = [cidr: string, name: string, reachable: boolean | "n/a"];

const IPV4_REGISTRY: Entry[] = [
  ["0.0.0.0/8", '"This network"', false],
  ["0.0.0.0/32", '"This host on this network"', false],
  ["10.0.0.0/8", "Private-Use", false],
  ["100.64.0.0/10", "Shared Address Space", false],
  ["127.0.0.0/8", "Loopback", false],
  ["169.254.0.0/16", "Link Local", false],
  ["172.16.0.0/12", "Private-Use", false],
  ["192.0.0.0/24", "IETF Protocol Assignments", "n/a"],
  ["192.0.0.0/29", "IPv4 Service Continuity Prefix", false],
  ["192.0.0.8/32", "IPv4 dummy address", false],
  ["192.0.0.9/32", "Port Control Protocol Anycast", true],
  ["192.0.0.10/32", "Traversal Using Relays around NAT Anycast", true],
  ["192.0.0.170/32", "NAT64/DNS64 Discovery", false],
  ["192.0.0.171/32", "NAT64/DNS64 Discovery", false],
  ["192.0.2.0/24", "Documentation (TEST-NET-1)", false],
  ["192.31.196.0/24", "AS112-v4", true],
  ["192.52.193.0/24", "AMT", true],
  ["192.88.99.0/24", "Deprecated (6to4 Relay Anycast)", "n/a"],
  ["192.168.0.0/16", "Private-Use", false],
  ["192.175.48.0/24", "Direct Delegation AS112 Service", true],
  ["198.18.0.0/15", "Benchmarking", false],
  ["198.51.100.0/24", "Documentation (TEST-NET-2)", false],
  ["203.0.113.0/24", "Documentation (TEST-NET-3)", false],
  ["240.0.0.0/4", "Reserved", false],
  ["255.255.255.255/32", "Limited Broadcast", false],
];

const IPV6_REGISTRY: Entry[] = [
  ["::1/128", "Loopback Address", false],
  ["::/128", "Unspecified Address", false],
  ["64:ff9b:1::/48", "IPv4-IPv6 Translat. (local use)", false],
  ["100::/64", "Discard-Only Address Block", false],
  ["100:0:0:1::/64", "Dummy IPv6 Prefix", false],
  ["2001::/23", "IETF Protocol Assignments", "n/a"],
  ["2001::/32", "TEREDO", "n/a"],
  ["2001:1::1/128", "Port Control Protocol Anycast", true],
  ["2001:1::2/128", "Traversal Using Relays around NAT Anycast", true],
  ["2001:1::3/128", "DNS-SD Service Registration Protocol Anycast", true],
  ["2001:2::/48", "Benchmarking", false],
  ["2001:3::/32", "AMT", true],
  ["2001:4:112::/48", "AS112-v6", true],
  ["2001:10::/28", "Deprecated (previously ORCHID)", "n/a"],
  ["2001:20::/28", "ORCHIDv2", true],
  ["2001:30::/28", "Drone Remote ID Protocol Entity Tags (DETs) Prefix", true],
  ["2001:db8::/32", "Documentation", false],
  ["2620:4f:8000::/48", "Direct Delegation AS112 Service", true],
  ["3fff::/20", "Documentation", false],
  ["5f00::/16", "Segment Routing (SRv6) SIDs", false],
  ["fc00::/7", "Unique-Local", false],
  ["fe80::/10", "Link-Local Unicast", false],
];

/** Registry entries that carry an IPv4 address: judged by it (see lib/net/address.ts for why). */
const EMBEDDING: Array<[name: string, wrap: (v4: string) => string]> = [
  ["IPv4-mapped ::ffff:0:0/96", (a) => `::ffff:${a}`],
  ["IPv4-compatible ::/96 (deprecated)", (a) => `::${a}`],
  ["SIIT IPv4-translated ::ffff:0:0:0/96", (a) => `::ffff:0:${a}`],
  ["NAT64 well-known 64:ff9b::/96", (a) => `64:ff9b::${a}`],
  ["6to4 2002::/16", (a) => `2002:${hexPair(a)}::1`],
];

function hexPair(a: string): string {
  const n = parseIPv4(a)!;
  return `${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
}

function ends(cidr: string): [string, string] {
  const [ip, bitsText] = cidr.split("/") as [string, string];
  const bits = Number(bitsText);
  const four = parseIPv4(ip);
  if (four !== undefined) {
    const size = 2 ** (32 - bits);
    const dotted = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");
    return [dotted(four), dotted(four + size - 1)];
  }
  const first = parseIPv6(ip)!.reduce((n, g) => (n << 16n) | BigInt(g), 0n);
  const last = first | ((1n << BigInt(128 - bits)) - 1n);
  const text = (n: bigint) =>
    Array.from({ length: 8 }, (_, i) => ((n >> BigInt(16 * (7 - i))) & 0xffffn).toString(16)).join(":");
  return [text(first), text(last)];
}

describe("the SSRF block list follows IANA's special-purpose registries", () => {
  const rows = [...IPV4_REGISTRY, ...IPV6_REGISTRY].flatMap(([cidr, name, reachable]) =>
    ends(cidr).map((address) => [address, `${cidr} ${name}`, reachable === true] as const),
  );

  it.each(rows)("%s (%s) is blocked unless globally reachable (%s)", (address, _entry, reachable) => {
    if (reachable) expect(blockedRange(address)).toBeUndefined();
    else expect(blockedRange(address)).toBeTypeOf("string");
  });

  it.each(EMBEDDING)("%s is judged by the IPv4 address it carries", (_name, wrap) => {
    for (const inside of ["10.0.0.1", "127.0.0.1", "169.254.169.254", "192.0.2.1", "100.64.0.1", "240.0.0.1"]) {
      expect(blockedRange(wrap(inside)), wrap(inside)).toBeTypeOf("string");
    }
    expect(blockedRange(wrap("93.184.216.34"))).toBeUndefined();
  });

  it("leaves public unicast alone and blocks multicast and space IANA never allocated", () => {
    for (const open of ["93.184.216.34", "1.1.1.1", "8.8.8.8", "2606:4700::1111", "2a00:1450:4001::200e"]) {
      expect(blockedRange(open), open).toBeUndefined();
    }
    for (const closed of ["224.0.0.1", "239.255.255.255", "ff02::1", "1::1", "4000::1", "e000::1"]) {
      expect(blockedRange(closed), closed).toBeTypeOf("string");
    }
  });
});
