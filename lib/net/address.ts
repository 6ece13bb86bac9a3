/**
 * @module
 * Which IP addresses a source may never reach. The rule is IANA's: every entry of the IPv4 and IPv6
 * Special-Purpose Address Registries whose "Globally Reachable" is False or N/A is blocked (private
 * networks, loopback, link-local — cloud metadata lives at 169.254.169.254 — CGNAT, benchmarking,
 * documentation, reserved space), plus multicast and, for IPv6, everything outside global unicast
 * (2000::/3). Entries IANA marks globally reachable (AS112, AMT, the anycast services) stay reachable.
 *
 * IPv4 addresses wrapped in IPv6 are judged by the IPv4 address they reach, so they neither slip past nor
 * lose public hosts: IPv4-mapped `::ffff:0:0/96`, IPv4-compatible `::/96`, SIIT's IPv4-translated
 * `::ffff:0:0:0/96`, 6to4 `2002::/16`, and the well-known NAT64 prefix `64:ff9b::/96` (RFC 6052: an
 * IPv6-only host with DNS64 reaches every public IPv4 site through it, so blocking it whole would cut
 * those hosts off the web, while `64:ff9b::a9fe:a9fe` is still metadata). The local-use NAT64 prefix
 * `64:ff9b:1::/48` (RFC 8215) is blocked whole: it is not globally reachable and where its IPv4 address
 * sits depends on a local prefix length we cannot know.
 *
 * @example
 * blockedRange("10.1.2.3")   // "private (10/8)"
 * blockedRange("::1")        // "loopback (::1)"
 * blockedRange("93.184.216.34") // undefined (public)
 */

type V4Range = { base: number; mask: number; label: string };
type V6Range = { base: bigint; mask: bigint; label: string };

const v4 = (cidr: string, label: string): V4Range => {
  const [ip, bits] = cidr.split("/") as [string, string];
  const mask = Number(bits) === 0 ? 0 : (~0 << (32 - Number(bits))) >>> 0;
  return { base: (parseIPv4(ip)! & mask) >>> 0, mask, label };
};

const v6 = (cidr: string, label: string): V6Range => {
  const [ip, bits] = cidr.split("/") as [string, string];
  const mask = ((1n << BigInt(bits)) - 1n) << BigInt(128 - Number(bits));
  return { base: toBigInt(parseIPv6(ip)!) & mask, mask, label };
};

/** IANA IPv4 registry entries marked globally reachable that sit inside a blocked block. */
const V4_REACHABLE = [v4("192.0.0.9/32", "PCP anycast"), v4("192.0.0.10/32", "TURN anycast")];

const V4_BLOCKED: V4Range[] = [
  v4("0.0.0.0/8", "this network (0.0.0.0/8)"),
  v4("10.0.0.0/8", "private (10/8)"),
  v4("100.64.0.0/10", "carrier-grade NAT (100.64/10)"),
  v4("127.0.0.0/8", "loopback (127/8)"),
  v4("169.254.0.0/16", "link-local (169.254/16)"),
  v4("172.16.0.0/12", "private (172.16/12)"),
  v4("192.0.0.0/24", "IETF protocol assignments (192.0.0/24)"),
  v4("192.0.2.0/24", "documentation (192.0.2/24)"),
  v4("192.88.99.0/24", "deprecated 6to4 relay anycast (192.88.99/24)"),
  v4("192.168.0.0/16", "private (192.168/16)"),
  v4("198.18.0.0/15", "benchmarking (198.18/15)"),
  v4("198.51.100.0/24", "documentation (198.51.100/24)"),
  v4("203.0.113.0/24", "documentation (203.0.113/24)"),
  v4("224.0.0.0/4", "multicast (224/4)"),
  v4("240.0.0.0/4", "reserved (240/4)"),
];

/** IANA IPv6 registry entries marked globally reachable inside 2001::/23 (blocked below as a whole). */
const V6_REACHABLE = [
  v6("2001:1::1/128", "PCP anycast"),
  v6("2001:1::2/128", "TURN anycast"),
  v6("2001:1::3/128", "DNS-SD SRP anycast"),
  v6("2001:3::/32", "AMT"),
  v6("2001:4:112::/48", "AS112-v6"),
  v6("2001:20::/28", "ORCHIDv2"),
  v6("2001:30::/28", "drone remote ID"),
];

const V6_BLOCKED: V6Range[] = [
  v6("::/128", "unspecified (::)"),
  v6("::1/128", "loopback (::1)"),
  v6("64:ff9b:1::/48", "local-use NAT64 (64:ff9b:1::/48)"),
  v6("100::/64", "discard-only (100::/64)"),
  v6("100:0:0:1::/64", "dummy prefix (100:0:0:1::/64)"),
  v6("2001:db8::/32", "documentation (2001:db8::/32)"),
  v6("2001::/23", "IETF protocol assignments (2001::/23: Teredo, benchmarking, ORCHID)"),
  v6("3fff::/20", "documentation (3fff::/20)"),
  v6("5f00::/16", "segment routing SIDs (5f00::/16)"),
  v6("fc00::/7", "unique local (fc00::/7)"),
  v6("fe80::/10", "link-local (fe80::/10)"),
  v6("fec0::/10", "site-local (fec0::/10)"),
  v6("ff00::/8", "multicast (ff00::/8)"),
];

/** The blocked range `ip` (v4 or v6, no brackets) falls in, or undefined when it is public. */
export function blockedRange(ip: string): string | undefined {
  const four = parseIPv4(ip);
  if (four !== undefined) return v4Blocked(four);
  const six = parseIPv6(ip);
  if (!six) return "not an IP address";
  return v6Blocked(six);
}

/** True for names that always mean this machine, whatever DNS says. */
export function isLocalHostname(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, "");
  return h === "localhost" || h.endsWith(".localhost");
}

export function isIpLiteral(host: string): boolean {
  return parseIPv4(host) !== undefined || parseIPv6(host) !== undefined;
}

function v4Blocked(addr: number): string | undefined {
  const within = (r: V4Range) => (addr & r.mask) >>> 0 === r.base;
  if (V4_REACHABLE.some(within)) return undefined;
  return V4_BLOCKED.find(within)?.label;
}

function v6Blocked(g: number[]): string | undefined {
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  const v4At = (i: number) => ((g[i]! << 16) | g[i + 1]!) >>> 0;
  const addr = toBigInt(g);
  const within = (r: V6Range) => (addr & r.mask) === r.base;
  if (zeros(0, 7) && g[7]! <= 1) return V6_BLOCKED.find(within)?.label;
  // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d), SIIT's IPv4-translated (::ffff:0:a.b.c.d).
  if (zeros(0, 5) && (g[5] === 0xffff || g[5] === 0)) return v4Blocked(v4At(6));
  if (zeros(0, 4) && g[4] === 0xffff && g[5] === 0) return v4Blocked(v4At(6));
  // Well-known NAT64 (64:ff9b::/96) reaches the embedded IPv4 address.
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return v4Blocked(v4At(6));
  // 6to4 (2002::/16) carries an IPv4 address in bits 16..47.
  if (g[0] === 0x2002) return v4Blocked(v4At(1));
  if (V6_REACHABLE.some(within)) return undefined;
  const blocked = V6_BLOCKED.find(within)?.label;
  if (blocked) return blocked;
  // IANA allocates unicast only from 2000::/3; everything else is reserved by the IETF.
  return (g[0]! & 0xe000) === 0x2000 ? undefined : "reserved (outside global unicast 2000::/3)";
}

function toBigInt(groups: readonly number[]): bigint {
  return groups.reduce((n, x) => (n << 16n) | BigInt(x), 0n);
}

/** Strict dotted quad only; URL parsing has already turned `0x7f.1` and friends into this form. */
export function parseIPv4(s: string): number | undefined {
  const parts = s.split(".");
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return n;
}

/** Eight 16-bit groups, or undefined; accepts `::` and a dotted IPv4 tail; a zone (`%eth0`) is dropped. */
export function parseIPv6(input: string): number[] | undefined {
  let s = input.replace(/^\[|\]$/g, "");
  const zone = s.indexOf("%");
  if (zone >= 0) s = s.slice(0, zone);
  if (!s.includes(":")) return undefined;
  const lastColon = s.lastIndexOf(":");
  const maybeV4 = s.slice(lastColon + 1);
  if (maybeV4.includes(".")) {
    // A dotted IPv4 tail is two groups written differently.
    const v4 = parseIPv4(maybeV4);
    if (v4 === undefined) return undefined;
    s = `${s.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = s.split("::");
  if (halves.length > 2) return undefined;
  const groups = (part: string) => (part === "" ? [] : part.split(":"));
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  const parse = (list: string[]) => list.map((x) => (/^[0-9a-f]{1,4}$/i.test(x) ? Number.parseInt(x, 16) : Number.NaN));
  const h = parse(head);
  const r = parse(rest);
  if ([...h, ...r].some(Number.isNaN)) return undefined;
  const explicit = h.length + r.length;
  if (halves.length === 1) return explicit === 8 ? h : undefined;
  if (explicit > 7) return undefined;
  return [...h, ...Array<number>(8 - explicit).fill(0), ...r];
}
