/**
 * The playground page end to end in a real browser: Debian's Chromium
 * (scripts/setup-chromium.sh; never a downloaded browser) driven by
 * playwright-core against the real Node server on a fresh database. A user
 * opens `/playground` without a key, types the key, uploads two Markdown files
 * and watches them complete, searches with AND/OR tag filters, asks a question
 * and sees the answer grow while it streams, then opens a citation; follows an
 * answer's [n] to the highlighted sentence, downloads the original, sees a failed
 * upload's error; and opens /docs with every request off this server blocked.
 * Screenshots land in test-artifacts/.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiServer, startApiServer } from "../../helpers/api.js";
import { type FakeOpenAI, startFakeOpenAI } from "../../helpers/fake-openai.js";
import {
  POOLS_MD,
  type SlowRelay,
  SOUP_MD,
  startSlowRelay,
  uploadThroughPage,
  waitForText,
} from "../../helpers/playground-page.js";
import { ensureSdkBuilt } from "../../helpers/sdk-build.js";

const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = "test-artifacts";
const API_KEY = "playground-key-5d1e8a3c";
const REPLY = "The service creates one database pool per instance and reuses it, so connections never fan out.";
let openai: FakeOpenAI;
let relay: SlowRelay;
let api: ApiServer;
let browser: Browser;
let page: Page;
/** Console errors and uncaught exceptions in the page (a CSP violation shows up here). */
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: run scripts/setup-chromium.sh (as root) to install Debian's Chromium.`);
  }
  await ensureSdkBuilt(); // the page imports public/playground/client.mjs
  openai = await startFakeOpenAI({ reply: () => REPLY });
  relay = await startSlowRelay(openai.baseURL, 120);
  api = await startApiServer({
    API_KEYS: API_KEY,
    GENERATION_PROVIDER: "openai",
    GENERATION_MODEL: "fake-chat",
    OPENAI_BASE_URL: relay.baseURL,
  });
  // Playwright gives every launch a fresh temporary profile (--user-data-dir) and deletes it on close.
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(20_000);
  page.on("pageerror", (error) => pageErrors.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    // Chromium logs every non-2xx fetch; the 401 before the key is typed is expected and shown in the page.
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
      pageErrors.push(message.text());
    }
  });
  mkdirSync(ARTIFACTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await api?.close();
  await relay?.close();
  await openai?.close();
});

describe("GET /playground", () => {
  it("serves static files without a key, locked down by a CSP that allows only this origin's files", async () => {
    const res = await fetch(`${api.url}/playground`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    const html = await res.text();
    const scripts = [...html.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts).toEqual(["/playground/answer.js", "/playground/app.js"]);
    // No inline script (the CSP would block it) and nothing loaded from elsewhere: it works offline.
    expect(html).not.toMatch(/<script>|<script [^>]*>[^<]/);
    expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//);
    for (const file of [...scripts, "/playground/style.css"]) {
      const asset = await fetch(`${api.url}${file}`);
      expect(asset.status, file).toBe(200);
      expect(asset.headers.get("x-content-type-options")).toBe("nosniff");
      const code = await asset.text();
      // Server text only ever reaches the page as text nodes.
      expect(code).not.toMatch(/\binnerHTML\b|\bouterHTML\b|insertAdjacentHTML|document\.write/);
    }
    // The exemption is for the page only; the data behind it still needs the key.
    expect((await fetch(`${api.url}/indexes`)).status).toBe(401);
  });
});

describe("the playground in Chromium", () => {
  it("asks for the key when the server needs one, and remembers it", async () => {
    await page.goto(`${api.url}/playground`);
    const notice = page.locator("#notice");
    await notice.waitFor({ state: "visible" });
    expect(await notice.textContent()).toMatch(/API key/);

    await page.getByLabel("API key").fill(API_KEY);
    await page.getByLabel("API key").press("Tab");
    await notice.waitFor({ state: "hidden" });
    await page.getByLabel("Index", { exact: true }).fill("Playground Docs");
    await page.getByLabel("Index", { exact: true }).press("Tab");

    await page.reload();
    expect(await page.getByLabel("API key").inputValue()).toBe(API_KEY);
    expect(await page.getByLabel("Index", { exact: true }).inputValue()).toBe("Playground Docs");
    expect(await page.locator("#notice").isHidden()).toBe(true);
  });

  it("uploads files and shows their status until they complete", async () => {
    await uploadThroughPage(page, "pools.md", POOLS_MD, "topic:db, lang:en", "pools");
    await uploadThroughPage(page, "soup.md", SOUP_MD, "topic:cooking", "soup");
    const completed = page.locator('#uploads li[data-state="completed"]');
    await page.waitForFunction(() => document.querySelectorAll('#uploads li[data-state="completed"]').length === 2);
    expect(await completed.count()).toBe(2);
    expect(await page.locator("#uploads").textContent()).toContain("playground-docs / pools");
    expect(await page.locator('#uploads li[data-state="failed"]').count()).toBe(0);
    // The documents list refreshes when an upload completes.
    await page.waitForFunction(() => document.querySelectorAll("#documents li").length === 2);
  });

  it("searches with a filter (AND inside, OR across) and shows the matching documents", async () => {
    await page.getByLabel("Query").fill("database pool connections");
    await page.getByLabel("Filter 1, tag 1 key").fill("topic");
    await page.getByLabel("Filter 1, tag 1 value").fill("db");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await waitForText(page, "#search-summary", /found|No results/);
    expect(await page.locator("#search-summary").textContent()).toMatch(/^1 document found/);
    const results = page.locator("#search-results details.citation");
    expect(await results.count()).toBe(1);
    expect(await results.first().locator("summary").textContent()).toContain("pools.md");

    // A second filter is OR-ed with the first: now the soup document matches too.
    await page.getByRole("button", { name: "Add OR filter", exact: true }).click();
    await page.getByLabel("Filter 2, tag 1 key").fill("topic");
    await page.getByLabel("Filter 2, tag 1 value").fill("cooking");
    expect(await page.locator("#filters-json").textContent()).toBe('[{"topic":["db"]},{"topic":["cooking"]}]');
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await waitForText(page, "#search-summary", /^2 documents found/);
    const names = await page.locator("#search-results summary .name").allTextContents();
    expect(names.sort()).toEqual(["pools.md", "soup.md"]);

    // Tags inside one filter are AND-ed: topic:db AND lang:fr matches nothing.
    await page.locator("fieldset.filter").nth(1).getByRole("button", { name: "Remove filter", exact: true }).click();
    await page.getByRole("button", { name: "Add tag (AND)", exact: true }).click();
    await page.getByLabel("Filter 1, tag 2 key").fill("lang");
    await page.getByLabel("Filter 1, tag 2 value").fill("fr");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await waitForText(page, "#search-summary", /^No results/);

    await page.getByLabel("Filter 1, tag 2 value").fill("en");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await waitForText(page, "#search-summary", /^1 document found/);
  });

  it("renders the streamed answer as it arrives and expands a citation on click", async () => {
    // Record every state the answer passes through, to tell a streamed answer from one painted at the end.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { answerSnapshots: string[] }).answerSnapshots = seen;
      const answer = document.getElementById("answer")!;
      new MutationObserver(() => {
        seen.push(`${answer.getAttribute("data-state")}|${answer.textContent}`);
      }).observe(answer, { subtree: true, childList: true, characterData: true, attributes: true });
    });
    await page.getByLabel("Question").fill("How many database pools does the service create?");
    await page.getByRole("button", { name: "Ask", exact: true }).click();
    await page.locator('#answer[data-state="done"]').waitFor();

    expect(await page.locator("#answer-text").textContent()).toBe(REPLY);
    const snapshots = await page.evaluate(() => (window as unknown as { answerSnapshots: string[] }).answerSnapshots);
    const partial = snapshots
      .filter((s) => s.startsWith("streaming|"))
      .map((s) => s.slice("streaming|".length))
      .filter((text) => text !== "" && text !== REPLY && REPLY.startsWith(text));
    expect(partial.length, `answer states seen: ${JSON.stringify(snapshots)}`).toBeGreaterThanOrEqual(3);
    expect(pageErrors).toEqual([]);

    const citation = page.locator("#answer-sources details.citation").first();
    await citation.waitFor();
    expect(await citation.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    expect(await citation.locator(".partition-text").first().isVisible()).toBe(false);
    await citation.locator("summary").click();
    expect(await citation.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
    const text = citation.locator(".partition-text").first();
    expect(await text.isVisible()).toBe(true);
    expect(await text.textContent()).toContain("one database pool per instance");
    expect(await citation.locator(".partition-relevance").first().textContent()).toMatch(/^relevance -?\d\.\d{3}$/);

    await page.screenshot({ path: `${ARTIFACTS}/playground.png` });
    await page.screenshot({ path: `${ARTIFACTS}/playground-full.png`, fullPage: true });
  });

  it("links each [n] of an extractive answer to its source, marks the quoted sentence, lists no sources twice", async () => {
    // A generator that refuses the request: the answer falls back to quoting the sources (extractive).
    openai.failNext(1, { status: 400, message: "refused by the test" });
    await page.getByLabel("Question").fill("How many database pools does the service create per instance?");
    await page.getByRole("button", { name: "Ask", exact: true }).click();
    await page.locator('#answer[data-state="done"]').waitFor();
    const answer = (await page.locator("#answer-text").textContent()) ?? "";
    expect(answer).toContain("one database pool per instance");
    // The API's plain-text "Sources:" list is not repeated above the Sources panel.
    expect(answer).not.toContain("Sources:");
    const markers = page.locator("#answer-text a.cite");
    expect(await markers.count()).toBeGreaterThanOrEqual(1);
    expect(await markers.first().textContent()).toBe("[1]");

    const source = page.locator("#source-1 details.citation");
    expect(await source.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    await markers.first().click();
    expect(await source.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
    const mark = page.locator("#source-1 mark.quoted").first();
    await mark.waitFor();
    expect(await mark.textContent()).toMatch(/^The service creates one database pool per instance.*never fan out/s);
    await page.screenshot({ path: `${ARTIFACTS}/playground-citation.png` });

    // The original file, downloaded with the key through GET /download.
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.locator("#source-1").getByRole("button", { name: "Download original" }).click(),
    ]);
    expect(download.suggestedFilename()).toBe("pools.md");
    const saved = await download.path();
    expect(readFileSync(saved, "utf8")).toBe(POOLS_MD);
    expect(pageErrors).toEqual([]);
  });

  it("lists a failed upload with the step and the error", async () => {
    await uploadThroughPage(page, "broken.pdf", "%PDF-1.7 this is not a PDF", "topic:db", "broken");
    await page.locator('#uploads li[data-state="failed"]').waitFor();
    expect(await page.locator('#uploads li[data-state="failed"]').textContent()).toContain("Failed at step extract");
    await page.getByRole("button", { name: "Refresh", exact: true }).click();
    const listed = page.locator('#documents li[data-state="failed"]');
    await listed.waitFor();
    await page.waitForFunction(() =>
      /Failed at step extract/.test(
        document.querySelector('#documents li[data-state="failed"] .why')?.textContent ?? "",
      ),
    );
    expect(await listed.locator(".name").textContent()).toBe("broken.pdf");
  });

  it("fits a narrow screen without sideways scrolling", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${ARTIFACTS}/playground-narrow.png`, fullPage: true });
    expect(pageErrors).toEqual([]);
  });
});

describe("GET /docs", () => {
  it("renders the API reference with every request outside this server blocked", async () => {
    const blocked: string[] = [];
    const docs = await browser.newPage();
    docs.on("pageerror", (error) => pageErrors.push(`docs pageerror: ${error.message}`));
    await docs.route("**/*", (route) => {
      if (route.request().url().startsWith(api.url)) return route.continue();
      blocked.push(route.request().url());
      return route.abort();
    });
    // The key the playground stored (same origin): the reference sends it for /openapi.json.
    await docs.goto(`${api.url}/playground`);
    await docs.evaluate((key) => localStorage.setItem("serverless-memory.apiKey", key), API_KEY);
    await docs.goto(`${api.url}/docs`);
    await docs.locator(".swagger-ui .info .title").waitFor();
    expect(await docs.locator(".swagger-ui .info .title").textContent()).toContain("serverless-memory");
    const paths = await docs.locator(".opblock-summary-path").allTextContents();
    for (const path of ["/upload", "/upload-status", "/health", "/jobs/run", "/sources", "/download"]) {
      expect(paths.map((p) => p.replace(/\u200b/g, ""))).toContain(path);
    }
    expect(blocked).toEqual([]);
    await docs.screenshot({ path: `${ARTIFACTS}/docs.png` });
    await docs.close();
    expect(pageErrors).toEqual([]);
  });
});
