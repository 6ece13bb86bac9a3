/**
 * @module
 * OCR through Cloudflare Workers AI, for the ingestion Worker (workerd has no OCR engine of its own): a vision
 * model behind the `AI` binding is asked for the verbatim text of one PNG or JPEG. The default model,
 * `@cf/meta/llama-3.2-11b-vision-instruct`, takes a chat `messages` list whose user turn carries the image as an
 * `image_url` part with a `data:` URI (HTTP URLs are refused) and answers `{ response }`
 * (developers.cloudflare.com/workers-ai/models/llama-3.2-11b-vision-instruct; the binding's typings in
 * @cloudflare/workers-types). A model summarises unless told otherwise, so the prompt asks for the text only,
 * at temperature 0. TIFF is not an input these models document: it is refused before any call.
 *
 * The engine fits extraction's `OcrEngine` by shape (capabilities do not import each other); the caps stay with
 * extraction: `MAX_IMAGE_PIXELS` is checked from the header before `recognize` is called, `MAX_OCR_PAGES` counts
 * the calls and `OCR_TIMEOUT_MS` races them, and `reset()` aborts what is still running. Transient failures are
 * retried here (the same classification as the embedder's); what remains becomes an `OcrFailed`, kind
 * `upstream`, whose `permanent` says whether the job should try again.
 *
 * @example
 * const ocr = createWorkersAIOcr({ binding: env.AI });
 * const text = await ocr.recognize(pngBytes);
 */
import { AppError } from "../errors.js";
import { AiConfigError, describeFailure, isAbortError } from "./errors.js";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry.js";
import {
  isRetryableWorkersAIError,
  isWorkersAIBinding,
  type WorkersAIBinding,
  withRetries,
} from "./workers-ai-binding.js";

export const WORKERS_AI_OCR_MODEL = "@cf/meta/llama-3.2-11b-vision-instruct";

/** Room for a dense page of text (~1,000 tokens) with margin; the model's default (256) would cut it off. */
const MAX_TOKENS = 2048;

export const OCR_PROMPT =
  "Transcribe all of the text in this image exactly as it is written, in reading order, one line of output per " +
  "line of text. Output only that text: no description of the image, no introduction, no commentary, no " +
  "translation and no formatting. If the image contains no text, output nothing.";

/** A remote OCR provider failed on an image; `permanent` when trying again cannot help. */
export class OcrFailed extends AppError {
  override readonly name = "OcrFailed";
  constructor(
    message: string,
    readonly engine: string,
    permanent: boolean,
    options: { cause?: unknown } = {},
  ) {
    super("upstream", message, { permanent, ...options });
  }
}

export type WorkersAIOcrOptions = {
  binding: WorkersAIBinding;
  model?: string;
  retry?: Partial<RetryPolicy>;
};

export type WorkersAIOcr = {
  readonly id: string;
  recognize(image: Uint8Array): Promise<string>;
  reset(): Promise<void>;
};

export function createWorkersAIOcr(opts: WorkersAIOcrOptions): WorkersAIOcr {
  if (!isWorkersAIBinding(opts.binding)) throw new AiConfigError("the Workers AI OCR provider needs the AI binding");
  const model = opts.model ?? WORKERS_AI_OCR_MODEL;
  const binding = withRetries(opts.binding, { ...DEFAULT_RETRY_POLICY, ...opts.retry });
  const id = `workers-ai:${model}`;
  const running = new Set<AbortController>();
  return {
    id,
    async recognize(image) {
      const type = imageType(image);
      if (type === "image/tiff") {
        throw new AppError(
          "unprocessable",
          "the Workers AI OCR provider reads PNG and JPEG images, not TIFF (the Node server's OCR reads TIFF); convert it to PNG",
        );
      }
      const abort = new AbortController();
      running.add(abort);
      let answer: unknown;
      try {
        answer = await binding.run(
          model,
          {
            messages: [
              {
                role: "user",
                content: [
                  { type: "text", text: OCR_PROMPT },
                  { type: "image_url", image_url: { url: `data:${type ?? "image/png"};base64,${toBase64(image)}` } },
                ],
              },
            ],
            max_tokens: MAX_TOKENS,
            temperature: 0,
          },
          { signal: abort.signal },
        );
      } catch (error) {
        if (abort.signal.aborted || isAbortError(error)) throw error;
        const permanent = !isRetryableWorkersAIError(lastErrorOf(error));
        throw new OcrFailed(
          `OCR through Workers AI (${model}) failed: ${describeFailure(error).detail}`,
          id,
          permanent,
          {
            cause: error,
          },
        );
      } finally {
        running.delete(abort);
      }
      const response = (answer as { response?: unknown } | null)?.response;
      if (typeof response !== "string") {
        throw new OcrFailed(`OCR through Workers AI (${model}) answered no \`response\` text`, id, false);
      }
      return response;
    },
    async reset() {
      for (const abort of running) abort.abort();
      running.clear();
    },
  };
}

/** The retry loop wraps the last failure; whether to try the job again depends on that one. */
function lastErrorOf(error: unknown): unknown {
  const last = (error as { lastError?: unknown } | null)?.lastError;
  return last ?? error;
}

/** The media type from the first bytes (extraction has already read the header; this only labels the data URI). */
function imageType(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return "image/png";
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "image/jpeg";
  const tiffLE = bytes[0] === 0x49 && bytes[1] === 0x49 && bytes[2] === 0x2a && bytes[3] === 0;
  const tiffBE = bytes[0] === 0x4d && bytes[1] === 0x4d && bytes[2] === 0 && bytes[3] === 0x2a;
  return tiffLE || tiffBE ? "image/tiff" : undefined;
}

/** Base64 without Node's Buffer (workerd), in slices so no argument list grows with the image. */
function toBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; i += 0x8000) {
    parts.push(String.fromCharCode(...bytes.subarray(i, i + 0x8000)));
  }
  return btoa(parts.join(""));
}
