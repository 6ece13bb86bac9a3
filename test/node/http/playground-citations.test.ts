/**
 * Citations that locate, in the playground (Debian's Chromium, as in playground.test.ts): a spreadsheet written
 * by exceljs is uploaded through the page, and the passage search finds in it is shown with its worksheet's name
 * ("sheet Budget"), read from the citation's content type and the partition's `__sect_name` tag.
 */
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type ApiServer, startApiServer } from "../../helpers/api.js";
import { budgetWorkbook } from "../../helpers/office-files.js";
import { uploadThroughPage } from "../../helpers/playground-page.js";

const CHROMIUM = "/usr/bin/chromium";
let api: ApiServer;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/setup-chromium.sh (as root).`);
  api = await startApiServer();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
});

afterAll(async () => {
  await browser?.close();
  await api?.close();
});

it("shows a spreadsheet passage with its worksheet's name", async () => {
  const page = await browser.newPage();
  page.setDefaultTimeout(20_000);
  await page.goto(`${api.url}/playground`);
  await uploadThroughPage(page, "budget.xlsx", await budgetWorkbook(), "", "budget");
  await page.locator('#uploads li[data-state="completed"]').waitFor();
  await page.getByLabel("Query").fill("foghorn repair cost");
  await page.getByRole("button", { name: "Search", exact: true }).click();
  const budget = page.locator("#search-results details.citation", { hasText: "budget.xlsx" });
  await budget.waitFor();
  expect(await budget.locator(".partition-head").first().textContent()).toMatch(/Partition \d+ · sheet Budget/);
});
