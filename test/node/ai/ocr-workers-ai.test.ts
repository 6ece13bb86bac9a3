/**
 * The Workers AI OCR provider (issue #23, the ingestion Worker's OCR) at the extraction layer, against a local
 * vision model that reads the pixels it is sent with tesseract.js (test/helpers/fake-vision-ai.ts), through an
 * `env.AI`-shaped binding: browser-rendered PNG and JPEG sentences and a scanned PDF page come back as their
 * text; the documented input shape (a `data:` URI in an `image_url` part, the verbatim-text prompt) is what is
 * sent; the caps hold before any call (an oversized header, TIFF); a transient failure is retried, one that
 * persists fails as a retryable `upstream` error and a permanent one as permanent; the deadline aborts a call
 * that hangs. And the configuration that wires it: `OCR_PROVIDER=workers-ai` needs the `AI` binding.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorkersAIOcr, OCR_PROMPT, WORKERS_AI_OCR_MODEL } from "../../../lib/ai/workers-ai-ocr.js";
import { parseConfig } from "../../../lib/config/env.js";
import { extract } from "../../../lib/extract/index.js";
import { DEFAULT_LIMITS } from "../../../lib/extract/limits.js";
import { nodeRuntime } from "../../../lib/runtime/node.js";
import { workersExtractServices } from "../../../lib/runtime/workers-ocr.js";
import { hugePngHeader } from "../../helpers/attack-images.js";
import { type FakeVisionAI, startFakeVisionAI } from "../../helpers/fake-vision-ai.js";
import { failNextVisionRuns, fakeVisionBinding, resetVision, visionCalls } from "../../helpers/fake-vision-binding.js";
import { pdfOfPages, pngToTiff } from "../../helpers/ocr-fixtures.js";

const FAST = { maxRetries: 2, initialDelayMs: 5, maxDelayMs: 20 };

let vision: FakeVisionAI;
let png: Uint8Array;
let jpeg: Uint8Array;

beforeAll(async () => {
  vision = await startFakeVisionAI();
  png = new Uint8Array(await (await fetch(`${vision.url}/image/0.png`)).arrayBuffer());
  jpeg = new Uint8Array(await (await fetch(`${vision.url}/image/1.jpg`)).arrayBuffer());
}, 120_000);

afterAll(async () => {
  await vision?.close();
});

const engine = (retry = FAST) => createWorkersAIOcr({ binding: fakeVisionBinding(vision.url), retry });

const words = (text: string) => text.toLowerCase().match(/[a-z]+/g) ?? [];

describe("Workers AI OCR provider", () => {
  it("reads a PNG and a JPEG through the binding with the documented input and the verbatim-text prompt", async () => {
    await resetVision(vision.url);
    const ocr = engine();
    const first = await extract({ bytes: png, fileName: "ships.png" }, DEFAULT_LIMITS, { ocr });
    expect(first.sections).toHaveLength(1);
    expect(words(first.sections[0]!.text)).toEqual(expect.arrayContaining(["lighthouse", "keeper", "ships"]));
    expect(await visionCalls(vision.url)).toEqual({ calls: 1, lastPrompt: OCR_PROMPT, lastImageType: "image/png" });
    const second = await extract({ bytes: jpeg, fileName: "jam.jpg" }, DEFAULT_LIMITS, { ocr });
    expect(words(second.sections[0]!.text)).toEqual(expect.arrayContaining(["marmalade", "thursday"]));
    expect(await visionCalls(vision.url)).toMatchObject({ calls: 2, lastImageType: "image/jpeg" });
    expect(WORKERS_AI_OCR_MODEL).toBe("@cf/meta/llama-3.2-11b-vision-instruct");
  });

  it("reads a scanned PDF page, the page's image sent as PNG, cited as its page", async () => {
    await resetVision(vision.url);
    const pdf = await pdfOfPages([{ text: "A typed cover page about harbour records." }, { png }]);
    const out = await extract({ bytes: pdf, fileName: "scan.pdf" }, DEFAULT_LIMITS, { ocr: engine() });
    const scanned = out.sections.find((s) => s.sectionNumber === 2);
    expect(words(scanned?.text ?? "")).toEqual(expect.arrayContaining(["lighthouse", "seven"]));
    expect(await visionCalls(vision.url)).toMatchObject({ calls: 1, lastImageType: "image/png" });
  });

  it("refuses an oversized header and a TIFF before any call", async () => {
    await resetVision(vision.url);
    const ocr = engine();
    await expect(
      extract({ bytes: hugePngHeader(), fileName: "huge.png" }, DEFAULT_LIMITS, { ocr }),
    ).rejects.toMatchObject({
      name: "LimitExceeded",
      message: expect.stringMatching(/30000 × 30000 pixels .*MAX_IMAGE_PIXELS/),
    });
    await expect(
      extract({ bytes: pngToTiff(png), fileName: "scan.tif" }, DEFAULT_LIMITS, { ocr }),
    ).rejects.toMatchObject({
      name: "ExtractionFailed",
      permanent: true,
      message: expect.stringMatching(/"scan.tif".*reads PNG and JPEG images, not TIFF/),
    });
    expect((await visionCalls(vision.url)).calls).toBe(0);
  });

  it("retries a transient failure; one that persists fails as retryable upstream, a permanent one as permanent", async () => {
    await resetVision(vision.url);
    await failNextVisionRuns(vision.url, 1, 3040, "Capacity temporarily exceeded, please try again.");
    const recovered = await extract({ bytes: png, fileName: "a.png" }, DEFAULT_LIMITS, { ocr: engine() });
    expect(words(recovered.sections[0]!.text)).toContain("lighthouse");
    expect((await visionCalls(vision.url)).calls).toBe(2);

    await resetVision(vision.url);
    await failNextVisionRuns(vision.url, 10, 3040, "Capacity temporarily exceeded, please try again.");
    await expect(extract({ bytes: png, fileName: "b.png" }, DEFAULT_LIMITS, { ocr: engine() })).rejects.toMatchObject({
      name: "OcrFailed",
      kind: "upstream",
      permanent: false,
      message: expect.stringMatching(
        /OCR through Workers AI \(@cf\/meta\/llama-3.2-11b-vision-instruct\) failed: 3040/,
      ),
    });
    expect((await visionCalls(vision.url)).calls).toBe(FAST.maxRetries + 1);

    await resetVision(vision.url);
    await failNextVisionRuns(vision.url, 10, 5007, "No such model");
    const pdf = await pdfOfPages([{ png }]);
    await expect(extract({ bytes: pdf, fileName: "c.pdf" }, DEFAULT_LIMITS, { ocr: engine() })).rejects.toMatchObject({
      name: "OcrFailed",
      permanent: true,
      message: expect.stringMatching(/5007: No such model/),
    });
    expect((await visionCalls(vision.url)).calls).toBe(1);
  });

  it("aborts a call that outlives OCR_TIMEOUT_MS and fails the document on that cap", async () => {
    let aborted = false;
    const hanging = {
      run: (_model: string, _inputs: Record<string, unknown>, options?: Record<string, unknown>) =>
        new Promise((_, reject) => {
          const signal = options?.signal as AbortSignal;
          signal.addEventListener("abort", () => {
            aborted = true;
            reject(new DOMException("aborted", "AbortError"));
          });
        }),
    };
    const ocr = createWorkersAIOcr({ binding: hanging });
    const limits = { ...DEFAULT_LIMITS, ocrTimeoutMs: 1_000 };
    await expect(extract({ bytes: png, fileName: "slow.png" }, limits, { ocr })).rejects.toMatchObject({
      name: "LimitExceeded",
      message: expect.stringMatching(/OCR_TIMEOUT_MS/),
    });
    expect(aborted).toBe(true);
  });
});

describe("OCR_PROVIDER", () => {
  const binding = () => fakeVisionBinding("http://127.0.0.1:9");

  it("workers-ai hands the ingestion Worker an engine when the AI binding is there, and fails at startup without", () => {
    const config = parseConfig({ OCR_PROVIDER: "workers-ai" });
    expect(workersExtractServices(config, { AI: binding() }).ocr).toBeDefined();
    expect(() => workersExtractServices(config, {})).toThrow(
      /binding "AI" must be configured .*OCR_PROVIDER=workers-ai/,
    );
  });

  it("gives no engine by default or with OCR_ENABLED=false, even with the binding", () => {
    expect(workersExtractServices(parseConfig({}), { AI: binding() })).toEqual({});
    const off = parseConfig({ OCR_PROVIDER: "workers-ai", OCR_ENABLED: "false" });
    expect(workersExtractServices(off, { AI: binding() })).toEqual({});
  });

  it("is refused by Node, whose engine is tesseract, and rejects unknown values", () => {
    expect(() => nodeRuntime().ingestion(parseConfig({ OCR_PROVIDER: "workers-ai" }), {})).toThrow(
      /OCR_PROVIDER=workers-ai runs on the ingestion Worker only/,
    );
    expect(() => parseConfig({ OCR_PROVIDER: "paddle" })).toThrow(/OCR_PROVIDER must be one of tesseract, workers-ai/);
  });
});
