/**
 * @module
 * A local stand-in for a Workers AI vision model, for the OCR provider's tests (the real one is a paid remote
 * service): an HTTP server on 127.0.0.1 that
 *
 * - `GET /image/<n>.png` (and `.jpg`): sentence `n` of `SENTENCES`, rendered by Debian's Chromium as in the Node
 *   OCR tests (`ocr-fixtures.ts`), made on first request;
 * - `POST /run/<model>`: takes the inputs `@cf/meta/llama-3.2-11b-vision-instruct` documents (a `messages` list
 *   whose user turn holds a text part and an `image_url` part with a `data:` URI) and answers `{ response }`
 *   with the text tesseract.js reads in that image, so what is found comes from the pixels sent, not from a
 *   lookup; malformed inputs get Workers AI's 400 with code 5006;
 * - `GET /calls`, `POST /fail` (the next runs fail with a code), `POST /reset`.
 *
 * The binding that talks to it is `fake-vision-binding.ts`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tesseractOcr } from "../../lib/extract/ocr-tesseract.js";
import { type Rendered, renderSentences } from "./ocr-fixtures.js";

export const SENTENCES = [
  "The lighthouse keeper counted seven quiet ships",
  "Marmalade shipments arrive every Thursday morning",
];

export type FakeVisionAI = { url: string; close(): Promise<void> };

type Part = { type?: string; text?: string; image_url?: { url?: string } };

async function readBody(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return Buffer.concat(parts).toString("utf8");
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

export async function startFakeVisionAI(): Promise<FakeVisionAI> {
  let rendered: Promise<Rendered[]> | undefined;
  let state = { calls: 0, lastPrompt: undefined as string | undefined, lastImageType: undefined as string | undefined };
  let failures: { count: number; code: number; message: string } | undefined;

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://x");
    const image = /^\/image\/(\d+)\.(png|jpg)$/.exec(url.pathname);
    if (req.method === "GET" && image) {
      rendered ??= renderSentences(SENTENCES);
      const one = (await rendered)[Number(image[1])];
      if (!one) return send(res, 404, {});
      res.writeHead(200, { "content-type": image[2] === "png" ? "image/png" : "image/jpeg" });
      return res.end(image[2] === "png" ? one.png : one.jpeg);
    }
    if (req.method === "GET" && url.pathname === "/calls") return send(res, 200, state);
    if (req.method === "POST" && url.pathname === "/reset") {
      state = { calls: 0, lastPrompt: undefined, lastImageType: undefined };
      failures = undefined;
      return send(res, 200, {});
    }
    if (req.method === "POST" && url.pathname === "/fail") {
      failures = JSON.parse(await readBody(req));
      return send(res, 200, {});
    }
    if (req.method === "POST" && url.pathname.startsWith("/run/")) {
      state.calls++;
      const inputs = JSON.parse(await readBody(req)) as { messages?: Array<{ role?: string; content?: unknown }> };
      if (failures && failures.count > 0) {
        failures.count--;
        return send(res, 500, { errors: [{ code: failures.code, message: failures.message }] });
      }
      const parts = (inputs.messages ?? []).flatMap((m) => (Array.isArray(m.content) ? (m.content as Part[]) : []));
      const prompt = parts.find((p) => p.type === "text")?.text;
      const dataUri = /^data:(image\/[a-z]+);base64,(.+)$/s.exec(
        parts.find((p) => p.type === "image_url")?.image_url?.url ?? "",
      );
      if (!prompt || !dataUri) {
        return send(res, 400, {
          errors: [{ code: 5006, message: "a text part and an image_url data URI are required" }],
        });
      }
      state.lastPrompt = prompt;
      state.lastImageType = dataUri[1];
      const text = await tesseractOcr.recognize(new Uint8Array(Buffer.from(dataUri[2]!, "base64")));
      return send(res, 200, { result: { response: text.trim(), tool_calls: [] }, success: true });
    }
    send(res, 404, {});
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => send(res, 500, { errors: [{ code: 5000, message: String(error) }] }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await tesseractOcr.reset();
    },
  };
}
