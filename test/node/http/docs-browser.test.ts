/**
 * `/docs` with `API_KEYS` set, in a real browser (Debian's Chromium through
 * playwright-core, as test/node/http/playground.test.ts), for a visitor who never
 * typed a key into the playground (issue #20 item 4): the reference loads the
 * public `/openapi.json`, offers Authorize, and a try-it-out call made after
 * authorizing with a key succeeds. Every request off this server is blocked.
 */
import { existsSync, mkdirSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiServer, startApiServer } from "../../helpers/api.js";

const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = "test-artifacts";
const API_KEY = "docs-browser-key-7c21e9";

let api: ApiServer;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: run scripts/setup-chromium.sh (as root) to install Debian's Chromium.`);
  }
  api = await startApiServer({ API_KEYS: API_KEY });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
  mkdirSync(ARTIFACTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await api?.close();
});

describe("/docs with API_KEYS set", () => {
  it("serves its API description without a key, and nothing else", async () => {
    const doc = await fetch(`${api.url}/openapi.json`);
    expect(doc.status).toBe(200);
    const body = (await doc.json()) as { paths: Record<string, unknown>; components: { securitySchemes: object } };
    expect(Object.keys(body.paths)).toContain("/search");
    expect(body.components.securitySchemes).toHaveProperty("ApiKey");
    expect((await fetch(`${api.url}/indexes`)).status).toBe(401);
  });

  it("loads the reference for a visitor with no stored key, and try-it-out works after Authorize", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(20_000);
    const errors: string[] = [];
    const blocked: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.route("**/*", (route) => {
      if (route.request().url().startsWith(api.url)) return route.continue();
      blocked.push(route.request().url());
      return route.abort();
    });
    const indexCalls: Array<{ status: number; authorization: string | undefined }> = [];
    page.on("response", (res) => {
      if (new URL(res.url()).pathname === "/indexes") {
        indexCalls.push({ status: res.status(), authorization: res.request().headers().authorization });
      }
    });

    await page.goto(`${api.url}/docs`);
    await page.locator(".swagger-ui .info .title").waitFor();
    expect(await page.locator(".swagger-ui .info .title").textContent()).toContain("serverless-memory");
    expect(await page.getByText("Failed to load API definition").count()).toBe(0);
    const paths = (await page.locator(".opblock-summary-path").allTextContents()).map((p) => p.replace(/\u200b/g, ""));
    expect(paths).toContain("/indexes");

    await page.locator(".auth-wrapper .authorize").click();
    await page.locator(".auth-container input").first().fill(API_KEY);
    await page.locator(".auth-btn-wrapper .authorize").click();
    await page.locator(".auth-btn-wrapper .btn-done").click();

    const operation = page.locator(".opblock-get", {
      has: page.locator('.opblock-summary-path[data-path="/indexes"]'),
    });
    await operation.locator(".opblock-summary").click();
    await operation.locator(".try-out__btn").click();
    await operation.locator(".execute").click();
    await operation.locator(".live-responses-table .response-col_status").first().waitFor();
    expect(indexCalls).toEqual([{ status: 200, authorization: API_KEY }]);
    await page.screenshot({ path: `${ARTIFACTS}/docs-authorize.png` });
    await page.close();
    expect(blocked).toEqual([]);
    expect(errors).toEqual([]);
  });
});
