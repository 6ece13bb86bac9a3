/**
 * @module
 * Which IP addresses a source may never reach: private networks, loopback,
 * link-local (cloud metadata lives at 169.254.169.254), CGNAT, multicast and
 * reserved space, for IPv4 and IPv6, including IPv4 addresses wrapped in IPv6
 * forms (`::ffff:10.0.0.1`, NAT64, 6to4) that would otherwise slip past.
 *
 * @example
 * blockedRange("10.1.2.3")   // "private"
 * blockedRange("::1")        // "loopback"
 * blockedRange("93.184.216.34") // undefined (public)
 */

type Range = { base: number; bits: number; label: string };

const V4_BLOCKED: Range[] = [
  ["0.0.0.0", 8, "this network (0.0.0.0/8)"],
  ["10.0.0.0", 8, "private (10/8)"],
  ["100.64.0.0", 10, "carrier-grade NAT (100.64/10)"],
  ["127.0.0.0", 8, "loopback (127/8)"],
  ["169.254.0.0", 16, "link-local (169.254/16)"],
  ["172.16.0.0", 12, "private (172.16/12)"],
  ["192.0.0.0", 24, "IETF protocol assignments (192.0.0/24)"],
  ["192.168.0.0", 16, "private (192.168/16)"],
  ["198.18.0.0", 15, "benchmarking (198.18/15)"],
  ["224.0.0.0", 4, "multicast (224/4)"],
  ["240.0.0.0", 4, "reserved (240/4)"],
].map(([ip, bits, label]) => ({ base: parseIPv4(ip as string)!, bits: bits as number, label: label as string }));

/** The blocked range `ip` (v4 or v6, no brackets) falls in, or undefined when it is public. */
export function blockedRange(ip: string): string | undefined {
  const v4 = parseIPv4(ip);
  if (v4 !== undefined) return v4Blocked(v4);
  const v6 = parseIPv6(ip);
  if (!v6) return "not an IP address";
  return v6Blocked(v6);
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
  for (const r of V4_BLOCKED) {
    const mask = r.bits === 0 ? 0 : (~0 << (32 - r.bits)) >>> 0;
    if ((addr & mask) >>> 0 === (r.base & mask) >>> 0) return r.label;
  }
  return undefined;
}

function v6Blocked(g: number[]): string | undefined {
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  const v4At = (i: number) => ((g[i]! << 16) | g[i + 1]!) >>> 0;
  if (zeros(0, 8)) return "unspecified (::)";
  if (zeros(0, 7) && g[7] === 1) return "loopback (::1)";
  // IPv4-mapped (::ffff:a.b.c.d) and the deprecated IPv4-compatible (::a.b.c.d) form.
  if (zeros(0, 5) && (g[5] === 0xffff || g[5] === 0)) return v4Blocked(v4At(6));
  // NAT64 (64:ff9b::/96) reaches the embedded IPv4 address.
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return v4Blocked(v4At(6));
  // 6to4 (2002::/16) carries an IPv4 address in bits 16..47.
  if (g[0] === 0x2002) return v4Blocked(v4At(1));
  if ((g[0]! & 0xfe00) === 0xfc00) return "unique local (fc00::/7)";
  if ((g[0]! & 0xffc0) === 0xfe80) return "link-local (fe80::/10)";
  if ((g[0]! & 0xffc0) === 0xfec0) return "site-local (fec0::/10)";
  if ((g[0]! & 0xff00) === 0xff00) return "multicast (ff00::/8)";
  return undefined;
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
