/**
 * @module
 * The playground test's page actions and documents (test/node/http/playground.test.ts), and a relay that
 * slows the fake model's stream so the page paints an answer before it is complete.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Page } from "playwright-core";

export const POOLS_MD = `# Database pools

The service creates one database pool per instance and reuses it across requests,
so connections never fan out, even under load.
`;

export const SOUP_MD = `# Tomato soup

Simmer tomatoes with onion and garlic for twenty minutes, then blend until smooth.
`;

export async function uploadThroughPage(
  page: Page,
  name: string,
  content: string | Uint8Array,
  tags: string,
  documentId: string,
): Promise<void> {
  // The browser's guess at a type: the server decides by the file name's extension first.
  const mimeType = typeof content === "string" ? "text/markdown" : "application/octet-stream";
  await page.getByLabel("File", { exact: true }).setInputFiles({ name, mimeType, buffer: Buffer.from(content) });
  await page.getByLabel("Tags", { exact: true }).fill(tags);
  await page.getByLabel("Document id", { exact: true }).fill(documentId);
  await page.getByRole("button", { name: "Upload", exact: true }).click();
}

export async function waitForText(page: Page, selector: string, pattern: RegExp): Promise<void> {
  await page.waitForFunction(
    ([sel, source, flags]) => new RegExp(source!, flags).test(document.querySelector(sel!)?.textContent ?? ""),
    [selector, pattern.source, pattern.flags],
  );
}

export type SlowRelay = { baseURL: string; close(): Promise<void> };

/**
 * Sits between the server and the OpenAI stand-in and passes a streamed
 * completion on one event at a time, `delayMs` apart. The stand-in writes its
 * whole stream at once; spacing the events out is what lets the test see the
 * page paint an answer before it is complete, as it would with a real model.
 */
export async function startSlowRelay(targetBaseURL: string, delayMs: number): Promise<SlowRelay> {
  const target = new URL(targetBaseURL);
  const server: Server = createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const headers = new Headers();
      for (const name of ["authorization", "content-type", "accept"]) {
        const value = req.headers[name];
        if (typeof value === "string") headers.set(name, value);
      }
      const upstream = await fetch(new URL(req.url ?? "/", target.origin), {
        method: req.method ?? "GET",
        headers,
        ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
      });
      const type = upstream.headers.get("content-type") ?? "application/json";
      res.writeHead(upstream.status, { "content-type": type });
      const body = await upstream.text();
      if (!type.startsWith("text/event-stream")) {
        res.end(body);
        return;
      }
      for (const event of body.split("\n\n").filter((e) => e.trim() !== "")) {
        res.write(`${event}\n\n`);
        await new Promise((r) => setTimeout(r, delayMs));
      }
      res.end();
    })().catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}${target.pathname}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
