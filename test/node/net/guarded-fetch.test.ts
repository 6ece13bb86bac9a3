/**
 * The fetch guard sources go through, against a real local server. With
 * SOURCE_ALLOW_PRIVATE off it refuses schemes, credentials and non-public
 * targets before any connection is made (the fetch and the resolver are spies
 * that must stay untouched), and re-checks every redirect hop. Size, time and
 * content-type limits hold against a server that misbehaves. Traffic stays on
 * 127.0.0.1: "public" names are mapped onto the local server by the spies.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../../lib/config/env.js";
import { validateNewSource } from "../../../lib/contract/source-input.js";
import { blockedRange } from "../../../lib/net/address.js";
import { FetchFailed, FetchRefused } from "../../../lib/net/errors.js";
import { type GuardOptions, guardedFetch } from "../../../lib/net/guarded-fetch.js";
import { type FakeSite, startFakeSite } from "../../helpers/fake-site.js";

let site: FakeSite;
/** Every URL the guard actually asked to fetch. */
let fetched: string[];
let looked: string[];

/** `public.test` resolves to a public address (93.184.216.0/24, not documentation space, which is blocked) and is served by the fake site. */
const PUBLIC = "http://public.test";

beforeAll(async () => {
  site = await startFakeSite();
  site.put("/page", { body: "<html><body><p>Hello</p></body></html>", type: "text/html; charset=utf-8" });
  site.put("/image.png", { body: new Uint8Array([0x89, 0x50, 0x4e, 0x47]), type: "image/png" });
  site.put("/big", { body: "x".repeat(200_000), type: "text/plain" });
  site.put("/slow", { body: "late", type: "text/plain", delayMs: 2_000 });
  site.put("/feed.xml", { body: "<rss><channel/></rss>", type: "application/rss+xml" });
  site.put("/broken", { body: "oops", type: "text/plain", status: 500 });
});

afterAll(async () => {
  await site?.close();
});

beforeEach(() => {
  fetched = [];
  looked = [];
  site.resetCounts();
});

const spyFetch: typeof fetch = (input, init) => {
  const url = String(input);
  fetched.push(url);
  return fetch(url.replace(PUBLIC, site.url), init);
};

const lookup = async (host: string) => {
  looked.push(host);
  if (host === "public.test") return ["93.184.216.10"];
  if (host === "intranet.test") return ["10.20.30.40"];
  if (host === "mixed.test") return ["93.184.216.11", "fd00::1"];
  throw new Error("ENOTFOUND");
};

const strict = (extra: Partial<GuardOptions> = {}): GuardOptions => ({
  accept: "document",
  maxBytes: 64 * 1024,
  timeoutMs: 5_000,
  allowPrivate: false,
  fetch: spyFetch,
  lookup,
  ...extra,
});
const loose = (extra: Partial<GuardOptions> = {}) => strict({ allowPrivate: true, ...extra });

async function refused(url: string, opts: GuardOptions, reason: RegExp): Promise<FetchRefused> {
  const error = await guardedFetch(url, opts).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FetchRefused);
  expect((error as FetchRefused).reason).toMatch(reason);
  return error as FetchRefused;
}

describe("refused before any connection", () => {
  it.each([
    ["file:///etc/passwd", /only http and https/],
    ["ftp://public.test/file.txt", /only http and https/],
    ["http://user:secret@public.test/page", /credentials/],
    ["http://169.254.169.254/latest/meta-data/", /link-local/],
    ["http://10.0.0.1/", /private \(10\/8\)/],
    ["http://172.16.5.4/", /private/],
    ["http://192.168.0.1/", /private/],
    ["http://100.64.0.1/", /carrier-grade NAT/],
    ["http://127.0.0.1/", /loopback/],
    ["http://0.0.0.0/", /this network/],
    ["http://2130706433/", /loopback/], // 127.0.0.1 as one number: URL parsing normalises it first
    ["http://[::1]/", /loopback/],
    ["http://[fd00::1]/", /unique local/],
    ["http://[fe80::1]/", /link-local/],
    ["http://[::ffff:10.0.0.1]/", /private/],
    ["http://localhost:8080/", /localhost/],
    ["http://intranet.test/", /resolves to 10\.20\.30\.40/],
    ["http://mixed.test/", /resolves to fd00::1/],
  ])("%s", async (url, reason) => {
    await refused(url, strict(), reason);
    expect(fetched).toEqual([]);
    expect(site.totalHits()).toBe(0);
  });

  it("IP literals are judged without DNS; names are resolved, and every address must be public", async () => {
    await refused("http://10.0.0.1/", strict(), /private/);
    expect(looked).toEqual([]);
    await refused("http://mixed.test/", strict(), /unique local/);
    expect(looked).toEqual(["mixed.test"]);
  });

  it("a name that does not resolve fails without a request", async () => {
    const error = await guardedFetch("http://nowhere.test/", strict()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FetchFailed);
    expect(fetched).toEqual([]);
  });

  it("creating a source applies the same URL rules (400 material)", () => {
    expect(() => validateNewSource({ url: "http://169.254.169.254/", kind: "page" }, false)).toThrow(/link-local/);
    expect(() => validateNewSource({ url: "file:///etc/passwd", kind: "page" }, true)).toThrow(/http and https/);
    expect(() => validateNewSource({ url: "https://u:p@example.com/", kind: "page" }, true)).toThrow(/credentials/);
    expect(validateNewSource({ url: "https://Example.com/a#frag", kind: "feed" }, false)).toMatchObject({
      url: "https://example.com/a",
      index: "default",
      intervalSeconds: 3600,
    });
  });

  it("private targets are refused by default; the limits default to 10 MiB and 15 s", () => {
    expect(parseConfig({})).toMatchObject({
      SOURCE_ALLOW_PRIVATE: false,
      SOURCE_MAX_BYTES: 10 * 1024 * 1024,
      SOURCE_FETCH_TIMEOUT_MS: 15_000,
    });
  });

  it("classifies addresses", () => {
    expect(blockedRange("93.184.216.34")).toBeUndefined();
    expect(blockedRange("2606:4700::1111")).toBeUndefined();
    expect(blockedRange("172.32.0.1")).toBeUndefined();
    expect(blockedRange("100.128.0.1")).toBeUndefined();
    expect(blockedRange("64:ff9b::a9fe:a9fe")).toMatch(/link-local/); // NAT64 of 169.254.169.254
    expect(blockedRange("2002:0a00:0001::")).toMatch(/private/); // 6to4 of 10.0.0.1
  });
});

describe("redirects", () => {
  it("a redirect to a private address is refused at that hop, before connecting to it", async () => {
    await refused(`${PUBLIC}/to?location=http://10.0.0.1/admin`, strict(), /private/);
    expect(fetched).toEqual([`${PUBLIC}/to?location=http://10.0.0.1/admin`]);
    await refused(`${PUBLIC}/to?location=http://169.254.169.254/`, strict(), /link-local/);
    await refused(`${PUBLIC}/to?location=file:///etc/passwd`, strict(), /only http and https/);
    await refused(`${PUBLIC}/to?location=http://intranet.test/`, strict(), /resolves to 10\./);
  });

  it("more than 5 redirects are refused after exactly 6 requests", async () => {
    await refused(`${PUBLIC}/loop/0`, strict(), /more than 5 redirects/);
    expect(site.totalHits()).toBe(6);
  });

  it("5 redirects are followed, with the guard applied to each hop, and the final URL reported", async () => {
    let url = `${PUBLIC}/page`;
    for (let i = 0; i < 5; i++) url = `${PUBLIC}/to?location=${encodeURIComponent(url)}`;
    const got = await guardedFetch(url, strict());
    expect(got).toMatchObject({ status: 200, url: `${PUBLIC}/page`, contentType: "text/html" });
    expect(looked).toHaveLength(6);
    expect(site.totalHits()).toBe(6);
  });
});

describe("limits", () => {
  it("a declared oversize body is refused without reading it", async () => {
    await refused(`${site.url}/big`, loose(), /200000 bytes, over the limit/);
  });

  it("an undeclared endless body is cut off while streaming, not after", async () => {
    await refused(`${site.url}/endless`, loose(), /over the limit of 65536/);
    await new Promise((r) => setTimeout(r, 200));
    // The server would send 64 MiB; the guard hung up after its limit (plus what was in flight).
    expect(site.endlessBytesSent()).toBeLessThan(16 * 1024 * 1024);
  });

  it("a content type outside the allow-list is refused, per kind of source", async () => {
    await refused(`${site.url}/image.png`, loose(), /'image\/png' is not allowed/);
    await refused(`${site.url}/page`, loose({ accept: "listing" }), /'text\/html' is not allowed/);
    await refused(`${site.url}/feed.xml`, loose(), /'application\/rss\+xml' is not allowed/);
    expect((await guardedFetch(`${site.url}/feed.xml`, loose({ accept: "listing" }))).status).toBe(200);
  });

  it("a server slower than the time limit fails with a timeout", async () => {
    const started = Date.now();
    const error = await guardedFetch(`${site.url}/slow`, loose({ timeoutMs: 300 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FetchFailed);
    expect((error as FetchFailed).reason).toMatch(/timed out after 300 ms/);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it("HTTP errors are failures with their status", async () => {
    const error = await guardedFetch(`${site.url}/broken`, loose()).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "FetchFailed", status: 500 });
  });

  it("validators turn into a 304 without a body", async () => {
    const first = await guardedFetch(`${site.url}/page`, loose());
    if (first.status !== 200) throw new Error("expected 200");
    expect(first.etag).toBeTruthy();
    const again = await guardedFetch(`${site.url}/page`, loose({ validators: { etag: first.etag } }));
    expect(again.status).toBe(304);
  });
});
